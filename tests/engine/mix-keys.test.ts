// Gate key sources in the graph (mix-plan.ts): a strip keyed by another strip hears that strip's input in
// the same block; a strip keyed by a bus hears the bus's output one block late (strips run before buses).
// The gate starts closed at −range, so until its key opens the output is exactly input × 10^(−range/20).
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 64;
const LEVEL = 0.5;
const CLOSED = LEVEL * 10 ** (-30 / 20);

function engineFor(key: string): MixEngine {
  const r = SessionSchema.safeParse({
    version: 1,
    strips: [
      {
        name: 'Keyed',
        input: 1,
        pan: -1,
        gate: { on: true, thresholdDb: -40, rangeDb: 30, key },
      },
      { name: 'Trigger', input: 2, output: { bus: 'TriggerBus' } },
    ],
    buses: [{ name: 'TriggerBus', kind: 'aux', output: null }],
    master: { limiter: { on: false } },
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  const created = MixEngine.create(r.data, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  return created.engine;
}

/** Left output per block; the keyed strip gets a constant, the trigger starts at block `triggerBlock`. */
function run(engine: MixEngine, blocks: number, triggerBlock: number): Float32Array[] {
  const input = new Float32Array(2 * B);
  const output = new Float32Array(2 * B);
  const out: Float32Array[] = [];
  for (let b = 0; b < blocks; b++) {
    input.fill(LEVEL, 0, B);
    input.fill(b >= triggerBlock ? LEVEL : 0, B, 2 * B);
    engine.process(input, 2, output, 2);
    out.push(output.slice(0, B));
  }
  return out;
}

const closed = (block: Float32Array): boolean => block.every((v) => Math.abs(v - CLOSED) < 1e-7);

describe('gate key sources', () => {
  it('a strip key opens the gate in the block the key strip plays', () => {
    const out = run(engineFor('Trigger'), 6, 3);
    expect(out.slice(0, 3).every(closed)).toBe(true);
    // The key is loud from the first sample of block 3: the gate starts opening at once.
    expect(out[3]![0]!).toBeGreaterThan(CLOSED * 1.01);
  });

  it('a bus key opens the gate one block after the bus carries the trigger', () => {
    const out = run(engineFor('TriggerBus'), 6, 3);
    expect(out.slice(0, 4).every(closed)).toBe(true);
    expect(out[4]![0]!).toBeGreaterThan(CLOSED * 1.01);
  });
});
