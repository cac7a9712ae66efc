// The audio worker for mixd's own binding: owns the device, runs the mixer once per block, publishes meters and
// health through shared memory. Its loop is synchronous (the binding's pull() waits on a semaphore the
// PortAudio callback posts), so nothing here waits on an event loop, allocates per block, logs per block or
// touches RxJS/promises. Events go to the main thread only when something changes (opened, lost, stopped).
import { Control, EngineState, Stat } from '../shared/layout.js';
import { BindingStat } from './portaudio.js';
import { PortAudioDevice } from './portaudio-device.js';
import { WorkerContext } from './worker-context.js';

const ctx = new WorkerContext();
const { audio, views, frames } = ctx;

function publishDeviceStats(dev: PortAudioDevice): void {
  const s = views.stats;
  s[Stat.Underruns] = dev.stat(BindingStat.Underruns);
  s[Stat.CatchUpUnderruns] = dev.stat(BindingStat.CatchUpUnderruns);
  s[Stat.InputOverflows] = dev.stat(BindingStat.InputOverflows);
  s[Stat.OutputOverflows] = dev.stat(BindingStat.OutputOverflows);
  s[Stat.DroppedFrames] = dev.stat(BindingStat.DroppedFrames);
  s[Stat.DeviceXruns] = dev.stat(BindingStat.DeviceOutputUnderflow);
  s[Stat.LastCallbackAgeMs] = dev.stat(BindingStat.LastCallbackAgeMs);
}

function loadDevice(): PortAudioDevice | undefined {
  if (audio.backend !== 'portaudio') return undefined;
  try {
    return new PortAudioDevice(audio, ctx.inBlock, ctx.outBlock, ctx.inChannels);
  } catch (err) {
    ctx.log('error', `cannot load mixd's PortAudio binding: ${(err as Error).message}`);
    return undefined;
  }
}

function main(): void {
  ctx.setState(EngineState.Starting);
  ctx.warmUp();
  const device = loadDevice();
  let m = ctx.newEngine();
  let channelsIn = 0;
  let channelsOut = audio.outputChannels;
  let retryMs = audio.retry.initialMs;
  let nextAttempt = 0;
  let nextTick = performance.now();
  let everOpened = false;
  let priorityWarned = false;

  // SCHED_FIFO for this thread only, and never during open(): threads that PortAudio/libjack create there
  // inherit their creator's policy, and those must stay normal threads (realtime.md §8.7).
  const raisePriority = (on: boolean): void => {
    if (!device || audio.realtimePriority <= 0) return;
    const why = device.setRealtimePriority(on ? audio.realtimePriority : 0);
    if (why && on && !priorityWarned) {
      priorityWarned = true;
      ctx.log(
        'warn',
        `audio worker stays a normal thread (SCHED_FIFO ${audio.realtimePriority}: ${why}); expect underruns under load`,
      );
    }
  };

  const tryOpen = (): void => {
    if (!device) return;
    raisePriority(false);
    try {
      const opened = device.openAndStart();
      channelsIn = opened.inChannels;
      channelsOut = opened.outChannels;
      views.stats[Stat.DeviceOpens]! += 1;
      m = ctx.newEngine(); // fade in from silence on every (re)open
      views.stats[Stat.LatencyFrames] = frames + m.latencyFrames;
      retryMs = audio.retry.initialMs;
      everOpened = true;
      ctx.setState(EngineState.Running);
      ctx.post({
        type: 'device',
        state: 'running',
        ...opened,
        blockFrames: frames,
        mixLatencyFrames: m.latencyFrames,
      });
    } catch (err) {
      const reason = (err as Error).message;
      nextAttempt = performance.now() + retryMs;
      ctx.post({ type: 'device', state: everOpened ? 'lost' : 'null', reason });
      ctx.log('debug', `device open failed; next attempt in ${retryMs} ms`, { reason });
      retryMs = Math.min(audio.retry.maxMs, retryMs * 2);
      ctx.setState(everOpened ? EngineState.DeviceLost : EngineState.NullDevice);
      nextTick = performance.now();
    }
    for (const line of device.libraryMessages()) ctx.log('debug', line);
    raisePriority(true);
  };

  if (device) tryOpen();
  else {
    ctx.setState(EngineState.NullDevice);
    ctx.post({
      type: 'device',
      state: 'null',
      reason: audio.backend === 'null' ? 'configured' : 'no binding',
    });
  }

  while (!ctx.stopRequested()) {
    ctx.checkFault();
    if (device?.isOpen) {
      const rc = device.pull(100);
      if (rc === 1) {
        ctx.runBlock(m, channelsIn, channelsOut);
        device.push();
        publishDeviceStats(device);
      } else if (rc < 0) {
        publishDeviceStats(device);
        const closed = device.close(300);
        ctx.log('warn', 'audio device stopped responding; running on the null clock and retrying', {
          lastCallbackAgeMs: Math.round(device.stat(BindingStat.LastCallbackAgeMs)),
          closedCleanly: closed,
        });
        ctx.post({ type: 'device', state: 'lost', reason: `no callback for ${audio.deadDeviceMs} ms` });
        ctx.setState(EngineState.DeviceLost);
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
    if (performance.now() - nextTick > 1000) nextTick = performance.now(); // no burst after a long stall
    ctx.inBlock.fill(0);
    ctx.runBlock(m, 0, channelsOut);
    nextTick += ctx.blockMs;
  }

  // Stop: fade the outputs out over a few smoothing time constants, so the last thing heard is no click.
  if (device?.isOpen) {
    m.fadeOutput(true);
    const fadeBlocks = Math.ceil((0.05 * audio.sampleRate) / frames);
    for (let i = 0; i < fadeBlocks && device.pull(100) === 1; i++) {
      ctx.runBlock(m, channelsIn, channelsOut);
      device.push();
    }
    if (!device.close(500)) ctx.log('warn', 'audio device did not close in time; abandoned it');
  }
  ctx.setState(EngineState.Stopped);
  ctx.post({ type: 'stopped' });
}

main();
