// Typed access to mixd's realtime PortAudio addon (native/mixd_audio.cc) and the choice of library.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HostApiInfo {
  index: number;
  name: string;
  type: number;
  deviceCount: number;
  defaultInput: number;
  defaultOutput: number;
}

export interface DeviceInfo {
  index: number;
  name: string;
  hostApi: number;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  defaultLowInputLatency: number;
  defaultLowOutputLatency: number;
  defaultHighInputLatency: number;
  defaultHighOutputLatency: number;
}

export interface DeviceList {
  hostApis: HostApiInfo[];
  devices: DeviceInfo[];
  defaultInput: number;
  defaultOutput: number;
}

export interface LibraryInfo {
  path: string;
  version: string;
  hasJackApi: boolean;
  generation: number;
}

export interface OpenOptions {
  input: number;
  output: number;
  inChannels: number;
  outChannels: number;
  sampleRate: number;
  blockFrames: number;
  suggestedLatency: number;
  ringBlocks: number;
  deadMs: number;
}

export interface StreamInfo {
  inputLatency: number;
  outputLatency: number;
  sampleRate: number;
}

/** The addon's functions; see native/mixd_audio.cc for the contract of each. */
export interface PortAudioBinding {
  load(paths: string[]): LibraryInfo;
  initialize(clientName?: string): DeviceList;
  open(options: OpenOptions, inBlock: Float32Array, outBlock: Float32Array, stats: Float64Array): StreamInfo;
  start(): void;
  /** 1: a block is in inBlock; 0: timed out; −1: the device is dead (or no stream). */
  pull(timeoutMs: number): number;
  /** 1: outBlock queued; 0: the output ring was full. */
  push(): number;
  /** Stops, closes and terminates PortAudio within the deadline; false when it had to abandon the instance. */
  close(deadlineMs: number): boolean;
  drainMessages(): string[];
  /** SCHED_FIFO at `priority` for the calling thread (0: normal); returns "" or the reason it failed. */
  setRealtimePriority(priority: number): string;
  readonly statCount: number;
}

/** Indices of the addon's stats array. */
export const enum BindingStat {
  Callbacks = 0,
  Underruns = 1,
  InputOverflows = 2,
  OutputOverflows = 3,
  DroppedFrames = 4,
  DeviceInputOverflow = 5,
  DeviceOutputUnderflow = 6,
  LastCallbackAgeMs = 7,
  CallbackFrames = 8,
  /** Underruns in a cycle that followed the previous one by under half a period (server catching up). */
  CatchUpUnderruns = 9,
}

export const PA_HOST_API_JACK = 12;

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function loadBinding(): PortAudioBinding {
  return require(path.join(root, 'build/Release/mixd_audio.node')) as PortAudioBinding;
}

/**
 * Libraries to try, in order: an explicit override, the system's libportaudio.so.2 (Debian's libportaudio2
 * has the JACK host API), then the copy bundled in the naudiodon package (ALSA/OSS only).
 */
export function libraryCandidates(override?: string): string[] {
  const list = override ? [override] : [];
  list.push('libportaudio.so.2');
  try {
    const naudiodon = path.dirname(require.resolve('naudiodon/package.json'));
    list.push(
      path.join(
        naudiodon,
        process.arch === 'arm' ? 'portaudio/bin_armhf' : 'portaudio/bin',
        'libportaudio.so.2',
      ),
    );
  } catch {
    // naudiodon is optional
  }
  return list;
}
