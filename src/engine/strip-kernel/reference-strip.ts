// The benchmark's channel strip (../shared/bench/README.md §1, "Strip specification") as one configuration
// of a StripBank: parameters, start state and input generator, computed the way the native reference does
// (float64, rounded once to float32 when stored), so both process the same numbers.
import type { StripBank } from './strip-bank.js';

const FS = 48000;
const FRAMES = 64;
/** HPF then 4 peaking bands: f0 (Hz), gain (dB, unused for the HPF), Q. */
const EQ = [
  [80, 0, 0.707],
  [200, 3, 1.0],
  [1000, -4, 1.4],
  [4000, 2, 0.9],
  [10000, -2, 0.7],
] as const;
/** The bank's biquad slot of each EQ entry: slot 0 = first HPF section, 2 … 5 = EQ bands. */
const SLOT = [0, 2, 3, 4, 5] as const;
export const REFERENCE_SENDS = 4;

/** RBJ cookbook high-pass (k = 0) or peaking section for strip s, normalised by a0, into out[0 … 4]. */
function referenceSection(s: number, k: number, out: Float64Array): void {
  const [f, db, q] = EQ[k]!;
  const f0 = f * (1 + 0.001 * (s % 7));
  const w = (2 * Math.PI * f0) / FS;
  const cw = Math.cos(w);
  const al = Math.sin(w) / (2 * q);
  let b0, b1, b2, a0, a1, a2;
  if (k === 0) {
    b0 = (1 + cw) / 2;
    b1 = -(1 + cw);
    b2 = b0;
    a0 = 1 + al;
    a1 = -2 * cw;
    a2 = 1 - al;
  } else {
    const A = Math.pow(10, db / 40);
    b0 = 1 + al * A;
    b1 = -2 * cw;
    b2 = 1 - al * A;
    a0 = 1 + al / A;
    a1 = -2 * cw;
    a2 = 1 - al / A;
  }
  out[0] = b0 / a0;
  out[1] = b1 / a0;
  out[2] = b2 / a0;
  out[3] = a1 / a0;
  out[4] = a2 / a0;
}

/** Sets every strip of a fresh bank (48 kHz, 10 ms smoothing, ≥ 4 sends) to the reference strip. */
export function configureReferenceStrips(bank: StripBank): void {
  const c = new Float64Array(5);
  for (let s = 0; s < bank.strips; s++) {
    for (let k = 0; k < EQ.length; k++) {
      referenceSection(s, k, c);
      bank.setBiquad(s, SLOT[k]!, c);
    }
    bank.setGate(s, { thresholdDb: -50, ratio: 4, rangeDb: 40, openSeconds: 0.001, closeSeconds: 0.1 });
    bank.setCompressor(s, {
      thresholdDb: -18,
      ratio: 4,
      kneeDb: 6,
      attackSeconds: 0.005,
      releaseSeconds: 0.1,
      makeupDb: 3,
      mix: 1,
    });
    bank.setFader(s, 0.5, true);
    bank.setFader(s, 0.8);
    const th = ((0.25 + (0.5 * (s % 9)) / 8) * Math.PI) / 2;
    bank.setPan(s, Math.cos(th), Math.sin(th), true);
    for (let j = 0; j < REFERENCE_SENDS; j++) bank.setSend(s, j, 0.25 + 0.125 * ((s + j) % 4), 'post');
  }
}

/** The reference input: a 32-bit LCG over strips in order, −12/−24/−36/−48 dBFS peaks by s mod 4. */
export function fillReferenceInput(input: Float32Array, strips: number): void {
  let r = 12345;
  for (let s = 0; s < strips; s++) {
    const scale = 2 ** -(1 + 2 * (s % 4));
    for (let i = 0; i < FRAMES; i++) {
      r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
      input[s * FRAMES + i] = ((r >>> 9) / 8388608 - 0.5) * scale;
    }
  }
}
