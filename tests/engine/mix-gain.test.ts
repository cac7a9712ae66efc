// Gain structure through the engine: VCA masters (nested and chained) add in dB (engine.md §1.1, §9.1),
// VCA and mute-group mutes silence their members, and a mute is click-free: the gain follows the one-pole
// glide g[n] = (1 − k)^n (k = 1 − e^(−1/(τ·fs)), τ = 10 ms) in closed form, so no sample step exceeds k·A.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 128;
const db = (x: number): number => 10 ** (x / 20);

function parse(extra: Record<string, unknown>, strip: Record<string, unknown> = {}): Session {
  const r = SessionSchema.safeParse({
    version: 1,
    // Hard left under the −3 dB law: the left gain is cos 0 = 1 exactly, so output L = input × level.
    strips: [{ name: 'Vox', input: 1, pan: -1, faderDb: -3, ...strip }],
    master: { limiter: { on: false } },
    ...extra,
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data;
}

function create(session: Session): MixEngine {
  const created = MixEngine.create(session, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  return created.engine;
}

/** Left output of `blocks` blocks of `signal(i)` (i counts from `from`). */
function leftOut(engine: MixEngine, blocks: number, signal: (i: number) => number, from = 0): Float64Array {
  const out = new Float64Array(blocks * B);
  const inBlock = new Float32Array(B);
  const outBlock = new Float32Array(2 * B);
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < B; i++) inBlock[i] = signal(from + b * B + i);
    engine.process(inBlock, 1, outBlock, 2);
    out.set(outBlock.subarray(0, B), b * B);
  }
  return out;
}

const sine = (i: number): number => 0.8 * Math.sin((2 * Math.PI * 997 * i) / FS);

describe('VCA masters', () => {
  const vcas = [
    { name: 'V1', faderDb: -6, members: ['Vox'], masters: ['V2'] },
    { name: 'V2', faderDb: 2 },
    { name: 'V3', faderDb: -1.5, members: ['Vox'] },
  ];

  it('effective gain = own −3 + V1 −6 + V2 (nested) +2 + V3 (chained) −1.5 = −8.5 dB', () => {
    const out = leftOut(create(parse({ vcas })), 4, sine);
    const g = db(-8.5);
    for (let i = 0; i < out.length; i++) {
      const want = Math.fround(sine(i)) * g;
      expect(Math.abs(out[i]! - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
    }
  });

  it('a muted master (nested) mutes the member; so does its mute group', () => {
    const mutedMaster = vcas.map((v) => (v.name === 'V2' ? { ...v, mute: true } : v));
    expect(leftOut(create(parse({ vcas: mutedMaster })), 2, sine).every((v) => v === 0)).toBe(true);
    const group = { muteGroups: [{ name: 'Band', mute: true, members: ['Vox'] }] };
    expect(leftOut(create(parse(group)), 2, sine).every((v) => v === 0)).toBe(true);
  });
});

describe('click-free mute', () => {
  const k = 1 - Math.exp(-1 / (0.01 * FS));

  it('a DC signal decays as A·(1 − k)^(n+1) after mute, never stepping by more than k·A, and ends at 0', () => {
    const A = 0.5;
    const engine = create(parse({}, { faderDb: 0 }));
    leftOut(engine, 2, () => A);
    const muted = engine.applySession(parse({}, { faderDb: 0, mute: true }));
    expect(muted.ok).toBe(true);
    const out = leftOut(engine, 200, () => A);
    let maxStep = A - out[0]!;
    for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i]! - out[i - 1]!));
    expect(maxStep).toBeLessThanOrEqual(k * A * (1 + 1e-6));
    for (let i = 0; i < 2000; i++) expect(Math.abs(out[i]! - A * (1 - k) ** (i + 1))).toBeLessThan(1e-7);
    expect(out[out.length - 1]).toBe(0);
  });

  it('a full-scale sine never steps by more than A·(2πf/fs + k) through mute and unmute', () => {
    const A = 0.8;
    const engine = create(parse({}, { faderDb: 0 }));
    const before = leftOut(engine, 4, sine);
    engine.applySession(parse({}, { faderDb: 0, mute: true }));
    const during = leftOut(engine, 40, sine, 4 * B);
    engine.applySession(parse({}, { faderDb: 0 }));
    const after = leftOut(engine, 40, sine, 44 * B);
    const all = [...before, ...during, ...after];
    let maxStep = 0;
    for (let i = 1; i < all.length; i++) maxStep = Math.max(maxStep, Math.abs(all[i]! - all[i - 1]!));
    const bound = A * ((2 * Math.PI * 997) / FS + k);
    expect(maxStep).toBeLessThanOrEqual(bound);
    // An unsmoothed mute at the sine's crest would step by up to A: over 7 times the bound.
    expect(bound).toBeLessThan(A / 7);
  });
});
