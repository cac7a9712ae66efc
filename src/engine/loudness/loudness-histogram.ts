// Bounded-memory store of gating-block (or short-term) powers for integrated loudness and loudness range.
//
// Blocks are counted in 0.01 LU bins from −70 to +30 LUFS (like ffmpeg's ebur128, 10 000 bins), and each bin
// also keeps the exact sum of its blocks' powers. Means of power are therefore exact, so integrated
// loudness carries no quantisation, unlike a bin-centre histogram. Only two decisions are binned: whether a
// block within 0.01 LU of the relative gate passes it (the whole bin goes by its mean), and a percentile's
// value (its bin's mean loudness, within 0.01 LU of the exact block).

/** BS.1770 absolute gate; blocks at or below it are never stored. */
export const ABSOLUTE_GATE_LUFS = -70;
const TOP_LUFS = 30;
const BIN_LU = 0.01;
const BINS = Math.round((TOP_LUFS - ABSOLUTE_GATE_LUFS) / BIN_LU);

/** BS.1770 loudness of a channel-weighted mean square; −∞ for silence. */
export function loudnessOfPower(power: number): number {
  return power > 0 ? -0.691 + 10 * Math.log10(power) : -Infinity;
}

function binOf(lufs: number): number {
  return Math.min(BINS - 1, Math.floor((lufs - ABSOLUTE_GATE_LUFS) / BIN_LU));
}

export class LoudnessHistogram {
  private readonly counts = new Float64Array(BINS);
  private readonly powers = new Float64Array(BINS);
  private total = 0;
  private totalPower = 0;

  /** Adds one block's mean-square power, if its loudness is above the absolute gate. */
  add(power: number): void {
    const lufs = loudnessOfPower(power);
    if (!(lufs > ABSOLUTE_GATE_LUFS)) return;
    const b = binOf(lufs);
    this.counts[b]! += 1;
    this.powers[b]! += power;
    this.total += 1;
    this.totalPower += power;
  }

  /** First bin above the relative gate (mean loudness of the stored blocks + `relativeGateLU`), or −1. */
  private firstBinAboveGate(relativeGateLU: number): number {
    if (this.total === 0) return -1;
    const gate = loudnessOfPower(this.totalPower / this.total) + relativeGateLU;
    if (gate < ABSOLUTE_GATE_LUFS) return 0;
    const b = binOf(gate);
    // The bin holding the gate straddles it: it passes as a whole if its mean is above the gate.
    const c = this.counts[b]!;
    return c > 0 && loudnessOfPower(this.powers[b]! / c) > gate ? b : b + 1;
  }

  /** Mean power of the blocks above the relative gate; 0 when there are none. */
  gatedMeanPower(relativeGateLU: number): number {
    const first = this.firstBinAboveGate(relativeGateLU);
    if (first < 0) return 0;
    let n = 0;
    let p = 0;
    for (let b = first; b < BINS; b++) {
      n += this.counts[b]!;
      p += this.powers[b]!;
    }
    return n > 0 ? p / n : 0;
  }

  /**
   * Spread between the `low` and `high` percentiles (in %) of the blocks above the relative gate, in LU;
   * percentile p is the element round((n − 1)·p/100) of the sorted values, as in the Tech 3342 reference code.
   * 0 when no block passes the gates.
   */
  gatedSpread(relativeGateLU: number, low: number, high: number): number {
    const first = this.firstBinAboveGate(relativeGateLU);
    if (first < 0) return 0;
    let n = 0;
    for (let b = first; b < BINS; b++) n += this.counts[b]!;
    if (n === 0) return 0;
    return (
      this.valueAt(first, Math.round(((n - 1) * high) / 100)) -
      this.valueAt(first, Math.round(((n - 1) * low) / 100))
    );
  }

  /** Loudness of the element with 0-based rank `rank` counting from bin `first` upwards. */
  private valueAt(first: number, rank: number): number {
    let seen = 0;
    for (let b = first; b < BINS; b++) {
      const c = this.counts[b]!;
      seen += c;
      if (seen > rank) return loudnessOfPower(this.powers[b]! / c);
    }
    return TOP_LUFS; // not reached: callers pass rank < the count above `first`
  }

  reset(): void {
    this.counts.fill(0);
    this.powers.fill(0);
    this.total = 0;
    this.totalPower = 0;
  }
}
