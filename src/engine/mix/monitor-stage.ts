// The monitor section's audio: the control-room pair plays the monitor source bus (the master unless the
// session says otherwise), or the AFL/PFL listen bus while a listen solo is active (Ardour), through the
// monitor matrix of graph/monitor.ts (Lo/Ro fold-down of a surround source, mono, dim, cut). Both feeds are
// smoothed routes, so switching source, dim and cut glide instead of clicking.
import { smoothingCoefficient } from '../dsp/gain.js';
import { writeMonitorMatrix } from '../graph/monitor.js';
import type { Session } from '../session/schema.js';
import type { MixBuffers } from './mix-buffers.js';
import type { MixControls } from './mix-controls.js';
import type { MixPlan } from './mix-plan.js';
import type { SettingsRegistry } from './settings-registry.js';
import { SmoothedRoute } from './smoothed-route.js';

export class MonitorStage {
  private readonly source: number;
  private readonly fromSource: SmoothedRoute | null;
  private readonly fromListen: SmoothedRoute | null;
  private readonly k: number;

  constructor(
    private readonly plan: MixPlan,
    session: Session,
    options: { sampleRate: number; blockFrames: number; smoothingSeconds?: number },
    private readonly buffers: MixBuffers,
    settings: SettingsRegistry,
  ) {
    this.k = smoothingCoefficient(options.smoothingSeconds ?? 0.01, options.sampleRate);
    this.source = plan.buses.findIndex((b) => b.name === session.monitor.source);
    const outs = session.monitor.outputs?.map((c) => c - 1) ?? null;
    const sourceBus = plan.buses[this.source];
    this.fromSource =
      outs === null || sourceBus === undefined ? null : new SmoothedRoute(outs, sourceBus.channels, settings);
    this.fromListen = outs === null ? null : new SmoothedRoute(outs, 2, settings);
  }

  apply(session: Session, controls: MixControls): void {
    const { fromSource, fromListen } = this;
    if (fromSource === null || fromListen === null) return;
    const m = session.monitor;
    const settings = { dim: m.dim, dimDb: m.dimDb, cut: m.cut, mono: m.mono };
    writeMonitorMatrix(this.plan.buses[this.source]!.format, settings, fromSource.target, 0);
    writeMonitorMatrix('2.0', settings, fromListen.target, 0);
    // Only one of the two plays: the listen bus while listening, else the source.
    const silent = controls.listening ? fromSource : fromListen;
    silent.target.fill(0);
  }

  settle(): void {
    this.fromSource?.settle();
    this.fromListen?.settle();
  }

  process(output: Float32Array, outChannels: number): void {
    const { fromSource, fromListen, k } = this;
    if (fromSource === null || fromListen === null) return;
    const B = this.buffers.frames;
    const { busSum, listenBase } = this.buffers;
    fromSource.mixInto(busSum, this.plan.buses[this.source]!.channelBase * B, output, outChannels, B, k);
    fromListen.mixInto(busSum, listenBase * B, output, outChannels, B, k);
  }
}
