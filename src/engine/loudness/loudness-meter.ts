// Control-thread half of the loudness meter (EBU Mode, EBU Tech 3341/3342 over ITU-R BS.1770): turns the
// 10 ms hop energies of dsp/loudness-energy.ts into momentary, short-term, integrated loudness, loudness
// range, their maxima and the peaks. Memory is bounded: the last 3 s of hops plus two fixed histograms.

import {
  HOP_ENERGY,
  HOP_FIELDS,
  HOP_FRAMES,
  HOP_SAMPLE_PEAK,
  HOP_TRUE_PEAK,
  hopFrames,
  type HopRing,
} from '../dsp/loudness-energy.js';
import { LoudnessHistogram, loudnessOfPower } from './loudness-histogram.js';

/** Window lengths in 10 ms hops. */
const MOMENTARY_HOPS = 40;
const SHORT_TERM_HOPS = 300;
/** Gating blocks (400 ms) and LRA short-term values (3 s) are both taken every 100 ms. */
const BLOCK_STEP_HOPS = 10;
const INTEGRATED_RELATIVE_GATE_LU = -10;
const LRA_RELATIVE_GATE_LU = -20;
const LRA_LOW_PERCENTILE = 10;
const LRA_HIGH_PERCENTILE = 95;

/** Everything an EBU Mode meter shows. Loudness in LUFS, LRA in LU, peaks in dBTP/dBFS; −∞ when undefined. */
export interface LoudnessReadings {
  momentary: number;
  shortTerm: number;
  integrated: number;
  lra: number;
  momentaryMax: number;
  shortTermMax: number;
  truePeak: number;
  samplePeak: number;
}

function decibels(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}

export class LoudnessMeter {
  private readonly hopFrames: number;
  /** Energies of the last SHORT_TERM_HOPS whole hops, oldest overwritten first. */
  private readonly recent = new Float64Array(SHORT_TERM_HOPS);
  private readonly blocks = new LoudnessHistogram();
  private readonly shortTerms = new LoudnessHistogram();
  private hops = 0;
  private readCount = 0;
  private momentaryLufs = -Infinity;
  private shortTermLufs = -Infinity;
  private momentaryMaxLufs = -Infinity;
  private shortTermMaxLufs = -Infinity;
  private samplePeakMax = 0;
  private truePeakMax = 0;

  constructor(sampleRate: number) {
    this.hopFrames = hopFrames(sampleRate);
  }

  /**
   * Takes one hop record. A hop shorter than a whole hop (the end of a programme) counts for its peaks only:
   * BS.1770 drops an incomplete last block.
   */
  addHop(energy: number, samplePeak: number, truePeak: number, frames: number): void {
    if (samplePeak > this.samplePeakMax) this.samplePeakMax = samplePeak;
    if (truePeak > this.truePeakMax) this.truePeakMax = truePeak;
    if (frames !== this.hopFrames) return;

    this.recent[this.hops % SHORT_TERM_HOPS] = energy;
    this.hops++;
    if (this.hops >= MOMENTARY_HOPS) {
      const power = this.windowEnergy(MOMENTARY_HOPS) / (MOMENTARY_HOPS * this.hopFrames);
      this.momentaryLufs = loudnessOfPower(power);
      if (this.momentaryLufs > this.momentaryMaxLufs) this.momentaryMaxLufs = this.momentaryLufs;
      if (this.hops % BLOCK_STEP_HOPS === 0) this.blocks.add(power);
    }
    if (this.hops >= SHORT_TERM_HOPS) {
      const power = this.windowEnergy(SHORT_TERM_HOPS) / (SHORT_TERM_HOPS * this.hopFrames);
      this.shortTermLufs = loudnessOfPower(power);
      if (this.shortTermLufs > this.shortTermMaxLufs) this.shortTermMaxLufs = this.shortTermLufs;
      if (this.hops % BLOCK_STEP_HOPS === 0) this.shortTerms.add(power);
    }
  }

  /**
   * Takes every hop the writer published since the last call. Returns how many hops were lost because the
   * reader fell more than the ring's safe depth behind (those are skipped, which shortens the programme).
   */
  consume(ring: HopRing): number {
    const written = Atomics.load(ring.written, 0);
    let pending = (written - this.readCount) >>> 0;
    let lost = 0;
    if (pending > ring.capacity - 1) {
      lost = pending - (ring.capacity - 1);
      pending = ring.capacity - 1;
      this.readCount = (written - pending) >>> 0;
    }
    for (; pending > 0; pending--) {
      const at = (this.readCount & (ring.capacity - 1)) * HOP_FIELDS;
      const d = ring.data;
      this.addHop(d[at + HOP_ENERGY]!, d[at + HOP_SAMPLE_PEAK]!, d[at + HOP_TRUE_PEAK]!, d[at + HOP_FRAMES]!);
      this.readCount = (this.readCount + 1) >>> 0;
    }
    return lost;
  }

  /** Sum of the newest `count` hop energies, summed afresh so no rounding drift builds up over hours. */
  private windowEnergy(count: number): number {
    let sum = 0;
    for (let i = 1; i <= count; i++) sum += this.recent[(this.hops - i) % SHORT_TERM_HOPS]!;
    return sum;
  }

  /** Momentary loudness (last 400 ms), LUFS; −∞ before 400 ms of audio. */
  get momentary(): number {
    return this.momentaryLufs;
  }

  /** Short-term loudness (last 3 s), LUFS; −∞ before 3 s of audio. */
  get shortTerm(): number {
    return this.shortTermLufs;
  }

  /** Gated integrated loudness since the last reset, LUFS. */
  get integrated(): number {
    return loudnessOfPower(this.blocks.gatedMeanPower(INTEGRATED_RELATIVE_GATE_LU));
  }

  /** Loudness range (EBU Tech 3342) since the last reset, LU; 0 when no short-term value passes the gates. */
  get loudnessRange(): number {
    return this.shortTerms.gatedSpread(LRA_RELATIVE_GATE_LU, LRA_LOW_PERCENTILE, LRA_HIGH_PERCENTILE);
  }

  readings(): LoudnessReadings {
    return {
      momentary: this.momentaryLufs,
      shortTerm: this.shortTermLufs,
      integrated: this.integrated,
      lra: this.loudnessRange,
      momentaryMax: this.momentaryMaxLufs,
      shortTermMax: this.shortTermMaxLufs,
      truePeak: decibels(this.truePeakMax),
      samplePeak: decibels(this.samplePeakMax),
    };
  }

  /**
   * Starts a new measurement (I, LRA, maxima, peaks and the windows). Hops still unread in a ring will count
   * towards the new one: `consume` first if they belong to the old one.
   */
  reset(): void {
    this.recent.fill(0);
    this.blocks.reset();
    this.shortTerms.reset();
    this.hops = 0;
    this.momentaryLufs = -Infinity;
    this.shortTermLufs = -Infinity;
    this.momentaryMaxLufs = -Infinity;
    this.shortTermMaxLufs = -Infinity;
    this.samplePeakMax = 0;
    this.truePeakMax = 0;
  }
}
