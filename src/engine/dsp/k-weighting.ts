// K-weighting of ITU-R BS.1770 (stage 1 high shelf, stage 2 "RLB" high-pass) at any sample rate.
// Pure: no I/O; filtering does not allocate.
//
// BS.1770 tabulates coefficients for 48 kHz only. Both stages are designed here by bilinear transform of the
// analog prototypes whose parameters reproduce that table to all its printed decimals (engine.md §4.2), so
// every rate gets "the same frequency response" the Recommendation asks for.

/** Doubles per design: stage 1 b0 b1 b2 a1 a2, then stage 2 b0 b1 b2 a1 a2 (a0 = 1). */
export const K_WEIGHTING_COEFFICIENTS = 10;

const SHELF_F0 = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
/** Exponent relating the shelf's band gain to its high-frequency gain in the prototype. */
const SHELF_VB_EXPONENT = 0.4996667741545416;
const HIGHPASS_F0 = 38.13547087602444;
const HIGHPASS_Q = 0.5003270373238773;

/** Writes the ten K-weighting coefficients for `sampleRate` into `out` from `offset`. */
export function designKWeighting(sampleRate: number, out: Float64Array, offset = 0): void {
  let k = Math.tan((Math.PI * SHELF_F0) / sampleRate);
  const vh = Math.pow(10, SHELF_GAIN_DB / 20);
  const vb = Math.pow(vh, SHELF_VB_EXPONENT);
  let a0 = 1 + k / SHELF_Q + k * k;
  out[offset] = (vh + (vb * k) / SHELF_Q + k * k) / a0;
  out[offset + 1] = (2 * (k * k - vh)) / a0;
  out[offset + 2] = (vh - (vb * k) / SHELF_Q + k * k) / a0;
  out[offset + 3] = (2 * (k * k - 1)) / a0;
  out[offset + 4] = (1 - k / SHELF_Q + k * k) / a0;

  // The high-pass numerator stays [1, −2, 1] (unnormalised), as in the BS.1770 table.
  k = Math.tan((Math.PI * HIGHPASS_F0) / sampleRate);
  a0 = 1 + k / HIGHPASS_Q + k * k;
  out[offset + 5] = 1;
  out[offset + 6] = -2;
  out[offset + 7] = 1;
  out[offset + 8] = (2 * (k * k - 1)) / a0;
  out[offset + 9] = (1 - k / HIGHPASS_Q + k * k) / a0;
}

/** States this small are flushed to zero after each block so silence never runs on subnormal numbers. */
const SUBNORMAL_GUARD = 1e-30;

/** One channel's K-weighting filter: both biquads in transposed direct form II, in double precision. */
export class KWeightingFilter {
  private readonly c = new Float64Array(K_WEIGHTING_COEFFICIENTS);
  /** Stage 1 z1 z2, stage 2 z1 z2. */
  private readonly z = new Float64Array(4);

  constructor(sampleRate: number) {
    designKWeighting(sampleRate, this.c);
  }

  /** Sum of the squared outputs of the last processed span. */
  squares = 0;

  /**
   * K-weights `frames` samples of `src` from `offset` into `squares`. Nothing is returned: a double returned
   * from a call the JIT does not inline is boxed on the heap, and this runs for every channel of every block.
   */
  process(src: Float32Array, offset: number, frames: number): void {
    const c = this.c;
    const z = this.z;
    const b10 = c[0]!,
      b11 = c[1]!,
      b12 = c[2]!,
      a11 = c[3]!,
      a12 = c[4]!;
    const b20 = c[5]!,
      b21 = c[6]!,
      b22 = c[7]!,
      a21 = c[8]!,
      a22 = c[9]!;
    let s11 = z[0]!,
      s12 = z[1]!,
      s21 = z[2]!,
      s22 = z[3]!;
    let sum = 0;
    for (let i = 0; i < frames; i++) {
      const x = src[offset + i]!;
      const u = b10 * x + s11;
      s11 = b11 * x - a11 * u + s12;
      s12 = b12 * x - a12 * u;
      const y = b20 * u + s21;
      s21 = b21 * u - a21 * y + s22;
      s22 = b22 * u - a22 * y;
      sum += y * y;
    }
    z[0] = Math.abs(s11) < SUBNORMAL_GUARD ? 0 : s11;
    z[1] = Math.abs(s12) < SUBNORMAL_GUARD ? 0 : s12;
    z[2] = Math.abs(s21) < SUBNORMAL_GUARD ? 0 : s21;
    z[3] = Math.abs(s22) < SUBNORMAL_GUARD ? 0 : s22;
    this.squares = sum;
  }

  reset(): void {
    this.z.fill(0);
    this.squares = 0;
  }
}
