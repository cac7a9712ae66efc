// Monitor section matrices against their formulas: source selection, dim (−12 dB default, −40…0), cut,
// mono ((L+R)/2 on both, Ardour monitor_processor's 1/N sum), Lo/Ro fold-down of surround (engine.md §1.3).
import { describe, expect, it } from 'vitest';
import { labelsOf } from '../../src/engine/graph/channel-format.js';
import {
  DEFAULT_DIM_DB,
  monitorMatrix,
  monitorSource,
  type MonitorSettings,
} from '../../src/engine/graph/monitor.js';

const dbGain = (db: number): number => 10 ** (db / 20);
const plain: MonitorSettings = { dim: false, dimDb: DEFAULT_DIM_DB, cut: false, mono: false };

function listen(
  settings: MonitorSettings,
  format: Parameters<typeof monitorMatrix>[0],
  frame: number[],
): number[] {
  const m = monitorMatrix(format, settings);
  expect([m.rows, m.cols]).toEqual([2, frame.length]);
  return [0, 1].map((r) => frame.reduce((acc, x, c) => acc + m.gains[r * m.cols + c]! * x, 0));
}

describe('monitor section', () => {
  it('plays the listen bus only while a listen solo is active', () => {
    expect(monitorSource(false)).toBe('main');
    expect(monitorSource(true)).toBe('listen');
  });

  it('passes a stereo source through unchanged', () => {
    expect(listen(plain, '2.0', [0.3, -0.7])).toEqual([0.3, -0.7]);
  });

  it('mono puts (L + R)/2 on both sides, exactly', () => {
    expect(listen({ ...plain, mono: true }, '2.0', [0.25, 0.75])).toEqual([0.5, 0.5]);
    expect(listen({ ...plain, mono: true }, '2.0', [0.5, 0.5])).toEqual([0.5, 0.5]);
    expect(listen({ ...plain, mono: true }, '2.0', [1, -1])).toEqual([0, 0]);
  });

  it('dims by −12 dB by default, within −40 … 0 dB', () => {
    expect(DEFAULT_DIM_DB).toBe(-12);
    const [l, r] = listen({ ...plain, dim: true }, '2.0', [1, 0.5]);
    expect(Math.abs(l! - dbGain(-12))).toBeLessThan(1e-15);
    expect(Math.abs(r! - 0.5 * dbGain(-12))).toBeLessThan(1e-15);
    expect(
      Math.abs(listen({ ...plain, dim: true, dimDb: -60 }, '2.0', [1, 0])[0]! - dbGain(-40)),
    ).toBeLessThan(1e-15);
    expect(listen({ ...plain, dim: true, dimDb: 6 }, '2.0', [1, 0])).toEqual([1, 0]);
    expect(listen({ ...plain, dimDb: -20 }, '2.0', [1, 0])).toEqual([1, 0]);
  });

  it('cut silences everything, dimmed or not', () => {
    expect(listen({ ...plain, cut: true }, '5.1-film', [1, 1, 1, 1, 1, 1])).toEqual([0, 0]);
    expect(listen({ ...plain, cut: true, dim: true, mono: true }, '2.0', [1, 1])).toEqual([0, 0]);
  });

  it.each(['5.1-film', '5.1-smpte', '7.1'] as const)(
    '%s folds down to Lo/Ro at −3 dB, LFE dropped',
    (format) => {
      const v: Record<string, number> = { L: 0.9, C: 0.5, R: -0.3, Ls: 0.25, Rs: -0.6, LFE: 0.8 };
      Object.assign(v, { Lss: 0.11, Rss: -0.13, Lsr: 0.17, Rsr: 0.19 });
      const frame = labelsOf(format).map((l) => v[l]!);
      const has = (l: string): number => (labelsOf(format).includes(l as never) ? v[l]! : 0);
      const c = dbGain(-3);
      const lo = v.L! + c * v.C! + c * (has('Ls') + has('Lss') + has('Lsr'));
      const ro = v.R! + c * v.C! + c * (has('Rs') + has('Rss') + has('Rsr'));
      const [l, r] = listen(plain, format, frame);
      expect(Math.abs(l! - lo)).toBeLessThan(1e-12);
      expect(Math.abs(r! - ro)).toBeLessThan(1e-12);
      // Folded, summed to mono and dimmed: g · (Lo + Ro)/2 on both sides.
      const g = dbGain(-20);
      const [ml, mr] = listen({ ...plain, mono: true, dim: true, dimDb: -20 }, format, frame);
      expect(Math.abs(ml! - (g * (lo + ro)) / 2)).toBeLessThan(1e-12);
      expect(ml).toBe(mr);
      // An LFE-only signal is silent on the monitors.
      const lfeOnly = labelsOf(format).map((l) => (l === 'LFE' ? 1 : 0));
      expect(listen(plain, format, lfeOnly)).toEqual([0, 0]);
    },
  );

  it('uses the fold-down levels it is given', () => {
    const [l, r] = listen(
      { ...plain, foldDown: { centreDb: -6, surroundDb: -Infinity } },
      '5.1-smpte',
      [1, 2, 3, 4, 5, 6],
    );
    // SMPTE: L=1 R=2 C=3 LFE=4 Ls=5 Rs=6
    expect(Math.abs(l! - (1 + dbGain(-6) * 3))).toBeLessThan(1e-12);
    expect(Math.abs(r! - (2 + dbGain(-6) * 3))).toBeLessThan(1e-12);
  });
});
