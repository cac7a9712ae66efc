// Monitor section math: which bus the monitors play, and the gain matrix from that bus to the 2-channel
// monitor output (Lo/Ro fold-down of surround sources, mono, dim, cut). engine.md §1.1 monitor section,
// §9.1. Control rate: the matrix is rewritten when a setting changes; the audio thread only applies it.
import { dbToGain } from '../dsp/gain.js';
import {
  channelCount,
  writeFoldDownLoRo,
  type ChannelFormat,
  type ChannelMatrix,
  type FoldDownOptions,
} from './channel-format.js';

export const DEFAULT_DIM_DB = -12;
export const MIN_DIM_DB = -40;

export interface MonitorSettings {
  readonly dim: boolean;
  /** Dim depth, clamped to −40 … 0 dB. */
  readonly dimDb: number;
  readonly cut: boolean;
  readonly mono: boolean;
  /** Levels of the Lo/Ro fold-down of a surround source (defaults −3 dB centre and surrounds). */
  readonly foldDown?: FoldDownOptions;
}

export type MonitorSource = 'main' | 'listen';

/** The monitors follow the main mix unless an AFL/PFL listen is active, then only the listen bus (Ardour). */
export function monitorSource(listening: boolean): MonitorSource {
  return listening ? 'listen' : 'main';
}

/**
 * Writes the 2 × channelCount(source) matrix (row-major, rows = monitor L, R) into `out` at `offset`:
 * gain · Mono · FoldDown. FoldDown is the Lo/Ro fold-down (identity for a 2.0 source); Mono puts (L + R)/2
 * on both sides, the sum scaled by 1/channels as Ardour's monitor processor does, so a centred source
 * keeps its level; gain is 0 when cut, the dim level when dimmed, else 1. Allocates nothing.
 */
export function writeMonitorMatrix(
  source: ChannelFormat,
  settings: MonitorSettings,
  out: Float64Array,
  offset: number,
): void {
  const cols = channelCount(source);
  writeFoldDownLoRo(source, settings.foldDown ?? {}, out, offset);
  const dimDb = Math.min(0, Math.max(MIN_DIM_DB, settings.dimDb));
  const gain = settings.cut ? 0 : settings.dim ? dbToGain(dimDb) : 1;
  for (let col = 0; col < cols; col++) {
    let left = out[offset + col]!;
    let right = out[offset + cols + col]!;
    if (settings.mono) left = right = (left + right) / 2;
    out[offset + col] = gain * left;
    out[offset + cols + col] = gain * right;
  }
}

/** The monitor matrix as a new ChannelMatrix (see writeMonitorMatrix). */
export function monitorMatrix(source: ChannelFormat, settings: MonitorSettings): ChannelMatrix {
  const cols = channelCount(source);
  const gains = new Float64Array(2 * cols);
  writeMonitorMatrix(source, settings, gains, 0);
  return { rows: 2, cols, gains };
}
