// What both audio-worker entries (worker.ts for mixd's binding, naudiodon-worker.ts) share: the worker's data
// and shared views, its block buffers, event posting, the JIT warm-up, the per-block timing statistics and the
// test-only fault injection. Allocation happens here at start-up only.
import { parentPort, workerData } from 'node:worker_threads';
import { Mixer } from '../mixer.js';
import type { EngineState } from '../shared/layout.js';
import { Control, EngineViews, Stat } from '../shared/layout.js';
import type { AudioWorkerData, LogLevel, WorkerEvent } from './worker-protocol.js';

export class WorkerContext {
  readonly data = workerData as AudioWorkerData;
  readonly audio = this.data.audio;
  readonly views = new EngineViews(this.data.buffers, this.data.strips.length);
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

  /** A mixer on the shared views that fades in from silence (every device (re)open starts click-free). */
  newMixer(views: EngineViews = this.views): Mixer {
    const a = this.audio;
    return new Mixer(views, {
      sampleRate: a.sampleRate,
      blockFrames: this.frames,
      strips: this.data.strips,
      startSilent: true,
    });
  }

  /** JIT warm-up on silence, on private buffers, before any device starts (realtime.md §8.6, F8). */
  warmUp(): void {
    const scratch = EngineViews.allocate(this.data.strips.length);
    scratch.params.set(this.views.params);
    scratch.commitParams();
    const m = this.newMixer(scratch);
    for (let i = 0; i < 3000; i++)
      m.process(this.inBlock, this.inChannels, this.outBlock, this.audio.outputChannels);
    this.outBlock.fill(0);
  }

  /** Runs the mixer on the current blocks, beats the heartbeat, and publishes timing once per second. */
  runBlock(m: Mixer, channelsIn: number, channelsOut: number): void {
    const t0 = performance.now();
    m.process(this.inBlock, channelsIn, this.outBlock, channelsOut);
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
