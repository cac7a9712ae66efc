// The audio worker for `audio.backend: naudiodon`, the comparison backend. Same workerData, shared views,
// mix engine and events as worker.ts, but event-driven: naudiodon delivers each input block as a stream 'data'
// event and takes the output block by write(). Its defects shape everything here (realtime.md §1, §4):
// - its bundled libportaudio has no JACK (F11): mixd's binding preloads Debian's library first;
// - it can neither close (F1, F2) nor notice a dead server (F5), and a worker owning it crashes at exit (F4),
//   so any device failure is fatal: the host must end the process with SIGKILL and systemd restarts it;
// - its PortAudio callback blocks until JS writes the next block, so once started we write every block, even
//   after the stop fade, until the process is killed; stopping would stall the whole JACK graph.
import { createRequire } from 'node:module';
import { Control, EngineState, Stat } from '../shared/layout.js';
import {
  libraryCandidates,
  loadBinding,
  PA_HOST_API_JACK,
  type DeviceList,
  type PortAudioBinding,
} from './portaudio.js';
import { selectDevice } from './select-device.js';
import { WorkerContext } from './worker-context.js';

/** The part of naudiodon 2.3.6 used here (its index.d.ts is not imported: the package is optional). */
interface Naudiodon {
  getHostAPIs(): { defaultHostAPI: number; HostAPIs: NdHostApi[] };
  getDevices(): NdDevice[];
  AudioIO(options: { inOptions?: NdOptions; outOptions: NdOptions }): NdStream;
}
interface NdHostApi {
  id: number;
  name: string;
  type: string;
  deviceCount: number;
  defaultInput: number;
  defaultOutput: number;
}
interface NdDevice {
  id: number;
  name: string;
  hostAPIName: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  defaultLowInputLatency: number;
  defaultLowOutputLatency: number;
  defaultHighInputLatency: number;
  defaultHighOutputLatency: number;
}
interface NdOptions {
  deviceId: number;
  channelCount: number;
  sampleFormat: 1;
  sampleRate: number;
  framesPerBuffer: number;
  maxQueue: number;
  highwaterMark: number;
  closeOnError: boolean;
}
interface NdStream {
  on(event: 'data', fn: (chunk: Buffer) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  write(chunk: Buffer, cb: (err?: Error | null) => void): boolean;
  start(): void;
}

/** Silent blocks written before start(): the round trip is (2 + PRIME) periods (realtime.md §3, §8.2). */
const PRIME = 2;
/** Output buffers in flight (Writable buffer + native queue + prime); a full ring drops the block. */
const RING = 8;

const ctx = new WorkerContext();
const { data, audio, views, frames, blockMs, inBlock, outBlock } = ctx;
const beat = (): void => void Atomics.add(views.control, Control.Heartbeat, 1);
const log = ctx.log.bind(ctx);
const post = ctx.post.bind(ctx);
const setState = ctx.setState.bind(ctx);

/**
 * Loads Debian's libportaudio.so.2 (with JACK) through mixd's binding, which dlopens it RTLD_GLOBAL: naudiodon's
 * addon, loaded next, needs the same soname and the dynamic linker reuses the loaded copy instead of following
 * its rpath to the bundled one. initialize(clientName) + close() leaves PaJack_SetClientName's pointer set (into
 * the binding's static storage), so naudiodon's own Pa_Initialize opens its JACK client as audio.clientName.
 */
function preloadPortAudio(): { binding: PortAudioBinding; library: string } | undefined {
  try {
    const binding = loadBinding();
    const lib = binding.load(libraryCandidates(audio.library));
    if (lib.hasJackApi) {
      binding.initialize(audio.clientName);
      if (!binding.close(500)) throw new Error('Pa_Terminate hung while probing the JACK server');
    }
    return { binding, library: `${lib.path} (${lib.version})` };
  } catch (err) {
    log('warn', `naudiodon falls back to its bundled libportaudio (no JACK): ${(err as Error).message}`);
    return undefined;
  }
}

/** naudiodon's lists in the binding's shape, so the same selectDevice() applies. */
function deviceList(nd: Naudiodon): DeviceList {
  const { defaultHostAPI, HostAPIs } = nd.getHostAPIs();
  const index = (v: number): number => (v > 0x7fffffff ? -1 : v); // paNoDevice arrives as uint32 2^32−1
  const hostApis = HostAPIs.map((h) => ({
    index: h.id,
    name: h.name,
    type: h.type === 'JACK' ? PA_HOST_API_JACK : -1, // selectDevice needs JACK's id only
    deviceCount: h.deviceCount,
    defaultInput: index(h.defaultInput),
    defaultOutput: index(h.defaultOutput),
  }));
  const devices = nd.getDevices().map(({ id, hostAPIName, ...d }) => ({
    ...d,
    index: id,
    hostApi: hostApis.find((h) => h.name === hostAPIName)?.index ?? -1,
  }));
  const def = hostApis.find((h) => h.index === defaultHostAPI);
  return {
    hostApis,
    devices,
    defaultInput: def?.defaultInput ?? -1,
    defaultOutput: def?.defaultOutput ?? -1,
  };
}

/** Device loss and open failures end here: naudiodon cannot retry in-process (F3–F5), a restart can. */
let failed = false;
function fatal(state: 'lost' | 'null', reason: string): void {
  if (failed) return;
  failed = true;
  setState(state === 'lost' ? EngineState.DeviceLost : EngineState.NullDevice);
  post({ type: 'device', state, reason });
  log('error', `naudiodon backend: ${reason}; it cannot recover in-process, so mixd must exit and restart`);
  post({ type: 'fatal', reason });
}

function main(): void {
  setState(EngineState.Starting);
  ctx.warmUp();
  beat();
  const pa = preloadPortAudio();
  let nd: Naudiodon;
  let list: DeviceList;
  try {
    // naudiodon is CommonJS; requiring it also installs segfault-handler (writes ./crash.log, F12).
    nd = createRequire(import.meta.url)('naudiodon') as Naudiodon;
    list = deviceList(nd);
  } catch (err) {
    return fatal('null', `cannot load naudiodon: ${(err as Error).message}`);
  }
  if (pa && !list.hostApis.some((h) => h.name.includes('JACK')))
    log('warn', 'naudiodon sees no JACK host API (is jackd running for this user?)');
  const choice = selectDevice(list, { hostApi: audio.hostApi, device: audio.device });
  if (!choice.ok) return fatal('null', choice.reason);
  const inCh = Math.min(data.inputChannels, choice.input?.maxInputChannels ?? 0);
  const outCh = Math.min(audio.outputChannels, choice.output.maxOutputChannels);
  const options = (deviceId: number, channelCount: number): NdOptions => ({
    deviceId,
    channelCount,
    sampleFormat: 1,
    sampleRate: audio.sampleRate,
    framesPerBuffer: frames,
    maxQueue: 2,
    highwaterMark: frames * channelCount * 4, // else reads come in 16 KiB lumps (F7)
    closeOnError: false, // else any xrun anywhere in the graph destroys the stream (F6)
  });

  // Preallocated conversion buffers; naudiodon itself still allocates a Buffer per read and per write.
  const interIn = new Float32Array(inCh * frames);
  const interInBytes = new Uint8Array(interIn.buffer);
  const ring = Array.from({ length: RING }, () => Buffer.alloc(outCh * frames * 4));
  const ringF32 = ring.map((b) => new Float32Array(b.buffer, b.byteOffset, outCh * frames));
  let next = 0;
  let inFlight = 0;
  // Duplex: input blocks pace the engine. Output-only: each completed write (it blocks while the native
  // queue is full) makes room for the next block.
  const onWritten = (): void => {
    inFlight--;
    if (inCh === 0) onBlock(undefined);
  };
  const m = ctx.newEngine();
  let lastBlockAt = performance.now();
  let fadeLeft = -1; // blocks until 'stopped' is posted; −1 while running

  const writeBlock = (): void => {
    if (inFlight >= RING) {
      views.stats[Stat.OutputOverflows]! += 1; // the writes stopped completing: drop rather than overwrite
      return;
    }
    const out = ringF32[next]!;
    for (let c = 0; c < outCh; c++)
      for (let i = 0, o = c * frames; i < frames; i++) out[i * outCh + c] = outBlock[o + i]!;
    inFlight++;
    stream.write(ring[next]!, onWritten);
    next = (next + 1) % RING;
  };

  const onBlock = (chunk: Buffer | undefined): void => {
    lastBlockAt = performance.now();
    ctx.checkFault();
    if (chunk) {
      interInBytes.set(chunk.subarray(0, interInBytes.length)); // copy: a Buffer need not be 4-aligned
      for (let c = 0; c < inCh; c++)
        for (let i = 0, o = c * frames; i < frames; i++) inBlock[o + i] = interIn[i * inCh + c]!;
    }
    ctx.runBlock(m, inCh, outCh);
    writeBlock();
    if (fadeLeft > 0 && --fadeLeft === 0) {
      setState(EngineState.Stopped);
      post({ type: 'stopped' });
    }
  };

  let stream: NdStream;
  try {
    stream = nd.AudioIO(
      inCh > 0 && choice.input
        ? { inOptions: options(choice.input.index, inCh), outOptions: options(choice.output.index, outCh) }
        : { outOptions: options(choice.output.index, outCh) },
    );
    if (inCh > 0) stream.on('data', onBlock);
    stream.on('error', (err) => fatal('lost', `stream error: ${err.message}`));
    for (let i = 0; i < PRIME; i++) writeBlock(); // outBlock is still silent after warmUp()
    stream.start();
  } catch (err) {
    return fatal('null', `cannot open "${choice.output.name}": ${(err as Error).message}`);
  }
  lastBlockAt = performance.now();
  views.stats[Stat.DeviceOpens]! += 1;
  // added over a native client (realtime.md §3), plus the mix's own latency
  views.stats[Stat.LatencyFrames] = (1 + PRIME) * frames + m.latencyFrames;
  setState(EngineState.Running);
  beat();
  post({
    type: 'device',
    state: 'running',
    device: choice.output.name,
    hostApi: choice.hostApiName,
    library: pa?.library ?? "naudiodon's bundled libportaudio",
    sampleRate: audio.sampleRate,
    blockFrames: frames,
    inChannels: inCh,
    outChannels: outCh,
    inputLatencyMs: (choice.input?.defaultLowInputLatency ?? 0) * 1000,
    outputLatencyMs: choice.output.defaultLowOutputLatency * 1000 + (1 + PRIME) * blockMs,
    mixLatencyFrames: m.latencyFrames,
  });

  // Watchdog: naudiodon stalls silently when the server dies (F5), so only the age of the last block tells.
  const watchdog = setInterval(() => {
    for (const line of pa?.binding.drainMessages() ?? []) log('debug', line); // libjack/libasound chatter
    const age = performance.now() - lastBlockAt;
    views.stats[Stat.LastCallbackAgeMs] = age;
    if (age > audio.deadDeviceMs) {
      clearInterval(watchdog);
      return fatal('lost', `no audio block for ${Math.round(age)} ms (dead server?)`);
    }
    if (fadeLeft < 0 && Atomics.load(views.control, Control.Stop) !== 0) {
      // Fade the outputs out; the blocks keep flowing afterwards (see the top of this file).
      m.fadeOutput(true);
      fadeLeft = Math.ceil((0.05 * audio.sampleRate) / frames);
    }
  }, 50);
}

main();
