// Coefficient glide for biquad cascades: when a filter's settings change (an EQ gain, a frequency, a band or
// the HPF switched in), its coefficients move to the new ones over a few smoothing time constants instead of
// jumping, which would be heard as zipper noise while a knob turns and as a click on a switch. Once a block,
// the coefficients take one step of a one-pole towards their target; within the block they ramp linearly,
// sample by sample, from where they were. Pure: no I/O, no allocation.
//
// Stability: every coefficient set on the way is a convex combination of sets the filter had or is heading
// for, and the region of stable (a1, a2) (the triangle |a2| < 1, |a1| < 1 + a2) is convex, so every
// frozen-time section on the way is stable, with coefficients that change slowly.
import { isIdentity, processBiquad } from './biquad.js';

/** Relative distance below which a gliding coefficient snaps to its target, so settled filters are exact. */
const SNAP = 1e-9;

/** Per-block step of a one-pole with time constant `seconds`, for blocks of `frames` samples. */
export function blockGlideCoefficient(seconds: number, frames: number, sampleRate: number): number {
  return 1 - Math.exp(-frames / (seconds * sampleRate));
}

/**
 * Writes into `next` the `count` coefficients from `offset` one block-step (`k`) nearer their `target` than
 * `active` is, snapping those close enough. Returns false when `active` already equals `target` there (then
 * `next` is left untouched and the block needs no ramp).
 */
export function stepGlide(
  target: Float64Array,
  active: Float64Array,
  next: Float64Array,
  offset: number,
  count: number,
  k: number,
): boolean {
  let moving = false;
  for (let i = offset; i < offset + count; i++) if (active[i] !== target[i]) moving = true;
  if (!moving) return false;
  for (let i = offset; i < offset + count; i++) {
    const t = target[i]!;
    const a = active[i]!;
    const n = a + k * (t - a);
    next[i] = Math.abs(t - n) <= SNAP * (1 + Math.abs(t)) ? t : n;
  }
  return true;
}

/**
 * Filters `frames` samples of `buf` from `offset` in place through one section whose coefficients ramp
 * linearly from `from` (before the first sample) to `to` (at the last), transposed direct form II with
 * float64 state. A section that stays the identity passes the signal bit for bit (see processBiquad).
 */
export function processBiquadGlide(
  from: Float64Array,
  to: Float64Array,
  coeffOffset: number,
  state: Float64Array,
  stateOffset: number,
  buf: Float32Array,
  offset: number,
  frames: number,
): void {
  if (isIdentity(to, coeffOffset) && isIdentity(from, coeffOffset)) {
    processBiquad(to, coeffOffset, state, stateOffset, buf, offset, frames);
    return;
  }
  const c = coeffOffset;
  const step = 1 / frames;
  let b0 = from[c]!;
  let b1 = from[c + 1]!;
  let b2 = from[c + 2]!;
  let a1 = from[c + 3]!;
  let a2 = from[c + 4]!;
  const db0 = (to[c]! - b0) * step;
  const db1 = (to[c + 1]! - b1) * step;
  const db2 = (to[c + 2]! - b2) * step;
  const da1 = (to[c + 3]! - a1) * step;
  const da2 = (to[c + 4]! - a2) * step;
  let s1 = state[stateOffset]!;
  let s2 = state[stateOffset + 1]!;
  const end = offset + frames;
  for (let i = offset; i < end; i++) {
    b0 += db0;
    b1 += db1;
    b2 += db2;
    a1 += da1;
    a2 += da2;
    const x = buf[i]!;
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    buf[i] = y;
  }
  state[stateOffset] = s1;
  state[stateOffset + 1] = s2;
}
