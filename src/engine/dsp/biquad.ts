// Biquad sections after the RBJ "Audio EQ Cookbook" (engine.md §6.4): coefficient design, closed-form
// magnitude and a transposed-direct-form-II reference processor (§6.5). Pure: no I/O, no allocation.
//
// A section is five float64 numbers [b0, b1, b2, a1, a2], already divided by a0, stored at an offset in a
// caller-owned Float64Array so a whole strip's filters live in one array. A section's state is two float64
// numbers [s1, s2] at an offset in another Float64Array (never Float32: §6.5).

/** Numbers per section in a coefficient array: b0, b1, b2, a1, a2. */
export const BIQUAD_COEFFS = 5;
/** Numbers per section in a state array: s1, s2. */
export const BIQUAD_STATE = 2;

/**
 * Highest design frequency as a fraction of the sample rate. The bilinear transform maps f0 = fs/2 to
 * tan(π/2) = ∞, and just below it cos ω0 → −1 leaves the sections badly conditioned; at 0.49·fs a 20 kHz
 * band at 44.1 kHz (0.4535·fs) is untouched and any larger request still designs a stable filter.
 */
export const MAX_F0_RATIO = 0.49;
/** Lowest design frequency in Hz: keeps ω0 > 0 so α > 0 and the poles stay off the unit circle. */
const MIN_F0_HZ = 1;

/** ω0 = 2π·f0/fs with f0 clamped into [1 Hz, 0.49·fs]. */
function omega(f0: number, sampleRate: number): number {
  const f = Math.min(Math.max(f0, MIN_F0_HZ), MAX_F0_RATIO * sampleRate);
  return (2 * Math.PI * f) / sampleRate;
}

/** Stores b0..b2, a1, a2 divided by a0. */
function store(
  out: Float64Array,
  offset: number,
  b0: number,
  b1: number,
  b2: number,
  a0: number,
  a1: number,
  a2: number,
): void {
  out[offset] = b0 / a0;
  out[offset + 1] = b1 / a0;
  out[offset + 2] = b2 / a0;
  out[offset + 3] = a1 / a0;
  out[offset + 4] = a2 / a0;
}

/** The pass-through section: y = x. The processors skip it, so it is bit-exact. */
export function designIdentity(out: Float64Array, offset: number): void {
  out[offset] = 1;
  out[offset + 1] = 0;
  out[offset + 2] = 0;
  out[offset + 3] = 0;
  out[offset + 4] = 0;
}

/** True when the section at `offset` is exactly the identity. */
export function isIdentity(coeffs: Float64Array, offset: number): boolean {
  return (
    coeffs[offset] === 1 &&
    coeffs[offset + 1] === 0 &&
    coeffs[offset + 2] === 0 &&
    coeffs[offset + 3] === 0 &&
    coeffs[offset + 4] === 0
  );
}

/** RBJ second-order high-pass; `q` > 0 (1/√2 is Butterworth). */
export function designHighPass(
  out: Float64Array,
  offset: number,
  f0: number,
  q: number,
  sampleRate: number,
): void {
  const w = omega(f0, sampleRate);
  const cw = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  store(out, offset, (1 + cw) / 2, -(1 + cw), (1 + cw) / 2, 1 + alpha, -2 * cw, 1 - alpha);
}

/** RBJ second-order low-pass; `q` > 0. */
export function designLowPass(
  out: Float64Array,
  offset: number,
  f0: number,
  q: number,
  sampleRate: number,
): void {
  const w = omega(f0, sampleRate);
  const cw = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  store(out, offset, (1 - cw) / 2, 1 - cw, (1 - cw) / 2, 1 + alpha, -2 * cw, 1 - alpha);
}

/**
 * First-order high-pass: the bilinear transform of s/(s + 1) prewarped at f0, so its −3 dB point is exactly
 * f0. Together with a Q = 1 second-order section it makes a third-order Butterworth (18 dB/oct).
 */
export function designFirstOrderHighPass(
  out: Float64Array,
  offset: number,
  f0: number,
  sampleRate: number,
): void {
  const k = Math.tan(omega(f0, sampleRate) / 2);
  store(out, offset, 1, -1, 0, 1 + k, k - 1, 0);
}

/** RBJ peaking EQ: `gainDb` at f0, bandwidth set by `q` > 0 (exact in the bilinear sense). */
export function designPeaking(
  out: Float64Array,
  offset: number,
  f0: number,
  q: number,
  gainDb: number,
  sampleRate: number,
): void {
  const w = omega(f0, sampleRate);
  const cw = Math.cos(w);
  const alpha = Math.sin(w) / (2 * q);
  const a = Math.pow(10, gainDb / 40);
  store(out, offset, 1 + alpha * a, -2 * cw, 1 - alpha * a, 1 + alpha / a, -2 * cw, 1 - alpha / a);
}

/**
 * RBJ low shelf with its transition width given as Q (α = sin ω0 / 2Q), as sox's `bass gain f0 Qq`:
 * `gainDb` below f0, 0 dB above, gainDb/2 at f0. Q = 1/√2 is the steepest shelf without overshoot (S = 1).
 */
export function designLowShelf(
  out: Float64Array,
  offset: number,
  f0: number,
  q: number,
  gainDb: number,
  sampleRate: number,
): void {
  const w = omega(f0, sampleRate);
  const cw = Math.cos(w);
  const a = Math.pow(10, gainDb / 40);
  const twoSqrtAAlpha = (2 * Math.sqrt(a) * Math.sin(w)) / (2 * q);
  store(
    out,
    offset,
    a * (a + 1 - (a - 1) * cw + twoSqrtAAlpha),
    2 * a * (a - 1 - (a + 1) * cw),
    a * (a + 1 - (a - 1) * cw - twoSqrtAAlpha),
    a + 1 + (a - 1) * cw + twoSqrtAAlpha,
    -2 * (a - 1 + (a + 1) * cw),
    a + 1 + (a - 1) * cw - twoSqrtAAlpha,
  );
}

/** RBJ high shelf, the mirror of designLowShelf (sox's `treble gain f0 Qq`): `gainDb` above f0. */
export function designHighShelf(
  out: Float64Array,
  offset: number,
  f0: number,
  q: number,
  gainDb: number,
  sampleRate: number,
): void {
  const w = omega(f0, sampleRate);
  const cw = Math.cos(w);
  const a = Math.pow(10, gainDb / 40);
  const twoSqrtAAlpha = (2 * Math.sqrt(a) * Math.sin(w)) / (2 * q);
  store(
    out,
    offset,
    a * (a + 1 + (a - 1) * cw + twoSqrtAAlpha),
    -2 * a * (a - 1 + (a + 1) * cw),
    a * (a + 1 + (a - 1) * cw - twoSqrtAAlpha),
    a + 1 - (a - 1) * cw + twoSqrtAAlpha,
    2 * (a - 1 - (a + 1) * cw),
    a + 1 - (a - 1) * cw - twoSqrtAAlpha,
  );
}

/** |H(e^{jω})| of one section in dB, evaluated from its coefficients. */
export function biquadMagnitudeDb(
  coeffs: Float64Array,
  offset: number,
  freqHz: number,
  sampleRate: number,
): number {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const b0 = coeffs[offset]!;
  const b1 = coeffs[offset + 1]!;
  const b2 = coeffs[offset + 2]!;
  const a1 = coeffs[offset + 3]!;
  const a2 = coeffs[offset + 4]!;
  const numRe = b0 + b1 * c1 + b2 * c2;
  const numIm = b1 * s1 + b2 * s2;
  const denRe = 1 + a1 * c1 + a2 * c2;
  const denIm = a1 * s1 + a2 * s2;
  return 10 * Math.log10((numRe * numRe + numIm * numIm) / (denRe * denRe + denIm * denIm));
}

/** |H(e^{jω})| in dB of `sections` consecutive sections starting at `offset`. */
export function cascadeMagnitudeDb(
  coeffs: Float64Array,
  offset: number,
  sections: number,
  freqHz: number,
  sampleRate: number,
): number {
  let db = 0;
  for (let k = 0; k < sections; k++)
    db += biquadMagnitudeDb(coeffs, offset + k * BIQUAD_COEFFS, freqHz, sampleRate);
  return db;
}

/** States below this are flushed to 0 after each block: denormals are slow on x86 and inaudible. */
const DENORMAL_FLUSH = 1e-30;

/**
 * Filters `frames` samples of `buf` from `offset` in place through one section (transposed direct form II,
 * float64 arithmetic and state). An identity section is skipped and its state cleared, so a bypassed band
 * passes the signal bit-for-bit and restarts from rest when it is switched back on.
 */
export function processBiquad(
  coeffs: Float64Array,
  coeffOffset: number,
  state: Float64Array,
  stateOffset: number,
  buf: Float32Array,
  offset: number,
  frames: number,
): void {
  if (isIdentity(coeffs, coeffOffset)) {
    state[stateOffset] = 0;
    state[stateOffset + 1] = 0;
    return;
  }
  const b0 = coeffs[coeffOffset]!;
  const b1 = coeffs[coeffOffset + 1]!;
  const b2 = coeffs[coeffOffset + 2]!;
  const a1 = coeffs[coeffOffset + 3]!;
  const a2 = coeffs[coeffOffset + 4]!;
  let s1 = state[stateOffset]!;
  let s2 = state[stateOffset + 1]!;
  const end = offset + frames;
  for (let i = offset; i < end; i++) {
    const x = buf[i]!;
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    buf[i] = y;
  }
  state[stateOffset] = Math.abs(s1) < DENORMAL_FLUSH ? 0 : s1;
  state[stateOffset + 1] = Math.abs(s2) < DENORMAL_FLUSH ? 0 : s2;
}

/** Runs `sections` consecutive sections (coefficients and states laid out back to back) over the range. */
export function processCascade(
  coeffs: Float64Array,
  coeffOffset: number,
  sections: number,
  state: Float64Array,
  stateOffset: number,
  buf: Float32Array,
  offset: number,
  frames: number,
): void {
  for (let k = 0; k < sections; k++) {
    processBiquad(
      coeffs,
      coeffOffset + k * BIQUAD_COEFFS,
      state,
      stateOffset + k * BIQUAD_STATE,
      buf,
      offset,
      frames,
    );
  }
}
