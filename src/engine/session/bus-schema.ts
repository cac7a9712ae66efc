// Buses (aux, foldback, stem, M&E, fold-down) and the master. Checks here only need the bus itself;
// references (output, source) and routing loops are resolved by cross-checks.ts.
import { z } from 'zod';
import {
  booleanFlag,
  busFormat,
  faderDb,
  hasIssueAt,
  issue,
  levelDbUpTo,
  nameField,
  numberIn,
  oneOf,
  outputChannel,
  strictSection,
  uniqueNamesCheck,
} from './fields.js';
import { busChannels, describeFormat, type BusFormat } from './formats.js';

export const MAX_BUSES = 64;
export const BUS_KINDS = ['aux', 'foldback', 'stem', 'me', 'folddown'] as const;
export const STEM_ROLES = ['dialogue', 'music', 'effects', 'other'] as const;

/** Fold-down coefficients default to −3 dB for centre and surrounds (engine.md §1.3, Lo/Ro). */
export const DEFAULT_FOLD_DOWN_DB = -3;

function limiter(onByDefault: boolean) {
  return strictSection(
    {
      on: booleanFlag.default(onByDefault),
      ceilingDbtp: numberIn(-20, 0, 'a ceiling in dBTP between -20 and 0').default(-1),
      releaseMs: numberIn(1, 1000, 'a time in ms between 1 and 1000').default(50),
    },
    'a mapping of limiter settings (on, ceilingDbtp, releaseMs)',
  ).prefault({});
}

const outputs = z
  .array(outputChannel, { error: 'a list of device output channels, one per channel of the bus' })
  .optional();

/** "outputs" must name one device channel per bus channel; reported against the list as a whole. */
function outputsLengthIssue(format: BusFormat, list: readonly number[] | undefined) {
  const n = busChannels(format);
  if (list === undefined || list.length === n) return [];
  const what = n === 1 ? 'a list of 1 device output channel' : `a list of ${n} device output channels`;
  return [issue(['outputs'], list, `${what}, one per channel of the bus (${describeFormat(format)})`)];
}

export const BusSchema = strictSection(
  {
    name: nameField,
    kind: oneOf(BUS_KINDS).default('aux'),
    format: busFormat.default('2.0'),
    role: oneOf(STEM_ROLES).optional(),
    // undefined = the kind's default (aux and stems feed the master, the others feed nothing).
    output: z.string({ error: 'the name of the bus this bus feeds, or null' }).min(1).nullable().optional(),
    outputs,
    faderDb: faderDb.default(0),
    mute: booleanFlag.default(false),
    solo: booleanFlag.default(false),
    soloSafe: booleanFlag.default(false),
    soloIsolate: booleanFlag.default(false),
    limiter: limiter(false),
    source: z.string({ error: 'the name of the 5.1 or 7.1 bus to fold down' }).min(1).optional(),
    centreDb: levelDbUpTo(0).optional(),
    surroundDb: levelDbUpTo(0).optional(),
  },
  'a mapping of bus settings',
)
  .check((ctx) => {
    const b = ctx.value;
    if (hasIssueAt(ctx.issues, 'kind')) return;
    if (b.kind === 'stem' && b.role === undefined && !hasIssueAt(ctx.issues, 'role')) {
      ctx.issues.push(
        issue(['role'], undefined, 'one of "dialogue", "music", "effects", "other" (every stem has a role)'),
      );
    }
    if (b.kind !== 'stem' && b.role !== undefined) {
      ctx.issues.push(issue(['role'], b.role, 'no role (role applies to stem buses only)'));
    }
    if (b.kind === 'folddown') {
      if (b.format !== '2.0' && !hasIssueAt(ctx.issues, 'format')) {
        ctx.issues.push(issue(['format'], b.format, '"2.0" (a fold-down is Lo/Ro stereo)'));
      }
      if (b.source === undefined && !hasIssueAt(ctx.issues, 'source')) {
        ctx.issues.push(issue(['source'], undefined, 'the name of the 5.1 or 7.1 bus to fold down'));
      }
    } else {
      for (const key of ['source', 'centreDb', 'surroundDb'] as const) {
        if (b[key] !== undefined) {
          ctx.issues.push(issue([key], b[key], `no ${key} (${key} applies to folddown buses only)`));
        }
      }
    }
    if (!hasIssueAt(ctx.issues, 'format') && !hasIssueAt(ctx.issues, 'outputs')) {
      ctx.issues.push(...outputsLengthIssue(b.format, b.outputs));
    }
  })
  .transform(({ role, source, centreDb, surroundDb, ...rest }) => ({
    ...rest,
    role: role ?? null,
    source: source ?? null,
    centreDb: centreDb ?? DEFAULT_FOLD_DOWN_DB,
    surroundDb: surroundDb ?? DEFAULT_FOLD_DOWN_DB,
  }));

export const BusesSchema = z
  .array(BusSchema, { error: `a list of up to ${MAX_BUSES} buses` })
  .max(MAX_BUSES)
  .check((ctx) => {
    const names = ctx.value.map((b, i) => (hasIssueAt(ctx.issues, i, 'name') ? undefined : b.name));
    ctx.issues.push(...uniqueNamesCheck('bus', 'buses', names));
  });

export const MasterSchema = strictSection(
  {
    name: nameField.default('master'),
    format: busFormat.default('2.0'),
    faderDb: faderDb.default(0),
    mute: booleanFlag.default(false),
    // On by default: a printmaster is a deliverable, and −1 dBTP is the common delivery ceiling (R128).
    limiter: limiter(true),
    outputs,
  },
  'a mapping of master settings',
)
  .check((ctx) => {
    const m = ctx.value;
    if (!hasIssueAt(ctx.issues, 'format') && !hasIssueAt(ctx.issues, 'outputs')) {
      ctx.issues.push(...outputsLengthIssue(m.format, m.outputs));
    }
  })
  // The master sits on the first device outputs unless told otherwise.
  .transform((m) => ({
    ...m,
    outputs: m.outputs ?? Array.from({ length: busChannels(m.format) }, (_, i) => i + 1),
  }));
