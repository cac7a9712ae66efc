// Feed-forward compressor for a mono or linked-stereo strip, after Giannoulis, Massberg & Reiss (2012),
// reference §6.1: level in dB → soft-knee gain computer → gain reduction x_L → smooth *branching* detector in
// the log domain → control c = makeup − y_L → gain, blended with the dry signal (parallel compression).
//
// Why smooth branching and not the paper's smooth decoupled detector: in the decoupled form the release
// runs through the attack filter as well, so the effective release is a cascade of both time constants and
// the panel's release value no longer means what it says; the branching form makes attack and release each
// one exact one-pole (63 % after τ·fs samples), and it is the shape of the benchmark strip's compressor.
// Being in the log domain after the gain computer, it keeps the paper's main benefits: no attack lag, a
// release that does not depend on the level.
//
// Pure: no I/O; process*() allocate nothing (state lives in typed arrays sized in the constructor).
import {
  NEPER_PER_DB,
  amplitudeDb,
  clamp,
  compressorGainDb,
  onePoleCoefficient,
  powerDb,
} from './dynamics-math.js';

/**
 * 'peak': the sample's |x| (max over linked channels). 'rms': mean of x² over a sliding window (10 ms by
 * default, max over linked channels); a window rather than a one-pole on x² so that any tone with a whole
 * number of periods in the window reads its exact RMS, with no ripple at twice its frequency.
 */
export type CompressorDetector = 'peak' | 'rms';

export interface CompressorParams {
  /** −60 … 0 dB. */
  thresholdDb: number;
  /** 1 … 100, or Infinity for a limiter. */
  ratio: number;
  /** Knee width, 0 (hard) … 24 dB. */
  kneeDb: number;
  /** Time constant of a rising gain reduction, 0.05 … 200 ms. */
  attackMs: number;
  /** Time constant of a falling gain reduction, 5 … 4000 ms. */
  releaseMs: number;
  /** 0 … 24 dB, applied to the compressed path. */
  makeupDb: number;
  detector: CompressorDetector;
  /** Compressed share of the output, 0 (dry, bit-exact) … 100 % (fully compressed). */
  mixPercent: number;
}

export interface CompressorOptions {
  sampleRate: number;
  /** Length of the RMS window (default 10 ms). */
  rmsWindowMs?: number;
  /** Smoothing time constant of make-up and mix changes, so that moving them does not click (default 10 ms). */
  paramSmoothingMs?: number;
  /** Where the settings live (COMPRESSOR_SETTINGS slots), so an engine can copy them between threads as they are. */
  settings?: Float64Array;
}

/** Slots of a compressor's settings: the parameters and the coefficients derived from them. */
export const COMPRESSOR_SETTINGS = 10;
const THRESHOLD_DB = 0;
const RATIO = 1;
const KNEE_DB = 2;
const ATTACK_MS = 3;
const RELEASE_MS = 4;
const MAKEUP_DB = 5;
const DETECTOR = 6; // 0 peak, 1 rms
const MIX_PERCENT = 7;
const ATTACK_COEFFICIENT = 8;
const RELEASE_COEFFICIENT = 9;

export const COMPRESSOR_DEFAULTS: Readonly<CompressorParams> = {
  thresholdDb: -20,
  ratio: 4,
  kneeDb: 6,
  attackMs: 10,
  releaseMs: 100,
  makeupDb: 0,
  detector: 'peak',
  mixPercent: 100,
};

// Below this difference a smoother snaps to its target, so settled values are exact and no denormals form.
const SNAP = 1e-9;

// Slots of the per-sample state.
const REDUCTION = 0; // detector output y_L (dB, ≥ 0)
const MAKEUP = 1; // smoothed make-up (dB)
const MIX = 2; // smoothed compressed share (0 … 1)
const SUM = 3; // running Σx² over the RMS window, per channel (2 slots)
const FRESH = 5; // Σx² since the window last wrapped, per channel (2 slots)
const RING_INDEX = 7;
const WINDOW_LIVE = 8; // 1 while the RMS window is being filled (it holds stale squares otherwise)
const STATE_SLOTS = 9;

export class Compressor {
  private readonly sampleRate: number;
  private readonly ringLength: number;
  private readonly squares: Float64Array;
  private readonly state = new Float64Array(STATE_SLOTS);
  private readonly smoothing: number;
  private readonly settings: Float64Array;

  constructor(options: CompressorOptions, params: Partial<CompressorParams> = {}) {
    this.sampleRate = options.sampleRate;
    this.ringLength = Math.max(1, Math.round(((options.rmsWindowMs ?? 10) * options.sampleRate) / 1000));
    // One window per channel of a linked pair (a mono strip leaves the second one silent).
    this.squares = new Float64Array(2 * this.ringLength);
    this.smoothing = 1 - onePoleCoefficient(options.paramSmoothingMs ?? 10, options.sampleRate);
    this.settings = options.settings ?? new Float64Array(COMPRESSOR_SETTINGS);
    this.setParams({ ...COMPRESSOR_DEFAULTS, ...params });
    // Start settled: the first block already has the requested make-up and mix.
    this.state[MAKEUP] = this.settings[MAKEUP_DB]!;
    this.state[MIX] = this.settings[MIX_PERCENT]! / 100;
  }

  /**
   * Changes parameters (the others keep their values); values are clamped to their ranges. Threshold,
   * ratio and knee move the gain computer's output, which the detector smooths; make-up and mix glide.
   */
  setParams(changes: Partial<CompressorParams>): void {
    const p = { ...this.getParams(), ...changes };
    const s = this.settings;
    s[THRESHOLD_DB] = clamp(p.thresholdDb, -60, 0);
    s[RATIO] = p.ratio === Infinity ? Infinity : clamp(p.ratio, 1, 100);
    s[KNEE_DB] = clamp(p.kneeDb, 0, 24);
    s[ATTACK_MS] = clamp(p.attackMs, 0.05, 200);
    s[RELEASE_MS] = clamp(p.releaseMs, 5, 4000);
    s[MAKEUP_DB] = clamp(p.makeupDb, 0, 24);
    s[DETECTOR] = p.detector === 'rms' ? 1 : 0;
    s[MIX_PERCENT] = clamp(p.mixPercent, 0, 100);
    s[ATTACK_COEFFICIENT] = onePoleCoefficient(s[ATTACK_MS], this.sampleRate);
    s[RELEASE_COEFFICIENT] = onePoleCoefficient(s[RELEASE_MS], this.sampleRate);
  }

  getParams(): Readonly<CompressorParams> {
    const s = this.settings;
    return {
      thresholdDb: s[THRESHOLD_DB]!,
      ratio: s[RATIO]!,
      kneeDb: s[KNEE_DB]!,
      attackMs: s[ATTACK_MS]!,
      releaseMs: s[RELEASE_MS]!,
      makeupDb: s[MAKEUP_DB]!,
      detector: s[DETECTOR] === 1 ? 'rms' : 'peak',
      mixPercent: s[MIX_PERCENT]!,
    };
  }

  /** Current gain reduction in dB (≥ 0, make-up not included), for the meter. */
  get gainReductionDb(): number {
    return this.state[REDUCTION]!;
  }

  /** Compresses `frames` samples of `buf` from `offset`, in place (a mono compressor). */
  processMono(buf: Float32Array, offset: number, frames: number): void {
    this.run(buf, offset, null, 0, frames);
  }

  /** Compresses a stereo pair in place with one gain, driven by the louder channel (a stereo compressor). */
  processStereo(
    left: Float32Array,
    leftOffset: number,
    right: Float32Array,
    rightOffset: number,
    frames: number,
  ): void {
    this.run(left, leftOffset, right, rightOffset, frames);
  }

  private clearWindow(): void {
    this.squares.fill(0);
    this.state.fill(0, SUM, RING_INDEX + 1);
  }

  private run(a: Float32Array, ao: number, b: Float32Array | null, bo: number, frames: number): void {
    const { state, squares, ringLength, smoothing, settings } = this;
    const thresholdDb = settings[THRESHOLD_DB]!;
    const ratio = settings[RATIO]!;
    const kneeDb = settings[KNEE_DB]!;
    const aA = settings[ATTACK_COEFFICIENT]!;
    const aR = settings[RELEASE_COEFFICIENT]!;
    const rms = settings[DETECTOR] === 1;
    const makeupTarget = settings[MAKEUP_DB]!;
    const mixTarget = settings[MIX_PERCENT]! / 100;
    // A window that was not being filled holds stale squares: start it from silence.
    if (rms && state[WINDOW_LIVE] !== 1) this.clearWindow();
    state[WINDOW_LIVE] = rms ? 1 : 0;
    let reduction = state[REDUCTION]!;
    let makeup = state[MAKEUP]!;
    let mix = state[MIX]!;
    let sumA = state[SUM]!;
    let sumB = state[SUM + 1]!;
    let freshA = state[FRESH]!;
    let freshB = state[FRESH + 1]!;
    let ring = state[RING_INDEX]!;
    for (let i = 0; i < frames; i++) {
      const xa = a[ao + i]!;
      const xb = b === null ? 0 : b[bo + i]!;
      let level: number;
      if (rms) {
        const qa = xa * xa;
        const qb = xb * xb;
        sumA += qa - squares[ring]!;
        squares[ring] = qa;
        freshA += qa;
        if (b !== null) {
          sumB += qb - squares[ringLength + ring]!;
          squares[ringLength + ring] = qb;
          freshB += qb;
        }
        // After a full lap the fresh sums hold exactly the window: restart from them so the running
        // sums' rounding errors cannot accumulate.
        if (++ring === ringLength) {
          ring = 0;
          sumA = freshA;
          sumB = freshB;
          freshA = 0;
          freshB = 0;
        }
        level = powerDb(Math.max(sumA, sumB) / ringLength);
      } else {
        level = amplitudeDb(Math.max(Math.abs(xa), Math.abs(xb)));
      }
      const target = -compressorGainDb(level, thresholdDb, ratio, kneeDb);
      reduction = target + (target > reduction ? aA : aR) * (reduction - target);
      if (Math.abs(reduction - target) < SNAP) reduction = target;
      if (makeup !== makeupTarget) {
        makeup += (makeupTarget - makeup) * smoothing;
        if (Math.abs(makeupTarget - makeup) < SNAP) makeup = makeupTarget;
      }
      if (mix !== mixTarget) {
        mix += (mixTarget - mix) * smoothing;
        if (Math.abs(mixTarget - mix) < SNAP) mix = mixTarget;
      }
      // dry·(1 − m) + wet·m as one gain: at m = 0 it is exactly 1 (bit-exact dry), at m = 1 exactly the wet gain.
      const gain = 1 - mix + mix * Math.exp((makeup - reduction) * NEPER_PER_DB);
      a[ao + i] = xa * gain;
      if (b !== null) b[bo + i] = xb * gain;
    }
    state[REDUCTION] = reduction;
    state[MAKEUP] = makeup;
    state[MIX] = mix;
    state[SUM] = sumA;
    state[SUM + 1] = sumB;
    state[FRESH] = freshA;
    state[FRESH + 1] = freshB;
    state[RING_INDEX] = ring;
  }
}
