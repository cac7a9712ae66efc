// Level helpers and the per-sample gain smoother. Pure: no I/O, no allocation.

/** dB → linear gain; −∞ dB is silence. */
export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : Math.pow(10, db / 20);
}

/** Per-sample coefficient of a one-pole smoother with time constant `seconds`. */
export function smoothingCoefficient(seconds: number, sampleRate: number): number {
  return 1 - Math.exp(-1 / (seconds * sampleRate));
}

/** Below this difference a smoother snaps to its target, so a settled gain is exact (and stays so). */
const SNAP = 1e-9;

// The smoothers below glide on the distance to the target, d ← d·(1 − k), which is the one pole
// g ← g + (target − g)·k. Their loop variable is a double throughout: a snap that assigned `target` itself
// lets the JIT keep the variable boxed when the target is a whole number (0 or 1), and it then allocated a
// heap number per sample. The gain reached is written back to its Float64Array slot, never returned (a double
// returned from a call that is not inlined is boxed too).

/**
 * Adds `src` × a gain that glides from `gains[at]` towards `target` (coefficient `k`) into `dst`, over
 * `frames` samples from the given offsets, and leaves the gain reached in `gains[at]`. A settled gain runs
 * the plain multiply-add loop.
 */
export function mixSmoothed(
  src: Float32Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  frames: number,
  gains: Float64Array,
  at: number,
  target: number,
  k: number,
): void {
  const start = gains[at]!;
  if (start === target) {
    if (target !== 0) for (let i = 0; i < frames; i++) dst[dstOffset + i]! += src[srcOffset + i]! * target;
    return;
  }
  const r = 1 - k;
  let d = start - target;
  for (let i = 0; i < frames; i++) {
    d *= r;
    if (Math.abs(d) < SNAP) d = 0;
    dst[dstOffset + i]! += src[srcOffset + i]! * (target + d);
  }
  gains[at] = target + d;
}

/**
 * Multiplies `channels` planar channels of `frames` samples (channel c from `offset + c·stride`) in place by
 * one gain gliding from `gains[at]` towards `target`, and leaves the gain reached in `gains[at]`.
 */
export function scaleSmoothed(
  buf: Float32Array,
  offset: number,
  stride: number,
  channels: number,
  frames: number,
  gains: Float64Array,
  at: number,
  target: number,
  k: number,
): void {
  const start = gains[at]!;
  if (start === target) {
    if (target === 1) return;
    for (let c = 0; c < channels; c++) {
      const from = offset + c * stride;
      for (let i = from; i < from + frames; i++) buf[i]! *= target;
    }
    return;
  }
  const r = 1 - k;
  let d = 0;
  for (let c = 0; c < channels; c++) {
    const from = offset + c * stride;
    d = start - target;
    for (let i = from; i < from + frames; i++) {
      d *= r;
      if (Math.abs(d) < SNAP) d = 0;
      buf[i]! *= target + d;
    }
  }
  gains[at] = channels > 0 ? target + d : start;
}
