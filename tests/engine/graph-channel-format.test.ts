// Channel formats, label routing and the Lo/Ro fold-down against engine.md §1.3 (Pro Tools film/SMPTE/7.1
// orders; Lo = L + c·C + s·Ls, Ro = R + c·C + s·Rs, LFE discarded), with hand-written expected matrices.
import { describe, expect, it } from 'vitest';
import {
  CHANNEL_FORMATS,
  foldDownLoRo,
  labelsOf,
  routingMatrix,
  type ChannelFormat,
  type ChannelMatrix,
} from '../../src/engine/graph/channel-format.js';

const dbGain = (db: number): number => 10 ** (db / 20);
const H = Math.SQRT1_2;

/** Applies a matrix to one frame of source samples. */
function apply(m: ChannelMatrix, frame: readonly number[]): number[] {
  expect(frame.length).toBe(m.cols);
  return Array.from({ length: m.rows }, (_, r) =>
    frame.reduce((acc, x, c) => acc + m.gains[r * m.cols + c]! * x, 0),
  );
}

describe('channel formats', () => {
  it('carry the published label orders', () => {
    expect(Object.fromEntries(CHANNEL_FORMATS.map((f) => [f, labelsOf(f).join(' ')]))).toEqual({
      '1.0': 'M',
      '2.0': 'L R',
      LCR: 'L C R',
      '5.1-film': 'L C R Ls Rs LFE',
      '5.1-smpte': 'L R C LFE Ls Rs',
      '7.1': 'L C R Lss Rss Lsr Rsr LFE',
    });
  });
});

describe('routing by label', () => {
  it('film → SMPTE reorders every channel (a permutation)', () => {
    const m = routingMatrix('5.1-film', '5.1-smpte');
    expect(m.dropped).toEqual([]);
    // film L=1 C=2 R=3 Ls=4 Rs=5 LFE=6 → SMPTE L R C LFE Ls Rs
    expect(apply(m, [1, 2, 3, 4, 5, 6])).toEqual([1, 3, 2, 6, 4, 5]);
    // SMPTE L=1 R=2 C=3 LFE=4 Ls=5 Rs=6 → film L C R Ls Rs LFE
    expect(apply(routingMatrix('5.1-smpte', '5.1-film'), [1, 2, 3, 4, 5, 6])).toEqual([1, 3, 2, 5, 6, 4]);
    for (let r = 0; r < 6; r++) {
      expect([...m.gains.subarray(r * 6, r * 6 + 6)].filter((g) => g === 1)).toHaveLength(1);
      expect([...m.gains.subarray(r * 6, r * 6 + 6)].filter((g) => g !== 0)).toHaveLength(1);
    }
  });

  it('2.0 into 5.1 lands on L and R only', () => {
    const m = routingMatrix('2.0', '5.1-film');
    expect(apply(m, [0.5, -0.25])).toEqual([0.5, 0, -0.25, 0, 0, 0]);
    expect(apply(routingMatrix('2.0', '5.1-smpte'), [0.5, -0.25])).toEqual([0.5, -0.25, 0, 0, 0, 0]);
    expect(apply(routingMatrix('2.0', '7.1'), [0.5, -0.25])).toEqual([0.5, 0, -0.25, 0, 0, 0, 0, 0]);
    expect(m.dropped).toEqual([]);
  });

  it('mono goes to C when there is one, else to L and R at −3 dB; L and R sum to mono at −3 dB', () => {
    expect(apply(routingMatrix('1.0', 'LCR'), [0.5])).toEqual([0, 0.5, 0]);
    expect(apply(routingMatrix('1.0', '5.1-smpte'), [0.5])).toEqual([0, 0, 0.5, 0, 0, 0]);
    expect(apply(routingMatrix('1.0', '2.0'), [1])).toEqual([H, H]);
    expect(apply(routingMatrix('2.0', '1.0'), [0.5, 0.25])).toEqual([(0.5 + 0.25) * H]);
    // mono → stereo → mono is unity
    const back = apply(routingMatrix('2.0', '1.0'), apply(routingMatrix('1.0', '2.0'), [1]));
    expect(Math.abs(back[0]! - 1)).toBeLessThan(1e-15);
    expect(apply(routingMatrix('1.0', '1.0'), [0.3])).toEqual([0.3]);
  });

  it('reports the labels it drops', () => {
    expect(routingMatrix('5.1-film', '2.0').dropped).toEqual(['C', 'Ls', 'Rs', 'LFE']);
    expect(apply(routingMatrix('5.1-film', '2.0'), [1, 2, 3, 4, 5, 6])).toEqual([1, 3]);
    const toMono = routingMatrix('5.1-smpte', '1.0');
    expect(toMono.dropped).toEqual(['LFE', 'Ls', 'Rs']);
    expect(apply(toMono, [1, 2, 3, 4, 5, 6])).toEqual([(1 + 2) * H + 3]);
    // 5.1 surrounds have no 7.1 label of the same name
    expect(routingMatrix('5.1-film', '7.1').dropped).toEqual(['Ls', 'Rs']);
    expect(routingMatrix('7.1', '5.1-film').dropped).toEqual(['Lss', 'Rss', 'Lsr', 'Rsr']);
  });

  it('routes every format to itself as the identity', () => {
    for (const f of CHANNEL_FORMATS) {
      const n = labelsOf(f).length;
      const frame = Array.from({ length: n }, (_, i) => i + 1);
      expect(apply(routingMatrix(f, f), frame)).toEqual(frame);
    }
  });
});

describe('Lo/Ro fold-down', () => {
  // One frame with a distinct value per label.
  const v = {
    L: 0.9,
    C: 0.5,
    R: -0.3,
    Ls: 0.25,
    Rs: -0.6,
    LFE: 0.8,
    Lss: 0.11,
    Rss: -0.13,
    Lsr: 0.17,
    Rsr: 0.19,
  };
  const frameOf = (f: ChannelFormat): number[] => labelsOf(f).map((l) => v[l as keyof typeof v]);

  it.each(['5.1-film', '5.1-smpte'] as const)(
    '%s: Lo = L + c·C + s·Ls, Ro = R + c·C + s·Rs (±1e-12)',
    (f) => {
      for (const [centreDb, surroundDb] of [
        [-3, -3],
        [-6, -1.5],
        [0, -4.5],
        [3, -Infinity],
      ] as const) {
        const c = dbGain(centreDb);
        const s = surroundDb === -Infinity ? 0 : dbGain(surroundDb);
        const [lo, ro] = apply(foldDownLoRo(f, { centreDb, surroundDb }), frameOf(f));
        expect(Math.abs(lo! - (v.L + c * v.C + s * v.Ls))).toBeLessThan(1e-12);
        expect(Math.abs(ro! - (v.R + c * v.C + s * v.Rs))).toBeLessThan(1e-12);
      }
    },
  );

  it('defaults to −3 dB centre and surrounds and discards the LFE', () => {
    const film = foldDownLoRo('5.1-film');
    // film columns L C R Ls Rs LFE
    const c = dbGain(-3);
    expect([...film.gains]).toEqual([1, c, 0, c, 0, 0, 0, c, 1, 0, c, 0]);
    const smpte = foldDownLoRo('5.1-smpte');
    // SMPTE columns L R C LFE Ls Rs
    expect([...smpte.gains]).toEqual([1, 0, c, 0, c, 0, 0, 1, c, 0, 0, c]);
  });

  it('7.1 folds side and rear surrounds into their side at the surround level', () => {
    const c = dbGain(-3);
    const s = dbGain(-6);
    const [lo, ro] = apply(foldDownLoRo('7.1', { surroundDb: -6 }), frameOf('7.1'));
    expect(Math.abs(lo! - (v.L + c * v.C + s * (v.Lss + v.Lsr)))).toBeLessThan(1e-12);
    expect(Math.abs(ro! - (v.R + c * v.C + s * (v.Rss + v.Rsr)))).toBeLessThan(1e-12);
  });

  it('2.0 folds to itself, LCR adds the centre, mono goes to both at the centre level', () => {
    expect(apply(foldDownLoRo('2.0'), [0.4, -0.2])).toEqual([0.4, -0.2]);
    const c = dbGain(-3);
    expect(apply(foldDownLoRo('LCR'), [0.4, 0.5, -0.2])).toEqual([0.4 + c * 0.5, -0.2 + c * 0.5]);
    expect(apply(foldDownLoRo('1.0'), [0.5])).toEqual([c * 0.5, c * 0.5]);
  });
});
