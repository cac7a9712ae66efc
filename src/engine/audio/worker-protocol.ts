// What the audio worker is started with and the rare events it reports (never per block).
import type { HopRing } from '../dsp/loudness-energy.js';
import type { Session } from '../session/schema.js';
import type { EngineBuffers } from '../shared/layout.js';
import type { MeterCounts } from '../shared/meter-board.js';

export interface AudioSettings {
  backend: 'portaudio' | 'naudiodon' | 'null';
  hostApi?: string | undefined;
  device: string;
  sampleRate: number;
  blockFrames: number;
  outputChannels: number;
  clientName: string;
  deadDeviceMs: number;
  retry: { initialMs: number; maxMs: number };
  /** SCHED_FIFO priority of the audio worker thread (0: leave it a normal thread). Below JACK's own threads. */
  realtimePriority: number;
  /** Explicit libportaudio path, tried before the system's and naudiodon's copies. */
  library?: string | undefined;
}

/** Test-only fault injection: the worker stalls (busy loop) or throws this long after it starts. */
export interface InjectedFault {
  kind: 'stall' | 'crash';
  afterMs: number;
}

export interface AudioWorkerData {
  buffers: EngineBuffers;
  /** The session the engine is built from (its plan); settings changes arrive through `settings`. */
  session: Session;
  /** SettingsChannel buffer: the mix settings image, control → audio. */
  settings: SharedArrayBuffer;
  /** MeterBoard buffer and its counts: peaks, audio → control. */
  meters: SharedArrayBuffer;
  meterCounts: MeterCounts;
  /** One BS.1770 hop ring per plan bus (in shared memory), read by the control side's loudness meters. */
  loudnessRings: HopRing[];
  inputChannels: number;
  audio: AudioSettings;
  fault?: InjectedFault | undefined;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export type WorkerEvent =
  | { type: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> }
  | {
      type: 'device';
      state: 'running' | 'lost' | 'null';
      device?: string;
      hostApi?: string;
      library?: string;
      sampleRate?: number;
      blockFrames?: number;
      inChannels?: number;
      outChannels?: number;
      inputLatencyMs?: number;
      outputLatencyMs?: number;
      /** Delay through the mix itself (limiter lookahead along the longest path), on top of the device's. */
      mixLatencyFrames?: number;
      reason?: string;
    }
  | { type: 'stopped' }
  /** The backend cannot recover in-process (naudiodon): the daemon must exit so its supervisor restarts it. */
  | { type: 'fatal'; reason: string };
