// Pan laws. Pure: no I/O, no allocation.

/** Left gain of the −3 dB equal-power law: pan −1 (left) … +1 (right); cos²+sin² = 1, −3.01 dB at centre. */
export function equalPowerLeft(pan: number): number {
  return Math.cos(((pan + 1) * Math.PI) / 4);
}

/** Right gain of the −3 dB equal-power law. */
export function equalPowerRight(pan: number): number {
  return Math.sin(((pan + 1) * Math.PI) / 4);
}

/**
 * Balance of a stereo strip: unity on both sides at centre; turning towards one side attenuates the other
 * side along the same equal-power curve, normalised to 0 dB at centre (so −3 dB at half way).
 */
export function balanceLeft(pan: number): number {
  return Math.min(1, Math.SQRT2 * equalPowerLeft(pan));
}

export function balanceRight(pan: number): number {
  return Math.min(1, Math.SQRT2 * equalPowerRight(pan));
}

/** Mono-source pan laws; the name is the level of each side at centre. */
export const PAN_LAWS = ['-3dB', '-3dB-quadratic', '-4.5dB', '-6dB'] as const;
export type PanLaw = (typeof PAN_LAWS)[number];

// Ardour's panner_1in2out: a quadratic through (0, 0), (½, 10^(−3/20)) and (1, 1) per side.
const ARDOUR_SCALE = 2 - 4 * Math.pow(10, -3 / 20);

function quadraticSide(x: number): number {
  return x * (ARDOUR_SCALE * x + 1 - ARDOUR_SCALE);
}

/**
 * Writes the left and right gains of a mono source at pan `p` (−1 left … +1 right) to `out[offset]` and
 * `out[offset + 1]`. With x = (p + 1)/2 and the far side's share 1 − x:
 * - '-3dB': equal power, L = cos(xπ/2), R = sin(xπ/2) (L² + R² = 1 everywhere);
 * - '-3dB-quadratic': Ardour's quadratic approximation of equal power (engine.md §1.1);
 * - '-6dB': linear, L = 1 − x, R = x (the sides sum to 1: mono-compatible);
 * - '-4.5dB': per side the geometric mean of the −3 dB and −6 dB laws, √(linear · equal-power), so its
 *   centre in dB is the mean of theirs: (−3.01 − 6.02)/2 = −4.52 dB (the British-console compromise
 *   Pro Tools calls −4.5 dB pan depth, engine.md §1.3).
 * Allocates nothing.
 */
export function panGains(law: PanLaw, p: number, out: Float32Array | Float64Array, offset: number): void {
  const pan = Math.min(1, Math.max(-1, p));
  const x = (pan + 1) / 2;
  let left: number;
  let right: number;
  switch (law) {
    case '-3dB':
      left = equalPowerLeft(pan);
      right = equalPowerRight(pan);
      break;
    case '-3dB-quadratic':
      left = quadraticSide(1 - x);
      right = quadraticSide(x);
      break;
    case '-4.5dB':
      left = Math.sqrt((1 - x) * equalPowerLeft(pan));
      right = Math.sqrt(x * equalPowerRight(pan));
      break;
    case '-6dB':
      left = 1 - x;
      right = x;
      break;
  }
  out[offset] = left;
  out[offset + 1] = right;
}

/**
 * Writes the 2×2 width matrix of a stereo source, row-major [L←L, L←R, R←L, R←R], at `offset`. Mid/side:
 * M = (L + R)/2, S = (L − R)/2, out L = M + w·S, out R = M − w·S; w = 1 leaves the source exactly as is,
 * w = 0 gives (L + R)/2 on both sides, w = −1 swaps the sides. Allocates nothing.
 */
export function stereoWidthMatrix(w: number, out: Float32Array | Float64Array, offset = 0): void {
  const width = Math.min(1, Math.max(-1, w));
  const same = (1 + width) / 2;
  const cross = (1 - width) / 2;
  out[offset] = same;
  out[offset + 1] = cross;
  out[offset + 2] = cross;
  out[offset + 3] = same;
}
