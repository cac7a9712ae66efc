// mixd's loudness meter against ffmpeg 5.1's ebur128 filter as an independent peer, on programme-like
// 2.0 and 5.1 signals written to WAV and measured by both (through mixd's file path: decoder, channel
// mask, labels). Compared: integrated ±0.02 LU (ffmpeg gates on a 0.01 LU histogram), LRA ±0.1 LU, true
// peak ±0.1 dB, sample peak ±0.01 dB. Max M/S are not compared: ffmpeg evaluates them on a 100 ms grid
// (engine.md §4.7).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/engine/io/wav.js';
import { measureLoudnessFile } from '../../src/daemon/loudness.js';

const FFMPEG = '/usr/bin/ffmpeg';
const FS = 48000;
let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixd-loudness-ffmpeg-'));
});

afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

/** Final values of ffmpeg's ebur128 metadata (last 100 ms frame; peaks are running maxima, linear). */
function ffmpegEbur128(file: string): Map<string, number> {
  const meta = path.join(dir, `${path.basename(file)}.meta.txt`);
  execFileSync(
    FFMPEG,
    [
      ...['-nostats', '-hide_banner', '-i', file],
      ...['-af', `ebur128=metadata=1:peak=true+sample,ametadata=mode=print:file=${meta}`],
      ...['-f', 'null', '-'],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const values = new Map<string, number>();
  for (const line of fs.readFileSync(meta, 'utf8').split('\n')) {
    const m = /^lavfi\.r128\.([\w.]+)=(-?[\d.]+)$/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return values;
}

function maxOfKeys(values: Map<string, number>, prefix: string): number {
  let max = 0;
  for (const [k, v] of values) if (k.startsWith(prefix)) max = Math.max(max, v);
  return max;
}

const SEGMENT_SECONDS = 6;

/**
 * One channel of a programme-like signal: three sines (below 3 kHz, so the 4× interpolator reads peaks
 * within a few hundredths of a dB of ffmpeg's 192 kHz resampler) whose level steps through `levels` (dBFS,
 * −∞ for silence), one per 6 s, with 20 ms raised-cosine transitions (hard steps would ring).
 * Segments are twice the 3 s short-term window so the LRA percentiles fall on settled values: ffmpeg picks
 * element round(n·p) where Tech 3342's reference picks round((n − 1)·p + 1), one element apart, which only
 * agree where neighbouring short-term values do.
 */
function programme(levels: number[], tones: [hz: number, amp: number][]): Float32Array {
  const segFrames = SEGMENT_SECONDS * FS;
  const ramp = Math.round(0.02 * FS);
  const gains = levels.map((db) => (db === -Infinity ? 0 : Math.pow(10, db / 20)));
  const out = new Float32Array(levels.length * segFrames);
  for (let n = 0; n < out.length; n++) {
    const seg = Math.floor(n / segFrames);
    const into = n - seg * segFrames;
    const prev = gains[Math.max(0, seg - 1)]!;
    const cur = gains[seg]!;
    const w = into < ramp ? 0.5 - 0.5 * Math.cos((Math.PI * into) / ramp) : 1;
    let x = 0;
    for (const [hz, amp] of tones) x += amp * Math.sin((2 * Math.PI * hz * n) / FS + hz);
    out[n] = (prev + (cur - prev) * w) * x;
  }
  return out;
}

const shifted = (levels: number[], db: number): number[] => levels.map((l) => l + db);

function compare(file: string, channels: Float32Array[]): void {
  fs.writeFileSync(file, encodeWav({ sampleRate: FS, channels }, 'float32'));
  const ours = measureLoudnessFile(file);
  if (!ours.ok) throw new Error(ours.error);
  const ff = ffmpegEbur128(file);
  const r = ours.value;
  expect(Math.abs(r.integrated - ff.get('I')!), `I ${r.integrated} vs ${ff.get('I')}`).toBeLessThanOrEqual(
    0.02,
  );
  expect(Math.abs(r.lra - ff.get('LRA')!), `LRA ${r.lra} vs ${ff.get('LRA')}`).toBeLessThanOrEqual(0.1);
  const ffTp = 20 * Math.log10(ff.get('true_peak')!);
  expect(Math.abs(r.truePeak - ffTp), `TP ${r.truePeak} vs ${ffTp}`).toBeLessThanOrEqual(0.1);
  const ffSp = 20 * Math.log10(maxOfKeys(ff, 'sample_peaks_ch'));
  expect(Math.abs(r.samplePeak - ffSp), `SP ${r.samplePeak} vs ${ffSp}`).toBeLessThanOrEqual(0.01);
  // The signals are built to exercise the gates and a real range, not a trivial constant tone.
  expect(r.lra).toBeGreaterThan(5);
}

describe('loudness against ffmpeg ebur128', () => {
  // Each programme opens below the absolute gate (−80), has levels the relative gates drop, and ends silent.
  it('2.0 programme (plain WAV, layout by channel count)', () => {
    const levels = [-80, -30, -9, -22, -1, -16, -38, -6, -Infinity];
    const l = programme(levels, [
      [220, 0.5],
      [1375, 0.3],
      [2900, 0.2],
    ]);
    const r = programme(shifted(levels, -2), [
      [330, 0.45],
      [1900, 0.35],
      [2500, 0.2],
    ]);
    compare(path.join(dir, 'stereo.wav'), [l, r]);
  });

  it('5.1 programme (extensible WAV, mask FL FR FC LFE BL BR; LFE excluded, surrounds × 1.41)', () => {
    const levels = [-80, -25, -4, -18, -32, -10, -Infinity];
    const channels = [
      programme(levels, [
        [180, 0.5],
        [1200, 0.3],
        [2700, 0.2],
      ]),
      programme(shifted(levels, -2), [
        [260, 0.5],
        [1500, 0.3],
        [2300, 0.2],
      ]),
      programme(shifted(levels, 1), [
        [300, 0.6],
        [900, 0.3],
        [2000, 0.1],
      ]),
      programme(shifted(levels, 3), [
        [45, 0.6],
        [70, 0.35],
      ]),
      programme(shifted(levels, -4), [
        [400, 0.5],
        [1100, 0.3],
        [2600, 0.2],
      ]),
      programme(shifted(levels, -5), [
        [500, 0.5],
        [1700, 0.3],
        [2800, 0.2],
      ]),
    ];
    compare(path.join(dir, 'surround.wav'), channels);
  });
});
