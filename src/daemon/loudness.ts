// `mixd loudness FILE`: programme loudness of a WAV file per ITU-R BS.1770 / EBU R128, with the engine's
// own meter (integrated, loudness range, true and sample peak, max momentary and short-term).
import fs from 'node:fs';
import { decodeWav } from '../engine/io/wav.js';
import { channelLabels } from '../engine/loudness/channel-labels.js';
import type { LoudnessReadings } from '../engine/loudness/loudness-meter.js';
import { measureLoudness } from '../engine/loudness/measure.js';

export interface LoudnessReport {
  /** LUFS */
  integrated: number;
  /** LU */
  lra: number;
  /** dBTP */
  truePeak: number;
  /** dBFS */
  samplePeak: number;
  /** LUFS */
  momentaryMax: number;
  /** LUFS */
  shortTermMax: number;
}

function report(r: LoudnessReadings): LoudnessReport {
  const { integrated, lra, truePeak, samplePeak, momentaryMax, shortTermMax } = r;
  return { integrated, lra, truePeak, samplePeak, momentaryMax, shortTermMax };
}

/** Reads and measures a WAV file; a file that cannot be read or decoded comes back as a one-line error. */
export function measureLoudnessFile(
  file: string,
): { ok: true; value: LoudnessReport } | { ok: false; error: string } {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    return { ok: false, error: `${file}: cannot read file: ${(err as Error).message}` };
  }
  const wav = decodeWav(bytes);
  if (!wav.ok) return { ok: false, error: `${file}: ${wav.error}` };
  const { sampleRate, channels, channelMask } = wav.value;
  const labels = channelLabels(channels.length, channelMask);
  return { ok: true, value: report(measureLoudness(sampleRate, channels, labels)) };
}

const fixed1 = (v: number): string => (v === -Infinity ? '-inf' : v.toFixed(1));

/** Human-readable report, one decimal as EBU Mode displays. */
export function formatLoudnessText(r: LoudnessReport): string {
  return [
    `Integrated:     ${fixed1(r.integrated)} LUFS`,
    `Loudness range: ${fixed1(r.lra)} LU`,
    `True peak:      ${fixed1(r.truePeak)} dBTP`,
    `Sample peak:    ${fixed1(r.samplePeak)} dBFS`,
    `Max momentary:  ${fixed1(r.momentaryMax)} LUFS`,
    `Max short-term: ${fixed1(r.shortTermMax)} LUFS`,
    '',
  ].join('\n');
}

/** JSON report: full-precision numbers, null where the value is −∞ (silence, too short). */
export function formatLoudnessJson(r: LoudnessReport): string {
  return JSON.stringify(r, (_key, v: unknown) => (v === -Infinity ? null : v), 2) + '\n';
}
