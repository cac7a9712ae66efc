// The DSP halves of the loudness meter against published numbers: the K-weighting coefficients of
// BS.1770 / libebur128's prototype (engine.md §4.2), the BS.1770 Annex 2 true-peak cases of EBU Tech 3341
// (#15–#23, official files) and closed-form levels of sines, fed in blocks of assorted sizes.
import { describe, expect, it } from 'vitest';
import { designKWeighting, K_WEIGHTING_COEFFICIENTS } from '../../src/engine/dsp/k-weighting.js';
import { channelWeight } from '../../src/engine/dsp/loudness-weights.js';
import {
  createHopRing,
  HOP_ENERGY,
  HOP_FIELDS,
  HOP_FRAMES,
  hopFrames,
  LoudnessEnergy,
} from '../../src/engine/dsp/loudness-energy.js';
import { TruePeakMeter, truePeakOversampling } from '../../src/engine/dsp/true-peak.js';
import { LoudnessMeter } from '../../src/engine/loudness/loudness-meter.js';
import { ebuFile, steppedSine, stereoTone } from './loudness-signals.js';

const dB = (x: number): number => 20 * Math.log10(x);

describe('K-weighting coefficients', () => {
  // engine.md §4.2: stage 1 b0 b1 b2 a1 a2, stage 2 a1 a2 (stage 2 numerator is 1, −2, 1).
  const TABLE: Record<number, number[]> = {
    44100: [
      1.53084123005035, -2.65097999515473, 1.16907907992159, -1.66365511325602, 0.71259542807323,
      -1.9891696736298, 0.98919903578704,
    ],
    48000: [
      1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585,
      -1.99004745483398, 0.99007225036621,
    ],
    96000: [
      1.5597142289758, -2.92674157825108, 1.37826120231582, -1.84460946989011, 0.85584332293064,
      -1.99501754472472, 0.99502375904092,
    ],
    192000: [
      1.57222721509128, -3.04728305156155, 1.47797134097961, -1.92220223060749, 0.92511773511683,
      -1.9975072228407, 0.99750877835551,
    ],
  };

  it.each(Object.keys(TABLE).map(Number))('reproduce the published table at %i Hz to 1e-12', (fs) => {
    const out = new Float64Array(K_WEIGHTING_COEFFICIENTS + 3).fill(NaN);
    designKWeighting(fs, out, 3);
    const [b0, b1, b2, a1, a2, c1, c2] = TABLE[fs]!;
    const expected = [b0, b1, b2, a1, a2, 1, -2, 1, c1, c2];
    expected.forEach((v, i) => expect(Math.abs(out[3 + i]! - v!), `coefficient ${i}`).toBeLessThan(1e-12));
    expect(out.subarray(0, 3).every(Number.isNaN), 'nothing written before the offset').toBe(true);
  });
});

describe('true peak (BS.1770 Annex 2) on the official EBU Tech 3341 files', () => {
  // Expected dBTP (Tech 3341 tolerance +0.2/−0.4 dB) and the Annex 2 filter's reading of the same files
  // computed independently with numpy (engine.md §4.7), to ±0.01 dB.
  it.each([
    [15, -6, -6.0],
    [16, -6, -5.96],
    [17, -6, -6.3],
    [18, -6, -6.01],
    [19, 3, 3.05],
    [20, 0, -0.13],
    [21, 0, -0.08],
    [22, 0, -0.2],
    [23, 0, -0.08],
  ])('#%i reads %f dBTP (numpy: %f)', (n, expected, numpy) => {
    const audio = ebuFile(`seq-3341-${n}-24bit.wav`);
    expect(audio, 'official file present').toBeDefined();
    let peak = 0;
    let samplePeak = 0;
    for (const ch of audio!.channels) {
      for (const v of ch) samplePeak = Math.max(samplePeak, Math.abs(v));
      const tp = new TruePeakMeter(audio!.sampleRate);
      // Odd block sizes: the interpolator's history must carry across calls.
      for (let pos = 0; pos < ch.length; pos += 997) {
        tp.process(ch, pos, Math.min(997, ch.length - pos));
        peak = Math.max(peak, tp.peak);
      }
    }
    expect(peak).toBeGreaterThanOrEqual(samplePeak);
    expect(dB(peak)).toBeGreaterThanOrEqual(expected - 0.4);
    expect(dB(peak)).toBeLessThanOrEqual(expected + 0.2);
    expect(Math.abs(dB(peak) - numpy)).toBeLessThanOrEqual(0.01);
  });

  // BS.1770 Annex 2 table as printed (engine.md §4.3): PUBLISHED[tap][phase].
  // prettier-ignore
  const PUBLISHED = [
    [0.001708984375, -0.0291748046875, -0.0189208984375, -0.00830078125],
    [0.010986328125, 0.029296875, 0.0330810546875, 0.014892578125],
    [-0.0196533203125, -0.0517578125, -0.0582275390625, -0.026611328125],
    [0.033203125, 0.089111328125, 0.1015625, 0.047607421875],
    [-0.0594482421875, -0.16650390625, -0.2003173828125, -0.102294921875],
    [0.1373291015625, 0.465087890625, 0.77978515625, 0.97216796875],
    [0.97216796875, 0.77978515625, 0.465087890625, 0.1373291015625],
    [-0.102294921875, -0.2003173828125, -0.16650390625, -0.0594482421875],
    [0.047607421875, 0.1015625, 0.089111328125, 0.033203125],
    [-0.026611328125, -0.0582275390625, -0.0517578125, -0.0196533203125],
    [0.014892578125, 0.0330810546875, 0.0292968750, 0.010986328125],
    [-0.00830078125, -0.0189208984375, -0.0291748046875, 0.001708984375],
  ];

  /** Plain polyphase convolution with the printed table: max |y| over the given phases and the samples. */
  function naiveTruePeak(x: Float32Array, phases: number[]): number {
    let peak = 0;
    for (let n = 0; n < x.length; n++) {
      peak = Math.max(peak, Math.abs(x[n]!));
      for (const p of phases) {
        let y = 0;
        for (let k = 0; k < 12 && k <= n; k++) y += PUBLISHED[k]![p]! * x[n - k]!;
        peak = Math.max(peak, Math.abs(y));
      }
    }
    return peak;
  }

  it.each([
    [48000, [0, 1, 2, 3]],
    [96000, [0, 2]],
  ])('at %i Hz equals a plain convolution with the published table (phases %j)', (fs, phases) => {
    // Deterministic full-band noise (LCG), where every phase takes its turn at the peak.
    let seed = 12345;
    const x = new Float32Array(20000).map(() => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 31 - 1;
    });
    let worst = 0;
    for (let start = 0; start < x.length; start += 2000) {
      const segment = x.subarray(0, start + 2000);
      const tp = new TruePeakMeter(fs);
      let peak = 0;
      for (let pos = 0; pos < segment.length; pos += 333) {
        tp.process(segment, pos, Math.min(333, segment.length - pos));
        peak = Math.max(peak, tp.peak);
      }
      worst = Math.max(worst, Math.abs(peak - naiveTruePeak(segment, phases)));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('chooses 4× below 96 kHz, 2× below 192 kHz, none above', () => {
    expect([44100, 48000, 88200, 96000, 176400, 192000, 384000].map(truePeakOversampling)).toEqual([
      4, 4, 4, 2, 2, 1, 1,
    ]);
  });

  it('finds an inter-sample peak at 96 kHz (2×) within the oversampling bound', () => {
    // fs/8 sine, phase 67.5° (samples miss the crest by 22.5°: sample peak cos 22.5° = −0.688 dB).
    const fs = 96000;
    const x = new Float32Array(9600);
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * i) / 8 + (67.5 * Math.PI) / 180);
    const tp = new TruePeakMeter(fs);
    // The abrupt start rings in the interpolator (Gibbs); the first 100 samples only fill its history.
    tp.process(x, 0, 100);
    tp.process(x, 100, x.length - 100);
    const peak = tp.peak;
    let sample = 0;
    for (const v of x) sample = Math.max(sample, Math.abs(v));
    expect(dB(sample)).toBeCloseTo(dB(0.5) + dB(Math.cos(Math.PI / 8)), 3);
    // Worst under-read at 2×: cos(π·f/fs/2) = cos(π/16) (−0.169 dB), plus the Annex filter's ≈0.24 dB ripple.
    expect(dB(peak) - dB(0.5)).toBeGreaterThan(dB(Math.cos(Math.PI / 16)) - 0.25);
    expect(dB(peak) - dB(0.5)).toBeLessThan(0.2);
  });

  it('reads the sample peak at 192 kHz', () => {
    const x = Float32Array.from([0.1, -0.75, 0.3]);
    const tp = new TruePeakMeter(192000);
    tp.process(x, 0, 3);
    expect(tp.peak).toBe(0.75);
  });
});

describe('hop energies', () => {
  it('are K-weighted, channel-weighted sums: 997 Hz −23 dBFS stereo is −23.000 LUFS in any block size', () => {
    const fs = 48000;
    const [l, r] = stereoTone([[20, -23]], fs, 997);
    for (const blockFrames of [37, 480, 4096]) {
      const ring = createHopRing(4096);
      const energy = new LoudnessEnergy(fs, [1, 1], ring);
      const block = new Float32Array(2 * blockFrames);
      for (let pos = 0; pos < l!.length; pos += blockFrames) {
        const n = Math.min(blockFrames, l!.length - pos);
        block.set(l!.subarray(pos, pos + n), 0);
        block.set(r!.subarray(pos, pos + n), blockFrames);
        energy.process(block, blockFrames, n);
      }
      const meter = new LoudnessMeter(fs);
      expect(meter.consume(ring)).toBe(0);
      expect(Math.abs(meter.integrated - -23), `block ${blockFrames}`).toBeLessThan(0.005);
      expect(Math.abs(meter.momentary - -23), `block ${blockFrames}`).toBeLessThan(0.005);
    }
  });

  it('use 10 ms hops and weight an 8-channel layout by BS.1770-5 Table 5', () => {
    // A −20 dBFS 997 Hz sine alone in one channel: L = 10·log10(G·A²/2) (the −0.691 cancels the K gain).
    const fs = 44100;
    expect(hopFrames(fs)).toBe(441);
    const tone = steppedSine(fs, 997, [[2, -20]]);
    const closedForm = (g: number): number => 10 * Math.log10((g * 0.01) / 2);
    const labels = ['L', 'R', 'C', 'LFE', 'Lsr', 'Rsr', 'Lss', 'Rss'] as const;
    const expected = [1, 1, 1, 0, 1, 1, 1.41, 1.41];
    labels.forEach((label, c) => {
      const ring = createHopRing(512);
      const energy = new LoudnessEnergy(fs, labels.map(channelWeight), ring);
      const block = new Float32Array(8 * tone.length);
      block.set(tone, c * tone.length);
      energy.process(block, tone.length, tone.length);
      const meter = new LoudnessMeter(fs);
      meter.consume(ring);
      const g = expected[c]!;
      if (g === 0) expect(meter.integrated, label).toBe(-Infinity);
      else expect(Math.abs(meter.integrated - closedForm(g)), label).toBeLessThan(0.03);
    });
  });

  it('reach the reader through the ring, and an overrun is counted, not misread', () => {
    const fs = 48000;
    const ring = createHopRing(8);
    const energy = new LoudnessEnergy(fs, [1], ring);
    const ones = new Float32Array(480 * 20).fill(0.5);
    energy.process(ones, ones.length, ones.length);
    expect(Atomics.load(ring.written, 0)).toBe(20);
    const meter = new LoudnessMeter(fs);
    // 20 hops written into 8 slots: only the newest 7 are safe to read.
    expect(meter.consume(ring)).toBe(13);
    const newest = (19 & (ring.capacity - 1)) * HOP_FIELDS;
    expect(ring.data[newest + HOP_FRAMES]).toBe(480);
    expect(ring.data[newest + HOP_ENERGY]).toBeGreaterThan(0);
    energy.process(ones, 100, 100);
    energy.flush();
    expect(meter.consume(ring)).toBe(0);
    expect(meter.readings().samplePeak).toBeCloseTo(dB(0.5), 6);
  });
});
