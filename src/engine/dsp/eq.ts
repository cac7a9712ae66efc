// The channel strip's 4-band parametric EQ: band 1 low shelf or peak, bands 2–3 peak, band 4 high shelf or
// peak, each an RBJ section (engine.md §6.4). Pure: no I/O, no allocation.
import { BIQUAD_COEFFS, designHighShelf, designIdentity, designLowShelf, designPeaking } from './biquad.js';

export type EqBandType = 'low-shelf' | 'peak' | 'high-shelf';

export interface EqBand {
  enabled: boolean;
  type: EqBandType;
  /** Centre (peak) or mid-transition (shelf) frequency; clamped into EQ_LIMITS.freqHz. */
  freqHz: number;
  /** Gain at the centre (peak) or on the shelf; clamped into EQ_LIMITS.gainDb. */
  gainDb: number;
  /** Bandwidth (peak) or transition steepness (shelf, sox `bass`/`treble` with `q`); clamped into EQ_LIMITS.q. */
  q: number;
}

/** Sections the EQ occupies in a coefficient/state array, one per band (a disabled band is the identity). */
export const EQ_SECTIONS = 4;

export const EQ_LIMITS = {
  freqHz: { min: 20, max: 20_000 },
  gainDb: { min: -18, max: 18 },
  q: { min: 0.1, max: 10 },
} as const;

/** Types each band position offers, for the session schema and surfaces. */
export const EQ_BAND_TYPES: readonly [
  readonly EqBandType[],
  readonly EqBandType[],
  readonly EqBandType[],
  readonly EqBandType[],
] = [['low-shelf', 'peak'], ['peak'], ['peak'], ['high-shelf', 'peak']];

function clamp(value: number, limits: { readonly min: number; readonly max: number }): number {
  return Math.min(Math.max(value, limits.min), limits.max);
}

/**
 * Writes one band's section at `offset`. Values are clamped into EQ_LIMITS; above 0.49·fs the frequency is
 * clamped again by the section design, so 20 kHz stays stable at any rate. A 0 dB band keeps its (flat)
 * RBJ section rather than becoming the identity, so sweeping the gain through 0 dB does not reset its state.
 */
export function designEqBand(out: Float64Array, offset: number, band: EqBand, sampleRate: number): void {
  if (!band.enabled) {
    designIdentity(out, offset);
    return;
  }
  const f = clamp(band.freqHz, EQ_LIMITS.freqHz);
  const g = clamp(band.gainDb, EQ_LIMITS.gainDb);
  const q = clamp(band.q, EQ_LIMITS.q);
  switch (band.type) {
    case 'low-shelf':
      designLowShelf(out, offset, f, q, g, sampleRate);
      return;
    case 'peak':
      designPeaking(out, offset, f, q, g, sampleRate);
      return;
    case 'high-shelf':
      designHighShelf(out, offset, f, q, g, sampleRate);
      return;
  }
}

/** Writes the EQ's four sections at `offset`; a missing band is the identity. */
export function designEq(
  out: Float64Array,
  offset: number,
  bands: readonly EqBand[],
  sampleRate: number,
): void {
  for (let k = 0; k < EQ_SECTIONS; k++) {
    const band = bands[k];
    const at = offset + k * BIQUAD_COEFFS;
    if (band === undefined) designIdentity(out, at);
    else designEqBand(out, at, band, sampleRate);
  }
}
