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
  /**
   * Where the settings live (GATE_SETTINGS slots): the engine keeps every strip's settings in arrays it can
   * copy between threads as they are, so an audio thread takes new settings without computing or allocating.
   */
  settings?: Float64Array;
}

/** Slots of a gate's settings: the parameters and the coefficients derived from them. */
export const GATE_SETTINGS = 10;
const MODE = 0; // 0 gate, 1 expander, 2 ducker
const THRESHOLD_DB = 1;
const RANGE_DB = 2;
const RATIO = 3;
const ATTACK_MS = 4;
const HOLD_MS = 5;
const RELEASE_MS = 6;
const HYSTERESIS_DB = 7;
const ATTACK_COEFFICIENT = 8;
const RELEASE_COEFFICIENT = 9;
const MODES: readonly GateMode[] = ['gate', 'expander', 'ducker'];

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
  private readonly settings: Float64Array;

  constructor(options: GateOptions, params: Partial<GateParams> = {}) {
    this.sampleRate = options.sampleRate;
    this.detectorCoefficient = onePoleCoefficient(options.detectorReleaseMs ?? 20, options.sampleRate);
    this.settings = options.settings ?? new Float64Array(GATE_SETTINGS);
    this.setParams({ ...GATE_DEFAULTS, ...params });
    // Start settled at the "key closed" gain, as after a long silence.
    this.state[GAIN] = params.mode === 'ducker' ? 0 : -this.settings[RANGE_DB]!;
  }

  /** Changes parameters (the others keep their values); values are clamped to their ranges. */
  setParams(changes: Partial<GateParams>): void {
    const p = { ...this.getParams(), ...changes };
    const s = this.settings;
    s[MODE] = MODES.indexOf(p.mode);
    s[THRESHOLD_DB] = clamp(p.thresholdDb, -80, 0);
    s[RANGE_DB] = clamp(p.rangeDb, 0, 80);
    s[RATIO] = clamp(p.ratio, 1.5, 4);
    s[ATTACK_MS] = clamp(p.attackMs, 0.05, 120);
    s[HOLD_MS] = clamp(p.holdMs, 0, 2000);
    s[RELEASE_MS] = clamp(p.releaseMs, 5, 4000);
    s[HYSTERESIS_DB] = clamp(p.hysteresisDb, 0, 12);
    s[ATTACK_COEFFICIENT] = onePoleCoefficient(s[ATTACK_MS], this.sampleRate);
    s[RELEASE_COEFFICIENT] = onePoleCoefficient(s[RELEASE_MS], this.sampleRate);
  }

  getParams(): Readonly<GateParams> {
    const s = this.settings;
    return {
      mode: MODES[s[MODE]!] ?? 'gate',
      thresholdDb: s[THRESHOLD_DB]!,
      rangeDb: s[RANGE_DB]!,
      ratio: s[RATIO]!,
      attackMs: s[ATTACK_MS]!,
      holdMs: s[HOLD_MS]!,
      releaseMs: s[RELEASE_MS]!,
      hysteresisDb: s[HYSTERESIS_DB]!,
    };
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
    const { state, settings, detectorCoefficient } = this;
    const mode = settings[MODE]!;
    const thresholdDb = settings[THRESHOLD_DB]!;
    const rangeDb = settings[RANGE_DB]!;
    const ratio = settings[RATIO]!;
    const hysteresisDb = settings[HYSTERESIS_DB]!;
    const attackCoefficient = settings[ATTACK_COEFFICIENT]!;
    const releaseCoefficient = settings[RELEASE_COEFFICIENT]!;
    const holdSamples = Math.round((settings[HOLD_MS]! * this.sampleRate) / 1000);
    const ducker = mode === 2;
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
      else if (mode === 1) target = expanderGainDb(level, thresholdDb, ratio, rangeDb);
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
