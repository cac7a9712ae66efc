// The mix graph runtime: strips → buses (topological order) → device outputs and monitor, one block at a
// time. The same object serves `mixd render` and the audio worker: every buffer is allocated here, process()
// allocates nothing, and parameters change only at control time: applySession() computes every setting
// (filter design, dB → gain, VCA/solo resolution); exportSettings()/importSettings() carry the result as one
// flat image from a control thread's engine to the audio thread's engine of the same plan.
import { scaleSmoothed, smoothingCoefficient } from '../dsp/gain.js';
import type { HopRing } from '../dsp/loudness-energy.js';
import type { Session } from '../session/schema.js';
import { BusStage } from './bus-stage.js';
import { allocateMixBuffers, type MixBuffers } from './mix-buffers.js';
import { resolveMixControls } from './mix-controls.js';
import { compileMixPlan, type MixPlan } from './mix-plan.js';
import { MonitorStage } from './monitor-stage.js';
import { SettingsRegistry } from './settings-registry.js';
import { StripStage } from './strip-stage.js';

export interface MixEngineOptions {
  sampleRate: number;
  blockFrames: number;
  /** Start from silence and glide to the session's levels (a device start), or start settled (a render). */
  startSilent: boolean;
  /** Time constant of every gain smoother (default 10 ms). */
  smoothingSeconds?: number;
  /** One loudness hop ring per plan bus (shared with the control thread that reads them); else private. */
  loudnessRings?: readonly HopRing[];
}

export type ApplyResult = { ok: true } | { ok: false; error: string };
export type EngineResult = { ok: true; engine: MixEngine } | { ok: false; error: string };

export class MixEngine {
  private readonly buffers: MixBuffers;
  private readonly strips: StripStage;
  private readonly buses: BusStage;
  private readonly monitor: MonitorStage;
  private readonly settings = new SettingsRegistry();
  private readonly k: number;
  /** Gain over every output, gliding to 0 when the engine is asked to fade out (a stop without a click). */
  private readonly outputGain = Float64Array.of(1);
  private outputTarget = 1;

  /** An engine for `session` (compiled into its plan here), with the session's parameters applied. */
  static create(session: Session, options: MixEngineOptions): EngineResult {
    const compiled = compileMixPlan(session);
    if (!compiled.ok) return compiled;
    return MixEngine.fromPlan(compiled.plan, session, options);
  }

  /** An engine for a compiled plan; `session` is the parameter source and must have the plan's topology. */
  static fromPlan(plan: MixPlan, session: Session, options: MixEngineOptions): EngineResult {
    const engine = new MixEngine(plan, session, options);
    const applied = engine.applySession(session);
    if (!applied.ok) return applied;
    if (!options.startSilent) engine.settle();
    return { ok: true, engine };
  }

  private constructor(
    readonly plan: MixPlan,
    session: Session,
    options: MixEngineOptions,
  ) {
    this.buffers = allocateMixBuffers(plan, options.blockFrames);
    this.k = smoothingCoefficient(options.smoothingSeconds ?? 0.01, options.sampleRate);
    this.strips = new StripStage(plan, session, options, this.buffers, this.settings);
    this.buses = new BusStage(plan, options, this.buffers, this.settings);
    this.monitor = new MonitorStage(plan, session, options, this.buffers, this.settings);
  }

  /** Slots of the settings image (the same for every engine of this plan). */
  get settingsLength(): number {
    return this.settings.length;
  }

  /** Writes every setting applySession() computed into `image` (settingsLength slots). */
  exportSettings(image: Float64Array): void {
    this.settings.exportTo(image);
  }

  /**
   * Takes every setting from an image another engine of the same plan exported; smoothed gains glide to
   * the new values. Allocates and computes nothing: this is how the audio thread takes new settings.
   */
  importSettings(image: Float64Array): void {
    this.settings.importFrom(image);
  }

  /** Glides every output to silence (true) or back (false) with the smoothing time constant. */
  fadeOutput(silent: boolean): void {
    this.outputTarget = silent ? 0 : 1;
  }

  /**
   * Takes every parameter of `session` (control time: designs filters, resolves VCAs, groups and solo);
   * smoothed gains glide to the new values. Refused when the session's routing differs from the plan's
   * (compile a new plan and engine for that).
   */
  applySession(session: Session): ApplyResult {
    const compiled = compileMixPlan(session);
    if (!compiled.ok) return compiled;
    if (compiled.plan.topologyKey !== this.plan.topologyKey)
      return { ok: false, error: 'the session routing differs from the running plan' };
    const controls = resolveMixControls(session, this.plan);
    if (!controls.ok) return controls;
    this.strips.apply(session, controls.value);
    this.buses.apply(session, controls.value);
    this.monitor.apply(session, controls.value);
    return { ok: true };
  }

  /**
   * Mixes one block: `input` holds `inChannels` planar channels of blockFrames samples (channel n = device
   * input n + 1); `output` receives `outChannels` planar channels (bus outputs, direct outs, monitor).
   */
  process(input: Float32Array, inChannels: number, output: Float32Array, outChannels: number): void {
    const B = this.buffers.frames;
    output.fill(0, 0, outChannels * B);
    this.buffers.busSum.fill(0);
    this.strips.process(input, inChannels, output, outChannels);
    this.buses.process(output, outChannels);
    this.monitor.process(output, outChannels);
    scaleSmoothed(output, 0, B, outChannels, B, this.outputGain, 0, this.outputTarget, this.k);
  }

  /** Delay from input to the master's outputs (its limiters' lookahead along the longest path). */
  get latencyFrames(): number {
    return this.buses.latencyFrames;
  }

  /** Post-fader sample / true peak of each strip channel over the last block (plan.strips[s].meterOffset + c). */
  get stripPeaks(): Float32Array {
    return this.strips.peaks;
  }

  get stripTruePeaks(): Float32Array {
    return this.strips.truePeaks;
  }

  /** Sample / true peak of each bus channel over the last block (plan.buses[b].channelBase + c). */
  get busPeaks(): Float32Array {
    return this.buses.peaks;
  }

  get busTruePeaks(): Float32Array {
    return this.buses.truePeaks;
  }

  /** BS.1770 hop records (10 ms K-weighted energy, peaks) of bus `b`, for a loudness-meter reader. */
  loudnessRing(b: number): HopRing {
    return this.buses.loudnessRing(b);
  }

  /** Ends a programme: the partial last loudness hop of every bus is published (offline render). */
  finish(): void {
    this.buses.flushLoudness();
  }

  private settle(): void {
    this.strips.settle();
    this.buses.settle();
    this.monitor.settle();
  }
}
