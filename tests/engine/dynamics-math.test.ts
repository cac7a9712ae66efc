// Static gain computers and time-constant helpers against the closed forms of Giannoulis et al. (2012) and
// the one-pole step response 1 − e^(−t/τ).
import { describe, expect, it } from 'vitest';
import {
  amplitudeDb,
  compressorGainDb,
  expanderGainDb,
  gateGainDb,
  onePoleCoefficient,
  powerDb,
  riseTimeFromTimeConstant,
  timeConstantFromRiseTime,
} from '../../src/engine/dsp/dynamics-math.js';

const FS = 48000;

describe('compressor gain computer', () => {
  it.each([
    [-30, 0], // below threshold: untouched
    [-20, 0], // at threshold
    [-8, -9], // 12 dB over at 4:1 → 3 dB over, a 9 dB cut
    [0, -15],
  ])('hard knee, T −20 dB, 4:1: level %f dB → gain %f dB', (level, gain) => {
    expect(compressorGainDb(level, -20, 4, 0)).toBeCloseTo(gain, 12);
  });

  it('soft knee meets the hard-knee lines at T ± W/2 and sits (1/R − 1)·W/8 below T at T', () => {
    const T = -24;
    const R = 3;
    const W = 12;
    expect(compressorGainDb(T - W / 2, T, R, W)).toBeCloseTo(0, 12);
    expect(compressorGainDb(T + W / 2, T, R, W)).toBeCloseTo((1 / R - 1) * (W / 2), 12);
    expect(compressorGainDb(T, T, R, W)).toBeCloseTo(((1 / R - 1) * W) / 8, 12);
    // Slope of the static curve: 1 entering the knee, 1/R leaving it (finite differences).
    const h = 1e-6;
    const out = (x: number): number => x + compressorGainDb(x, T, R, W);
    expect((out(T - W / 2 + h) - out(T - W / 2)) / h).toBeCloseTo(1, 5);
    expect((out(T + W / 2) - out(T + W / 2 - h)) / h).toBeCloseTo(1 / R, 5);
  });

  it('ratio ∞ is a limiter: the output level stays at the threshold', () => {
    for (const level of [-6, -3, 0, 6]) expect(level + compressorGainDb(level, -6, Infinity, 0)).toBe(-6);
  });

  it('a hard knee exactly at the threshold gives 0 dB, not NaN', () => {
    expect(compressorGainDb(-20, -20, 4, 0)).toBe(0);
  });
});

describe('expander and gate gain computers', () => {
  it('expander: (R − 1)·(L − T) below T, floored at −range', () => {
    expect(expanderGainDb(-40, -50, 3, 40)).toBe(0);
    expect(expanderGainDb(-55, -50, 3, 40)).toBeCloseTo(-10, 12);
    expect(expanderGainDb(-60, -50, 4, 40)).toBeCloseTo(-30, 12);
    expect(expanderGainDb(-90, -50, 4, 40)).toBe(-40);
  });

  it('gate: unity at or above T, −range below', () => {
    expect(gateGainDb(-50, -50, 30)).toBe(0);
    expect(gateGainDb(-50.001, -50, 30)).toBe(-30);
  });
});

describe('levels', () => {
  it('amplitude and power levels in dB, silence floored', () => {
    expect(amplitudeDb(0.1)).toBeCloseTo(-20, 12);
    expect(powerDb(0.5)).toBeCloseTo(10 * Math.log10(0.5), 12);
    expect(amplitudeDb(0)).toBeCloseTo(-200, 9);
    expect(powerDb(0)).toBeCloseTo(-200, 9);
  });
});

describe('time constants', () => {
  it('α = e^(−1/(τ·fs)), 0 ms → 0', () => {
    expect(onePoleCoefficient(1000 / FS, FS)).toBeCloseTo(Math.exp(-1), 15);
    expect(onePoleCoefficient(10, FS)).toBeCloseTo(Math.exp(-1 / 480), 15);
    expect(onePoleCoefficient(0, FS)).toBe(0);
  });

  it.each([1, 5, 10.3, 100])('a one-pole with τ = %f ms reaches 63 %% after τ·fs samples (±1)', (ms) => {
    const a = onePoleCoefficient(ms, FS);
    let y = 0;
    let n = 0;
    while (y < 1 - Math.exp(-1)) {
      y = 1 + a * (y - 1);
      n++;
    }
    expect(Math.abs(n - (ms * FS) / 1000)).toBeLessThanOrEqual(1);
  });

  it('10–90 % rise time is τ·ln 9 (t₁₀ = τ·ln(10/9), t₉₀ = τ·ln 10), and back', () => {
    const tau = 7;
    expect(riseTimeFromTimeConstant(tau)).toBeCloseTo(tau * (Math.log(10) - Math.log(10 / 9)), 12);
    expect(riseTimeFromTimeConstant(tau) / tau).toBeCloseTo(2.2, 1);
    expect(timeConstantFromRiseTime(riseTimeFromTimeConstant(tau))).toBeCloseTo(tau, 12);
    // The same rise measured on the discrete one-pole, in samples (±1).
    const a = onePoleCoefficient(tau, FS);
    let y = 0;
    let n10 = 0;
    let n = 0;
    while (y < 0.9) {
      y = 1 + a * (y - 1);
      n++;
      if (n10 === 0 && y >= 0.1) n10 = n;
    }
    expect(Math.abs(n - n10 - (riseTimeFromTimeConstant(tau) * FS) / 1000)).toBeLessThanOrEqual(1);
  });
});
