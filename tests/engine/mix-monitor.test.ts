// The monitor section in the engine with a 5.1 printmaster as its source (engine.md §1.1, §1.3, §9.1): the
// control-room pair gets the Lo/Ro fold-down (Lo = L + c·C + s·Ls, Ro = R + c·C + s·Rs, c = s = −3 dB, LFE
// dropped), mono puts (Lo + Ro)/2 on both sides, dim scales by its level and cut silences. Each 5.1 channel
// is fed by its own strip with a distinct constant, so every coefficient shows in the sums.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 64;
const LABELS = ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'] as const;
const VALUES = [0.1, 0.02, 0.3, 0.04, 0.05, 0.6];
const c = 10 ** (-3 / 20);

function monitorPair(monitor: Record<string, unknown>): [number, number] {
  const r = SessionSchema.safeParse({
    version: 1,
    strips: LABELS.map((label, i) => ({ name: label, input: i + 1, output: { labels: [label] } })),
    master: { name: 'PM', format: '5.1-film', limiter: { on: false } },
    monitor: { outputs: [7, 8], ...monitor },
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  const created = MixEngine.create(r.data, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  const input = new Float32Array(6 * B);
  VALUES.forEach((v, ch) => input.fill(v, ch * B, (ch + 1) * B));
  const output = new Float32Array(8 * B);
  created.engine.process(input, 6, output, 8);
  return [output[7 * B - 1]!, output[8 * B - 1]!];
}

const [L, C, R, Ls, Rs] = VALUES as [number, number, number, number, number, number];
const lo = L + c * C + c * Ls;
const ro = R + c * C + c * Rs;

describe('monitor section on a 5.1 source', () => {
  it('folds down to Lo/Ro with LFE dropped', () => {
    const [left, right] = monitorPair({});
    expect(left).toBeCloseTo(lo, 7);
    expect(right).toBeCloseTo(ro, 7);
  });

  it('mono: (Lo + Ro)/2 on both sides', () => {
    const [left, right] = monitorPair({ mono: true });
    expect(left).toBeCloseTo((lo + ro) / 2, 7);
    expect(right).toBeCloseTo((lo + ro) / 2, 7);
  });

  it('dim −20 dB scales by 0.1; cut silences', () => {
    const [left] = monitorPair({ dim: true, dimDb: -20 });
    expect(left).toBeCloseTo(lo / 10, 7);
    expect(monitorPair({ cut: true })).toEqual([0, 0]);
  });
});
