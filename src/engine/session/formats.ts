// Bus channel formats as the session uses them. The formats and their label vectors come from the mix graph
// (graph/channel-format.ts), so the file format and the engine cannot disagree about channel order.
import { CHANNEL_FORMATS, labelsOf, type ChannelFormat, type ChannelLabel } from '../graph/channel-format.js';

export const BUS_FORMATS = CHANNEL_FORMATS;
export type BusFormat = ChannelFormat;
export type { ChannelLabel };

/** Every label a strip's output may name (zod needs the values, the graph only exports the type). */
export const CHANNEL_LABELS = [
  'M',
  'L',
  'R',
  'C',
  'LFE',
  'Ls',
  'Rs',
  'Lss',
  'Rss',
  'Lsr',
  'Rsr',
] as const satisfies readonly ChannelLabel[];

export const busLabels = labelsOf;

export function busChannels(format: BusFormat): number {
  return labelsOf(format).length;
}

/** Formats a Lo/Ro fold-down can take as its source. */
export function isSurround(format: BusFormat): boolean {
  return format === '5.1-film' || format === '5.1-smpte' || format === '7.1';
}

/** Formats in which a send's pan places a signal between two sides. */
export function takesSendPan(format: BusFormat): boolean {
  return format === '1.0' || format === '2.0';
}

/** "2.0: L, R" — how error messages describe a bus's channels. */
export function describeFormat(format: BusFormat): string {
  return `${format}: ${labelsOf(format).join(', ')}`;
}
