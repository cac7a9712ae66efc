// The first mixer: mono/stereo input strips (input gain, fader, mute, pan) into a stereo master, with
// sample-peak meters. The same class runs in the audio worker and in `mixd render`, so an offline render is
// the realtime path's arithmetic exactly. process() allocates nothing and reads parameters from shared memory.
import { balanceLeft, balanceRight, equalPowerLeft, equalPowerRight } from './dsp/pan-law.js';
import { dbToGain, mixSmoothed, peakOf, smoothingCoefficient } from './dsp/gain.js';
import { Control, MasterParam, StripParam, type EngineViews } from './shared/layout.js';

export interface StripTopology {
  stereo: boolean;
  /** 0-based device input channel (a stereo strip also reads input + 1). */
  input: number;
}

export interface MixerOptions {
  sampleRate: number;
  blockFrames: number;
  strips: readonly StripTopology[];
  /** Start from silence and fade to the parameter values (realtime start), or start settled (render). */
  startSilent: boolean;
  /** Parameter smoothing time constant: long enough to remove zipper noise and mute clicks. */
  smoothingSeconds?: number;
  /** Meter window: the peak over this span is published at once, so a reader at ≥ 30 Hz misses nothing. */
  meterWindowSeconds?: number;
}

// Per-strip smoothed state: [level L, level R (stereo), pan/balance L, pan/balance R], current and target.
const STATE = 4;

export class Mixer {
  private readonly strips: readonly StripTopology[];
  private readonly blockFrames: number;
  private readonly k: number;
  private readonly current: Float64Array;
  private readonly target: Float64Array;
  private readonly scratch: Float32Array;
  private readonly bus: Float32Array;
  private readonly peaks: Float32Array;
  private readonly meterWindowBlocks: number;
  private blocksInWindow = 0;
  private paramGeneration = -1;

  constructor(
    private readonly views: EngineViews,
    options: MixerOptions,
  ) {
    this.strips = options.strips;
    this.blockFrames = options.blockFrames;
    this.k = smoothingCoefficient(options.smoothingSeconds ?? 0.01, options.sampleRate);
    const n = this.strips.length + 1; // + master
    this.current = new Float64Array(n * STATE);
    this.target = new Float64Array(n * STATE);
    this.scratch = new Float32Array(2 * options.blockFrames);
    this.bus = new Float32Array(2 * options.blockFrames);
    this.peaks = new Float32Array(views.meters.length);
    const window = options.meterWindowSeconds ?? 0.02;
    this.meterWindowBlocks = Math.max(1, Math.round((window * options.sampleRate) / options.blockFrames));
    this.readParams();
    if (!options.startSilent) this.current.set(this.target);
  }

  /**
   * Mixes one block. `input` holds `inChannels` planar channels of blockFrames samples; `output` receives
   * `outChannels` planar channels (master L, R; any further channels are silent).
   */
  process(input: Float32Array, inChannels: number, output: Float32Array, outChannels: number): void {
    const frames = this.blockFrames;
    if (Atomics.load(this.views.control, Control.ParamGeneration) !== this.paramGeneration) this.readParams();
    const { current, target, scratch, bus, peaks, views, k } = this;
    bus.fill(0);
    for (let s = 0; s < this.strips.length; s++) {
      const strip = this.strips[s]!;
      const o = s * STATE;
      scratch.fill(0);
      const channels = strip.stereo ? 2 : 1;
      for (let c = 0; c < channels; c++) {
        const ch = strip.input + c;
        if (ch < inChannels)
          current[o + c] = mixSmoothed(
            input,
            ch * frames,
            scratch,
            c * frames,
            frames,
            current[o + c]!,
            target[o + c]!,
            k,
          );
        else current[o + c] = target[o + c]!;
        const m = views.stripMeter(s, c as 0 | 1);
        peaks[m] = peakOf(scratch, c * frames, frames, peaks[m]!);
      }
      // Mono: the one channel is panned to both sides. Stereo: each side is balanced onto its own side.
      const rightSrc = strip.stereo ? frames : 0;
      current[o + 2] = mixSmoothed(scratch, 0, bus, 0, frames, current[o + 2]!, target[o + 2]!, k);
      current[o + 3] = mixSmoothed(
        scratch,
        rightSrc,
        bus,
        frames,
        frames,
        current[o + 3]!,
        target[o + 3]!,
        k,
      );
    }
    const m = this.strips.length * STATE;
    output.fill(0, 0, outChannels * frames);
    for (let c = 0; c < 2 && c < outChannels; c++) {
      current[m + c] = mixSmoothed(
        bus,
        c * frames,
        output,
        c * frames,
        frames,
        current[m + c]!,
        target[m + c]!,
        k,
      );
      const mm = views.masterMeter(c as 0 | 1);
      peaks[mm] = peakOf(output, c * frames, frames, peaks[mm]!);
    }
    if (++this.blocksInWindow >= this.meterWindowBlocks) this.publishMeters();
  }

  private publishMeters(): void {
    this.views.meters.set(this.peaks);
    this.peaks.fill(0);
    this.blocksInWindow = 0;
    Atomics.add(this.views.control, Control.MeterSequence, 1);
  }

  // Runs only when the control side committed new values: dB → gain conversions stay off the per-block path.
  private readParams(): void {
    const { views, target } = this;
    this.paramGeneration = Atomics.load(views.control, Control.ParamGeneration);
    const p = views.params;
    for (let s = 0; s < this.strips.length; s++) {
      const o = s * STATE;
      const muted = p[views.stripParam(s, StripParam.Mute)]! !== 0;
      const level = muted
        ? 0
        : dbToGain(p[views.stripParam(s, StripParam.GainDb)]!) *
          dbToGain(p[views.stripParam(s, StripParam.FaderDb)]!);
      const pan = p[views.stripParam(s, StripParam.Pan)]!;
      const stereo = this.strips[s]!.stereo;
      target[o] = level;
      target[o + 1] = stereo ? level : 0;
      target[o + 2] = stereo ? balanceLeft(pan) : equalPowerLeft(pan);
      target[o + 3] = stereo ? balanceRight(pan) : equalPowerRight(pan);
    }
    const m = this.strips.length * STATE;
    const masterLevel =
      p[views.masterParam(MasterParam.Mute)]! !== 0
        ? 0
        : dbToGain(p[views.masterParam(MasterParam.FaderDb)]!);
    target[m] = masterLevel;
    target[m + 1] = masterLevel;
  }
}
