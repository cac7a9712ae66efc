// Production features of the WebAssembly strip kernel against closed forms: polarity, a bypassed quad
// (input × pan gain, exactly), pre-/post-fader sends, main bus selection, the fader's one-pole glide, the
// compressor's static soft-knee curve (Giannoulis et al. 2012, eq. 4), parallel compression, the
// expander's static curve with and without a key input, and exact pass-through of bypassed lanes.
import { describe, expect, it } from 'vitest';
import { loadStripKernel } from '../../src/engine/strip-kernel/load-wasm.js';
import { StripBank, type StripBankOptions } from '../../src/engine/strip-kernel/strip-bank.js';

const FRAMES = 64;
const FS = 48000;
const f = Math.fround;

function bank(options: StripBankOptions): StripBank {
  const loaded = loadStripKernel();
  if (!loaded.ok) throw new Error(loaded.error);
  const r = StripBank.create(loaded.module, options);
  if (!r.ok) throw new Error(r.error);
  return r.bank;
}

/** Deterministic test signal in [−0.5, 0.5), float32. */
function noise(out: Float32Array, seed: number): void {
  let r = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
    out[i] = r / 2 ** 32 - 0.5;
  }
}

/** Unity strips: fader 1 and the given pan gains at once (no glide). */
function unity(b: StripBank, pans: [number, number][]): void {
  pans.forEach(([l, r], s) => {
    b.setFader(s, 1, true);
    b.setPan(s, l, r, true);
  });
}

/**
 * Relative tolerance of a settled dB one pole g = t + a·(g − t) in float32 plus the polynomial ln/exp:
 * the update stops once (1 − a)·|g − t| is under half an ulp of g, i.e. up to ulp(t)/2/(1 − a) dB short of
 * the target (1.1e-3 dB for t = −10 dB, a 50 ms pole); ln/exp and the f32 gains add under 2e-5.
 */
function settledTolerance(targetDb: number, seconds: number): number {
  const ulp = targetDb === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(targetDb))) - 23);
  const deadBandDb = ulp / 2 / (1 - Math.exp(-1 / (seconds * FS)));
  return (deadBandDb * Math.LN10) / 20 + 2e-5;
}

/** Giannoulis et al. (2012) eq. 4, gain change in dB of the soft-knee compressor at input level x dB. */
function compressorGainDb(x: number, T: number, R: number, W: number): number {
  if (2 * (x - T) < -W) return 0;
  if (2 * (x - T) > W) return (x - T) / R - (x - T);
  return ((1 / R - 1) * (x - T + W / 2) ** 2) / (2 * W);
}

describe('strip kernel: routing and gains', () => {
  it('polarity inverts exactly', () => {
    const b = bank({ strips: 4, sends: 0 });
    unity(b, [
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    b.setInputGain(0, 1, true, true);
    noise(b.input.subarray(0, FRAMES), 7);
    b.process();
    const x = b.input.subarray(0, FRAMES);
    expect(Array.from(b.mainLeft(0))).toEqual(Array.from(x, (v) => -v));
    expect(Array.from(b.mainRight(0))).toEqual(new Array<number>(FRAMES).fill(0));
  });

  it('a bypassed quad adds input × pan gain into the main pair, exactly in float32', () => {
    const b = bank({ strips: 4, sends: 0 });
    const pans: [number, number][] = [
      [0.9, 0.1],
      [0.7071, 0.7071],
      [0.25, 0.5],
      [1, 0.3],
    ];
    unity(b, pans);
    noise(b.input, 11);
    b.process();
    const x = (s: number, i: number): number => b.input[s * FRAMES + i]!;
    for (const [side, bus] of [
      [0, b.mainLeft(0)],
      [1, b.mainRight(0)],
    ] as const) {
      for (let i = 0; i < FRAMES; i++) {
        // Lane products, summed in lane order in float32 (the pan gains are stored as float32).
        let want = 0;
        for (let s = 0; s < 4; s++) want = f(want + f(x(s, i) * f(pans[s]![side])));
        expect(bus[i]).toBe(want);
      }
    }
  });

  it('a pre-fader send ignores the fader; a post-fader send follows it', () => {
    const b = bank({ strips: 4, sends: 2 });
    unity(b, [
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    b.setFader(0, 0, true); // muted
    b.setSend(0, 0, 0.5, 'pre', true);
    b.setSend(0, 1, 0.5, 'post', true);
    noise(b.input.subarray(0, FRAMES), 3);
    b.process();
    expect(Array.from(b.aux(0))).toEqual(Array.from(b.input.subarray(0, FRAMES), (v) => f(v * 0.5)));
    expect(Array.from(b.aux(1))).toEqual(new Array<number>(FRAMES).fill(0));
    expect(Array.from(b.mainLeft(0))).toEqual(new Array<number>(FRAMES).fill(0));
  });

  it('each quad feeds the main pair chosen for it', () => {
    const b = bank({ strips: 8, mainPairs: 2, sends: 0 });
    unity(
      b,
      Array.from({ length: 8 }, () => [1, 1] as [number, number]),
    );
    b.setMainBus(1, 1);
    b.input.subarray(0, 4 * FRAMES).fill(0.25); // quad 0
    b.input.subarray(4 * FRAMES).fill(0.125); // quad 1
    b.process();
    expect(Array.from(b.mainLeft(0))).toEqual(new Array<number>(FRAMES).fill(1));
    expect(Array.from(b.mainRight(1))).toEqual(new Array<number>(FRAMES).fill(0.5));
  });

  it('the fader glides as a one pole: g[n] = 1 − (1 − k)^n', () => {
    const b = bank({ strips: 4, sends: 0, smoothingSeconds: 0.01 });
    unity(b, [
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    b.setFader(0, 0, true);
    b.setFader(0, 1);
    b.input.subarray(0, FRAMES).fill(1);
    const k = f(1 - Math.exp(-1 / (0.01 * FS)));
    for (let block = 0; block < 20; block++) {
      b.process();
      for (let i = 0; i < FRAMES; i++) {
        const n = block * FRAMES + i + 1;
        expect(b.mainLeft(0)[i]).toBeCloseTo(1 - (1 - k) ** n, 5);
      }
    }
  });
});

describe('strip kernel: dynamics against their static curves', () => {
  const comp = {
    thresholdDb: -18,
    ratio: 4,
    kneeDb: 6,
    attackSeconds: 0.005,
    releaseSeconds: 0.1,
    makeupDb: 3,
  };

  /** DC input per strip; returns the settled main-left output of each strip panned alone. */
  function settle(b: StripBank, levels: number[], blocks = 400): number[] {
    levels.forEach((c, s) => b.input.subarray(s * FRAMES, (s + 1) * FRAMES).fill(c));
    const out: number[] = [];
    for (let s = 0; s < levels.length; s++) {
      for (let t = 0; t < levels.length; t++) b.setPan(t, t === s ? 1 : 0, 0, true);
      for (let k = 0; k < blocks; k++) b.process();
      out.push(b.mainLeft(0)[FRAMES - 1]!);
    }
    return out;
  }

  it('compressor: soft-knee static gain plus makeup (above, inside and below the knee)', () => {
    const b = bank({ strips: 4, sends: 0 });
    unity(b, [
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const levelsDb = [-6, -18, -19.5, -40];
    for (let s = 0; s < 4; s++) b.setCompressor(s, { ...comp, mix: 1 });
    const got = settle(
      b,
      levelsDb.map((db) => f(10 ** (db / 20))),
    );
    levelsDb.forEach((db, s) => {
      const change = compressorGainDb(db, -18, 4, 6);
      const want = f(10 ** (db / 20)) * 10 ** ((change + 3) / 20);
      expect(Math.abs(got[s]! / want - 1)).toBeLessThan(settledTolerance(change, comp.attackSeconds));
    });
  });

  it('compressor: parallel mix = dry + wet × compressor gain', () => {
    const b = bank({ strips: 4, sends: 0 });
    unity(b, [
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    for (let s = 0; s < 4; s++) b.setCompressor(s, { ...comp, makeupDb: 0, mix: 0.25 });
    const c = 0.5;
    const [got] = settle(b, [c, c, c, c]);
    const change = compressorGainDb(20 * Math.log10(c), -18, 4, 6);
    const want = c * (0.75 + 0.25 * 10 ** (change / 20));
    expect(Math.abs(got! / want - 1)).toBeLessThan(settledTolerance(change, comp.attackSeconds));
  });

  it('expander: (ratio − 1) dB per dB below threshold, limited to the range; a key input drives it', () => {
    const b = bank({ strips: 4, sends: 0 });
    unity(b, [
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const gate = { thresholdDb: -40, ratio: 2, rangeDb: 20, openSeconds: 0.001, closeSeconds: 0.05 };
    for (let s = 0; s < 4; s++) b.setGate(s, gate);
    const levelsDb = [-30, -50, -70, -45];
    const got = settle(
      b,
      levelsDb.map((db) => f(10 ** (db / 20))),
    );
    levelsDb.forEach((db, s) => {
      const change = Math.max(-20, Math.min(0, (2 - 1) * (db + 40)));
      const want = f(10 ** (db / 20)) * 10 ** (change / 20);
      expect(Math.abs(got[s]! / want - 1)).toBeLessThan(settledTolerance(change, gate.closeSeconds));
    });
    // Keyed: a loud signal (−6 dB) gated by a −50 dB key is attenuated by 10 dB.
    b.setGateKey(0, true);
    const key = b.keyInput(0);
    for (let i = 0; i < FRAMES; i++) key[4 * i] = f(10 ** (-50 / 20));
    b.input.subarray(0, FRAMES).fill(0.5);
    for (let t = 0; t < 4; t++) b.setPan(t, t === 0 ? 1 : 0, 0, true);
    for (let k = 0; k < 400; k++) b.process();
    const keyed = b.mainLeft(0)[FRAMES - 1]! / (0.5 * 10 ** (-10 / 20)) - 1;
    expect(Math.abs(keyed)).toBeLessThan(settledTolerance(-10, gate.closeSeconds));
  });

  it('a lane without dynamics in a quad that has them passes its input exactly', () => {
    const b = bank({ strips: 4, sends: 0 });
    unity(b, [
      [0, 1],
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    b.setCompressor(0, { ...comp, mix: 1 });
    noise(b.input.subarray(0, 2 * FRAMES), 5);
    for (let k = 0; k < 3; k++) b.process();
    expect(Array.from(b.mainLeft(0))).toEqual(Array.from(b.input.subarray(FRAMES, 2 * FRAMES)));
  });
});
