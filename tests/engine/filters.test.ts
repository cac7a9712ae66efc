// HPF and EQ against closed-form references: the implementation's measured response (impulse response →
// DFT at the exact frequency) versus the analog prototypes of the RBJ cookbook mapped through the bilinear
// transform, and versus the digital Butterworth magnitude formula. Plus stability and bypass exactness.
import { describe, expect, it } from 'vitest';
import { BIQUAD_COEFFS, BIQUAD_STATE, designPeaking, processCascade } from '../../src/engine/dsp/biquad.js';
import { EQ_SECTIONS, designEq, designEqBand, type EqBand } from '../../src/engine/dsp/eq.js';
import { HPF_SECTIONS, designHpf, type HpfSlope } from '../../src/engine/dsp/hpf.js';
import { dftAt, logSpaced } from '../helpers/spectrum.js';

const RATES = [48_000, 44_100] as const;
const FREQS = logSpaced(20, 20_000, 50);

/** Runs an impulse through the sections in 64-frame blocks (so state carries across blocks). */
function impulseResponse(coeffs: Float64Array, sections: number, length: number): Float32Array {
  const buf = new Float32Array(length);
  buf[0] = 1;
  const state = new Float64Array(sections * BIQUAD_STATE);
  for (let at = 0; at < length; at += 64)
    processCascade(coeffs, 0, sections, state, 0, buf, at, Math.min(64, length - at));
  return buf;
}

function measuredDb(ir: Float32Array, freqHz: number, sampleRate: number): number {
  const [re, im] = dftAt(ir, freqHz, sampleRate);
  return 10 * Math.log10(re * re + im * im);
}

/** Bilinear frequency warping: the analog frequency (relative to f0) that the digital frequency f lands on. */
function warped(freqHz: number, f0: number, sampleRate: number): number {
  return Math.tan((Math.PI * freqHz) / sampleRate) / Math.tan((Math.PI * f0) / sampleRate);
}

/** |N(jΩ)/D(jΩ)|² in dB for N = n2·s² + n1·s + n0, D likewise. */
function analogDb(
  n: readonly [number, number, number],
  d: readonly [number, number, number],
  w: number,
): number {
  const nRe = n[2] - n[0] * w * w;
  const nIm = n[1] * w;
  const dRe = d[2] - d[0] * w * w;
  const dIm = d[1] * w;
  return 10 * Math.log10((nRe * nRe + nIm * nIm) / (dRe * dRe + dIm * dIm));
}

/** The cookbook's analog prototypes (H(s) with s normalised to f0), evaluated at the warped frequency. */
function bandReferenceDb(band: EqBand, freqHz: number, sampleRate: number): number {
  if (!band.enabled) return 0;
  const a = Math.pow(10, band.gainDb / 40);
  const q = band.q;
  const w = warped(freqHz, band.freqHz, sampleRate);
  const sa = Math.sqrt(a);
  switch (band.type) {
    case 'peak': // (s² + s·A/Q + 1)/(s² + s/(A·Q) + 1)
      return analogDb([1, a / q, 1], [1, 1 / (a * q), 1], w);
    case 'low-shelf': // A·(s² + (√A/Q)s + A)/(A·s² + (√A/Q)s + 1)
      return analogDb([a, (a * sa) / q, a * a], [a, sa / q, 1], w);
    case 'high-shelf': // A·(A·s² + (√A/Q)s + 1)/(s² + (√A/Q)s + A)
      return analogDb([a * a, (a * sa) / q, a], [1, sa / q, a], w);
  }
}

/** Digital Butterworth high-pass of order n (bilinear, prewarped at the corner). */
function butterworthHighPassDb(order: number, corner: number, freqHz: number, sampleRate: number): number {
  const ratio = 1 / warped(freqHz, corner, sampleRate);
  return -10 * Math.log10(1 + Math.pow(ratio, 2 * order));
}

const band = (type: EqBand['type'], freqHz: number, gainDb: number, q: number): EqBand => ({
  enabled: true,
  type,
  freqHz,
  gainDb,
  q,
});
const off: EqBand = { enabled: false, type: 'peak', freqHz: 1000, gainDb: 0, q: 1 };

const EQ_CASES: { name: string; bands: EqBand[]; irLength: number }[] = [
  {
    name: 'typical: low shelf, two peaks, high shelf',
    bands: [
      band('low-shelf', 100, 6, 0.707),
      band('peak', 400, -4, 1.4),
      band('peak', 2500, 3, 0.9),
      band('high-shelf', 8000, -6, 0.707),
    ],
    irLength: 1 << 18,
  },
  {
    name: 'extremes: 20 Hz +18 dB Q 10, wide −18 dB cut, narrow boost, overshooting high shelf at 20 kHz',
    bands: [
      band('peak', 20, 18, 10),
      band('peak', 1000, -18, 0.1),
      band('peak', 6000, 12, 10),
      band('high-shelf', 20_000, -18, 2),
    ],
    // The 20 Hz Q 10 boost rings for ~10 s: 2^20 samples leave a tail below 1e-15.
    irLength: 1 << 20,
  },
  {
    name: 'steep low shelf cut, gentle high shelf boost, bands 2–3 off',
    bands: [band('low-shelf', 300, -12, 3), off, off, band('high-shelf', 3000, 9, 0.3)],
    irLength: 1 << 18,
  },
  {
    name: 'peak at 20 kHz near Nyquist, low-Q band-1 peak',
    bands: [band('peak', 60, -9, 0.3), off, off, band('peak', 20_000, 18, 0.5)],
    irLength: 1 << 18,
  },
];

/** Where the reference is below this the float32 rounding of the impulse response dominates the DFT. */
const FLOOR_DB = -70;

describe('HPF magnitude vs the digital Butterworth formula (50 frequencies, ±0.01 dB)', () => {
  for (const sampleRate of RATES) {
    for (const slope of [12, 18, 24] as const satisfies readonly HpfSlope[]) {
      for (const corner of [20, 80, 1000]) {
        it(`${slope} dB/oct at ${corner} Hz, ${sampleRate} Hz`, () => {
          const coeffs = new Float64Array(HPF_SECTIONS * BIQUAD_COEFFS);
          designHpf(coeffs, 0, { enabled: true, freqHz: corner, slope }, sampleRate);
          const ir = impulseResponse(coeffs, HPF_SECTIONS, 1 << 17);
          let worst = 0;
          let compared = 0;
          for (const f of FREQS) {
            const expected = butterworthHighPassDb(slope / 6, corner, f, sampleRate);
            const got = measuredDb(ir, f, sampleRate);
            if (expected < FLOOR_DB) {
              expect(got).toBeLessThan(FLOOR_DB + 10);
              continue;
            }
            worst = Math.max(worst, Math.abs(got - expected));
            compared++;
          }
          expect(compared).toBeGreaterThan(20);
          expect(worst).toBeLessThan(0.01);
        });
      }
    }
  }

  it('passes −3.01 dB at the corner and falls 6.02 dB/oct per pole an octave below (sanity of the formula)', () => {
    expect(butterworthHighPassDb(4, 100, 100, 48_000)).toBeCloseTo(-3.0103, 4);
    // Far below the corner the order-n Butterworth falls at n·20·log10(2) dB per octave.
    const perOctave = butterworthHighPassDb(3, 1000, 40, 48_000) - butterworthHighPassDb(3, 1000, 20, 48_000);
    expect(Math.abs(perOctave - 3 * 20 * Math.log10(2))).toBeLessThan(0.01);
  });
});

describe('EQ magnitude vs the cookbook analog prototypes, bilinear-mapped (50 frequencies, ±0.01 dB)', () => {
  for (const sampleRate of RATES) {
    for (const c of EQ_CASES) {
      it(`${c.name}, ${sampleRate} Hz`, () => {
        const coeffs = new Float64Array(EQ_SECTIONS * BIQUAD_COEFFS);
        designEq(coeffs, 0, c.bands, sampleRate);
        const ir = impulseResponse(coeffs, EQ_SECTIONS, c.irLength);
        let worst = 0;
        for (const f of FREQS) {
          const expected = c.bands.reduce((db, b) => db + bandReferenceDb(b, f, sampleRate), 0);
          worst = Math.max(worst, Math.abs(measuredDb(ir, f, sampleRate) - expected));
        }
        expect(worst).toBeLessThan(0.01);
      });
    }
  }

  it('a shelf sits at half its gain at f0 and at full gain far away (cookbook definition)', () => {
    const shelf = band('low-shelf', 200, 12, 0.707);
    expect(bandReferenceDb(shelf, 200, 48_000)).toBeCloseTo(6, 9);
    expect(bandReferenceDb(shelf, 20, 48_000)).toBeCloseTo(12, 1);
    expect(bandReferenceDb(shelf, 20_000, 48_000)).toBeCloseTo(0, 2);
  });
});

/** Largest pole radius of z² + a1·z + a2. */
function poleRadius(coeffs: Float64Array, offset: number): number {
  const a1 = coeffs[offset + 3]!;
  const a2 = coeffs[offset + 4]!;
  const disc = a1 * a1 - 4 * a2;
  if (disc < 0) return Math.sqrt(a2);
  const r = Math.sqrt(disc);
  return Math.max(Math.abs((-a1 + r) / 2), Math.abs((-a1 - r) / 2));
}

describe('stability and frequency clamping', () => {
  it('a 20 kHz peak at 44.1 kHz has its poles inside the unit circle for every gain and Q extreme', () => {
    const coeffs = new Float64Array(BIQUAD_COEFFS);
    for (const gainDb of [-18, -6, 0, 6, 18]) {
      for (const q of [0.1, 0.707, 10]) {
        designEqBand(coeffs, 0, band('peak', 20_000, gainDb, q), 44_100);
        expect(poleRadius(coeffs, 0)).toBeLessThan(1);
      }
    }
  });

  it('above 0.49·fs the design is clamped: 20 kHz at 32 kHz equals a 15.68 kHz design and stays bounded', () => {
    const sampleRate = 32_000;
    const asked = new Float64Array(BIQUAD_COEFFS);
    const clamped = new Float64Array(BIQUAD_COEFFS);
    designEqBand(asked, 0, band('peak', 20_000, 18, 10), sampleRate);
    designPeaking(clamped, 0, 0.49 * sampleRate, 10, 18, sampleRate);
    expect(Array.from(asked)).toEqual(Array.from(clamped));
    expect(poleRadius(asked, 0)).toBeLessThan(1);

    // 10 s of full-scale noise stays finite and within the filter's peak gain.
    const state = new Float64Array(BIQUAD_STATE);
    const buf = new Float32Array(sampleRate * 10);
    let r = 1;
    for (let i = 0; i < buf.length; i++) {
      r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
      buf[i] = r / 2 ** 31 - 1;
    }
    processCascade(asked, 0, 1, state, 0, buf, 0, buf.length);
    let peak = 0;
    for (const v of buf) peak = Math.max(peak, Math.abs(v));
    expect(Number.isFinite(peak)).toBe(true);
    expect(peak).toBeLessThan(Math.pow(10, 18 / 20) * 4);
  });
});

describe('bypass is exact', () => {
  // Signed zeros, subnormals, infinities, NaN payloads and ordinary values: all must come out bit-identical.
  const bits = new Uint32Array([
    0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00001, 0x3f800000,
    0xbeaaaaab, 0x3a83126f,
  ]);
  const patterns = new Float32Array(bits.buffer);

  function processedBits(coeffs: Float64Array, sections: number): Uint32Array {
    const buf = new Float32Array(patterns.length * 100);
    for (let i = 0; i < buf.length; i++) buf[i] = patterns[i % patterns.length]!;
    const state = new Float64Array(sections * BIQUAD_STATE);
    processCascade(coeffs, 0, sections, state, 0, buf, 0, buf.length);
    return new Uint32Array(buf.buffer);
  }

  function inputBits(): Uint32Array {
    const out = new Uint32Array(bits.length * 100);
    for (let i = 0; i < out.length; i++) out[i] = bits[i % bits.length]!;
    return out;
  }

  it('an EQ with every band off leaves the signal bit-for-bit unchanged', () => {
    const coeffs = new Float64Array(EQ_SECTIONS * BIQUAD_COEFFS);
    designEq(coeffs, 0, [off, off, off, off], 48_000);
    expect(processedBits(coeffs, EQ_SECTIONS)).toEqual(inputBits());
  });

  it('a disabled HPF leaves the signal bit-for-bit unchanged', () => {
    const coeffs = new Float64Array(HPF_SECTIONS * BIQUAD_COEFFS);
    designHpf(coeffs, 0, { enabled: false, freqHz: 80, slope: 24 }, 48_000);
    expect(processedBits(coeffs, HPF_SECTIONS)).toEqual(inputBits());
  });
});
