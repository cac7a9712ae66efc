// Mix session schema. Pure (no I/O): the config loader and `mixd render` both feed parsed YAML/JSON in here.
// Every leaf carries its own "expected ..." wording as the zod error message, so the loader can print
// precise one-line errors without second-guessing zod's generic texts.
import { z } from 'zod';

export const MAX_STRIPS = 128;
export const MAX_INPUT_CHANNEL = 64;
export const MAX_FADER_DB = 10;

/** Strict object whose error reads "<what>" for a wrong type, or "one of: <keys>" for an unknown key. */
export function strictSection<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `one of: ${known}` : what),
  });
}

/** Finite number in [min, max]; the same message covers wrong type and out-of-range. */
export function numberIn(min: number, max: number, expected = `a number between ${min} and ${max}`) {
  return z.number({ error: expected }).min(min).max(max);
}

export function integerIn(min: number, max: number, expected = `an integer between ${min} and ${max}`) {
  return z.number({ error: expected }).int().min(min).max(max);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
}

/** Cross-field checks still run after non-fatal issues (e.g. out of range); this keeps them from
 * stacking a second, conflicting message on a field that is already reported. */
export function hasIssueAt(
  issues: readonly { path?: readonly PropertyKey[] | undefined }[],
  ...prefix: PropertyKey[]
): boolean {
  return issues.some((iss) => prefix.every((key, i) => iss.path?.[i] === key));
}

export const booleanFlag = z.boolean({ error: 'true or false' });

// YAML spells minus infinity `-.inf` (parses to -Infinity); JSON cannot, so the string "-inf" stands in.
// z.number() rejects infinities, hence the hand-written check.
const FADER_EXPECTED = `a level in dB between -inf and ${MAX_FADER_DB} (a number, or "-inf")`;
export const faderDb = z.preprocess(
  (v) => (v === '-inf' ? -Infinity : v),
  z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v) && v <= MAX_FADER_DB, {
    error: FADER_EXPECTED,
  }),
);

const defaultStripName = (index: number): string => `Strip ${index + 1}`;

export const StripSchema = strictSection(
  {
    // Optional here: the default "Strip N" depends on the strip's position, filled in by StripsSchema.
    name: z.string({ error: 'a name of 1 to 64 characters' }).min(1).max(64).optional(),
    format: oneOf(['mono', 'stereo']).default('mono'),
    input: integerIn(1, MAX_INPUT_CHANNEL, `an input channel between 1 and ${MAX_INPUT_CHANNEL}`),
    gainDb: numberIn(-20, 20).default(0),
    faderDb: faderDb.default(0),
    pan: numberIn(-1, 1).default(0),
    mute: booleanFlag.default(false),
  },
  'a mapping of strip settings',
).check((ctx) => {
  // A stereo strip reads `input` and `input + 1`, so the pair must fit on the device.
  const s = ctx.value;
  if (s.format === 'stereo' && s.input >= MAX_INPUT_CHANNEL && !hasIssueAt(ctx.issues, 'input')) {
    ctx.issues.push({
      code: 'custom',
      path: ['input'],
      input: s.input,
      message: `an input channel between 1 and ${MAX_INPUT_CHANNEL - 1} (a stereo strip also uses input + 1)`,
    });
  }
});

const StripsSchema = z
  .array(StripSchema, { error: `a list of 1 to ${MAX_STRIPS} strips` })
  .min(1)
  .max(MAX_STRIPS)
  .check((ctx) => {
    // Surfaces and OSC address strips by name, so names (explicit or defaulted) must be unique.
    const seen = new Map<string, number>();
    ctx.value.forEach((s, i) => {
      if (hasIssueAt(ctx.issues, i, 'name')) return;
      const name = s.name ?? defaultStripName(i);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else
        ctx.issues.push({
          code: 'custom',
          path: [i, 'name'],
          input: name,
          message: `a unique strip name (strips[${first}] already uses it)`,
        });
    });
  })
  .transform((strips) => strips.map((s, i) => ({ ...s, name: s.name ?? defaultStripName(i) })));

export const MasterSchema = strictSection(
  {
    faderDb: faderDb.default(0),
    mute: booleanFlag.default(false),
  },
  'a mapping of master settings',
);

export const SessionSchema = strictSection(
  {
    version: z.literal(1, { error: '1 (the session format version)' }),
    strips: StripsSchema,
    // prefault: an absent master is parsed as {} so its own field defaults apply.
    master: MasterSchema.prefault({}),
  },
  'a mapping with version, strips and master',
);

export type Session = z.output<typeof SessionSchema>;
export type SessionInput = z.input<typeof SessionSchema>;
export type Strip = Session['strips'][number];
export type Master = Session['master'];

/** `strips` mono strips "In 1".."In n" on inputs 1..n at unity and centre; master at 0 dB. */
export function defaultSession(strips = 8): Session {
  if (!Number.isInteger(strips) || strips < 1 || strips > MAX_INPUT_CHANNEL) {
    throw new RangeError(`defaultSession: strips must be an integer between 1 and ${MAX_INPUT_CHANNEL}`);
  }
  // Parsed rather than built by hand so the defaults live in one place (the schema).
  return SessionSchema.parse({
    version: 1,
    strips: Array.from({ length: strips }, (_, i) => ({ name: `In ${i + 1}`, input: i + 1 })),
  });
}

/** Highest 1-based device input channel the session reads (a stereo strip reads input + 1 too). */
export function sessionInputChannels(s: Session): number {
  let max = 0;
  for (const strip of s.strips) {
    max = Math.max(max, strip.input + (strip.format === 'stereo' ? 1 : 0));
  }
  return max;
}
