// Leaf field schemas shared by every part of the session (and the daemon config). Each carries its own
// "expected ..." wording as the zod error message, so the loader prints precise one-line errors.
import { z } from 'zod';
import { BUS_FORMATS } from './formats.js';

export const MAX_INPUT_CHANNEL = 64;
export const MAX_OUTPUT_CHANNEL = 64;
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
  const quoted = values.map((v) => JSON.stringify(v));
  return z.enum(values, { error: quoted.length === 1 ? quoted.join('') : `one of ${quoted.join(', ')}` });
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

/**
 * A level in dB from −∞ up to `max`. YAML spells minus infinity `-.inf` (parses to -Infinity); JSON cannot,
 * so the string "-inf" stands in. z.number() rejects infinities, hence the hand-written check.
 */
export function levelDbUpTo(max: number) {
  return z.preprocess(
    (v) => (v === '-inf' ? -Infinity : v),
    z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v) && v <= max, {
      error: `a level in dB between -inf and ${max} (a number, or "-inf")`,
    }),
  );
}

export const faderDb = levelDbUpTo(MAX_FADER_DB);

/** Strips, buses, VCAs and groups are addressed by name (surfaces, OSC, routing). */
export const NAME_EXPECTED = 'a name of 1 to 64 characters';
export const nameField = z.string({ error: NAME_EXPECTED }).min(1).max(64);

/**
 * A bus format. Unquoted in YAML, `1.0`, `2.0` and `7.1` are numbers (1, 2, 7.1); they are read as the formats
 * they spell, so users need not quote them.
 */
export const busFormat = z.preprocess(
  (v) =>
    typeof v === 'number' ? (({ 1: '1.0', 2: '2.0', 7.1: '7.1' } as Record<number, string>)[v] ?? v) : v,
  oneOf(BUS_FORMATS),
);

export const outputChannel = integerIn(
  1,
  MAX_OUTPUT_CHANNEL,
  `an output channel between 1 and ${MAX_OUTPUT_CHANNEL}`,
);

/** A custom issue as zod wants it pushed from a check or transform (a type alias: zod's issue type has an
 * index signature, which an interface would not satisfy). */
export type SessionIssue = {
  code: 'custom';
  path: PropertyKey[];
  input: unknown;
  message: string;
};

export function issue(path: PropertyKey[], input: unknown, message: string): SessionIssue {
  return { code: 'custom', path, input, message };
}

/** Pushes "<list>[i] already uses it" for every repeated name in a list (absent names are skipped). */
export function uniqueNamesCheck(what: string, list: string, names: readonly (string | undefined)[]) {
  const out: SessionIssue[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else out.push(issue([i, 'name'], name, `a unique ${what} name (${list}[${first}] already uses it)`));
  });
  return out;
}
