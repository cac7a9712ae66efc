// Pan laws and stereo width against their closed-form definitions and the published centre levels
// (engine.md §1.1 Ardour panner_1in2out: 0.70795 = −3.0 dB; §1.3 Pro Tools pan depths −3 / −4.5 / −6 dB).
import { describe, expect, it } from 'vitest';
import {
  PAN_LAWS,
  balanceLeft,
  equalPowerLeft,
  equalPowerRight,
  panGains,
  stereoWidthMatrix,
  type PanLaw,
} from '../../src/engine/dsp/pan-law.js';

const dB = (g: number): number => 20 * Math.log10(g);
const positions = Array.from({ length: 81 }, (_, i) => -1 + i / 40);

// Reference formulas, written from the definitions with x = (p + 1)/2 ∈ [0, 1].
const reference: Record<PanLaw, (x: number) => [number, number]> = {
  '-3dB': (x) => [Math.cos((x * Math.PI) / 2), Math.sin((x * Math.PI) / 2)],
  '-3dB-quadratic': (x) => {
    const scale = 2 - 4 * 10 ** (-3 / 20);
    return [(1 - x) * (scale * (1 - x) + 1 - scale), x * (scale * x + 1 - scale)];
  },
  '-4.5dB': (x) => [
    Math.sqrt((1 - x) * Math.cos((x * Math.PI) / 2)),
    Math.sqrt(x * Math.sin((x * Math.PI) / 2)),
  ],
  '-6dB': (x) => [1 - x, x],
};

function gains(law: PanLaw, p: number): [number, number] {
  const out = new Float64Array(4);
  panGains(law, p, out, 2);
  return [out[2]!, out[3]!];
}

describe('mono pan laws', () => {
  it.each(PAN_LAWS)('%s matches its formula at 81 positions (±1e-9)', (law) => {
    for (const p of positions) {
      const [l, r] = gains(law, p);
      const [el, er] = reference[law]((p + 1) / 2);
      expect(Math.abs(l - el)).toBeLessThan(1e-9);
      expect(Math.abs(r - er)).toBeLessThan(1e-9);
    }
  });

  it('centre levels are the published ones', () => {
    const centre = (law: PanLaw): number => dB(gains(law, 0)[0]);
    // Ardour: 0.70795 per side, −3.0 dB exactly by construction.
    expect(Math.abs(gains('-3dB-quadratic', 0)[0] - 0.70795)).toBeLessThan(5e-6);
    expect(Math.abs(centre('-3dB-quadratic') + 3)).toBeLessThan(1e-9);
    // Equal power: 1/√2 = −3.0103 dB; linear: ½ = −6.0206 dB.
    expect(Math.abs(centre('-3dB') + 3.0103)).toBeLessThan(1e-4);
    expect(Math.abs(centre('-6dB') + 6.0206)).toBeLessThan(1e-4);
    // −4.5 dB: the mean of the two in dB (geometric mean of gains), −4.515 dB.
    expect(Math.abs(centre('-4.5dB') - (centre('-3dB') + centre('-6dB')) / 2)).toBeLessThan(1e-9);
    expect(Math.abs(centre('-4.5dB') + 4.5)).toBeLessThan(0.02);
    for (const law of PAN_LAWS) {
      const [l, r] = gains(law, 0);
      expect(Math.abs(l - r)).toBeLessThan(1e-15);
    }
  });

  it.each(PAN_LAWS)('%s: hard left is (1, 0), hard right (0, 1), beyond ±1 clamps', (law) => {
    for (const [p, el, er] of [
      [-1, 1, 0],
      [1, 0, 1],
      [-3, 1, 0],
      [2, 0, 1],
    ] as const) {
      const [l, r] = gains(law, p);
      expect(Math.abs(l - el)).toBeLessThan(1e-15);
      expect(Math.abs(r - er)).toBeLessThan(1e-15);
    }
  });

  it('equal power keeps L² + R² = 1 everywhere; linear keeps L + R = 1', () => {
    for (const p of positions) {
      const [l, r] = gains('-3dB', p);
      expect(Math.abs(l * l + r * r - 1)).toBeLessThan(1e-12);
      const [a, b] = gains('-6dB', p);
      expect(Math.abs(a + b - 1)).toBeLessThan(1e-15);
    }
  });

  it('the existing exports are unchanged: −3 dB law and balance', () => {
    for (const p of positions) {
      const [l, r] = gains('-3dB', p);
      expect(equalPowerLeft(p)).toBe(l);
      expect(equalPowerRight(p)).toBe(r);
    }
    expect(balanceLeft(0)).toBeCloseTo(1, 12);
  });

  it('writes Float32Array outputs at an offset', () => {
    const out = new Float32Array([9, 9, 9]);
    panGains('-6dB', 0.5, out, 1);
    expect([...out]).toEqual([9, 0.25, 0.75]);
  });
});

describe('stereo width (mid/side)', () => {
  const apply = (w: number, l: number, r: number): [number, number] => {
    const m = new Float64Array(4);
    stereoWidthMatrix(w, m);
    return [m[0]! * l + m[1]! * r, m[2]! * l + m[3]! * r];
  };

  it('w = 1 is exactly the identity, 0 is (L+R)/2 on both, −1 swaps exactly', () => {
    expect(apply(1, 0.3, -0.7)).toEqual([0.3, -0.7]);
    expect(apply(-1, 0.3, -0.7)).toEqual([-0.7, 0.3]);
    expect(apply(0, 0.25, 0.75)).toEqual([0.5, 0.5]);
  });

  it('matches L = M + w·S, R = M − w·S for many widths (±1e-15)', () => {
    for (let i = 0; i <= 40; i++) {
      const w = -1 + i / 20;
      const [l, r] = [0.8, -0.35];
      const mid = (l + r) / 2;
      const side = (l - r) / 2;
      const [ol, or] = apply(w, l, r);
      expect(Math.abs(ol - (mid + w * side))).toBeLessThan(1e-15);
      expect(Math.abs(or - (mid - w * side))).toBeLessThan(1e-15);
    }
  });

  it('writes at an offset and clamps the width to ±1', () => {
    const m = new Float32Array(6);
    stereoWidthMatrix(3, m, 2);
    expect([...m]).toEqual([0, 0, 1, 0, 0, 1]);
  });
});
