// Gate / downward expander / ducker for a mono or linked-stereo strip, reference §6.3. A key signal (the
// strip itself, or any strip or bus the caller passes in) drives a peak detector; the key opens at or above
// the threshold and closes only below threshold − hysteresis, then holds for `hold` before releasing.
// While open: gate and expander pass at unity, the ducker attenuates by `range`. While closed: the gate
// attenuates by `range`, the expander follows its 1:R curve (floored at −range), the ducker passes.
// The gain glides in dB with one-pole attack/release, so state changes never make a step.
//
// Pure: no I/O; process*() allocate nothing (state lives in a typed array).
import {
  NEPER_PER_DB,
  amplitudeDb,
  clamp,
  expanderGainDb,
  gateGainDb,
  onePoleCoefficient,
} from './dynamics-math.js';

export type GateMode = 'gate' | 'expander' | 'ducker';

export interface GateParams {
  mode: GateMode;
  /** Opening level of the key, −80 … 0 dB. */
  thresholdDb: number;
  /** Attenuation when closed (gate) or ducking (ducker), and the expander's floor: 0 … 80 dB. */
  rangeDb: number;
  /** Expansion ratio 1:R below the threshold, 1.5 … 4 ('expander' only). */
  ratio: number;
  /** Time constant of the gain moving towards "key open" (gate opening, ducker ducking), 0.05 … 120 ms. */
  attackMs: number;
  /** Time the key stays open after its level falls below the closing level, 0 … 2000 ms. */
  holdMs: number;
  /** Time constant of the gain moving back after the hold, 5 … 4000 ms. */
  releaseMs: number;
  /** The key closes below threshold − hysteresis, 0 … 12 dB. */
  hysteresisDb: number;
}

export interface GateOptions {
  sampleRate: number;
  /**
   * Decay time constant of the key's peak detector (instant attack), default 20 ms: it bridges the zero
   * crossings of a tone, so a 50 Hz key ripples by ≤ 4.3 dB instead of falling to silence every 10 ms.
   * 0 makes the detector read each sample's |key|.
   */
  detectorReleaseMs?: number;
}

export const GATE_DEFAULTS: Readonly<GateParams> = {
  mode: 'gate',
  thresholdDb: -50,
  rangeDb: 40,
  ratio: 2,
  attackMs: 1,
  holdMs: 20,
  releaseMs: 100,
  hysteresisDb: 0,
};

// Below this difference the gain snaps to its target, so a settled gain (open or at the floor) is exact.
const SNAP = 1e-9;

// Slots of the per-sample state.
const ENVELOPE = 0; // key peak detector (linear)
const GAIN = 1; // current gain (dB)
const OPEN = 2; // 1 while the key is open (latched with hysteresis)
const HOLD_LEFT = 3; // samples of hold still to run after the key closed
const STATE_SLOTS = 4;

export class Gate {
  private readonly sampleRate: number;
  private readonly detectorCoefficient: number;
  private readonly state = new Float64Array(STATE_SLOTS);
  private params: GateParams = { ...GATE_DEFAULTS };
  private attackCoefficient = 0;
  private releaseCoefficient = 0;
  private holdSamples = 0;

  constructor(options: GateOptions, params: Partial<GateParams> = {}) {
    this.sampleRate = options.sampleRate;
    this.detectorCoefficient = onePoleCoefficient(options.detectorReleaseMs ?? 20, options.sampleRate);
    this.setParams(params);
    // Start settled at the "key closed" gain, as after a long silence.
    this.state[GAIN] = this.params.mode === 'ducker' ? 0 : -this.params.rangeDb;
  }

  /** Changes parameters (the others keep their values); values are clamped to their ranges. */
  setParams(changes: Partial<GateParams>): void {
    const p = { ...this.params, ...changes };
    p.thresholdDb = clamp(p.thresholdDb, -80, 0);
    p.rangeDb = clamp(p.rangeDb, 0, 80);
    p.ratio = clamp(p.ratio, 1.5, 4);
    p.attackMs = clamp(p.attackMs, 0.05, 120);
    p.holdMs = clamp(p.holdMs, 0, 2000);
    p.releaseMs = clamp(p.releaseMs, 5, 4000);
    p.hysteresisDb = clamp(p.hysteresisDb, 0, 12);
    this.params = p;
    this.attackCoefficient = onePoleCoefficient(p.attackMs, this.sampleRate);
    this.releaseCoefficient = onePoleCoefficient(p.releaseMs, this.sampleRate);
    this.holdSamples = Math.round((p.holdMs * this.sampleRate) / 1000);
  }

  getParams(): Readonly<GateParams> {
    return this.params;
  }

  /** Current gain in dB (0 = open/unducked, −range at the floor). */
  get gainDb(): number {
    return this.state[GAIN]!;
  }

  /**
   * Processes `frames` samples of `buf` from `offset` in place. `key` (from `keyOffset`), when given,
   * drives the detector instead of the signal itself.
   */
  processMono(buf: Float32Array, offset: number, frames: number, key?: Float32Array, keyOffset = 0): void {
    this.run(buf, offset, null, 0, frames, key ?? null, keyOffset);
  }

  /** Processes a stereo pair in place with one gain; without a key, the louder channel is the key. */
  processStereo(
    left: Float32Array,
    leftOffset: number,
    right: Float32Array,
    rightOffset: number,
    frames: number,
    key?: Float32Array,
    keyOffset = 0,
  ): void {
    this.run(left, leftOffset, right, rightOffset, frames, key ?? null, keyOffset);
  }

  private run(
    a: Float32Array,
    ao: number,
    b: Float32Array | null,
    bo: number,
    frames: number,
    key: Float32Array | null,
    ko: number,
  ): void {
    const { state, detectorCoefficient, holdSamples, attackCoefficient, releaseCoefficient } = this;
    const { mode, thresholdDb, rangeDb, ratio, hysteresisDb } = this.params;
    const ducker = mode === 'ducker';
    const closeDb = thresholdDb - hysteresisDb;
    let envelope = state[ENVELOPE]!;
    let gain = state[GAIN]!;
    let open = state[OPEN] === 1;
    let holdLeft = state[HOLD_LEFT]!;
    for (let i = 0; i < frames; i++) {
      const xa = a[ao + i]!;
      const xb = b === null ? 0 : b[bo + i]!;
      const k = key === null ? Math.max(Math.abs(xa), Math.abs(xb)) : Math.abs(key[ko + i]!);
      envelope = Math.max(k, envelope * detectorCoefficient);
      const level = amplitudeDb(envelope);
      if (level >= thresholdDb) {
        open = true;
      } else if (open && level < closeDb) {
        open = false;
        holdLeft = holdSamples;
      }
      // The hold counts the samples after the closing one that still behave as open.
      const holding = !open && holdLeft > 0;
      if (holding) holdLeft--;
      const keyActive = open || holding;
      let target: number;
      if (ducker) target = keyActive ? -rangeDb : 0;
      else if (keyActive) target = 0;
      else if (mode === 'expander') target = expanderGainDb(level, thresholdDb, ratio, rangeDb);
      else target = gateGainDb(level, thresholdDb, rangeDb);
      // Attack is the move towards the key-open gain: up for gate/expander, down for the ducker.
      const towardsOpen = target > gain !== ducker;
      gain = target + (towardsOpen ? attackCoefficient : releaseCoefficient) * (gain - target);
      if (Math.abs(gain - target) < SNAP) gain = target;
      const g = Math.exp(gain * NEPER_PER_DB);
      a[ao + i] = xa * g;
      if (b !== null) b[bo + i] = xb * g;
    }
    state[ENVELOPE] = envelope;
    state[GAIN] = gain;
    state[OPEN] = open ? 1 : 0;
    state[HOLD_LEFT] = holdLeft;
  }
}
