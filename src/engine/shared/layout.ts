// The shared-memory seam between the control side (main thread) and the audio worker. Everything that crosses
// per block lives here, in SharedArrayBuffers: parameters (control → audio), meters and health (audio →
// control), and a few control words. Nothing here allocates after construction.

/** Parameter slots per strip: input gain (dB), fader (dB), pan (-1..1), mute (0/1). */
export const STRIP_PARAMS = 4;
export const enum StripParam {
  GainDb = 0,
  FaderDb = 1,
  Pan = 2,
  Mute = 3,
}
/** Parameter slots of the master: fader (dB), mute (0/1). */
export const enum MasterParam {
  FaderDb = 0,
  Mute = 1,
}

/** Int32 control words, written with Atomics. */
export const enum Control {
  /** Bumped by the control side after it wrote parameters; the worker re-reads them when it changes. */
  ParamGeneration = 0,
  /** 1 asks the worker to fade out, close the device and exit. */
  Stop = 1,
  /** Blocks processed since the worker started: the audio heartbeat. */
  Heartbeat = 2,
  /** Meter windows published: readers see a new meter frame when it changes. */
  MeterSequence = 3,
  /** EngineState of the worker. */
  State = 4,
  Count = 5,
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
  LatencyFrames = 10,
  DeviceOpens = 11,
  /** Underruns the server caused: cycles run back to back after the server itself woke late. */
  CatchUpUnderruns = 12,
  Count = 13,
}

export interface EngineBuffers {
  params: SharedArrayBuffer;
  meters: SharedArrayBuffer;
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
}

/** Typed views over the shared buffers; both threads build their own from the same EngineBuffers. */
export class EngineViews {
  readonly params: Float32Array;
  readonly meters: Float32Array;
  readonly control: Int32Array;
  readonly stats: Float64Array;

  constructor(
    readonly buffers: EngineBuffers,
    readonly stripCount: number,
  ) {
    this.params = new Float32Array(buffers.params);
    this.meters = new Float32Array(buffers.meters);
    this.control = new Int32Array(buffers.control);
    this.stats = new Float64Array(buffers.stats);
  }

  static allocate(stripCount: number): EngineViews {
    return new EngineViews(
      {
        params: new SharedArrayBuffer(4 * (stripCount * STRIP_PARAMS + 2)),
        // Two peak slots per strip (mono strips use the first) and two for the master.
        meters: new SharedArrayBuffer(4 * (stripCount * 2 + 2)),
        control: new SharedArrayBuffer(4 * Control.Count),
        stats: new SharedArrayBuffer(8 * Stat.Count),
      },
      stripCount,
    );
  }

  stripParam(strip: number, p: StripParam): number {
    return strip * STRIP_PARAMS + p;
  }
  masterParam(p: MasterParam): number {
    return this.stripCount * STRIP_PARAMS + p;
  }
  stripMeter(strip: number, channel: 0 | 1): number {
    return strip * 2 + channel;
  }
  masterMeter(channel: 0 | 1): number {
    return this.stripCount * 2 + channel;
  }

  /** Control side: publish parameter writes made since the last call. */
  commitParams(): void {
    Atomics.add(this.control, Control.ParamGeneration, 1);
  }
  heartbeat(): number {
    return Atomics.load(this.control, Control.Heartbeat);
  }
  state(): EngineState {
    return Atomics.load(this.control, Control.State);
  }
}
