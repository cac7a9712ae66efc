// Routing through the mix graph runtime on a post-production session: DX/MX/FX stems in 5.1 film order into
// a 5.1 printmaster in SMPTE order (routed by label), an M&E bus (MX + FX), and a Lo/Ro fold-down of the
// printmaster. Every output channel is checked against its closed-form sum (engine.md §1.3): label routing,
// pan law, stem/master faders, M&E membership and the fold-down formula with LFE discarded.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 256;
const db = (x: number): number => 10 ** (x / 20);

function parse(input: unknown): Session {
  const r = SessionSchema.safeParse(input);
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data;
}

/** Deterministic noise in [−0.5, 0.5), float32 like any device input. */
function noise(frames: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: frames }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

/** Runs planar device inputs through the engine block by block; returns `outChannels` output channels. */
function run(engine: MixEngine, inputs: readonly Float32Array[], outChannels: number): Float32Array[] {
  const frames = inputs[0]!.length;
  const out = Array.from({ length: outChannels }, () => new Float32Array(frames));
  const inBlock = new Float32Array(inputs.length * B);
  const outBlock = new Float32Array(outChannels * B);
  for (let pos = 0; pos < frames; pos += B) {
    inputs.forEach((x, c) => inBlock.set(x.subarray(pos, pos + B), c * B));
    engine.process(inBlock, inputs.length, outBlock, outChannels);
    out.forEach((o, c) => o.set(outBlock.subarray(c * B, (c + 1) * B), pos));
  }
  return out;
}

const FX_PAN = 0.4;
const postInput = {
  version: 1,
  strips: [
    { name: 'Dia', input: 1, faderDb: -2, output: { bus: 'DX', labels: ['C'] } },
    { name: 'Score', format: 'stereo', input: 2, trimDb: -3, output: { bus: 'MX' } },
    { name: 'Rain', input: 4, pan: FX_PAN, output: { bus: 'FX', labels: ['Ls', 'Rs'] } },
    { name: 'Boom', input: 5, faderDb: -6, output: { bus: 'FX', labels: ['LFE'] } },
  ],
  buses: [
    { name: 'DX', kind: 'stem', role: 'dialogue', format: '5.1-film', output: 'PM', faderDb: -1 },
    { name: 'MX', kind: 'stem', role: 'music', format: '5.1-film', output: 'PM', faderDb: -4 },
    { name: 'FX', kind: 'stem', role: 'effects', format: '5.1-film', output: 'PM' },
    { name: 'ME', kind: 'me', format: '5.1-film', faderDb: -0.5, outputs: [7, 8, 9, 10, 11, 12] },
    { name: 'LoRo', kind: 'folddown', format: '2.0', source: 'PM', surroundDb: -4.5, outputs: [13, 14] },
  ],
  master: { name: 'PM', format: '5.1-smpte', faderDb: -1.5, limiter: { on: false } },
};
const post = parse(postInput);

describe('mix graph routing (post-production session)', () => {
  const frames = 8 * B;
  const x = [1, 2, 3, 4, 5].map((seed) => noise(frames, seed));
  const created = MixEngine.create(post, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  const out = run(created.engine, x, 14);

  // Closed form, per sample, in float64. Film order: L C R Ls Rs LFE; SMPTE: L R C LFE Ls Rs.
  const pan = ((FX_PAN + 1) * Math.PI) / 4; // −3 dB equal-power law (the session default)
  const stems = (i: number) => {
    const dx = { C: x[0]![i]! * db(-2) * db(-1) };
    const mx = { L: x[1]![i]! * db(-3) * db(-4), R: x[2]![i]! * db(-3) * db(-4) };
    const fx = { Ls: x[3]![i]! * Math.cos(pan), Rs: x[3]![i]! * Math.sin(pan), LFE: x[4]![i]! * db(-6) };
    return { dx, mx, fx };
  };
  const m = db(-1.5);
  const printmaster = (i: number) => {
    const { dx, mx, fx } = stems(i);
    return { L: mx.L * m, R: mx.R * m, C: dx.C * m, LFE: fx.LFE * m, Ls: fx.Ls * m, Rs: fx.Rs * m };
  };

  const check = (got: Float32Array, want: (i: number) => number): void => {
    let worst = 0;
    for (let i = 0; i < frames; i++) worst = Math.max(worst, Math.abs(got[i]! - want(i)));
    expect(worst).toBeLessThan(1e-6);
  };

  it('places every stem on the printmaster by label, in SMPTE order on outputs 1-6', () => {
    const order = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] as const;
    order.forEach((label, ch) => check(out[ch]!, (i) => printmaster(i)[label]));
    // Not a vacuous check: every printmaster channel carries signal.
    for (let ch = 0; ch < 6; ch++) expect(Math.max(...out[ch]!.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('sums the non-dialogue stems into the M&E (film order on outputs 7-12), no dialogue', () => {
    const me = db(-0.5);
    const order = ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'] as const;
    order.forEach((label, ch) =>
      check(out[6 + ch]!, (i) => {
        const { mx, fx } = stems(i);
        const sum: Record<string, number> = { L: mx.L, R: mx.R, C: 0, Ls: fx.Ls, Rs: fx.Rs, LFE: fx.LFE };
        return sum[label]! * me;
      }),
    );
  });

  it('folds the printmaster down to Lo/Ro: Lo = L + c·C + s·Ls, LFE dropped (outputs 13-14)', () => {
    const c = db(-3);
    const s = db(-4.5);
    check(out[12]!, (i) => {
      const p = printmaster(i);
      return p.L + c * p.C + s * p.Ls;
    });
    check(out[13]!, (i) => {
      const p = printmaster(i);
      return p.R + c * p.C + s * p.Rs;
    });
  });

  it('meters each bus channel with its block sample peak', () => {
    const plan = created.engine.plan;
    const pm = plan.buses[plan.master]!;
    const last = frames - B;
    pm.labels.forEach((_, ch) => {
      let peak = 0;
      for (let i = last; i < frames; i++) peak = Math.max(peak, Math.abs(out[ch]![i]!));
      expect(created.engine.busPeaks[pm.channelBase + ch]).toBe(peak);
    });
  });
});

describe('impulse through the graph', () => {
  it('arrives on the same sample at every output (no limiter: zero latency)', () => {
    const frames = 4 * B;
    const impulse = (at: number) => Float32Array.from({ length: frames }, (_, i) => (i === at ? 1 : 0));
    const x = [impulse(300), new Float32Array(frames), new Float32Array(frames), impulse(300), impulse(300)];
    const created = MixEngine.create(post, { sampleRate: FS, blockFrames: B, startSilent: false });
    if (!created.ok) throw new Error(created.error);
    expect(created.engine.latencyFrames).toBe(0);
    const out = run(created.engine, x, 14);
    for (const ch of [2, 3, 4, 5, 9, 10, 11, 12, 13]) {
      const nonzero = [...out[ch]!.keys()].filter((i) => out[ch]![i] !== 0);
      expect(nonzero).toEqual([300]);
    }
  });
});

describe('plan', () => {
  it('processes every bus after all buses that feed it (stems → M&E and PM → Lo/Ro)', () => {
    const created = MixEngine.create(post, { sampleRate: FS, blockFrames: B, startSilent: false });
    if (!created.ok) throw new Error(created.error);
    const { buses, order } = created.engine.plan;
    const names = order.map((b) => buses[b]!.name);
    const before = (a: string, b: string) => expect(names.indexOf(a)).toBeLessThan(names.indexOf(b));
    for (const stem of ['DX', 'MX', 'FX']) before(stem, 'PM');
    before('MX', 'ME');
    before('FX', 'ME');
    before('PM', 'LoRo');
    expect([...names].sort()).toEqual(['DX', 'FX', 'LoRo', 'ME', 'MX', 'PM']);
  });

  it('takes new parameters on the same routing, refuses a different routing', () => {
    const created = MixEngine.create(post, { sampleRate: FS, blockFrames: B, startSilent: false });
    if (!created.ok) throw new Error(created.error);
    const louder = parse({ ...postInput, master: { ...postInput.master, faderDb: 0 } });
    expect(created.engine.applySession(louder)).toEqual({ ok: true });
    const rerouted = parse({
      ...postInput,
      strips: postInput.strips.map((s) =>
        s.name === 'Dia' ? { ...s, output: { bus: 'FX', labels: ['C'] } } : s,
      ),
    });
    expect(created.engine.applySession(rerouted).ok).toBe(false);
  });
});
