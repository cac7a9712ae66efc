// The audio worker: owns the device, runs the mixer once per block, publishes meters and health through
// shared memory. Its loop is synchronous (the binding's pull() waits on a semaphore), so nothing here waits on
// an event loop, allocates per block, logs per block or touches RxJS/promises. Events go to the main thread
// by postMessage only when something changes (device opened, lost, stopped).
import { parentPort, workerData } from 'node:worker_threads';
import { Mixer } from '../mixer.js';
import { Control, EngineState, EngineViews, Stat } from '../shared/layout.js';
import { BindingStat } from './portaudio.js';
import { PortAudioDevice } from './portaudio-device.js';
import type { AudioWorkerData, LogLevel, WorkerEvent } from './worker-protocol.js';

const data = workerData as AudioWorkerData;
const { audio } = data;
const views = new EngineViews(data.buffers, data.strips.length);
const frames = audio.blockFrames;
const blockMs = (1000 * frames) / audio.sampleRate;
const inChannels = Math.max(1, data.inputChannels);
const inBlock = new Float32Array(inChannels * frames);
const outBlock = new Float32Array(audio.outputChannels * frames);

const post = (e: WorkerEvent): void => parentPort!.postMessage(e);
const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void =>
  post(fields ? { type: 'log', level, msg, fields } : { type: 'log', level, msg });
const setState = (s: EngineState): void => void Atomics.store(views.control, Control.State, s);
const stopRequested = (): boolean => Atomics.load(views.control, Control.Stop) !== 0;

// JIT warm-up on silence before any port connects, on a private set of buffers (realtime.md §8.6).
function warmUp(): void {
  const scratch = EngineViews.allocate(data.strips.length);
  scratch.params.set(views.params);
  scratch.commitParams();
  const m = new Mixer(scratch, {
    sampleRate: audio.sampleRate,
    blockFrames: frames,
    strips: data.strips,
    startSilent: true,
  });
  for (let i = 0; i < 3000; i++) m.process(inBlock, inChannels, outBlock, audio.outputChannels);
  outBlock.fill(0);
}

const mixer = (): Mixer =>
  new Mixer(views, {
    sampleRate: audio.sampleRate,
    blockFrames: frames,
    strips: data.strips,
    startSilent: true,
  });

// Block timing, published once per second of audio.
let timingBlocks = 0;
let timingSum = 0;
let timingMax = 0;
const timingWindow = Math.max(1, Math.round(audio.sampleRate / frames));

function runBlock(m: Mixer, channelsIn: number, channelsOut: number): void {
  const t0 = performance.now();
  m.process(inBlock, channelsIn, outBlock, channelsOut);
  const us = (performance.now() - t0) * 1000;
  Atomics.add(views.control, Control.Heartbeat, 1);
  timingSum += us;
  if (us > timingMax) timingMax = us;
  if (++timingBlocks >= timingWindow) {
    views.stats[Stat.BlockTimeAvgUs] = timingSum / timingBlocks;
    views.stats[Stat.BlockTimeMaxUs] = timingMax;
    timingBlocks = 0;
    timingSum = 0;
    timingMax = 0;
  }
}

function publishDeviceStats(dev: PortAudioDevice): void {
  const s = views.stats;
  s[Stat.Underruns] = dev.stat(BindingStat.Underruns);
  s[Stat.InputOverflows] = dev.stat(BindingStat.InputOverflows);
  s[Stat.OutputOverflows] = dev.stat(BindingStat.OutputOverflows);
  s[Stat.DroppedFrames] = dev.stat(BindingStat.DroppedFrames);
  s[Stat.DeviceXruns] = dev.stat(BindingStat.DeviceOutputUnderflow);
  s[Stat.LastCallbackAgeMs] = dev.stat(BindingStat.LastCallbackAgeMs);
}

function checkFault(startedAt: number): void {
  const f = data.fault;
  if (!f || performance.now() - startedAt < f.afterMs) return;
  if (f.kind === 'crash') throw new Error('injected crash (test fault)');
  for (;;) {
    // injected stall (test fault): the heartbeat stops while the thread stays busy
  }
}

function main(): void {
  setState(EngineState.Starting);
  views.stats[Stat.SampleRate] = audio.sampleRate;
  views.stats[Stat.BlockFrames] = frames;
  warmUp();
  const startedAt = performance.now();
  let device: PortAudioDevice | undefined;
  if (audio.backend === 'portaudio') {
    try {
      device = new PortAudioDevice(audio, inBlock, outBlock, inChannels);
    } catch (err) {
      log('error', `cannot load mixd's PortAudio binding: ${(err as Error).message}`);
    }
  }
  // SCHED_FIFO only for this thread, and only outside open(): threads PortAudio/libjack create during open
  // inherit the creator's policy, and those must stay normal (realtime.md §8.7).
  let priorityWarned = false;
  const raisePriority = (on: boolean): void => {
    if (!device || audio.realtimePriority <= 0) return;
    const why = device.setRealtimePriority(on ? audio.realtimePriority : 0);
    if (why && on && !priorityWarned) {
      priorityWarned = true;
      log(
        'warn',
        `audio worker stays a normal thread (SCHED_FIFO ${audio.realtimePriority}: ${why}); expect underruns under load`,
      );
    }
  };
  let m = mixer();
  let channelsIn = 0;
  let channelsOut = audio.outputChannels;
  let retryMs = audio.retry.initialMs;
  let nextAttempt = 0;
  let nextTick = performance.now();
  let everOpened = false;

  const tryOpen = (): void => {
    if (!device) return;
    raisePriority(false);
    try {
      const opened = device.openAndStart();
      channelsIn = opened.inChannels;
      channelsOut = opened.outChannels;
      views.stats[Stat.DeviceOpens]! += 1;
      views.stats[Stat.LatencyFrames] = frames;
      m = mixer(); // fade in from silence on every (re)open
      retryMs = audio.retry.initialMs;
      everOpened = true;
      setState(EngineState.Running);
      post({ type: 'device', state: 'running', ...opened, blockFrames: frames });
    } catch (err) {
      const reason = (err as Error).message;
      nextAttempt = performance.now() + retryMs;
      post({ type: 'device', state: everOpened ? 'lost' : 'null', reason });
      log('debug', `device open failed; next attempt in ${retryMs} ms`, { reason });
      retryMs = Math.min(audio.retry.maxMs, retryMs * 2);
      setState(everOpened ? EngineState.DeviceLost : EngineState.NullDevice);
      nextTick = performance.now();
    }
    for (const line of device.libraryMessages()) log('debug', line);
    raisePriority(true);
  };

  if (device) tryOpen();
  else {
    setState(EngineState.NullDevice);
    post({ type: 'device', state: 'null', reason: audio.backend === 'null' ? 'configured' : 'no binding' });
  }

  while (!stopRequested()) {
    checkFault(startedAt);
    if (device?.isOpen) {
      const rc = device.pull(100);
      if (rc === 1) {
        runBlock(m, channelsIn, channelsOut);
        device.push();
        publishDeviceStats(device);
      } else if (rc < 0) {
        publishDeviceStats(device);
        const closed = device.close(300);
        log('warn', 'audio device stopped responding; running on the null clock and retrying', {
          lastCallbackAgeMs: Math.round(device.stat(BindingStat.LastCallbackAgeMs)),
          closedCleanly: closed,
        });
        post({
          type: 'device',
          state: 'lost',
          reason: 'no callback for ' + String(audio.deadDeviceMs) + ' ms',
        });
        setState(EngineState.DeviceLost);
        retryMs = audio.retry.initialMs;
        nextAttempt = performance.now() + retryMs;
        nextTick = performance.now();
      }
      continue;
    }
    // Null device: silence in, output discarded, paced by the clock so meters and heartbeat keep going.
    const now = performance.now();
    if (device && now >= nextAttempt) {
      tryOpen();
      continue;
    }
    if (nextTick > now) Atomics.wait(views.control, Control.Stop, 0, nextTick - now);
    if (performance.now() - nextTick > 1000) nextTick = performance.now(); // don't burst after a long stall
    inBlock.fill(0);
    runBlock(m, 0, channelsOut);
    nextTick += blockMs;
  }

  // Stop: fade the master out over a few smoothing time constants so the last thing heard is no click.
  if (device?.isOpen) {
    views.params[views.masterParam(1)] = 1; // master mute
    views.commitParams();
    const fadeBlocks = Math.ceil((0.05 * audio.sampleRate) / frames);
    for (let i = 0; i < fadeBlocks && device.pull(100) === 1; i++) {
      runBlock(m, channelsIn, channelsOut);
      device.push();
    }
    const closed = device.close(500);
    if (!closed) log('warn', 'audio device did not close in time; abandoned it');
  }
  setState(EngineState.Stopped);
  post({ type: 'stopped' });
}

main();
