// The main thread's side of the audio engine: starts the audio worker, watches its heartbeat, restarts it
// when it stalls or crashes (with backoff), and stops it with a deadline. It keeps a control engine of the
// same plan as the worker's: applySession() computes every setting there (filter design, VCA and solo
// resolution) and publishes the flat image through shared memory, which the worker copies in at its next
// block. Meters and loudness hops come back through shared memory; the worker's rare events arrive as
// messages and are logged here.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { createHopRing, type HopRing } from '../dsp/loudness-energy.js';
import { BusLoudness } from '../loudness/bus-loudness.js';
import type { LoudnessReadings } from '../loudness/loudness-meter.js';
import { MixEngine, type ApplyResult } from '../mix/mix-engine.js';
import type { MixPlan } from '../mix/mix-plan.js';
import type { Session } from '../session/schema.js';
import { sessionInputChannels } from '../session/schema.js';
import { Control, EngineViews } from '../shared/layout.js';
import { MeterBoard, type MeterSnapshot } from '../shared/meter-board.js';
import { SettingsChannel } from '../shared/settings-channel.js';
import type { AudioSettings, AudioWorkerData, InjectedFault, WorkerEvent } from './worker-protocol.js';

export interface EngineLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface EngineHostOptions {
  audio: AudioSettings;
  session: Session;
  log: EngineLog;
  /** Heartbeat silent this long while the worker should be running → the worker is restarted. */
  stallMs: number;
  /** Test hook: the first worker stalls or crashes on purpose. */
  fault?: InjectedFault | undefined;
  /** Device events (opened, lost, null) for status lines. */
  onDevice?: (e: Extract<WorkerEvent, { type: 'device' }>) => void;
  /**
   * The audio backend failed in a way it cannot recover from in-process (naudiodon: device lost, open failed,
   * worker stalled or died). The daemon must exit non-zero, by SIGKILL when needsHardExit, so that systemd
   * (Restart=on-failure) starts a fresh process. Called at most once; the host restarts nothing afterwards.
   */
  onFatal?: (reason: string) => void;
}

/** Hops per bus loudness ring (10.24 s) and how often the control side reads them. */
const LOUDNESS_RING_HOPS = 1024;
const LOUDNESS_POLL_MS = 100;

const WORKER_URL = new URL('./worker.js', import.meta.url);
const NAUDIODON_WORKER_URL = new URL('./naudiodon-worker.js', import.meta.url);

export class EngineHost {
  readonly views: EngineViews;
  private readonly control: MixEngine;
  private session: Session;
  private readonly settings: SettingsChannel;
  private readonly meterBoard: MeterBoard;
  private readonly rings: HopRing[];
  private readonly loudness: BusLoudness;
  private loudnessTimer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private stopping = false;
  private restarts = 0;
  private watch: NodeJS.Timeout | undefined;
  private lastBeat = -1;
  private lastBeatAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped: Promise<void> = Promise.resolve();
  private onStopped = (): void => undefined;
  private failed = false;

  /** Throws when the session does not compile into a mix plan (a validated session always does). */
  constructor(private readonly options: EngineHostOptions) {
    const { audio, session } = options;
    this.views = EngineViews.allocate();
    const created = MixEngine.create(session, {
      sampleRate: audio.sampleRate,
      blockFrames: audio.blockFrames,
      startSilent: false,
    });
    if (!created.ok) throw new Error(`session: ${created.error}`);
    this.control = created.engine;
    this.session = session;
    this.settings = SettingsChannel.allocate(this.control.settingsLength);
    this.publishSettings();
    const plan = this.control.plan;
    this.meterBoard = MeterBoard.allocate({ strips: plan.stripChannels, buses: plan.busChannels });
    this.rings = plan.buses.map(() => createHopRing(LOUDNESS_RING_HOPS, true));
    this.loudness = new BusLoudness(this.rings, audio.sampleRate);
  }

  /** The running plan: strip and bus order, channel offsets of the meters. */
  get plan(): MixPlan {
    return this.control.plan;
  }

  /**
   * Applies a session of the running plan's topology: every setting is computed here and published to the
   * audio worker, whose smoothed gains glide to it. A routing change is refused (it needs a new engine).
   */
  applySession(session: Session): ApplyResult {
    const applied = this.control.applySession(session);
    if (!applied.ok) return applied;
    this.session = session;
    this.publishSettings();
    return applied;
  }

  /** The last published meter window (sample and true peak of every strip and bus channel, linear). */
  meters(): MeterSnapshot {
    return this.meterBoard.snapshot();
  }

  /** EBU Mode readings of bus `bus` (plan order; the master is plan.master), up to the last poll. */
  busLoudness(bus: number): LoudnessReadings | undefined {
    this.loudness.poll();
    return this.loudness.readings(bus);
  }

  /** Starts bus `bus`'s loudness programme afresh (integrated, LRA, maxima). */
  resetLoudness(bus: number): void {
    this.loudness.reset(bus);
  }

  private publishSettings(): void {
    this.settings.write((image) => this.control.exportSettings(image));
  }

  /**
   * True for naudiodon: its stream can't be closed (realtime.md F1/F2) and a process whose worker owns it
   * segfaults or deadlocks on a normal exit (F3/F4). After stop() (or onFatal) the daemon must flush its
   * logs and end with process.kill(process.pid, 'SIGKILL'), never process.exit() or a drained event loop.
   */
  get needsHardExit(): boolean {
    return this.options.audio.backend === 'naudiodon';
  }

  /** Workers started so far beyond the first (stall or crash recoveries). */
  get restartCount(): number {
    return this.restarts;
  }

  start(): void {
    this.spawn(this.options.fault);
    this.watch = setInterval(() => this.checkHeartbeat(), 100);
    this.watch.unref();
    this.loudnessTimer = setInterval(() => this.loudness.poll(), LOUDNESS_POLL_MS);
    this.loudnessTimer.unref();
  }

  /**
   * Stops the worker: fade, close the device, exit; terminated if it takes longer than `deadlineMs`.
   * needsHardExit: resolves once the worker has faded out ('stopped'); the worker stays alive (never
   * terminated) and keeps feeding silence until the process is killed.
   */
  async stop(deadlineMs = 1500): Promise<void> {
    this.stopping = true;
    clearInterval(this.watch);
    clearInterval(this.loudnessTimer);
    clearTimeout(this.restartTimer);
    const w = this.worker;
    if (!w) return;
    Atomics.store(this.views.control, Control.Stop, 1);
    Atomics.notify(this.views.control, Control.Stop);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), deadlineMs).unref());
    const done = this.needsHardExit ? this.stopped : this.exited;
    if ((await Promise.race([done, timer])) !== 'timeout') return;
    if (this.needsHardExit) this.options.log.warn({ deadlineMs }, 'audio worker did not fade out in time');
    else {
      this.options.log.warn({ deadlineMs }, 'audio worker did not stop in time; terminating it');
      await w.terminate();
    }
  }

  private spawn(fault: InjectedFault | undefined): void {
    const { audio } = this.options;
    Atomics.store(this.views.control, Control.Stop, 0);
    const data: AudioWorkerData = {
      buffers: this.views.buffers,
      session: this.session,
      settings: this.settings.buffer,
      meters: this.meterBoard.buffer,
      meterCounts: this.meterBoard.counts,
      loudnessRings: this.rings,
      inputChannels: sessionInputChannels(this.session),
      audio,
      fault,
    };
    const url = this.needsHardExit ? NAUDIODON_WORKER_URL : WORKER_URL;
    const w = new Worker(fileURLToPath(url), { workerData: data, name: 'mixd-audio' });
    this.stopped = new Promise((resolve) => (this.onStopped = resolve));
    this.worker = w;
    this.lastBeat = -1;
    this.lastBeatAt = Date.now();
    w.on('message', (e: WorkerEvent) => this.onEvent(e));
    w.on('error', (err) => this.options.log.error({ err }, 'audio worker crashed'));
    this.exited = new Promise((resolve) => {
      w.once('exit', (code) => {
        if (this.worker === w) this.worker = undefined;
        if (this.stopping || this.failed) {
          // an expected exit
        } else if (this.needsHardExit) {
          this.fail(`audio worker exited with code ${code}`); // a second naudiodon load would clash (§1)
        } else {
          this.options.log.error({ code }, 'audio worker exited unexpectedly; restarting it');
          this.scheduleRestart();
        }
        resolve();
      });
    });
  }

  private scheduleRestart(): void {
    const delay = Math.min(5000, 100 * 2 ** Math.min(this.restarts, 6));
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      if (!this.stopping) this.spawn(undefined);
    }, delay);
    // Referenced on purpose: between two workers this timer is all that keeps the daemon's event loop alive.
  }

  private checkHeartbeat(): void {
    if (!this.worker || this.stopping || this.failed) return;
    const beat = this.views.heartbeat();
    const now = Date.now();
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      this.lastBeatAt = now;
      return;
    }
    if (now - this.lastBeatAt < this.options.stallMs) return;
    // A naudiodon worker can't be terminated safely (F4) and a new one would load naudiodon twice.
    if (this.needsHardExit) return this.fail(`audio worker stalled for ${now - this.lastBeatAt} ms`);
    this.options.log.error({ stalledMs: now - this.lastBeatAt }, 'audio worker stalled; restarting it');
    const w = this.worker;
    this.worker = undefined;
    void w.terminate(); // its exit handler schedules the replacement
  }

  private onEvent(e: WorkerEvent): void {
    const log = this.options.log;
    switch (e.type) {
      case 'log':
        log[e.level](e.fields ?? {}, e.msg);
        break;
      case 'device':
        this.options.onDevice?.(e);
        break;
      case 'stopped':
        this.onStopped();
        break;
      case 'fatal':
        this.fail(e.reason);
        break;
    }
  }

  private fail(reason: string): void {
    if (this.failed || this.stopping) return;
    this.failed = true;
    clearInterval(this.watch);
    this.options.log.error({ reason }, 'audio backend cannot recover in-process; mixd must exit');
    this.options.onFatal?.(reason);
  }
}
