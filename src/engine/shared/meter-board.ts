// Meters in shared memory, audio thread → control thread: the sample and true peak of every strip and bus
// channel, held over a short window (20 ms by default) so a reader polling at ≥ 30 Hz misses no peak. The
// audio side keeps the window's maxima privately and publishes them at once when the window closes; a
// reader sees the sequence number move. A reader racing a publish may mix two windows' values of different
// channels, which a meter display tolerates (each value is one window's true maximum).

export interface MeterCounts {
  /** Strip channels (plan.stripChannels; strip s channel c at plan.strips[s].meterOffset + c). */
  readonly strips: number;
  /** Bus channels (plan.busChannels; bus b channel c at plan.buses[b].channelBase + c). */
  readonly buses: number;
}

export interface MeterSnapshot {
  readonly sequence: number;
  readonly stripPeak: Float32Array;
  readonly stripTruePeak: Float32Array;
  readonly busPeak: Float32Array;
  readonly busTruePeak: Float32Array;
}

export interface MeterSource {
  readonly stripPeaks: Float32Array;
  readonly stripTruePeaks: Float32Array;
  readonly busPeaks: Float32Array;
  readonly busTruePeaks: Float32Array;
}

const HEADER_BYTES = 8; // Int32 sequence, Int32 spare

export class MeterBoard {
  private readonly sequenceWord: Int32Array;
  /** [stripPeak | stripTruePeak | busPeak | busTruePeak] */
  private readonly values: Float32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly counts: MeterCounts,
  ) {
    this.sequenceWord = new Int32Array(buffer, 0, 1);
    this.values = new Float32Array(buffer, HEADER_BYTES, 2 * (counts.strips + counts.buses));
  }

  static allocate(counts: MeterCounts): MeterBoard {
    const bytes = HEADER_BYTES + 4 * 2 * (counts.strips + counts.buses);
    return new MeterBoard(new SharedArrayBuffer(bytes), counts);
  }

  /** Control side: a copy of the last published window. */
  snapshot(): MeterSnapshot {
    const { strips, buses } = this.counts;
    const v = this.values.slice();
    return {
      sequence: Atomics.load(this.sequenceWord, 0),
      stripPeak: v.subarray(0, strips),
      stripTruePeak: v.subarray(strips, 2 * strips),
      busPeak: v.subarray(2 * strips, 2 * strips + buses),
      busTruePeak: v.subarray(2 * strips + buses),
    };
  }

  /** Audio side: the window maximum of each value, published every `windowBlocks` blocks. */
  publisher(windowBlocks: number): MeterPublisher {
    return new MeterPublisher(this.values, this.sequenceWord, this.counts, Math.max(1, windowBlocks));
  }
}

export class MeterPublisher {
  private readonly held: Float32Array;
  private blocks = 0;

  constructor(
    private readonly values: Float32Array,
    private readonly sequenceWord: Int32Array,
    private readonly counts: MeterCounts,
    private readonly windowBlocks: number,
  ) {
    this.held = new Float32Array(values.length);
  }

  /** Takes one block's meters; allocates nothing. */
  add(source: MeterSource): void {
    const { held } = this;
    const { strips, buses } = this.counts;
    hold(held, 0, source.stripPeaks, strips);
    hold(held, strips, source.stripTruePeaks, strips);
    hold(held, 2 * strips, source.busPeaks, buses);
    hold(held, 2 * strips + buses, source.busTruePeaks, buses);
    if (++this.blocks < this.windowBlocks) return;
    this.values.set(held);
    held.fill(0);
    this.blocks = 0;
    Atomics.add(this.sequenceWord, 0, 1);
  }
}

function hold(held: Float32Array, at: number, values: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) if (values[i]! > held[at + i]!) held[at + i] = values[i]!;
}
