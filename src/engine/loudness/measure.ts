// Offline loudness measurement of a whole programme, through the same two halves a live bus meter uses.

import { channelWeight, type SpeakerLabel } from '../dsp/loudness-weights.js';
import { createHopRing, LoudnessEnergy } from '../dsp/loudness-energy.js';
import { LoudnessMeter, type LoudnessReadings } from './loudness-meter.js';

/** Hops per processing block; the ring holds more, so nothing is lost between reads. */
const HOPS_PER_BLOCK = 10;

/**
 * Meters planar `channels` (all the same length) labelled `labels` and returns the readings at the end.
 * `onHop`, if given, sees the meter after every whole 10 ms hop (for live-meter checks).
 */
export function measureLoudness(
  sampleRate: number,
  channels: readonly Float32Array[],
  labels: readonly SpeakerLabel[],
  onHop?: (meter: LoudnessMeter, hop: number) => void,
): LoudnessReadings {
  const ring = createHopRing(2 * HOPS_PER_BLOCK);
  const energy = new LoudnessEnergy(sampleRate, labels.map(channelWeight), ring);
  const meter = new LoudnessMeter(sampleRate);
  const frames = channels[0]?.length ?? 0;
  // With a callback, feed one hop at a time so it runs after each hop.
  const step = energy.hopFrames * (onHop === undefined ? HOPS_PER_BLOCK : 1);
  const block = new Float32Array(channels.length * step);
  let hop = 0;
  for (let pos = 0; pos < frames; pos += step) {
    const n = Math.min(step, frames - pos);
    channels.forEach((ch, c) => block.set(ch.subarray(pos, pos + n), c * step));
    energy.process(block, step, n);
    meter.consume(ring);
    if (onHop !== undefined && n === step) onHop(meter, hop++);
  }
  energy.flush();
  meter.consume(ring);
  return meter.readings();
}
