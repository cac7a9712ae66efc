// Bus metering in the engine: the master's BS.1770 hop energies must give the published loudness of a
// 997 Hz stereo sine at −23 dBFS (−23.0 LUFS, engine.md §9.1 (d), ±0.005 LU), and its true-peak meter
// must read the sine's peak (a 997 Hz tone has no intersample overs to speak of: ±0.05 dB).
import { describe, expect, it } from 'vitest';
import { HOP_ENERGY, HOP_FIELDS, HOP_FRAMES } from '../../src/engine/dsp/loudness-energy.js';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 480;

describe('bus meters', () => {
  it('997 Hz at −23 dBFS on both channels of the master reads −23.0 LUFS', () => {
    const r = SessionSchema.safeParse({
      version: 1,
      strips: [{ name: 'Tone', format: 'stereo', input: 1 }],
      master: { limiter: { on: false } },
    });
    if (!r.success) throw new Error(JSON.stringify(r.error.issues));
    const created = MixEngine.create(r.data, { sampleRate: FS, blockFrames: B, startSilent: false });
    if (!created.ok) throw new Error(created.error);
    const engine = created.engine;
    const amplitude = 10 ** (-23 / 20);
    const input = new Float32Array(2 * B);
    const output = new Float32Array(2 * B);
    const blocks = 300; // 3 s
    let truePeak = 0;
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < B; i++) {
        const v = amplitude * Math.sin((2 * Math.PI * 997 * (b * B + i)) / FS);
        input[i] = v;
        input[B + i] = v;
      }
      engine.process(input, 2, output, 2);
      const m = engine.plan.buses[engine.plan.master]!.channelBase;
      truePeak = Math.max(truePeak, engine.busTruePeaks[m]!, engine.busTruePeaks[m + 1]!);
    }
    const ring = engine.loudnessRing(engine.plan.master);
    const hops = Atomics.load(ring.written, 0);
    expect(hops).toBe(300);
    // The last 2 s (200 hops): K-weighting long settled.
    let energy = 0;
    let frames = 0;
    for (let h = hops - 200; h < hops; h++) {
      const at = (h % ring.capacity) * HOP_FIELDS;
      energy += ring.data[at + HOP_ENERGY]!;
      frames += ring.data[at + HOP_FRAMES]!;
    }
    const lufs = -0.691 + 10 * Math.log10(energy / frames);
    expect(Math.abs(lufs - -23)).toBeLessThan(0.005);
    expect(Math.abs(20 * Math.log10(truePeak) - -23)).toBeLessThan(0.05);
  });
});
