// The channel strip's high-pass filter: a Butterworth response of order 2, 3 or 4 (12/18/24 dB/oct, the X32
// set) built as a cascade of at most two sections (engine.md §6.4). Pure: no I/O, no allocation.
import { BIQUAD_COEFFS, designFirstOrderHighPass, designHighPass, designIdentity } from './biquad.js';

/** Roll-off in dB per octave: 6 dB per pole, so the Butterworth order is slope / 6. */
export type HpfSlope = 12 | 18 | 24;

export interface HpfSettings {
  enabled: boolean;
  /** −3 dB corner, clamped into [HPF_MIN_HZ, HPF_MAX_HZ]. */
  freqHz: number;
  slope: HpfSlope;
}

/** Sections the HPF always occupies in a coefficient/state array (the unused one is the identity). */
export const HPF_SECTIONS = 2;
export const HPF_MIN_HZ = 20;
export const HPF_MAX_HZ = 1000;

/**
 * Q of the k-th conjugate pole pair of an order-n Butterworth filter: the poles sit on the unit circle at
 * angles θ = (n − 1 − 2k)π/(2n) from the negative real axis (odd n adds a real pole at θ = 0), and a pair
 * at angle θ has Q = 1/(2 cos θ). Order 2: 0.7071; order 3: 1.0; order 4: 1.3066 and 0.5412.
 */
function butterworthQ(order: number, pair: number): number {
  return 1 / (2 * Math.cos(((order - 1 - 2 * pair) * Math.PI) / (2 * order)));
}

/**
 * Writes the HPF's two sections at `offset` in `out`. The bilinear transform with prewarping at the
 * corner keeps the whole cascade an exact digital Butterworth: |H| = 1/√(1 + (tan(ωc/2)/tan(ω/2))^2n).
 */
export function designHpf(
  out: Float64Array,
  offset: number,
  settings: HpfSettings,
  sampleRate: number,
): void {
  const second = offset + BIQUAD_COEFFS;
  if (!settings.enabled) {
    designIdentity(out, offset);
    designIdentity(out, second);
    return;
  }
  const f = Math.min(Math.max(settings.freqHz, HPF_MIN_HZ), HPF_MAX_HZ);
  switch (settings.slope) {
    case 12:
      designHighPass(out, offset, f, butterworthQ(2, 0), sampleRate);
      designIdentity(out, second);
      return;
    case 18:
      designFirstOrderHighPass(out, offset, f, sampleRate);
      designHighPass(out, second, f, butterworthQ(3, 0), sampleRate);
      return;
    case 24:
      designHighPass(out, offset, f, butterworthQ(4, 0), sampleRate);
      designHighPass(out, second, f, butterworthQ(4, 1), sampleRate);
      return;
  }
}
