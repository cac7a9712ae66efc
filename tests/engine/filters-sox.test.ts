// HPF and EQ against sox 14.4 run as a peer. sox's `highpass -2`, `equalizer`, `bass` and `treble` effects
// implement the RBJ cookbook in double precision; with the width given as Q (`…q`) its shelves use
// α = sin ω0/(2Q), as ours do. Two checks: the coefficients sox reports (`--plot octave`) against our
// designs, and white noise rendered through sox and through our processors compared as Welch spectra.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BIQUAD_COEFFS,
  BIQUAD_STATE,
  designHighPass,
  designHighShelf,
  designLowShelf,
  designPeaking,
  processCascade,
} from '../../src/engine/dsp/biquad.js';
import { EQ_SECTIONS, designEq, type EqBand } from '../../src/engine/dsp/eq.js';
import { HPF_SECTIONS, designHpf } from '../../src/engine/dsp/hpf.js';
import { welchPower } from '../helpers/spectrum.js';

const SOX = '/usr/bin/sox';
const dir = mkdtempSync(join(tmpdir(), 'mixd-filters-sox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runSox(args: string[]): string {
  const result = spawnSync(SOX, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sox ${args.join(' ')} failed: ${result.stderr}`);
  return result.stderr;
}

/**
 * The normalised [b0, b1, b2, a1, a2] sox designs for one effect. With --plot, sox prints an Octave script
 * (coefficients to 16 digits) on stdout and stops before processing, exiting with status 2.
 */
function soxCoefficients(sampleRate: number, effect: string[]): number[] {
  const args = ['--plot', 'octave', '-r', String(sampleRate), '-n', '-n', ...effect];
  const { stdout } = spawnSync(SOX, args, { encoding: 'utf8' });
  const match = /freqz\(\[([^\]]+)\],\[([^\]]+)\]/.exec(stdout);
  if (match === null) throw new Error(`no coefficients in the output of sox ${args.join(' ')}`);
  const b = match[1]!.trim().split(/\s+/).map(Number);
  const a = match[2]!.trim().split(/\s+/).map(Number);
  expect(a[0]).toBe(1);
  return [...b, a[1]!, a[2]!];
}

/** Butterworth pole-pair Q from the pole angle (independent of the HPF module's own formula). */
const Q_BW2 = Math.SQRT1_2;
const Q_BW4 = [1 / (2 * Math.cos((3 * Math.PI) / 8)), 1 / (2 * Math.cos(Math.PI / 8))] as const;
const qArg = (q: number): string => `${q.toPrecision(17)}q`;

const RATES = [48_000, 44_100] as const;

describe('coefficients equal what sox designs (|Δ| < 1e-12)', () => {
  const cases: { name: string; effect: string[]; design: (out: Float64Array, fs: number) => void }[] = [
    {
      name: 'highpass -2 80 Hz Q 0.7071',
      effect: ['highpass', '-2', '80', qArg(Q_BW2)],
      design: (out, fs) => designHighPass(out, 0, 80, Q_BW2, fs),
    },
    {
      name: 'equalizer 1 kHz Q 2 +6 dB',
      effect: ['equalizer', '1000', '2q', '6'],
      design: (out, fs) => designPeaking(out, 0, 1000, 2, 6, fs),
    },
    {
      name: 'equalizer 20 kHz Q 0.5 −18 dB',
      effect: ['equalizer', '20000', '0.5q', '-18'],
      design: (out, fs) => designPeaking(out, 0, 20_000, 0.5, -18, fs),
    },
    {
      name: 'bass +9 dB 150 Hz Q 0.707',
      effect: ['bass', '9', '150', '0.707q'],
      design: (out, fs) => designLowShelf(out, 0, 150, 0.707, 9, fs),
    },
    {
      name: 'bass −12 dB 300 Hz Q 3',
      effect: ['bass', '-12', '300', '3q'],
      design: (out, fs) => designLowShelf(out, 0, 300, 3, -12, fs),
    },
    {
      name: 'treble −6 dB 5 kHz Q 1.5',
      effect: ['treble', '-6', '5000', '1.5q'],
      design: (out, fs) => designHighShelf(out, 0, 5000, 1.5, -6, fs),
    },
    {
      name: 'treble +18 dB 12 kHz Q 0.3',
      effect: ['treble', '18', '12000', '0.3q'],
      design: (out, fs) => designHighShelf(out, 0, 12_000, 0.3, 18, fs),
    },
  ];
  for (const sampleRate of RATES) {
    for (const c of cases) {
      it(`${c.name}, ${sampleRate} Hz`, () => {
        const ours = new Float64Array(BIQUAD_COEFFS);
        c.design(ours, sampleRate);
        const theirs = soxCoefficients(sampleRate, c.effect);
        for (let i = 0; i < BIQUAD_COEFFS; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThan(1e-12);
      });
    }
  }
});

const NOISE_FRAMES = 1 << 18;
const SEGMENT = 8192;

/** Deterministic uniform white noise in ±amplitude (32-bit LCG). */
function whiteNoise(frames: number, amplitude: number): Float32Array {
  const out = new Float32Array(frames);
  let r = 0x2545f491;
  for (let i = 0; i < frames; i++) {
    r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
    out[i] = (r / 2 ** 31 - 1) * amplitude;
  }
  return out;
}

/** Renders `input` through a sox effect chain as raw little-endian float32. */
function renderWithSox(input: Float32Array, sampleRate: number, effects: string[]): Float32Array {
  const raw = ['-t', 'f32', '--endian', 'little', '-r', String(sampleRate), '-c', '1'];
  const inPath = join(dir, 'in.f32');
  const outPath = join(dir, 'out.f32');
  writeFileSync(inPath, new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  const stderr = runSox(['-D', '-V2', ...raw, inPath, ...raw, outPath, ...effects]);
  expect(stderr).not.toMatch(/clip/i);
  const bytes = readFileSync(outPath);
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Per-bin 10·log10(out/in) of Welch spectra. */
function ratioDb(input: Float32Array, output: Float32Array): Float64Array {
  const pin = welchPower(input, SEGMENT);
  const pout = welchPower(output, SEGMENT);
  return pout.map((p, k) => 10 * Math.log10(p / pin[k]!));
}

/** Largest |ours − sox| in dB over 20 Hz–20 kHz bins where sox's response is above −60 dB. */
function worstDeviation(
  sampleRate: number,
  sections: number,
  coeffs: Float64Array,
  soxEffects: string[],
): { worst: number; bins: number } {
  const input = whiteNoise(NOISE_FRAMES, 0.05);
  const theirs = ratioDb(input, renderWithSox(input, sampleRate, soxEffects));
  const ours = input.slice();
  const state = new Float64Array(sections * BIQUAD_STATE);
  for (let at = 0; at < ours.length; at += 256) processCascade(coeffs, 0, sections, state, 0, ours, at, 256);
  const mine = ratioDb(input, ours);
  let worst = 0;
  let bins = 0;
  for (let k = 0; k < theirs.length; k++) {
    const f = (k * sampleRate) / SEGMENT;
    if (f < 20 || f > 20_000 || theirs[k]! < -60) continue;
    worst = Math.max(worst, Math.abs(mine[k]! - theirs[k]!));
    bins++;
  }
  return { worst, bins };
}

const peak = (freqHz: number, gainDb: number, q: number): EqBand => ({
  enabled: true,
  type: 'peak',
  freqHz,
  gainDb,
  q,
});

describe('white noise through ours and through sox: Welch spectral ratios agree (±0.1 dB)', () => {
  for (const sampleRate of RATES) {
    it(`HPF 12 dB/oct at 80 Hz = sox highpass -2 80 Q 0.7071, ${sampleRate} Hz`, () => {
      const coeffs = new Float64Array(HPF_SECTIONS * BIQUAD_COEFFS);
      designHpf(coeffs, 0, { enabled: true, freqHz: 80, slope: 12 }, sampleRate);
      const { worst, bins } = worstDeviation(sampleRate, HPF_SECTIONS, coeffs, [
        'highpass',
        '-2',
        '80',
        qArg(Q_BW2),
      ]);
      expect(bins).toBeGreaterThan(1000);
      expect(worst).toBeLessThan(0.1);
    });

    it(`HPF 24 dB/oct at 300 Hz = two sox highpass -2 (Q 0.5412, 1.3066), ${sampleRate} Hz`, () => {
      const coeffs = new Float64Array(HPF_SECTIONS * BIQUAD_COEFFS);
      designHpf(coeffs, 0, { enabled: true, freqHz: 300, slope: 24 }, sampleRate);
      const effects = ['highpass', '-2', '300', qArg(Q_BW4[0]), 'highpass', '-2', '300', qArg(Q_BW4[1])];
      const { worst, bins } = worstDeviation(sampleRate, HPF_SECTIONS, coeffs, effects);
      expect(bins).toBeGreaterThan(1000);
      expect(worst).toBeLessThan(0.1);
    });

    it(`4-band EQ (shelves + peaks) = sox bass, equalizer, equalizer, treble, ${sampleRate} Hz`, () => {
      const bands: EqBand[] = [
        { enabled: true, type: 'low-shelf', freqHz: 150, gainDb: 9, q: 0.707 },
        peak(700, -12, 2),
        peak(3000, 6, 0.8),
        { enabled: true, type: 'high-shelf', freqHz: 9000, gainDb: -8, q: 1.5 },
      ];
      const coeffs = new Float64Array(EQ_SECTIONS * BIQUAD_COEFFS);
      designEq(coeffs, 0, bands, sampleRate);
      const effects =
        'bass 9 150 0.707q equalizer 700 2q -12 equalizer 3000 0.8q 6 treble -8 9000 1.5q'.split(' ');
      const { worst, bins } = worstDeviation(sampleRate, EQ_SECTIONS, coeffs, effects);
      expect(bins).toBeGreaterThan(1000);
      expect(worst).toBeLessThan(0.1);
    });

    it(`narrow +18 dB peak at 60 Hz and a wide peak at 20 kHz = sox equalizer ×2, ${sampleRate} Hz`, () => {
      const coeffs = new Float64Array(EQ_SECTIONS * BIQUAD_COEFFS);
      const off: EqBand = { enabled: false, type: 'peak', freqHz: 1000, gainDb: 0, q: 1 };
      designEq(coeffs, 0, [peak(60, 18, 8), off, off, peak(20_000, -10, 0.5)], sampleRate);
      const effects = ['equalizer', '60', '8q', '18', 'equalizer', '20000', '0.5q', '-10'];
      const { worst, bins } = worstDeviation(sampleRate, EQ_SECTIONS, coeffs, effects);
      expect(bins).toBeGreaterThan(1000);
      expect(worst).toBeLessThan(0.1);
    });
  }
});
