// The control thread's loudness meters of every bus: each reads its bus's hop ring (written by the audio
// thread) and keeps BS.1770 / EBU Mode readings, so gating and statistics stay off the audio thread. Poll it
// more often than the rings wrap (a 1,024-hop ring holds 10.24 s).
import type { HopRing } from '../dsp/loudness-energy.js';
import { LoudnessMeter, type LoudnessReadings } from './loudness-meter.js';

export class BusLoudness {
  private readonly meters: LoudnessMeter[];
  private lostHops = 0;

  constructor(
    private readonly rings: readonly HopRing[],
    sampleRate: number,
  ) {
    this.meters = rings.map(() => new LoudnessMeter(sampleRate));
  }

  /** Takes every hop published since the last poll. */
  poll(): void {
    this.rings.forEach((ring, b) => (this.lostHops += this.meters[b]!.consume(ring)));
  }

  /** Hops skipped because a poll came too late (the readings then miss that stretch of programme). */
  get lost(): number {
    return this.lostHops;
  }

  readings(bus: number): LoudnessReadings | undefined {
    return this.meters[bus]?.readings();
  }

  /** Starts bus `bus`'s programme afresh (integrated, LRA, maxima), as a meter's reset button does. */
  reset(bus: number): void {
    const meter = this.meters[bus];
    if (!meter) return;
    this.lostHops += meter.consume(this.rings[bus]!); // the hops already written belong to the old programme
    meter.reset();
  }
}
