// Static gain computers and time-constant helpers shared by the compressor and the gate (Giannoulis,
// Massberg & Reiss 2012; reference §6.1, §6.3). Levels and gains are in dB; a "gain" is the change the
// processor applies (≤ 0 dB). Pure: no I/O, no allocation.

/** dB per neper (20/ln 10): a natural log times this is a level in dB. */
export const DB_PER_NEPER = 20 / Math.LN10;

/** Nepers per dB (ln 10/20): exp(dB × this) is the linear gain, cheaper per sample than 10^(dB/20). */
export const NEPER_PER_DB = Math.LN10 / 20;

// Silence reads as −200 dB instead of −∞, so gain computers and smoothers stay finite.
const AMPLITUDE_FLOOR = 1e-10;
const POWER_FLOOR = AMPLITUDE_FLOOR * AMPLITUDE_FLOOR;

/** Level in dB of an amplitude |x| (floored at −200 dB). */
export function amplitudeDb(amplitude: number): number {
  return DB_PER_NEPER * Math.log(Math.max(amplitude, AMPLITUDE_FLOOR));
}

/** Level in dB of a mean square (floored at −200 dB): 10·log10(power). */
export function powerDb(power: number): number {
  return 0.5 * DB_PER_NEPER * Math.log(Math.max(power, POWER_FLOOR));
}

/**
 * Compressor gain computer with a soft knee: the gain change y_G − x_G for input level `levelDb`, threshold
 * T, ratio R (Infinity = limiter) and knee width W (0 = hard knee). Quadratic inside the knee, so the
 * curve and its slope are continuous at T ± W/2.
 */
export function compressorGainDb(
  levelDb: number,
  thresholdDb: number,
  ratio: number,
  kneeDb: number,
): number {
  const over = levelDb - thresholdDb;
  const slope = 1 / ratio - 1;
  // With W = 0 these two tests cover every level, so the knee branch never divides by zero.
  if (2 * over <= -kneeDb) return 0;
  if (2 * over >= kneeDb) return slope * over;
  const o = over + kneeDb / 2;
  return (slope * o * o) / (2 * kneeDb);
}

/**
 * Downward expander (the compressor mirrored below the threshold): 1:R expansion of the undershoot,
 * gain change (R − 1)(L − T) for L < T, never below −range.
 */
export function expanderGainDb(levelDb: number, thresholdDb: number, ratio: number, rangeDb: number): number {
  if (levelDb >= thresholdDb) return 0;
  return Math.max(-rangeDb, (ratio - 1) * (levelDb - thresholdDb));
}

/** Gate (the expander with R → ∞): unity at or above the threshold, −range below it. */
export function gateGainDb(levelDb: number, thresholdDb: number, rangeDb: number): number {
  return levelDb >= thresholdDb ? 0 : -rangeDb;
}

/**
 * Per-sample coefficient α = e^(−1/(τ·fs)) of a one-pole y = x + α(y − x) with time constant `ms`: a step
 * reaches 1 − 1/e ≈ 63 % of its change after τ·fs samples. 0 ms gives α = 0 (follow at once).
 */
export function onePoleCoefficient(ms: number, sampleRate: number): number {
  return ms > 0 ? Math.exp(-1000 / (ms * sampleRate)) : 0;
}

// A one-pole's step response 1 − e^(−t/τ) crosses 10 % at τ·ln(10/9) and 90 % at τ·ln 10: t = τ·ln 9.
const RISE_PER_TAU = Math.log(9);

/** 10–90 % rise time of a one-pole with time constant `tauMs` (τ·ln 9 ≈ 2.2 τ). */
export function riseTimeFromTimeConstant(tauMs: number): number {
  return tauMs * RISE_PER_TAU;
}

/** Time constant of a one-pole whose 10–90 % rise time is `riseMs`. */
export function timeConstantFromRiseTime(riseMs: number): number {
  return riseMs / RISE_PER_TAU;
}

/** `value` limited to [lo, hi]. */
export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
