// Every bus of a session (stems, aux, foldback, M&E, fold-downs, the master), one block at a time, in the
// plan's topological order. Per bus: the sum its sources added → [PFL] → fader·mute (one smoothed gain:
// fader with VCAs, 0 when muted, the solo-in-front level when implicitly muted) → true-peak limiter when on
// → meters (sample peak, true peak, BS.1770 hop energies) → [AFL] → by label into the buses it feeds, to its
// device outputs, and into its key buffer when a gate listens to it.
//
// Latency compensation: a limiter delays its bus by its lookahead, so every path into a bus is delayed to
// the bus's slowest input (the strips' sum by all of it, a feed by the difference), and every bus's device
// outputs to the slowest bus with outputs: a limited stem, an unlimited one and the printmaster they make stay
// sample-aligned. Delays follow the limiters' on switches block by block (switching a limiter re-aligns its
// paths at once, as a DAW does when a plugin's latency changes). `latencyFrames` is the outputs' common
// latency, which an offline render removes. Not compensated: strip direct outs and the AFL/PFL listen feeds.
import { BlockDelay } from '../dsp/block-delay.js';
import { scaleSmoothed, smoothingCoefficient } from '../dsp/gain.js';
import { LIMITER_SETTINGS, TruePeakLimiter } from '../dsp/limiter.js';
import { createHopRing, LoudnessEnergy, type HopRing } from '../dsp/loudness-energy.js';
import { channelWeight } from '../dsp/loudness-weights.js';
import { TruePeakMeter } from '../dsp/true-peak.js';
import { writeFoldDownLoRo } from '../graph/channel-format.js';
import type { Session } from '../session/schema.js';
import type { MixBuffers } from './mix-buffers.js';
import type { MixControls } from './mix-controls.js';
import type { BusPlan, MixPlan } from './mix-plan.js';
import type { SettingsRegistry } from './settings-registry.js';
import { SmoothedRoute } from './smoothed-route.js';

export interface BusStageOptions {
  sampleRate: number;
  blockFrames: number;
  smoothingSeconds?: number;
  /** Hop records each bus's loudness ring holds (default 1024 = 10.24 s of 10 ms hops). */
  loudnessHops?: number;
  /** Rings for the buses' loudness hops (one per plan bus, e.g. shared with a control thread); else private. */
  loudnessRings?: readonly HopRing[];
}

// Slots of a bus's switches and level.
const LEVEL = 0; // fader·mute·solo gain target
const LIMITER_ON = 1;
const LISTEN_PRE = 2;
const SWITCHES = 3;

interface BusRuntime {
  readonly plan: BusPlan;
  /** This bus's channels in busSum, for the DSP that takes a whole planar block. */
  readonly view: Float32Array;
  /** The fader × mute gain now (one slot: the smoother writes it back). */
  readonly level: Float64Array;
  /** LEVEL, LIMITER_ON, LISTEN_PRE. */
  readonly switches: Float64Array;
  readonly limiter: TruePeakLimiter;
  readonly feeds: readonly SmoothedRoute[];
  /** Compensation of the strips' sum, of each feed (this bus's signal on its way), of the device outputs. */
  readonly inputDelay: BlockDelay;
  readonly feedDelays: readonly BlockDelay[];
  readonly outputDelay: BlockDelay;
  readonly listen: SmoothedRoute;
  readonly truePeaks: readonly TruePeakMeter[];
  readonly loudness: LoudnessEnergy;
  readonly ring: HopRing;
}

export class BusStage {
  /** Sample peak of each bus channel over the last block (index: plan.buses[b].channelBase + c). */
  readonly peaks: Float32Array;
  /** True peak of each bus channel over the last block. */
  readonly truePeaks: Float32Array;
  private readonly buses: BusRuntime[];
  private readonly frames: number;
  private readonly k: number;
  /** Per bus, this block: latency of its slowest input, and of its output (plus its limiter when on). */
  private readonly inLatency: Int32Array;
  private readonly outLatency: Int32Array;
  /** One bus's block on its way to a feed or the device outputs, delayed. */
  private readonly scratch: Float32Array;

  constructor(
    private readonly plan: MixPlan,
    options: BusStageOptions,
    private readonly buffers: MixBuffers,
    settings: SettingsRegistry,
  ) {
    const B = options.blockFrames;
    const fs = options.sampleRate;
    this.frames = B;
    this.k = smoothingCoefficient(options.smoothingSeconds ?? 0.01, fs);
    this.peaks = new Float32Array(plan.busChannels);
    this.truePeaks = new Float32Array(plan.busChannels);
    const listenBase = buffers.listenBase;
    this.inLatency = new Int32Array(plan.buses.length);
    this.outLatency = new Int32Array(plan.buses.length);
    this.scratch = new Float32Array(Math.max(...plan.buses.map((bp) => bp.channels)) * B);
    // No path is slower than every bus's limiter in series.
    const capacity = plan.buses.length * new TruePeakLimiter({ channels: 1, sampleRate: fs }).latencyFrames;
    this.buses = plan.buses.map((bp, b) => {
      const ring = options.loudnessRings?.[b] ?? createHopRing(options.loudnessHops ?? 1024);
      const weights = bp.labels.map((l) => channelWeight(l));
      return {
        plan: bp,
        view: buffers.busSum.subarray(bp.channelBase * B, (bp.channelBase + bp.channels) * B),
        level: new Float64Array(1),
        switches: settings.take(SWITCHES),
        limiter: new TruePeakLimiter({
          channels: bp.channels,
          sampleRate: fs,
          settings: settings.take(LIMITER_SETTINGS),
        }),
        feeds: bp.feeds.map((f) => {
          const to = plan.buses[f.to]!;
          const route = new SmoothedRoute(
            Array.from({ length: to.channels }, (_, c) => to.channelBase + c),
            bp.channels,
            settings,
          );
          route.target.set(f.matrix);
          return route;
        }),
        inputDelay: new BlockDelay(bp.channels, capacity),
        feedDelays: bp.feeds.map(() => new BlockDelay(bp.channels, capacity)),
        outputDelay: new BlockDelay(bp.channels, bp.deviceOutputs.length > 0 ? capacity : 0),
        listen: new SmoothedRoute([listenBase, listenBase + 1], bp.channels, settings),
        truePeaks: bp.labels.map(() => new TruePeakMeter(fs)),
        loudness: new LoudnessEnergy(fs, weights, ring),
        ring,
      };
    });
  }

  /** Control time: levels, limiters, fold-down levels and listen feeds from the session. */
  apply(session: Session, controls: MixControls): void {
    this.buses.forEach((rt, b) => {
      const settings = b === this.plan.master ? session.master : session.buses[b]!;
      const level = controls.buses[b]!;
      rt.switches[LEVEL] = level.gain;
      rt.switches[LIMITER_ON] = settings.limiter.on ? 1 : 0;
      rt.limiter.setCeilingDb(settings.limiter.ceilingDbtp);
      rt.limiter.setReleaseMs(settings.limiter.releaseMs);
      rt.plan.feeds.forEach((f, i) => {
        if (f.kind !== 'folddown') return;
        const fold = session.buses[f.to]!;
        writeFoldDownLoRo(
          rt.plan.format,
          { centreDb: fold.centreDb, surroundDb: fold.surroundDb },
          rt.feeds[i]!.target,
          0,
        );
      });
      // The listen bus is 2.0: a bus is heard through the monitor's own fold-down (identity for 2.0).
      writeFoldDownLoRo(rt.plan.format, {}, rt.listen.target, 0);
      const on = level.listen === null ? 0 : 1;
      for (let i = 0; i < rt.listen.target.length; i++) rt.listen.target[i]! *= on;
      rt.switches[LISTEN_PRE] = level.listen === 'pre-fader' ? 1 : 0;
    });
  }

  settle(): void {
    for (const rt of this.buses) {
      rt.level[0] = rt.switches[LEVEL]!;
      rt.listen.settle();
      for (const f of rt.feeds) f.settle();
    }
  }

  /** Frames of delay from a strip to every bus's device outputs (the limiters switched on now). */
  get latencyFrames(): number {
    return this.updateLatencies();
  }

  /** Fills inLatency and outLatency from the limiters' switches; returns the device outputs' latency. */
  private updateLatencies(): number {
    const { inLatency, outLatency, buses } = this;
    inLatency.fill(0);
    let outputs = 0;
    for (const b of this.plan.order) {
      const rt = buses[b]!;
      const own = inLatency[b]! + (rt.switches[LIMITER_ON] === 1 ? rt.limiter.latencyFrames : 0);
      outLatency[b] = own;
      for (const f of rt.plan.feeds) if (own > inLatency[f.to]!) inLatency[f.to] = own;
      if (rt.plan.deviceOutputs.length > 0 && own > outputs) outputs = own;
    }
    return outputs;
  }

  /** The BS.1770 hop records of bus `b` (10 ms K-weighted energies and peaks), for a loudness reader. */
  loudnessRing(b: number): HopRing {
    return this.buses[b]!.ring;
  }

  /** Processes the buses once the strips have filled their sums; device outputs are added into `output`. */
  process(output: Float32Array, outChannels: number): void {
    const B = this.frames;
    const { k } = this;
    const { busSum, busKeys } = this.buffers;
    const { inLatency, outLatency, scratch } = this;
    const order = this.plan.order;
    const outputLatency = this.updateLatencies();
    // The strips' sums first, while the bus sums hold nothing else.
    for (let b = 0; b < this.buses.length; b++) {
      const rt = this.buses[b]!;
      rt.inputDelay.process(busSum, rt.plan.channelBase * B, B, B, inLatency[b]!);
    }
    for (let n = 0; n < order.length; n++) {
      const b = order[n]!;
      const rt = this.buses[b]!;
      const { channels, channelBase } = rt.plan;
      const at = channelBase * B;
      const { switches } = rt;
      const listenPre = switches[LISTEN_PRE] === 1;
      if (listenPre) rt.listen.mixInto(busSum, at, busSum, Infinity, B, k);
      scaleSmoothed(busSum, at, B, channels, B, rt.level, 0, switches[LEVEL]!, k);
      if (switches[LIMITER_ON] === 1) rt.limiter.process(rt.view, B, B);
      for (let c = 0; c < channels; c++) {
        let peak = 0;
        const from = at + c * B;
        for (let i = from; i < from + B; i++) peak = Math.max(peak, Math.abs(busSum[i]!));
        this.peaks[channelBase + c] = peak;
        const meter = rt.truePeaks[c]!;
        meter.process(busSum, from, B);
        this.truePeaks[channelBase + c] = meter.peak;
      }
      rt.loudness.process(rt.view, B, B);
      if (!listenPre) rt.listen.mixInto(busSum, at, busSum, Infinity, B, k);
      for (let f = 0; f < rt.feeds.length; f++) {
        scratch.set(rt.view);
        rt.feedDelays[f]!.process(scratch, 0, B, B, inLatency[rt.plan.feeds[f]!.to]! - outLatency[b]!);
        rt.feeds[f]!.mixInto(scratch, 0, busSum, Infinity, B, k);
      }
      const outs = rt.plan.deviceOutputs;
      if (outs.length > 0) {
        scratch.set(rt.view);
        rt.outputDelay.process(scratch, 0, B, B, outputLatency - outLatency[b]!);
      }
      for (let c = 0; c < outs.length; c++) {
        const ch = outs[c]!;
        if (ch < outChannels) for (let i = 0; i < B; i++) output[ch * B + i]! += scratch[c * B + i]!;
      }
      if (rt.plan.isKey) writeKey(busSum, at, channels, busKeys, b * B, B);
    }
  }

  /** Ends a programme: publishes each bus's partial loudness hop (offline render). */
  flushLoudness(): void {
    for (const rt of this.buses) rt.loudness.flush();
  }
}

/** key[i] = max over the bus channels of |x[i]|: what a gate's peak detector needs from a multichannel bus. */
function writeKey(
  src: Float32Array,
  at: number,
  channels: number,
  key: Float32Array,
  keyAt: number,
  frames: number,
): void {
  key.fill(0, keyAt, keyAt + frames);
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < frames; i++)
      key[keyAt + i] = Math.max(key[keyAt + i]!, Math.abs(src[at + c * frames + i]!));
}
