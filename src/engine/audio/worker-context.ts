// What both audio-worker entries (worker.ts for mixd's binding, naudiodon-worker.ts) share: the worker's data
// and shared views, its block buffers, the mix engine and its settings and meters in shared memory, event
// posting, the JIT warm-up, the per-block timing statistics and the test-only fault injection. Allocation
// happens here at start-up (and at a device reopen) only.
import { parentPort, workerData } from 'node:worker_threads';
import type { HopRing } from '../dsp/loudness-energy.js';
import { MixEngine } from '../mix/mix-engine.js';
import type { EngineState } from '../shared/layout.js';
import { Control, EngineViews, Stat } from '../shared/layout.js';
import { MeterBoard } from '../shared/meter-board.js';
import { SettingsChannel } from '../shared/settings-channel.js';
import type { AudioWorkerData, LogLevel, WorkerEvent } from './worker-protocol.js';

/** Meter window: a reader polling at ≥ 30 Hz sees every peak. */
const METER_WINDOW_SECONDS = 0.02;

export class WorkerContext {
  readonly data = workerData as AudioWorkerData;
  readonly audio = this.data.audio;
  readonly views = new EngineViews(this.data.buffers);
  readonly frames = this.audio.blockFrames;
  readonly blockMs = (1000 * this.frames) / this.audio.sampleRate;
  readonly inChannels = Math.max(1, this.data.inputChannels);
  /** Planar input block: inChannels × frames. */
  readonly inBlock = new Float32Array(this.inChannels * this.frames);
  /** Planar output block: outputChannels × frames. */
  readonly outBlock = new Float32Array(this.audio.outputChannels * this.frames);
  private readonly startedAt = performance.now();
  private timingBlocks = 0;
  private timingSum = 0;
  private timingMax = 0;
  private readonly timingWindow = Math.max(1, Math.round(this.audio.sampleRate / this.frames));
  private readonly settings = new SettingsChannel(this.data.settings);
  /** The image being read: kept only when the write it came from was complete. */
  private readonly staging = new Float64Array(this.settings.length);
  private settingsSeen = -1;
  private readonly meters = new MeterBoard(this.data.meters, this.data.meterCounts).publisher(
    Math.round((METER_WINDOW_SECONDS * this.audio.sampleRate) / this.frames),
  );

  constructor() {
    this.views.stats[Stat.SampleRate] = this.audio.sampleRate;
    this.views.stats[Stat.BlockFrames] = this.frames;
  }

  post(e: WorkerEvent): void {
    parentPort!.postMessage(e);
  }

  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    this.post(fields ? { type: 'log', level, msg, fields } : { type: 'log', level, msg });
  }

  setState(s: EngineState): void {
    Atomics.store(this.views.control, Control.State, s);
  }

  stopRequested(): boolean {
    return Atomics.load(this.views.control, Control.Stop) !== 0;
  }

  /**
   * A mix engine for the session that fades in from silence (every device (re)open starts click-free), with
   * the newest settings the control side published taken in before its first block.
   */
  newEngine(loudnessRings: readonly HopRing[] | undefined = this.data.loudnessRings): MixEngine {
    const a = this.audio;
    const created = MixEngine.create(this.data.session, {
      sampleRate: a.sampleRate,
      blockFrames: this.frames,
      startSilent: true,
      loudnessRings,
    });
    if (!created.ok) throw new Error(`the session does not compile in the audio worker: ${created.error}`);
    if (created.engine.settingsLength !== this.settings.length)
      throw new Error(
        'the settings image does not match the engine (control and audio built different plans)',
      );
    this.settingsSeen = -1;
    return created.engine;
  }

  /**
   * JIT warm-up on a private engine before any device starts (realtime.md §8.6, F8): a full-scale sine on every
   * input, then silence, so the loud paths (limiting, open gates, compression) are compiled as well as the quiet
   * ones before the first real block.
   */
  warmUp(): void {
    const engine = this.newEngine([]);
    const { inBlock, frames } = this;
    const step = (2 * Math.PI * 997) / this.audio.sampleRate;
    for (let i = 0; i < 3000; i++) {
      for (let n = 0; n < inBlock.length; n++)
        inBlock[n] = i < 1500 ? Math.sin((i * frames + (n % frames)) * step) : 0;
      this.runBlock(engine, this.inChannels, this.audio.outputChannels, false);
    }
    inBlock.fill(0);
    this.outBlock.fill(0);
  }

  /**
   * Takes newly published settings, mixes the current blocks, publishes meters, beats the heartbeat, and
   * publishes timing once per second.
   */
  runBlock(engine: MixEngine, channelsIn: number, channelsOut: number, live = true): void {
    const t0 = performance.now();
    const seen = this.settings.readNewer(this.settingsSeen, this.staging);
    if (seen !== this.settingsSeen) {
      engine.importSettings(this.staging);
      this.settingsSeen = seen;
    }
    engine.process(this.inBlock, channelsIn, this.outBlock, channelsOut);
    if (!live) return;
    this.meters.add(engine);
    const us = (performance.now() - t0) * 1000;
    Atomics.add(this.views.control, Control.Heartbeat, 1);
    this.timingSum += us;
    if (us > this.timingMax) this.timingMax = us;
    if (++this.timingBlocks >= this.timingWindow) {
      this.views.stats[Stat.BlockTimeAvgUs] = this.timingSum / this.timingBlocks;
      this.views.stats[Stat.BlockTimeMaxUs] = this.timingMax;
      this.timingBlocks = 0;
      this.timingSum = 0;
      this.timingMax = 0;
    }
  }

  /** Test-only fault injection (MIXD_TEST_FAULT): stall in a busy loop, or throw, once its time has come. */
  checkFault(): void {
    const f = this.data.fault;
    if (!f || performance.now() - this.startedAt < f.afterMs) return;
    if (f.kind === 'crash') throw new Error('injected crash (test fault)');
    for (;;) {
      // injected stall: the heartbeat stops while the thread stays busy
    }
  }
}
