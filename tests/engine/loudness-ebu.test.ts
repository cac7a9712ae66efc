// EBU Mode conformance: every EBU Tech 3341 case that does not need the authentic programmes (#7, #8), and
// Tech 3342 #1–#4, with the specification's tolerances (engine.md §4.4–4.5). Official files where the EBU
// set provides them, synthesised from the specification otherwise; libebur128's published results for
// the official #1 and #2 as a second reference.
import { describe, expect, it } from 'vitest';
import type { SpeakerLabel } from '../../src/engine/dsp/loudness-weights.js';
import type { LoudnessMeter } from '../../src/engine/loudness/loudness-meter.js';
import { measureLoudness } from '../../src/engine/loudness/measure.js';
import { ebuFile, steppedSine, stereoTone, type Segment } from './loudness-signals.js';

const STEREO: SpeakerLabel[] = ['L', 'R'];
const FS = 48000;

function official(name: string): { sampleRate: number; channels: Float32Array[] } {
  const audio = ebuFile(name);
  if (audio === undefined) throw new Error(`official EBU file ${name} missing`);
  return audio;
}

function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual}`).toBeLessThanOrEqual(tolerance);
}

describe('EBU Tech 3341 with the official files', () => {
  // libebur128 tests.c results for these files (engine.md §4.5).
  it.each([
    ['seq-3341-1-16bit.wav', -23, -22.9536],
    ['seq-3341-2-16bit.wav', -33, -32.9599],
  ])('%s: M, S, I = %f ±0.1 LUFS, I matches libebur128 (%f) to ±0.002', (name, expected, libebur128) => {
    const { sampleRate, channels } = official(name);
    const r = measureLoudness(sampleRate, channels, STEREO);
    expectWithin(r.momentary, expected, 0.1, 'M');
    expectWithin(r.shortTerm, expected, 0.1, 'S');
    expectWithin(r.integrated, expected, 0.1, 'I');
    expectWithin(r.integrated, libebur128, 0.002, 'I vs libebur128');
  });

  it('#10 (file meters): max S = −23.0 ±0.1 for each of the 20 files', () => {
    for (let i = 1; i <= 20; i++) {
      const { sampleRate, channels } = official(`seq-3341-10-${i}-24bit.wav`);
      expectWithin(measureLoudness(sampleRate, channels, STEREO).shortTermMax, -23, 0.1, `#10-${i}`);
    }
  });

  it('#12: M = −23.0 ±0.1, constant after 1 s', () => {
    const { sampleRate, channels } = official('seq-3341-12-24bit.wav');
    let checked = 0;
    measureLoudness(sampleRate, channels, STEREO, (m, hop) => {
      if (hop >= 100) {
        expectWithin(m.momentary, -23, 0.1, `M at hop ${hop}`);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(800);
  });

  it('#13 (file meters): max M = −23.0 ±0.1 for each of the 20 files', () => {
    for (let i = 1; i <= 20; i++) {
      const { sampleRate, channels } = official(`seq-3341-13-${i}-24bit.wav`);
      expectWithin(measureLoudness(sampleRate, channels, STEREO).momentaryMax, -23, 0.1, `#13-${i}`);
    }
  });
});

describe('EBU Tech 3341, synthesised per the specification', () => {
  it.each<[string, Segment[]]>([
    [
      '#3',
      [
        [10, -36],
        [60, -23],
        [10, -36],
      ],
    ],
    [
      '#4',
      [
        [10, -72],
        [10, -36],
        [60, -23],
        [10, -36],
        [10, -72],
      ],
    ],
    [
      '#5',
      [
        [20, -26],
        [20.1, -20],
        [20, -26],
      ],
    ],
  ])('%s: I = −23.0 ±0.1 LUFS', (_name, segments) => {
    expectWithin(measureLoudness(FS, stereoTone(segments), STEREO).integrated, -23, 0.1, 'I');
  });

  const fiveChannel = (): Float32Array[] =>
    [-28, -28, -24, -30, -30].map((db) => steppedSine(FS, 1000, [[20, db]]));

  it('#6 (5.0: L R −28, C −24, Ls Rs −30 dBFS): I = −23.0 ±0.1 LUFS', () => {
    const r = measureLoudness(FS, fiveChannel(), ['L', 'R', 'C', 'Ls', 'Rs']);
    expectWithin(r.integrated, -23, 0.1, 'I');
  });

  it('#6 as 5.1 with a −6 dBFS LFE: the LFE is excluded, I = −23.0 ±0.1 LUFS', () => {
    const [l, r, c, ls, rs] = fiveChannel();
    const lfe = steppedSine(FS, 60, [[20, -6]]);
    const result = measureLoudness(FS, [l!, r!, c!, lfe, ls!, rs!], ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    expectWithin(result.integrated, -23, 0.1, 'I');
  });

  it('#9: S = −23.0 ±0.1, constant after 3 s', () => {
    const period: Segment[] = [
      [1.34, -20],
      [1.66, -30],
    ];
    const signal = stereoTone(Array<Segment[]>(5).fill(period).flat());
    let checked = 0;
    measureLoudness(FS, signal, STEREO, (m, hop) => {
      if (hop >= 299) {
        expectWithin(m.shortTerm, -23, 0.1, `S at hop ${hop}`);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(1000);
  });

  /** Max of `read` over the hops whose end falls in each `segmentSeconds`-long segment. */
  function maxPerSegment(
    channels: Float32Array[],
    segmentSeconds: number,
    read: (m: LoudnessMeter) => number,
  ): number[] {
    const hopsPerSegment = Math.round(segmentSeconds * 100);
    const maxima: number[] = [];
    measureLoudness(FS, channels, STEREO, (m, hop) => {
      const seg = Math.floor(hop / hopsPerSegment);
      maxima[seg] = Math.max(maxima[seg] ?? -Infinity, read(m));
    });
    return maxima;
  }

  it('#11 (live meter): max S of 20 successive segments = −38 … −19 ±0.1 LUFS', () => {
    const segments: Segment[] = [];
    for (let i = 0; i < 20; i++)
      segments.push([i * 0.15, -Infinity], [3, -38 + i], [3 - i * 0.15, -Infinity]);
    const maxima = maxPerSegment(stereoTone(segments), 6, (m) => m.shortTerm);
    expect(maxima).toHaveLength(20);
    maxima.forEach((v, i) => expectWithin(v, -38 + i, 0.1, `segment ${i}`));
  });

  it('#14 (live meter): max M of 20 successive segments = −38 … −19 ±0.1 LUFS', () => {
    const segments: Segment[] = [];
    for (let i = 0; i < 20; i++) {
      segments.push([i * 0.02, -Infinity], [0.4, -38 + i], [0.4 - i * 0.02, -Infinity]);
    }
    const maxima = maxPerSegment(stereoTone(segments), 0.8, (m) => m.momentary);
    expect(maxima).toHaveLength(20);
    maxima.forEach((v, i) => expectWithin(v, -38 + i, 0.1, `segment ${i}`));
  });

  it('§2.9 calibration: a −18 dBFS stereo tone reads −18.0 LUFS', () => {
    expectWithin(measureLoudness(FS, stereoTone([[10, -18]]), STEREO).integrated, -18, 0.1, 'I');
  });

  it('silence: I, M, S, maxima and peaks are −∞ and LRA is 0', () => {
    const r = measureLoudness(FS, [new Float32Array(FS * 4), new Float32Array(FS * 4)], STEREO);
    expect(r).toEqual({
      momentary: -Infinity,
      shortTerm: -Infinity,
      integrated: -Infinity,
      lra: 0,
      momentaryMax: -Infinity,
      shortTermMax: -Infinity,
      truePeak: -Infinity,
      samplePeak: -Infinity,
    });
  });
});

describe('EBU Tech 3342 loudness range, synthesised per the specification', () => {
  const tone = (...levels: number[]): Segment[] => levels.map((db) => [20, db]);
  it.each([
    { name: '#1', lra: 10, segments: tone(-20, -30) },
    { name: '#2', lra: 5, segments: tone(-20, -15) },
    { name: '#3', lra: 20, segments: tone(-40, -20) },
    { name: '#4', lra: 15, segments: tone(-50, -35, -20, -35, -50) },
  ])('$name: LRA = $lra ±1 LU, unchanged when the signal is repeated', ({ lra, segments }) => {
    const once = measureLoudness(FS, stereoTone(segments), STEREO).lra;
    const twice = measureLoudness(FS, stereoTone([...segments, ...segments]), STEREO).lra;
    expectWithin(once, lra, 1, 'LRA');
    expectWithin(twice, lra, 1, 'LRA repeated');
  });
});
