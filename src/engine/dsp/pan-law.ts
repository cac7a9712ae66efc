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
