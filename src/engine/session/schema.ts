// Mix session schema. Pure (no I/O): the config loader and `mixd render` both feed parsed YAML/JSON in here.
// Validation runs in two stages: every field on its own (all problems reported at once), then — only when the
// fields are all valid — the checks across sections (names, references, routing loops; cross-checks.ts),
// after which the defaults that depend on other sections are filled in (resolve.ts).
import { z } from 'zod';
import { PAN_LAWS } from '../dsp/pan-law.js';
import { BusesSchema, MasterSchema } from './bus-schema.js';
import { crossCheck } from './cross-checks.js';
import { MAX_INPUT_CHANNEL, oneOf, strictSection } from './fields.js';
import type { ChannelLabel } from './formats.js';
import { MuteGroupsSchema, RouteGroupsSchema, VcasSchema } from './group-schema.js';
import { MonitorSchema } from './monitor-schema.js';
import { resolveSession } from './resolve.js';
import { StripsSchema } from './strip-schema.js';

export {
  MAX_FADER_DB,
  MAX_INPUT_CHANNEL,
  booleanFlag,
  faderDb,
  hasIssueAt,
  integerIn,
  numberIn,
  oneOf,
  strictSection,
} from './fields.js';
export { MAX_STRIPS } from './strip-schema.js';

const SessionShapeSchema = strictSection(
  {
    version: z.literal(1, { error: '1 (the session format version)' }),
    panLaw: oneOf(PAN_LAWS).default('-3dB'),
    strips: StripsSchema,
    buses: BusesSchema.default([]),
    // prefault: an absent section is parsed as {} so its own field defaults apply.
    master: MasterSchema.prefault({}),
    vcas: VcasSchema,
    muteGroups: MuteGroupsSchema,
    routeGroups: RouteGroupsSchema,
    monitor: MonitorSchema.prefault({}),
  },
  'a mapping of session settings (version, strips, buses, master, ...)',
);

/** A session whose every field is valid, before the cross-section checks and defaults. */
export type SessionShape = z.output<typeof SessionShapeSchema>;

export const SessionSchema = SessionShapeSchema.transform((shape, ctx) => {
  const issues = crossCheck(shape);
  if (issues.length === 0) return resolveSession(shape);
  ctx.issues.push(...issues);
  return z.NEVER;
});

type StripShape = SessionShape['strips'][number];
export type Send = Omit<StripShape['sends'][number], 'pan'> & { pan: number };
export interface StripOutput {
  bus: string;
  labels: ChannelLabel[];
}
export type Strip = Omit<StripShape, 'output' | 'sends'> & { output: StripOutput; sends: Send[] };
export type Bus = Omit<SessionShape['buses'][number], 'output'> & { output: string | null };
export type Master = SessionShape['master'];
export type Vca = SessionShape['vcas'][number];
export type MuteGroup = SessionShape['muteGroups'][number];
export type RouteGroup = SessionShape['routeGroups'][number];
export type Monitor = Omit<SessionShape['monitor'], 'source'> & { source: string };
export type PanLaw = SessionShape['panLaw'];
export type Session = Omit<SessionShape, 'strips' | 'buses' | 'monitor'> & {
  strips: Strip[];
  buses: Bus[];
  monitor: Monitor;
};
export type SessionInput = z.input<typeof SessionSchema>;

/** `strips` mono strips "In 1".."In n" on inputs 1..n at unity and centre into a stereo master at 0 dB. */
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
