// Filter settings that change while audio plays glide instead of jumping (issue 3: "every parameter change is
// smoothed: no zipper noise"). A 1 kHz sine runs through a strip while the audio-side engine takes a new
// settings image, as the worker does. A sinusoid of amplitude A has a fourth difference of amplitude
// (2·sin(ω/2))⁴·A; a slowly changing envelope adds little to that, while a click (a discontinuity in the
// waveform or its first derivatives) shows as a fourth difference many times larger. The same change with
// a near-zero smoothing time (coefficients that jump) must break that bound, so the measure can fail.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 128;
const F = 1000;
const AMPLITUDE = 0.1;
const W = (2 * Math.PI * F) / FS;
/** Centre pan at the −3 dB law. */
const PAN_GAIN = Math.SQRT1_2;

function session(eqGainDb: number, hpfOn: boolean): Session {
  return SessionSchema.parse({
    version: 1,
    strips: [
      {
        name: 'Vox',
        input: 1,
        hpf: { on: hpfOn, freqHz: 200, slope: 24 },
        eq: { bands: { lowMid: { on: true, type: 'peak', freqHz: F, gainDb: eqGainDb, q: 1 } } },
      },
    ],
    master: { limiter: { on: false } },
  });
}

function engine(s: Session, smoothingSeconds = 0.01): MixEngine {
  const options = { sampleRate: FS, blockFrames: B, startSilent: false, smoothingSeconds };
  const created = MixEngine.create(s, options);
  if (!created.ok) throw new Error(created.error);
  return created.engine;
}

/** Left output of `blocks` blocks of the sine; `to`'s settings image is taken in before block `changeAt`. */
function run(from: Session, to: Session, changeAt: number, blocks: number, smoothingSeconds?: number) {
  const audio = engine(from, smoothingSeconds);
  const image = new Float64Array(audio.settingsLength);
  engine(to).exportSettings(image);
  const input = new Float32Array(B);
  const output = new Float32Array(2 * B);
  const left = new Float32Array(blocks * B);
  for (let n = 0; n < blocks; n++) {
    if (n === changeAt) audio.importSettings(image);
    for (let i = 0; i < B; i++) input[i] = AMPLITUDE * Math.sin(W * (n * B + i));
    audio.process(input, 1, output, 2);
    left.set(output.subarray(0, B), n * B);
  }
  return left;
}

/** Largest |Δ⁴x| over [from, to). */
function maxFourthDifference(x: Float32Array, from: number, to: number): number {
  let worst = 0;
  for (let n = from + 4; n < to; n++) {
    const d = x[n]! - 4 * x[n - 1]! + 6 * x[n - 2]! - 4 * x[n - 3]! + x[n - 4]!;
    worst = Math.max(worst, Math.abs(d));
  }
  return worst;
}

/** RMS over [from, from + count) (a whole number of 1 kHz cycles). */
function rms(x: Float32Array, from: number, count: number): number {
  let sum = 0;
  for (let n = from; n < from + count; n++) sum += x[n]! * x[n]!;
  return Math.sqrt(sum / count);
}

describe('filter coefficient glide', () => {
  const CHANGE = 40;
  const BLOCKS = 300;
  const around = [CHANGE * B - 8, (CHANGE + 60) * B] as const;
  // The sine's own fourth difference at the larger of the two levels, 25 % for the envelope's motion, and
  // 1e-6 for float32 rounding of the output (≈ 2e-8) times the difference's Σ|coefficients| (16), with room.
  const bound = (peakAmplitude: number) => 1.25 * (2 * Math.sin(W / 2)) ** 4 * peakAmplitude + 1e-6;

  // At its own centre a peaking band's jump mostly rings at the signal's frequency, so the click is mild
  // (≈ 2× the bound); the glide stays at the sine's own figure.
  it('an EQ boost of +12 dB at the signal frequency glides in without a click and lands on the formula', () => {
    const boosted = AMPLITUDE * PAN_GAIN * 10 ** (12 / 20);
    const glided = run(session(0, false), session(12, false), CHANGE, BLOCKS);
    const jumped = run(session(0, false), session(12, false), CHANGE, BLOCKS, 1e-7);
    const limit = bound(boosted);
    const g = maxFourthDifference(glided, ...around);
    const j = maxFourthDifference(jumped, ...around);
    console.log(
      `EQ +12 dB: max |Δ⁴y| glided ${g.toExponential(2)}, jumped ${j.toExponential(2)}, bound ${limit.toExponential(2)}`,
    );
    expect(g).toBeLessThan(limit);
    expect(j).toBeGreaterThan(1.5 * limit);
    // A peaking band's gain at its own frequency is its gain (RBJ): +12 dB, once settled.
    const settled = rms(glided, (BLOCKS - 20) * B, 48 * 50);
    expect(20 * Math.log10(settled / (boosted / Math.SQRT2))).toBeCloseTo(0, 2);
  });

  it('a 24 dB/oct HPF switched in glides in without a click', () => {
    const level = AMPLITUDE * PAN_GAIN;
    const glided = run(session(0, false), session(0, true), CHANGE, BLOCKS);
    const jumped = run(session(0, false), session(0, true), CHANGE, BLOCKS, 1e-7);
    // The HPF at 200 Hz (4th-order Butterworth) passes 1 kHz at ≈ −0.003 dB, so the level barely moves.
    const limit = bound(level);
    const g = maxFourthDifference(glided, ...around);
    const j = maxFourthDifference(jumped, ...around);
    console.log(
      `HPF in: max |Δ⁴y| glided ${g.toExponential(2)}, jumped ${j.toExponential(2)}, bound ${limit.toExponential(2)}`,
    );
    expect(g).toBeLessThan(limit);
    expect(j).toBeGreaterThan(3 * limit);
  });
});
