// Send tap points (X32 set: input, pre-EQ, post-EQ, pre-fader, post-fader; engine.md §1.2, §9.1): one strip
// sends to five mono aux buses, one per tap. Changing one stage of the strip must change exactly the sends
// tapped after it — compared bit for bit against the unchanged session — and the input tap must equal the
// trimmed input times the send level (closed form). Mute silences post-fader sends only (Ardour default).
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 128;
const TAPS = ['input', 'pre-eq', 'post-eq', 'pre-fader', 'post-fader'] as const;
const db = (x: number): number => 10 ** (x / 20);

interface StripChange {
  trimDb?: number;
  hpf?: { on: boolean; freqHz: number };
  eq?: { bands: { lowMid: { gainDb: number } } };
  faderDb?: number;
  mute?: boolean;
}

function sessionWith(change: StripChange): Session {
  const r = SessionSchema.safeParse({
    version: 1,
    strips: [
      {
        name: 'Vox',
        input: 1,
        trimDb: -4,
        comp: { on: true, thresholdDb: -30, ratio: 3 },
        faderDb: -5,
        sends: TAPS.map((tap, i) => ({ bus: `Aux ${tap}`, tap, levelDb: -1 - i })),
        ...change,
      },
    ],
    buses: TAPS.map((tap, i) => ({ name: `Aux ${tap}`, format: '1.0', output: null, outputs: [3 + i] })),
    master: { limiter: { on: false } },
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data;
}

const frames = 16 * B;
const input = Float32Array.from(
  { length: frames },
  (_, i) => 0.5 * Math.sin(0.05 * i) + 0.2 * Math.sin(0.31 * i),
);

/** Output channels 1-7 (master L/R, then one per tap) for the session, as planar arrays. */
function render(session: Session): Float32Array[] {
  const created = MixEngine.create(session, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  const out = Array.from({ length: 7 }, () => new Float32Array(frames));
  const outBlock = new Float32Array(7 * B);
  for (let pos = 0; pos < frames; pos += B) {
    created.engine.process(input.subarray(pos, pos + B), 1, outBlock, 7);
    out.forEach((o, c) => o.set(outBlock.subarray(c * B, (c + 1) * B), pos));
  }
  return out;
}

const base = render(sessionWith({}));
const same = (a: Float32Array, b: Float32Array): boolean => a.every((v, i) => v === b[i]);
/** Which taps' buses differ from the unchanged session. */
const changedTaps = (out: Float32Array[]): string[] =>
  TAPS.filter((_, i) => !same(out[2 + i]!, base[2 + i]!));

describe('send tap points', () => {
  it('input tap = trimmed input × send level (closed form)', () => {
    const g = db(-4) * db(-1);
    let worst = 0;
    for (let i = 0; i < frames; i++) worst = Math.max(worst, Math.abs(base[2]![i]! - input[i]! * g));
    expect(worst).toBeLessThan(1e-6);
  });

  it('post-fader tap = pre-fader tap × fader × (its level / the pre-fader level) (closed form)', () => {
    const ratio = db(-5) * (db(-5) / db(-4));
    let worst = 0;
    for (let i = 0; i < frames; i++) worst = Math.max(worst, Math.abs(base[6]![i]! - base[5]![i]! * ratio));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...base[6]!.map(Math.abs))).toBeGreaterThan(0.01);
  });

  const cases: [string, StripChange, string[]][] = [
    ['trim', { trimDb: 2 }, ['input', 'pre-eq', 'post-eq', 'pre-fader', 'post-fader']],
    ['HPF', { hpf: { on: true, freqHz: 200 } }, ['pre-eq', 'post-eq', 'pre-fader', 'post-fader']],
    ['EQ', { eq: { bands: { lowMid: { gainDb: 6 } } } }, ['post-eq', 'pre-fader', 'post-fader']],
    ['fader', { faderDb: -12 }, ['post-fader']],
    ['mute', { mute: true }, ['post-fader']],
  ];
  it.each(cases)('changing the %s changes exactly the sends after it', (_, change, expected) => {
    expect(changedTaps(render(sessionWith(change)))).toEqual(expected);
  });

  it('mute silences the post-fader send and the main output completely', () => {
    const out = render(sessionWith({ mute: true }));
    expect(out[6]!.every((v) => v === 0)).toBe(true);
    expect(out[0]!.every((v) => v === 0)).toBe(true);
    expect(out[5]!.some((v) => v !== 0)).toBe(true);
  });
});
