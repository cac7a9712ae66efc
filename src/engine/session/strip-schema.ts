// A channel strip as the session describes it: input, trim, polarity, processing, pan/width, fader, solo
// flags, where it goes (output bus and labels), direct out and sends. Checks here only need the strip itself;
// references to buses and strips are resolved by cross-checks.ts.
import { z } from 'zod';
import {
  MAX_INPUT_CHANNEL,
  booleanFlag,
  faderDb,
  hasIssueAt,
  integerIn,
  issue,
  nameField,
  numberIn,
  oneOf,
  outputChannel,
  strictSection,
  uniqueNamesCheck,
} from './fields.js';
import { CHANNEL_LABELS } from './formats.js';
import { CompSchema, EqSchema, GateSchema, HpfSchema } from './strip-processing-schema.js';

export const MAX_STRIPS = 128;
export const MAX_SENDS = 64;
export const SEND_TAPS = ['input', 'pre-eq', 'post-eq', 'pre-fader', 'post-fader'] as const;

const POLARITY_EXPECTED = 'true or false, or a pair of them [left, right] for a stereo strip';
const polarity = z.custom<boolean | [boolean, boolean]>(
  (v) =>
    typeof v === 'boolean' || (Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'boolean')),
  { error: POLARITY_EXPECTED },
);

// bus and labels are optional here: their defaults (the master; L/R, or M on a mono bus) depend on the
// destination bus, so they are filled in once the whole session is known.
const StripOutputSchema = strictSection(
  {
    bus: z.string({ error: 'the name of the bus the strip feeds' }).min(1).optional(),
    labels: z
      .array(oneOf(CHANNEL_LABELS), {
        error: 'a list of 1 or 2 channel labels of the output bus (the strip pans between them)',
      })
      .min(1)
      .max(2)
      .optional(),
  },
  'a mapping with bus and labels',
).check((ctx) => {
  const [a, b] = ctx.value.labels ?? [];
  if (a !== undefined && a === b) {
    ctx.issues.push(issue(['labels', 1], b, `a label other than labels[0] ("${a}")`));
  }
});

const DirectOutSchema = strictSection(
  {
    channel: outputChannel,
    tap: oneOf(['pre-fader', 'post-fader']).default('post-fader'),
  },
  'a mapping with channel and tap, or null',
)
  .nullable()
  .default(null);

const SendSchema = strictSection(
  {
    bus: z.string({ error: 'the name of the bus to send to' }).min(1),
    levelDb: faderDb.default(0),
    on: booleanFlag.default(true),
    tap: oneOf(SEND_TAPS).default('post-fader'),
    // Optional here so a pan on a bus that cannot use it is reported; filled in (centre) afterwards.
    pan: numberIn(-1, 1).optional(),
  },
  'a mapping of send settings (bus, levelDb, on, tap, pan)',
);

const SendsSchema = z
  .array(SendSchema, { error: `a list of up to ${MAX_SENDS} sends` })
  .max(MAX_SENDS)
  .check((ctx) => {
    // Two sends from one strip to one bus would just add up; almost certainly a copy-paste slip.
    const seen = new Map<string, number>();
    ctx.value.forEach((send, j) => {
      if (hasIssueAt(ctx.issues, j, 'bus')) return;
      const first = seen.get(send.bus);
      if (first === undefined) seen.set(send.bus, j);
      else
        ctx.issues.push(
          issue([j, 'bus'], send.bus, `a bus not already sent to (sends[${first}] sends to it)`),
        );
    });
  });

export const StripSchema = strictSection(
  {
    // Optional here: the default "Strip N" depends on the strip's position, filled in by StripsSchema.
    name: nameField.optional(),
    format: oneOf(['mono', 'stereo']).default('mono'),
    input: integerIn(1, MAX_INPUT_CHANNEL, `an input channel between 1 and ${MAX_INPUT_CHANNEL}`),
    trimDb: numberIn(-20, 20).default(0),
    polarity: polarity.default(false),
    hpf: HpfSchema.prefault({}),
    eq: EqSchema.prefault({}),
    gate: GateSchema.prefault({}),
    comp: CompSchema.prefault({}),
    pan: numberIn(-1, 1).default(0),
    width: numberIn(-1, 1).optional(),
    faderDb: faderDb.default(0),
    mute: booleanFlag.default(false),
    solo: booleanFlag.default(false),
    soloSafe: booleanFlag.default(false),
    soloIsolate: booleanFlag.default(false),
    output: StripOutputSchema.prefault({}),
    directOut: DirectOutSchema,
    sends: SendsSchema.default([]),
  },
  'a mapping of strip settings',
)
  .check((ctx) => {
    const s = ctx.value;
    if (s.format === 'mono') {
      if (Array.isArray(s.polarity)) {
        ctx.issues.push(issue(['polarity'], s.polarity, 'true or false (a mono strip has one channel)'));
      }
      if (s.width !== undefined) {
        ctx.issues.push(issue(['width'], s.width, 'no width (width applies to stereo strips only)'));
      }
    }
    // A stereo strip reads `input` and `input + 1`, so the pair must fit on the device.
    if (s.format === 'stereo' && s.input >= MAX_INPUT_CHANNEL && !hasIssueAt(ctx.issues, 'input')) {
      ctx.issues.push(
        issue(
          ['input'],
          s.input,
          `an input channel between 1 and ${MAX_INPUT_CHANNEL - 1} (a stereo strip also uses input + 1)`,
        ),
      );
    }
  })
  .transform(({ polarity: p, width, ...rest }) => {
    const channels = rest.format === 'stereo' ? 2 : 1;
    return {
      ...rest,
      // One flag per channel, so the engine never has to ask which form the file used.
      polarity: typeof p === 'boolean' ? Array.from({ length: channels }, () => p) : [...p],
      width: width ?? 1,
    };
  });

const defaultStripName = (index: number): string => `Strip ${index + 1}`;

export const StripsSchema = z
  .array(StripSchema, { error: `a list of 1 to ${MAX_STRIPS} strips` })
  .min(1)
  .max(MAX_STRIPS)
  .check((ctx) => {
    // Surfaces and OSC address strips by name, so names (explicit or defaulted) must be unique.
    const names = ctx.value.map((s, i) =>
      hasIssueAt(ctx.issues, i, 'name') ? undefined : (s.name ?? defaultStripName(i)),
    );
    ctx.issues.push(...uniqueNamesCheck('strip', 'strips', names));
  })
  .transform((strips) => strips.map((s, i) => ({ ...s, name: s.name ?? defaultStripName(i) })));
