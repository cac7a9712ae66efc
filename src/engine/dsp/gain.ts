// Level helpers and the per-sample gain smoother. Pure: no I/O, no allocation.

/** dB → linear gain; −∞ dB is silence. */
export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : Math.pow(10, db / 20);
}

/** Per-sample coefficient of a one-pole smoother with time constant `seconds`. */
export function smoothingCoefficient(seconds: number, sampleRate: number): number {
  return 1 - Math.exp(-1 / (seconds * sampleRate));
}

/** Below this difference the smoother snaps to its target, so a settled gain is exact (and stays so). */
const SNAP = 1e-9;

/**
 * Adds `src` × a gain that glides from `current` towards `target` (one pole, coefficient `k`) into `dst`,
 * over `frames` samples starting at the given offsets. Returns the gain reached, for the next block.
 * When the gain has settled, it runs the plain multiply-add loop.
 */
export function mixSmoothed(
  src: Float32Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  frames: number,
  current: number,
  target: number,
  k: number,
): number {
  let g = current;
  if (g === target) {
    if (g !== 0) for (let i = 0; i < frames; i++) dst[dstOffset + i]! += src[srcOffset + i]! * g;
    return g;
  }
  for (let i = 0; i < frames; i++) {
    g += (target - g) * k;
    if (Math.abs(target - g) < SNAP) g = target;
    dst[dstOffset + i]! += src[srcOffset + i]! * g;
  }
  return g;
}

/** Largest absolute sample of `frames` samples from `offset`, combined with `peak`. */
export function peakOf(buf: Float32Array, offset: number, frames: number, peak: number): number {
  let p = peak;
  for (let i = 0; i < frames; i++) {
    const a = Math.abs(buf[offset + i]!);
    if (a > p) p = a;
  }
  return p;
}
