// Latency compensation: a stem with a limiter and one without, summed into a printmaster and printed to
// device outputs of their own, must stay sample-aligned. An impulse on both inputs at once must leave every
// output as one impulse, at the same frame, `latencyFrames` after it went in; a limiter that is switched off
// takes its delay with it. Impulses stay far below the ceiling, where the limiter is an exact delay.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 128;
const AT = 1000;
const AMPLITUDE = 0.5;
/** Centre pan, −3 dB law. */
const CENTRE = Math.SQRT1_2;

function session(dxLimiter: boolean, chained = false): Session {
  return SessionSchema.parse({
    version: 1,
    strips: [
      { name: 'Dial', input: 1, output: { bus: 'DX' } },
      { name: 'Score', input: 2, output: { bus: 'MX' } },
      { name: 'Room', input: 3, output: { bus: 'Print' } },
      { name: 'Amb', input: 4 }, // straight into the master
    ],
    buses: [
      { name: 'DX', kind: 'stem', role: 'dialogue', limiter: { on: dxLimiter }, outputs: [3, 4] },
      { name: 'MX', kind: 'stem', role: 'music', outputs: [5, 6], ...(chained ? { output: 'DX' } : {}) },
      { name: 'Print', kind: 'aux', outputs: [7, 8] },
    ],
    master: { limiter: { on: false } },
  });
}

/** Every output channel (8) over `blocks` blocks with an impulse on inputs 1–4 at frame AT. */
function render(e: MixEngine, blocks: number): Float32Array[] {
  const input = new Float32Array(4 * B);
  const output = new Float32Array(8 * B);
  const out = Array.from({ length: 8 }, () => new Float32Array(blocks * B));
  for (let n = 0; n < blocks; n++) {
    input.fill(0);
    for (let c = 0; c < 4; c++) if (AT >= n * B && AT < (n + 1) * B) input[c * B + AT - n * B] = AMPLITUDE;
    output.fill(0);
    e.process(input, 4, output, 8);
    for (let c = 0; c < 8; c++) out[c]!.set(output.subarray(c * B, (c + 1) * B), n * B);
  }
  return out;
}

/** The frames where the channel is not 0. */
const nonZero = (x: Float32Array): number[] => [...x.keys()].filter((i) => x[i] !== 0);

function engine(s: Session): MixEngine {
  const created = MixEngine.create(s, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  return created.engine;
}

describe('latency compensation', () => {
  it('a limited stem, an unlimited one, an aux and the master they make arrive on the same frame', () => {
    const e = engine(session(true));
    const latency = e.latencyFrames;
    expect(latency).toBeGreaterThan(0);
    const out = render(e, 20);
    // Master: four centre-panned impulses summed into one (DX, MX, Print and the Amb strip all feed it).
    expect(nonZero(out[0]!)).toEqual([AT + latency]);
    expect(out[0]![AT + latency]).toBeCloseTo(4 * AMPLITUDE * CENTRE, 6);
    // Each stem and the aux on its own outputs, on the same frame.
    for (const c of [2, 3, 4, 5, 6, 7]) {
      expect(nonZero(out[c]!), `output ${c + 1}`).toEqual([AT + latency]);
      expect(out[c]![AT + latency]).toBeCloseTo(AMPLITUDE * CENTRE, 6);
    }
  });

  it('a chain of buses is compensated along its slowest path, and a limiter switched off takes its delay away', () => {
    // MX feeds DX (limited) and DX the master: MX and Score reach DX's limiter together.
    const e = engine(session(true, true));
    const latency = e.latencyFrames;
    const out = render(e, 20);
    expect(nonZero(out[0]!)).toEqual([AT + latency]);
    expect(out[0]![AT + latency]).toBeCloseTo(4 * AMPLITUDE * CENTRE, 6);

    expect(e.applySession(session(false, true)).ok).toBe(true);
    expect(e.latencyFrames).toBe(0);
    const after = render(e, 20);
    for (const c of [0, 2, 4, 6]) expect(nonZero(after[c]!), `output ${c + 1}`).toEqual([AT]);
  });
});
