// The shared-memory seam between the control side (main thread) and the audio worker: control words and
// health statistics. The mix settings (control → audio) cross in settings-channel.ts, the meters (audio →
// control) in meter-board.ts and the loudness hops in the buses' hop rings. Nothing here allocates after
// construction.

/** Int32 control words, written with Atomics. */
export const enum Control {
  /** 1 asks the worker to fade out, close the device and exit. */
  Stop = 0,
  /** Blocks processed since the worker started: the audio heartbeat. */
  Heartbeat = 1,
  /** EngineState of the worker. */
  State = 2,
  Count = 3,
}

export const enum EngineState {
  Starting = 0,
  Running = 1,
  /** The device died or could not be opened: running on the clock-paced null device, retrying. */
  DeviceLost = 2,
  /** No usable device was configured or found: the null device is the device. */
  NullDevice = 3,
  Stopped = 4,
}

/** Float64 statistics the worker publishes (cumulative counters, since the worker started). */
export const enum Stat {
  Underruns = 0,
  InputOverflows = 1,
  OutputOverflows = 2,
  DroppedFrames = 3,
  DeviceXruns = 4,
  LastCallbackAgeMs = 5,
  BlockTimeAvgUs = 6,
  BlockTimeMaxUs = 7,
  SampleRate = 8,
  BlockFrames = 9,
  /** Frames mixd adds between its input and output ports: its buffering plus the mix's own latency. */
  LatencyFrames = 10,
  DeviceOpens = 11,
  /** Underruns the server caused: cycles run back to back after the server itself woke late. */
  CatchUpUnderruns = 12,
  Count = 13,
}

export interface EngineBuffers {
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
}

/** Typed views over the shared buffers; both threads build their own from the same EngineBuffers. */
export class EngineViews {
  readonly control: Int32Array;
  readonly stats: Float64Array;

  constructor(readonly buffers: EngineBuffers) {
    this.control = new Int32Array(buffers.control);
    this.stats = new Float64Array(buffers.stats);
  }

  static allocate(): EngineViews {
    return new EngineViews({
      control: new SharedArrayBuffer(4 * Control.Count),
      stats: new SharedArrayBuffer(8 * Stat.Count),
    });
  }

  heartbeat(): number {
    return Atomics.load(this.control, Control.Heartbeat);
  }
  state(): EngineState {
    return Atomics.load(this.control, Control.State);
  }
}
