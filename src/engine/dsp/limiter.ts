// Lookahead brick-wall true-peak limiter for a bus or the master (after zita-dpl's design points, engine.md
// §6.2). Pure: no I/O; process() allocates nothing.
//
// Gain path, per frame, in the natural-log gain domain (0 = unity, negative = reduction), linked over all
// channels so the image never shifts:
//   1. required gain λ = min(0, ln(ceiling / (peak · DETECTOR_MARGIN))), peak from the 16× intersample
//      detector, scaled up so it bounds the true peak (see intersample-peak.ts);
//   2. moving minimum of λ over W + 2K frames (W = lookahead, K = HOLD_GUARD);
//   3. release: a one-pole towards that minimum, never above it (instant attack, exponential release in dB);
//   4. Hann-weighted average over W frames → gain = exp(average), applied to the audio delayed to line up.
// Every value averaged in step 4 is a minimum over a window that contains the K frames either side of the
// audio frame being scaled, and a weighted average with positive weights summing to 1 is never above its
// largest input: the gain there is at most the required gain of all of them, so no overshoot. The attack is a
// W-frame raised-cosine ramp: a plain moving average (linear ramp) would work too, but its spectrum's −13 dB
// side lobes modulate loud content near fs/2 into aliased side bands that meters read as extra true peak;
// the Hann window's side lobes (−31 dB, falling 18 dB/octave) reduce those side bands. Around an isolated
// peak the gain is constant over ±K frames, so a meter's interpolation kernel that short (ffmpeg's resampler
// and the detector: ±16 input samples) sees the peak scaled by exactly that gain. When nothing needs limiting
// every λ is exactly 0, the average is exactly 0 and the output is the
// input delayed by latencyFrames, bit for bit.
import { DETECTOR_MARGIN, HALF_TAPS, IntersamplePeakDetector } from './intersample-peak.js';
import { MovingMinimum } from './moving-extreme.js';

export interface TruePeakLimiterOptions {
  /** 1 … 8 linked channels. */
  channels: number;
  sampleRate: number;
  /** Highest true peak of the output, dBTP; −20 … 0, default −1. */
  ceilingDb?: number;
  /**
   * Attack ramp, ms; 0.25 … 10, default 1.5 (zita-dpl uses ≈ 1.2 ms). Long enough that the ramp's spectrum
   * stays below ≈ 1 kHz (little audible distortion), short enough to keep the total latency ≈ 2.1 ms at 48 kHz.
   */
  lookaheadMs?: number;
  /** Release time constant (gain reduction in dB falls to 1/e), ms; 1 … 1000, default 50. */
  releaseMs?: number;
  /** Where the settings live (LIMITER_SETTINGS slots), so an engine can copy them between threads as they are. */
  settings?: Float64Array;
}

/** Slots of a limiter's settings: ceiling (dBTP and linear) and the release coefficient. */
export const LIMITER_SETTINGS = 3;
const CEILING_DB = 0;
const CEILING = 1;
const RELEASE_COEFFICIENT = 2;

/** Frames the gain is held on each side of a peak: the interpolation kernel's reach, so it sees one gain. */
const HOLD_GUARD = HALF_TAPS;
/** Release state this close to unity (≈ 1e−6 dB) snaps to it, so limiting ends in an exactly unity gain. */
const UNITY_SNAP = -1e-7;
const DB_PER_NEPER = 20 / Math.LN10;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

export class TruePeakLimiter {
  readonly channelCount: number;
  readonly sampleRate: number;
  /** Delay of the audio through the limiter, to be reported for latency compensation. */
  readonly latencyFrames: number;
  private readonly detector: IntersamplePeakDetector;
  private readonly holdMinimum: MovingMinimum;
  /** Audio delay line, channels × latencyFrames. */
  private readonly delay: Float32Array;
  private delayPos = 0;
  /** Hann weights of the average, summing to 1; weights[0] applies to the newest value. */
  private readonly weights: Float64Array;
  /** Released log gains, each written twice (pos and pos + W) so the latest W are contiguous. */
  private readonly recent: Float64Array;
  private recentPos = 0;
  /** Consecutive zero values pushed into `recent`: at `ramp` or more the average is exactly 0 (no work). */
  private zeroRun = 0;
  private released = 0;
  private readonly settings: Float64Array;
  private maxReductionDb = 0;

  constructor(options: TruePeakLimiterOptions) {
    const { channels, sampleRate } = options;
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) {
      throw new RangeError(`limiter supports 1 to 8 channels, not ${channels}`);
    }
    if (!Number.isFinite(sampleRate) || sampleRate < 8000 || sampleRate > 384000) {
      throw new RangeError(`invalid sample rate ${sampleRate}`);
    }
    this.channelCount = channels;
    this.sampleRate = sampleRate;
    const lookaheadMs = clamp(options.lookaheadMs ?? 1.5, 0.25, 10);
    const ramp = Math.max(1, Math.round((lookaheadMs * sampleRate) / 1000));
    this.detector = new IntersamplePeakDetector(channels);
    this.holdMinimum = new MovingMinimum(ramp + 2 * HOLD_GUARD);
    this.weights = new Float64Array(ramp);
    let total = 0;
    for (let i = 0; i < ramp; i++) total += this.weights[i] = Math.sin((Math.PI * (i + 1)) / (ramp + 1)) ** 2;
    for (let i = 0; i < ramp; i++) this.weights[i]! /= total;
    this.recent = new Float64Array(2 * ramp);
    // The audio frame scaled with the gain computed from detector output m is m − (ramp − 1) − HOLD_GUARD.
    this.latencyFrames = IntersamplePeakDetector.delayFrames + ramp - 1 + HOLD_GUARD;
    this.delay = new Float32Array(channels * this.latencyFrames);
    this.settings = options.settings ?? new Float64Array(LIMITER_SETTINGS);
    this.setCeilingDb(options.ceilingDb ?? -1);
    this.setReleaseMs(options.releaseMs ?? 50);
  }

  /** Ceiling in dBTP (clamped to −20 … 0); applies to audio entering from now on. */
  setCeilingDb(db: number): void {
    this.settings[CEILING_DB] = clamp(db, -20, 0);
    this.settings[CEILING] = Math.pow(10, this.settings[CEILING_DB] / 20);
  }

  get ceilingDb(): number {
    return this.settings[CEILING_DB]!;
  }

  /** Release time constant in ms (clamped to 1 … 1000). */
  setReleaseMs(ms: number): void {
    this.settings[RELEASE_COEFFICIENT] = Math.exp(-1000 / (clamp(ms, 1, 1000) * this.sampleRate));
  }

  /** Largest gain reduction (dB, ≥ 0) applied during the last process() call. */
  get gainReductionDb(): number {
    return this.maxReductionDb;
  }

  /**
   * Limits `frames` frames in place. Channel c's samples are `block[c·channelStride + f]`; the default stride
   * is a planar block of exactly `frames` frames per channel.
   */
  process(block: Float32Array, frames: number, channelStride: number = frames): void {
    const { detector, holdMinimum, delay, weights, recent, channelCount } = this;
    const lag = this.latencyFrames;
    const ramp = weights.length;
    const threshold = this.settings[CEILING]! / DETECTOR_MARGIN;
    const alpha = this.settings[RELEASE_COEFFICIENT]!;
    let worst = 0;
    for (let f = 0; f < frames; f++) {
      const peak = detector.pushFrame(block, f, channelStride, threshold);
      const required = peak > threshold ? Math.log(threshold / peak) : 0;
      const held = holdMinimum.push(required);
      let released = alpha * this.released + (1 - alpha) * held;
      if (released > held) released = held;
      else if (held === 0 && released > UNITY_SNAP) released = 0;
      this.released = released;

      const pos = this.recentPos;
      recent[pos] = released;
      recent[pos + ramp] = released;
      this.recentPos = pos + 1 === ramp ? 0 : pos + 1;
      this.zeroRun = released === 0 ? this.zeroRun + 1 : 0;
      // recent[pos + ramp − i] is the value pushed i frames ago.
      let logGain = 0;
      if (this.zeroRun < ramp)
        for (let i = 0; i < ramp; i++) logGain += weights[i]! * recent[pos + ramp - i]!;
      const gain = logGain === 0 ? 1 : Math.exp(logGain);
      if (-logGain > worst) worst = -logGain;

      const slot = this.delayPos;
      for (let c = 0; c < channelCount; c++) {
        const i = c * channelStride + f;
        const delayed = delay[c * lag + slot]!;
        delay[c * lag + slot] = block[i]!;
        block[i] = delayed * gain;
      }
      this.delayPos = slot + 1 === lag ? 0 : slot + 1;
    }
    this.maxReductionDb = worst * DB_PER_NEPER;
  }

  /** Back to silence and unity gain (e.g. on transport relocation). */
  reset(): void {
    this.detector.reset();
    this.holdMinimum.reset();
    this.delay.fill(0);
    this.delayPos = 0;
    this.recent.fill(0);
    this.recentPos = 0;
    this.zeroRun = 0;
    this.released = 0;
    this.maxReductionDb = 0;
  }
}
