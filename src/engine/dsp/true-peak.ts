// True-peak meter of ITU-R BS.1770 Annex 2: oversample, interpolate, take the largest magnitude.
// Pure: no I/O; processing does not allocate.
//
// The interpolator is the Annex's example: an order-48, 4-phase polyphase FIR (12 taps per phase).
// Oversampling follows the sample rate like libebur128: 4× below 96 kHz (what the Annex specifies for
// 48 kHz), 2× from 96 kHz (the Annex says 2× suffices there) and none from 192 kHz, where a 20 kHz signal is
// already sampled finely enough. The 2× interpolator takes phases 0 and 2 of the 4× filter: they sit half
// an input sample apart, so they are the same low-pass sampled on a 2× grid, with no second design.
// The table is an even-length symmetric prototype, so its phases fall ⅛, ⅜, ⅝ and ⅞ of a sample after each
// input sample and never on it: a crest that lands on a sample (EBU Tech 3341 #15) would read 0.2 dB under
// the sample peak. The input samples themselves are therefore candidates too, so true peak ≥ sample peak.

// Phases 0 and 1 of the Annex 2 table; tap k multiplies x[n − k]. Phase 2 is phase 1 reversed and phase 3
// is phase 0 reversed, which the loops below exploit.
// prettier-ignore
export const PHASE_0 = [
  0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625,
  0.97216796875, -0.102294921875, 0.047607421875, -0.026611328125, 0.014892578125, -0.00830078125,
] as const;
// prettier-ignore
export const PHASE_1 = [
  -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625,
  0.77978515625, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
] as const;
const [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11] = PHASE_0;
const [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11] = PHASE_1;

/** Oversampling factor used at `sampleRate`: 4, 2 or 1 (see the file comment). */
export function truePeakOversampling(sampleRate: number): 1 | 2 | 4 {
  if (sampleRate < 96000) return 4;
  return sampleRate < 192000 ? 2 : 1;
}

/** One channel's true-peak detector. */
export class TruePeakMeter {
  readonly oversampling: 1 | 2 | 4;
  /** x[n − 1] … x[n − 11] after the last processed sample. */
  private readonly past = new Float64Array(11);

  constructor(sampleRate: number) {
    this.oversampling = truePeakOversampling(sampleRate);
  }

  /** Largest |value| of the interpolated signal over the last processed span (0 if it was empty). */
  peak = 0;

  /**
   * Measures `frames` samples of `src` from `offset` into `peak`. It returns nothing: a double returned from a
   * call the JIT does not inline is boxed on the heap, and this runs for every channel of every block.
   */
  process(src: Float32Array, offset: number, frames: number): void {
    if (this.oversampling === 1) {
      let peak = 0;
      for (let i = 0; i < frames; i++) {
        const a = Math.abs(src[offset + i]!);
        if (a > peak) peak = a;
      }
      this.peak = peak;
      return;
    }
    const four = this.oversampling === 4;
    const p = this.past;
    let x1 = p[0]!,
      x2 = p[1]!,
      x3 = p[2]!,
      x4 = p[3]!,
      x5 = p[4]!,
      x6 = p[5]!,
      x7 = p[6]!,
      x8 = p[7]!,
      x9 = p[8]!,
      x10 = p[9]!,
      x11 = p[10]!;
    let peak = 0;
    for (let i = 0; i < frames; i++) {
      const x0 = src[offset + i]!;
      let m: number;
      if (four) {
        // With s = x[k] + x[11−k] and d = x[k] − x[11−k], a mirrored pair of phases (0 and 3, 1 and 2) is
        // (e ± o)/2, and max(|e + o|, |e − o|)/2 = (|e| + |o|)/2: 24 multiplies for four phases.
        const s0 = x0 + x11,
          s1 = x1 + x10,
          s2 = x2 + x9,
          s3 = x3 + x8,
          s4 = x4 + x7,
          s5 = x5 + x6;
        const d0 = x0 - x11,
          d1 = x1 - x10,
          d2 = x2 - x9,
          d3 = x3 - x8,
          d4 = x4 - x7,
          d5 = x5 - x6;
        const e03 =
          (a0 + a11) * s0 +
          (a1 + a10) * s1 +
          (a2 + a9) * s2 +
          (a3 + a8) * s3 +
          (a4 + a7) * s4 +
          (a5 + a6) * s5;
        const o03 =
          (a0 - a11) * d0 +
          (a1 - a10) * d1 +
          (a2 - a9) * d2 +
          (a3 - a8) * d3 +
          (a4 - a7) * d4 +
          (a5 - a6) * d5;
        const e12 =
          (b0 + b11) * s0 +
          (b1 + b10) * s1 +
          (b2 + b9) * s2 +
          (b3 + b8) * s3 +
          (b4 + b7) * s4 +
          (b5 + b6) * s5;
        const o12 =
          (b0 - b11) * d0 +
          (b1 - b10) * d1 +
          (b2 - b9) * d2 +
          (b3 - b8) * d3 +
          (b4 - b7) * d4 +
          (b5 - b6) * d5;
        m = 0.5 * Math.max(Math.abs(e03) + Math.abs(o03), Math.abs(e12) + Math.abs(o12));
      } else {
        const y0 =
          a0 * x0 +
          a1 * x1 +
          a2 * x2 +
          a3 * x3 +
          a4 * x4 +
          a5 * x5 +
          a6 * x6 +
          a7 * x7 +
          a8 * x8 +
          a9 * x9 +
          a10 * x10 +
          a11 * x11;
        const y2 =
          b11 * x0 +
          b10 * x1 +
          b9 * x2 +
          b8 * x3 +
          b7 * x4 +
          b6 * x5 +
          b5 * x6 +
          b4 * x7 +
          b3 * x8 +
          b2 * x9 +
          b1 * x10 +
          b0 * x11;
        m = Math.max(Math.abs(y0), Math.abs(y2));
      }
      const a = Math.abs(x0);
      if (a > m) m = a;
      if (m > peak) peak = m;
      x11 = x10;
      x10 = x9;
      x9 = x8;
      x8 = x7;
      x7 = x6;
      x6 = x5;
      x5 = x4;
      x4 = x3;
      x3 = x2;
      x2 = x1;
      x1 = x0;
    }
    p[0] = x1;
    p[1] = x2;
    p[2] = x3;
    p[3] = x4;
    p[4] = x5;
    p[5] = x6;
    p[6] = x7;
    p[7] = x8;
    p[8] = x9;
    p[9] = x10;
    p[10] = x11;
    this.peak = peak;
  }

  reset(): void {
    this.past.fill(0);
    this.peak = 0;
  }
}
