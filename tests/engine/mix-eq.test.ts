// A sine rendered through a strip with its HPF and 4-band EQ on: the level change at the sine's frequency
// must equal the closed-form magnitude of the RBJ cookbook sections (engine.md §6.4), written out here from
// the cookbook formulas, to ±0.01 dB. The steady-state amplitude is read from the RMS over whole periods.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 256;

type Section = [b0: number, b1: number, b2: number, a0: number, a1: number, a2: number];

// RBJ Audio EQ Cookbook, with A = 10^(gain/40), ω0 = 2π f0/fs, α = sin ω0 / 2Q.
function peaking(f0: number, q: number, gainDb: number): Section {
  const w = (2 * Math.PI * f0) / FS;
  const A = 10 ** (gainDb / 40);
  const alpha = Math.sin(w) / (2 * q);
  return [1 + alpha * A, -2 * Math.cos(w), 1 - alpha * A, 1 + alpha / A, -2 * Math.cos(w), 1 - alpha / A];
}

function lowShelf(f0: number, q: number, gainDb: number): Section {
  const w = (2 * Math.PI * f0) / FS;
  const A = 10 ** (gainDb / 40);
  const c = Math.cos(w);
  const t = 2 * Math.sqrt(A) * (Math.sin(w) / (2 * q));
  return [
    A * (A + 1 - (A - 1) * c + t),
    2 * A * (A - 1 - (A + 1) * c),
    A * (A + 1 - (A - 1) * c - t),
    A + 1 + (A - 1) * c + t,
    -2 * (A - 1 + (A + 1) * c),
    A + 1 + (A - 1) * c - t,
  ];
}

/** |H(e^{jω})| in dB of a section at `f` Hz. */
function magnitudeDb([b0, b1, b2, a0, a1, a2]: Section, f: number): number {
  const w = (2 * Math.PI * f) / FS;
  const re = (x0: number, x1: number, x2: number) => x0 + x1 * Math.cos(w) + x2 * Math.cos(2 * w);
  const im = (x1: number, x2: number) => -(x1 * Math.sin(w) + x2 * Math.sin(2 * w));
  const num = Math.hypot(re(b0, b1, b2), im(b1, b2));
  const den = Math.hypot(re(a0, a1, a2), im(a1, a2));
  return 20 * Math.log10(num / den);
}

/** 12 dB/oct Butterworth high-pass (bilinear, prewarped at fc): |H|² = 1/(1 + (tan(πfc/fs)/tan(πf/fs))⁴). */
function butterworthHpfDb(fc: number, f: number): number {
  const r = Math.tan((Math.PI * fc) / FS) / Math.tan((Math.PI * f) / FS);
  return -10 * Math.log10(1 + r ** 4);
}

function renderSine(freq: number, amplitude: number): Float32Array {
  const r = SessionSchema.safeParse({
    version: 1,
    strips: [
      {
        name: 'Vox',
        input: 1,
        pan: -1,
        hpf: { on: true, freqHz: 120, slope: 12 },
        eq: {
          bands: {
            low: { type: 'low-shelf', freqHz: 250, gainDb: 4, q: 0.7 },
            lowMid: { freqHz: 700, gainDb: -5, q: 2 },
            highMid: { freqHz: 1500, gainDb: 6, q: 1.4 },
            high: { type: 'peak', freqHz: 6000, gainDb: -3, q: 0.8 },
          },
        },
      },
    ],
    master: { limiter: { on: false } },
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  const created = MixEngine.create(r.data, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  const frames = Math.ceil(FS / B) * B;
  const out = new Float32Array(frames);
  const inBlock = new Float32Array(B);
  const outBlock = new Float32Array(2 * B);
  for (let pos = 0; pos < frames; pos += B) {
    for (let i = 0; i < B; i++) inBlock[i] = amplitude * Math.sin((2 * Math.PI * freq * (pos + i)) / FS);
    created.engine.process(inBlock, 1, outBlock, 2);
    out.set(outBlock.subarray(0, B), pos);
  }
  return out;
}

describe('strip EQ through the engine vs the RBJ closed form', () => {
  // Frequencies with a whole number of periods in the measured 0.25 s (12000 samples).
  it.each([100, 250, 700, 1500, 6000, 10000])('%d Hz', (freq) => {
    const amplitude = 0.25;
    const out = renderSine(freq, amplitude);
    const tail = out.subarray(out.length - 12000);
    const rms = Math.sqrt(tail.reduce((s, v) => s + v * v, 0) / tail.length);
    const measuredDb = 20 * Math.log10((rms * Math.SQRT2) / amplitude);
    const expectedDb =
      butterworthHpfDb(120, freq) +
      magnitudeDb(lowShelf(250, 0.7, 4), freq) +
      magnitudeDb(peaking(700, 2, -5), freq) +
      magnitudeDb(peaking(1500, 1.4, 6), freq) +
      magnitudeDb(peaking(6000, 0.8, -3), freq);
    expect(Math.abs(measuredDb - expectedDb)).toBeLessThan(0.01);
    // Not flat: every frequency sees a clear change.
    expect(Math.abs(expectedDb)).toBeGreaterThan(0.2);
  });
});
