// Audio-thread half of the loudness meter: K-weighted, channel-weighted energy, sample peak and true peak
// of one bus over fixed 10 ms hops, published through a ring another thread reads (loudness-meter.ts).
// Pure: no I/O; `process` does not allocate.
//
// 10 ms hops are the common divisor of every EBU Mode window (400 ms, 3 s, 100 ms gating step), so the
// reader builds all of them from whole hops, and max momentary/short-term are evaluated every 10 ms.
// A hop is round(fs/100) samples: exact at every rate that is a multiple of 100 Hz (8 k … 192 k, 44.1 k);
// elsewhere (e.g. 22.05 kHz) windows are off by under half a sample per hop.

import { KWeightingFilter } from './k-weighting.js';
import { TruePeakMeter } from './true-peak.js';

/** Doubles per hop record in a ring. */
export const HOP_FIELDS = 4;
/** Record layout: Σᵢ Gᵢ·Σ yᵢ² over the hop, largest |sample|, largest true-peak value (both linear, over all
 *  channels including LFE), and the hop's frame count (a whole hop except the last one `flush` writes). */
export const HOP_ENERGY = 0;
export const HOP_SAMPLE_PEAK = 1;
export const HOP_TRUE_PEAK = 2;
export const HOP_FRAMES = 3;

/**
 * Single-writer ring of hop records. `written[0]` counts hops ever written (mod 2^32), stored with Atomics
 * after the record, so a reader that sees the count also sees the record. Hop h lives in slot
 * h mod capacity; the capacity is a power of two so that slot numbering survives the counter's wrap.
 * A reader may safely read the newest capacity − 1 records (the writer may be filling the oldest slot).
 */
export interface HopRing {
  readonly capacity: number;
  readonly data: Float64Array;
  readonly written: Uint32Array;
}

/** Ring of at least `minCapacity` hops (rounded up to a power of two), shared across threads if asked. */
export function createHopRing(minCapacity: number, shared = false): HopRing {
  let capacity = 2;
  while (capacity < minCapacity) capacity *= 2;
  const bytes = capacity * HOP_FIELDS * 8 + 8;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return {
    capacity,
    data: new Float64Array(buffer, 0, capacity * HOP_FIELDS),
    written: new Uint32Array(buffer, capacity * HOP_FIELDS * 8, 1),
  };
}

/** Samples per 10 ms hop at `sampleRate`. */
export function hopFrames(sampleRate: number): number {
  return Math.max(1, Math.round(sampleRate / 100));
}

export class LoudnessEnergy {
  readonly hopFrames: number;
  private readonly weights: Float64Array;
  private readonly kFilters: KWeightingFilter[];
  private readonly truePeaks: TruePeakMeter[];
  private filled = 0;
  private energy = 0;
  private samplePeak = 0;
  private truePeak = 0;

  /** `weights[c]` is channel c's Gᵢ (see loudness-weights.ts); their count is the channel count. */
  constructor(
    sampleRate: number,
    weights: readonly number[],
    private readonly ring: HopRing,
  ) {
    this.hopFrames = hopFrames(sampleRate);
    this.weights = Float64Array.from(weights);
    this.kFilters = weights.map(() => new KWeightingFilter(sampleRate));
    this.truePeaks = weights.map(() => new TruePeakMeter(sampleRate));
  }

  get channelCount(): number {
    return this.weights.length;
  }

  /**
   * Meters `frames` frames of a planar block: channel c's samples start at `block[c · stride]`.
   * Every hop completed on the way is written to the ring.
   */
  process(block: Float32Array, stride: number, frames: number): void {
    let done = 0;
    while (done < frames) {
      const n = Math.min(frames - done, this.hopFrames - this.filled);
      for (let c = 0; c < this.weights.length; c++) {
        const at = c * stride + done;
        const w = this.weights[c]!;
        // A weight-0 channel (LFE) adds nothing, so its filter is never run.
        if (w !== 0) {
          const filter = this.kFilters[c]!;
          filter.process(block, at, n);
          this.energy += w * filter.squares;
        }
        for (let i = 0; i < n; i++) {
          const a = Math.abs(block[at + i]!);
          if (a > this.samplePeak) this.samplePeak = a;
        }
        const meter = this.truePeaks[c]!;
        meter.process(block, at, n);
        if (meter.peak > this.truePeak) this.truePeak = meter.peak;
      }
      this.filled += n;
      done += n;
      if (this.filled === this.hopFrames) this.publish();
    }
  }

  /** Ends the programme: publishes a partly filled hop (for its peaks; readers skip its energy). */
  flush(): void {
    if (this.filled > 0) this.publish();
  }

  /** Forgets filter states and the partial hop (the ring is the reader's to reset). */
  reset(): void {
    for (const f of this.kFilters) f.reset();
    for (const t of this.truePeaks) t.reset();
    this.filled = 0;
    this.energy = 0;
    this.samplePeak = 0;
    this.truePeak = 0;
  }

  private publish(): void {
    const { data, written, capacity } = this.ring;
    const count = Atomics.load(written, 0);
    const at = (count & (capacity - 1)) * HOP_FIELDS;
    data[at + HOP_ENERGY] = this.energy;
    data[at + HOP_SAMPLE_PEAK] = this.samplePeak;
    data[at + HOP_TRUE_PEAK] = this.truePeak;
    data[at + HOP_FRAMES] = this.filled;
    Atomics.store(written, 0, (count + 1) >>> 0);
    this.filled = 0;
    this.energy = 0;
    this.samplePeak = 0;
    this.truePeak = 0;
  }
}
