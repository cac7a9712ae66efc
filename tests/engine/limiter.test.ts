// The true-peak limiter against outside references: ffmpeg 5.1's ebur128 true-peak meter (and the same
// libswresample 192 kHz upsampling read at full precision), a 16× true-peak estimate written here from
// libswresample's published default kernel, the official EBU Tech 3341 true-peak files, and closed-form math
// (Ehlich–Zeller bound, one-pole decay).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DETECTOR_MARGIN,
  IntersamplePeakDetector,
  OVERSAMPLING,
} from '../../src/engine/dsp/intersample-peak.js';
import { TruePeakLimiter, type TruePeakLimiterOptions } from '../../src/engine/dsp/limiter.js';
import { MovingMinimum } from '../../src/engine/dsp/moving-extreme.js';
import { decodeWav, encodeWav } from '../../src/engine/io/wav.js';

const FFMPEG = '/usr/bin/ffmpeg';
const EBU = path.resolve(import.meta.dirname, '../../../shared/fixtures/ebu-loudness');
const CEILING_DB = -1;
const dbToLin = (db: number): number => 10 ** (db / 20);
const linToDb = (x: number): number => 20 * Math.log10(x);
/**
 * ffmpeg runs its resampler in double precision and we hand it float32 samples, so its reading of a signal
 * at the ceiling can only differ from ours by rounding: 1e−6 relative (≈ 9e−6 dB) is far above that.
 */
const ARITHMETIC_TOLERANCE = 1e-6;

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixd-limiter-test-'));
});
afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

/** mulberry32: small deterministic PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `input` through the limiter in random block sizes (1 … 1024, through a block wider than the chunk so
 * the channel stride differs from the frame count), followed by latencyFrames of silence to flush it.
 * Returns the output with the latency removed, so output frame n belongs to input frame n.
 */
function runLimiter(limiter: TruePeakLimiter, input: readonly Float32Array[], seed = 1): Float32Array[] {
  const frames = input[0]!.length;
  const total = frames + limiter.latencyFrames;
  const out = input.map(() => new Float32Array(total));
  const stride = 1024;
  const block = new Float32Array(input.length * stride);
  const rng = prng(seed);
  for (let at = 0; at < total;) {
    const n = Math.min(total - at, 1 + Math.floor(rng() * stride));
    block.fill(0);
    input.forEach((ch, c) =>
      block.set(ch.subarray(Math.min(at, frames), Math.min(at + n, frames)), c * stride),
    );
    limiter.process(block, n, stride);
    out.forEach((ch, c) => ch.set(block.subarray(c * stride, c * stride + n), at));
    at += n;
  }
  return out.map((ch) => ch.slice(limiter.latencyFrames));
}

function writeFloatWav(name: string, sampleRate: number, channels: readonly Float32Array[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeWav({ sampleRate, channels }, 'float32'));
  return file;
}

function ffmpeg(args: string[]): string {
  const r = spawnSync(FFMPEG, ['-nostdin', '-hide_banner', '-nostats', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return r.stderr;
}

interface EbuReading {
  /** Summary "True peak: Peak:" in dB, printed to 0.1 dB. */
  summaryDb: number;
  /** Largest per-frame lavfi.r128.true_peaks_chN, linear, printed to 0.001. */
  metadataMax: number;
}

/** ffmpeg's ebur128 true-peak meter: the summary and the per-100-ms metadata, in one run. */
function ebur128TruePeak(file: string): EbuReading {
  const meta = path.join(dir, 'meta.txt');
  const log = ffmpeg([
    '-i',
    file,
    '-af',
    `ebur128=peak=true:metadata=1,ametadata=mode=print:file=${meta}`,
    '-f',
    'null',
    '-',
  ]);
  const summary = /True peak:\s*Peak:\s*(-?[\d.]+|-inf)/.exec(log);
  if (summary === null) throw new Error(`no true-peak summary in: ${log}`);
  let metadataMax = 0;
  for (const m of fs.readFileSync(meta, 'utf8').matchAll(/lavfi\.r128\.true_peaks_ch\d+=([\d.]+)/g)) {
    metadataMax = Math.max(metadataMax, Number(m[1]));
  }
  return { summaryDb: summary[1] === '-inf' ? -Infinity : Number(summary[1]), metadataMax };
}

/**
 * The signal ebur128 takes its true peak from — the input upsampled to 192 kHz by libswresample with its
 * default settings, in double precision — read at full precision. Returns interleaved samples.
 */
function upsampled192k(file: string): Float64Array {
  const raw = path.join(dir, 'up.f64');
  ffmpeg(['-y', '-i', file, '-af', 'aformat=sample_fmts=dbl,aresample=192000', '-f', 'f64le', raw]);
  const bytes = fs.readFileSync(raw);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

/** Largest magnitude of interleaved 192 kHz frames [from, to). */
function maxAbs(x: Float64Array, channels: number, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(0, from) * channels; i < Math.min(x.length, to * channels); i++)
    m = Math.max(m, Math.abs(x[i]!));
  return m;
}

// ---- Second check: a 16× true-peak estimate with libswresample's default kernel (what ffmpeg's ebur128
// upsamples with: filter_size 32, Kaiser β = 9, cutoff at fs/2), evaluated at 16 points per sample so it
// also covers the positions between ffmpeg's 4× points (and the 147/640 steps it takes at 44.1 kHz). ----
const REF_OS = 16;
const REF_HALF = 16;
const refTaps: Float64Array[] = (() => {
  const i0 = (x: number): number => {
    let term = 1;
    let sum = 1;
    for (let k = 1; term > sum * 1e-17; k++) {
      term *= (x * x) / 4 / (k * k);
      sum += term;
    }
    return sum;
  };
  const phases: Float64Array[] = [];
  for (let j = 1; j < REF_OS; j++) {
    const t = new Float64Array(2 * REF_HALF);
    let s = 0;
    for (let k = 0; k < t.length; k++) {
      const d = k - REF_HALF + 1 - j / REF_OS; // distance from the point j/16 after sample REF_HALF − 1
      const w = i0(9 * Math.sqrt(Math.max(0, 1 - (d / REF_HALF) ** 2))) / i0(9);
      t[k] = (Math.sin(Math.PI * d) / (Math.PI * d)) * w;
      s += t[k]!;
    }
    phases.push(t.map((v) => v / s));
  }
  return phases;
})();
/** Largest Σ|tap| of a phase: an interpolated value never exceeds this times the largest nearby sample. */
const REF_GAIN = Math.max(...refTaps.map((t) => t.reduce((a, v) => a + Math.abs(v), 0)));

/** 16× oversampled true peak of x over frames [from, to); blocks too quiet to matter are skipped exactly. */
function truePeak16(x: Float32Array, from: number, to: number, reach: number): number {
  let peak = 0;
  const BLOCK = 32;
  for (let b = from; b < to; b += BLOCK) {
    const end = Math.min(to, b + BLOCK);
    let local = 0;
    for (let i = Math.max(0, b - REF_HALF); i < Math.min(x.length, end + REF_HALF); i++) {
      local = Math.max(local, Math.abs(x[i]!));
    }
    if (local * REF_GAIN <= reach) {
      peak = Math.max(peak, local);
      continue; // nothing interpolated here can reach `reach`
    }
    for (let n = b; n < end; n++) {
      peak = Math.max(peak, Math.abs(x[n]!));
      for (const taps of refTaps) {
        let acc = 0;
        const first = n - REF_HALF + 1;
        for (let k = 0; k < taps.length; k++) acc += taps[k]! * (x[first + k] ?? 0);
        peak = Math.max(peak, Math.abs(acc));
      }
    }
  }
  return peak;
}

describe('MovingMinimum', () => {
  it('equals the minimum of the last N values at every step', () => {
    const rng = prng(7);
    for (const length of [1, 2, 5, 64]) {
      const mm = new MovingMinimum(length);
      const seen: number[] = [];
      for (let i = 0; i < 2000; i++) {
        // Runs of repeats and monotone stretches exercise the deque's pops.
        const v = i % 97 < 30 ? Math.floor(rng() * 4) : i % 97 < 60 ? -i : rng();
        seen.push(v);
        expect(mm.push(v)).toBe(Math.min(...seen.slice(-length)));
      }
    }
  });
});

describe('IntersamplePeakDetector', () => {
  it('reads a sine between cos(π·f/(16·fs)) (Ehlich–Zeller) and 1 of its amplitude, up to 0.4·fs', () => {
    const rng = prng(3);
    const frames = 4096;
    const block = new Float32Array(frames);
    for (let i = 0; i < 300; i++) {
      // Cycles per sample; up to 0.4 the kernel passes a sine within 1e−4 (ffmpeg's: 0.99999 at 19.2 kHz).
      const f = 0.001 + 0.399 * rng();
      const phase = 2 * Math.PI * rng();
      const amp = 0.1 + rng();
      for (let n = 0; n < frames; n++) block[n] = amp * Math.sin(2 * Math.PI * f * n + phase);
      const det = new IntersamplePeakDetector(1);
      let peak = 0;
      for (let n = 0; n < frames; n++) {
        const p = det.pushFrame(block, n, frames);
        // Skip the start-up transient (the history was silence).
        if (n > 100) peak = Math.max(peak, p);
      }
      // The sine's true peak is amp up to float32 rounding of the samples.
      const lower = amp * Math.cos((Math.PI * f) / OVERSAMPLING) * (1 - 1e-3) - 1e-6;
      expect(peak).toBeGreaterThanOrEqual(lower);
      expect(peak).toBeLessThanOrEqual(amp * (1 + 1e-3) + 1e-6);
      expect(peak * DETECTOR_MARGIN).toBeGreaterThanOrEqual(amp - 1e-6);
    }
  });
});

describe('TruePeakLimiter', () => {
  it('is bit-transparent (input delayed by latencyFrames) when the signal stays below the ceiling', () => {
    const rate = 48000;
    const frames = rate;
    const rng = prng(11);
    // −20 dBFS stereo: noise plus a 997 Hz sine; then a 997 Hz sine at −1.08 dBTP (just under where the
    // limiter starts to act, ceiling / DETECTOR_MARGIN = −1.069 dBTP).
    const quiet = [0, 1].map((c) =>
      Float32Array.from(
        { length: frames },
        (_, n) => 0.05 * Math.sin(2 * Math.PI * 997 * (n / rate) + c) + 0.05 * (2 * rng() - 1),
      ),
    );
    const near = [0, 1].map(() =>
      Float32Array.from(
        { length: frames },
        (_, n) => dbToLin(-1.08) * Math.sin(2 * Math.PI * 997 * (n / rate)),
      ),
    );
    for (const input of [quiet, near]) {
      const limiter = new TruePeakLimiter({ channels: 2, sampleRate: rate });
      expect(limiter.latencyFrames).toBe(102); // 15 (detector) + 72 − 1 (1.5 ms ramp) + 16 (hold guard)
      const out = runLimiter(limiter, input, 5);
      for (let c = 0; c < 2; c++) {
        const o = out[c]!;
        const i = input[c]!;
        let mismatches = 0;
        for (let n = 0; n < frames; n++) if (!Object.is(o[n], i[n])) mismatches++;
        expect(mismatches).toBe(0);
      }
      expect(limiter.gainReductionDb).toBe(0);
    }
  });

  it('holds −1 dBTP (ffmpeg ebur128) on the EBU Tech 3341 true-peak files #15–#23 boosted by 6 and 12 dB', () => {
    const gap = 9600; // 0.2 s between segments
    const segments: { name: string; from: number; to: number }[] = [];
    const left: Float32Array[] = [];
    const right: Float32Array[] = [];
    let at = 0;
    for (let k = 15; k <= 23; k++) {
      const decoded = decodeWav(fs.readFileSync(path.join(EBU, `seq-3341-${k}-24bit.wav`)));
      if (!decoded.ok) throw new Error(decoded.error);
      const { sampleRate, channels } = decoded.value;
      expect(sampleRate).toBe(48000);
      for (const boost of [6, 12]) {
        const input = channels.map((ch) => ch.map((v) => v * dbToLin(boost)));
        const limiter = new TruePeakLimiter({ channels: 2, sampleRate, ceilingDb: CEILING_DB });
        const [l, r] = runLimiter(limiter, input, k * boost);
        left.push(l!, new Float32Array(gap));
        right.push(r!, new Float32Array(gap));
        segments.push({ name: `#${k} +${boost} dB`, from: at, to: at + l!.length + gap });
        at += l!.length + gap;
      }
    }
    const concat = (parts: Float32Array[]): Float32Array => {
      const out = new Float32Array(at);
      let p = 0;
      for (const part of parts) {
        out.set(part, p);
        p += part.length;
      }
      return out;
    };
    const file = writeFloatWav('ebu-limited.wav', 48000, [concat(left), concat(right)]);

    const ceiling = dbToLin(CEILING_DB);
    const ebu = ebur128TruePeak(file);
    // Printed resolution: the summary rounds to 0.1 dB and the metadata to 0.001, so "≤ ceiling" reads as
    // "prints no higher than the ceiling does".
    expect(ebu.summaryDb).toBeLessThanOrEqual(CEILING_DB);
    expect(ebu.metadataMax).toBeLessThanOrEqual(Number(ceiling.toFixed(3)));

    const up = upsampled192k(file);
    // The full-precision upsampling is the meter's own reading: it must agree with the printed metadata.
    expect(Math.abs(maxAbs(up, 2, 0, up.length) - ebu.metadataMax)).toBeLessThanOrEqual(0.0005 + 1e-9);
    const report: string[] = [];
    for (const s of segments) {
      const tp = maxAbs(up, 2, s.from * 4, s.to * 4);
      report.push(`${s.name}: ${linToDb(tp).toFixed(4)} dBTP`);
      expect(tp, s.name).toBeLessThanOrEqual(ceiling * (1 + ARITHMETIC_TOLERANCE));
      // Not over-limited: the detector margin (0.069 dB) plus the meter's own 4× under-read for content at
      // ≤ fs/4 (≤ 0.169 dB, Ehlich–Zeller) bound how far below the ceiling a limited peak can read.
      expect(linToDb(tp), s.name).toBeGreaterThanOrEqual(CEILING_DB - linToDb(DETECTOR_MARGIN) - 0.169);
    }
    console.log(`EBU #15–#23 through the limiter (ffmpeg 192 kHz true peak):\n  ${report.join('\n  ')}`);
  });

  it('holds the ceiling on 1,000 random bursts up to +20 dBFS (ffmpeg and a 16× sinc estimate)', () => {
    interface Case extends TruePeakLimiterOptions {
      seed: number;
    }
    const cases: Case[] = [
      { channels: 2, sampleRate: 48000, releaseMs: 50, seed: 101 },
      { channels: 2, sampleRate: 48000, releaseMs: 1, lookaheadMs: 0.5, seed: 202 },
      { channels: 2, sampleRate: 44100, releaseMs: 10, seed: 303 },
      { channels: 2, sampleRate: 96000, releaseMs: 200, ceilingDb: -3, seed: 404 },
    ];
    const perCase = 250;
    let worstFfmpeg = -Infinity;
    let worstSinc = -Infinity;
    let bursts = 0;
    for (const k of cases) {
      const rate = k.sampleRate;
      const ceilingDb = k.ceilingDb ?? CEILING_DB;
      const ceiling = dbToLin(ceilingDb);
      const rng = prng(k.seed);
      const gap = Math.round(0.015 * rate);
      const spans: { from: number; to: number }[] = [];
      const lengths = Array.from({ length: perCase }, () => Math.round((0.02 + 0.04 * rng()) * rate));
      const total = lengths.reduce((a, n) => a + n + gap, 0);
      const input = [new Float32Array(total), new Float32Array(total)];
      let at = 0;
      for (const n of lengths) {
        synthesizeBurst(rng, rate, input, at, n);
        spans.push({ from: at, to: at + n + gap });
        at += n + gap;
      }
      const out = runLimiter(new TruePeakLimiter({ ...k, ceilingDb }), input, k.seed);
      const file = writeFloatWav(`bursts-${k.seed}.wav`, rate, out);
      const ebu = ebur128TruePeak(file);
      expect(ebu.summaryDb).toBeLessThanOrEqual(ceilingDb);
      expect(ebu.metadataMax).toBeLessThanOrEqual(Number(ceiling.toFixed(3)));
      const up = upsampled192k(file);
      const ratio = 192000 / rate;
      for (const s of spans) {
        const tpFfmpeg = maxAbs(up, 2, Math.floor(s.from * ratio), Math.ceil(s.to * ratio));
        expect(tpFfmpeg).toBeLessThanOrEqual(ceiling * (1 + ARITHMETIC_TOLERANCE));
        worstFfmpeg = Math.max(worstFfmpeg, linToDb(tpFfmpeg) - ceilingDb);
        const tpSinc = Math.max(...out.map((ch) => truePeak16(ch, s.from, s.to, ceiling)));
        worstSinc = Math.max(worstSinc, linToDb(tpSinc) - ceilingDb);
        bursts++;
      }
      // The bursts were loud: the limiter did work (most bursts reached the ceiling's neighbourhood).
      expect(linToDb(maxAbs(up, 2, 0, up.length))).toBeGreaterThan(ceilingDb - 0.5);
    }
    console.log(
      `${bursts} bursts: worst ffmpeg true peak ${worstFfmpeg.toFixed(4)} dB re ceiling, 16× sinc ${worstSinc.toFixed(4)} dB`,
    );
    expect(bursts).toBe(1000);
    // The same kernel at 16 points per sample: nothing in between ffmpeg's points is above the ceiling either.
    expect(worstSinc).toBeLessThanOrEqual(linToDb(1 + ARITHMETIC_TOLERANCE));
  });

  it('releases with the configured time constant (gain reduction falls to 1/e in releaseMs)', () => {
    for (const rate of [44100, 48000]) {
      for (const releaseMs of [10, 50, 200]) {
        const limiter = new TruePeakLimiter({ channels: 1, sampleRate: rate, releaseMs });
        const loud = Math.round(0.3 * rate);
        const frames = loud + Math.round((20 * releaseMs * rate) / 1000);
        // 1 kHz at +6 dBFS for 0.3 s, then silence.
        const x = Float32Array.from({ length: frames }, (_, n) =>
          n < loud ? 2 * Math.sin((2 * Math.PI * 1000 * n) / rate) : 0,
        );
        const gr = new Float64Array(frames);
        const one = new Float32Array(1);
        for (let n = 0; n < frames; n++) {
          one[0] = x[n]!;
          limiter.process(one, 1);
          gr[n] = limiter.gainReductionDb;
        }
        // Steady state: 20·log10(2 · margin / ceiling); the 8× read of a 1 kHz sine misses < 0.0001 dB.
        const steady = gr[loud - 1]!;
        expect(steady).toBeCloseTo(linToDb((2 * DETECTOR_MARGIN) / dbToLin(CEILING_DB)), 2);
        // Once the hold and the averaging window are past, the reduction in dB decays as exp(−t/τ) exactly.
        let j1 = loud;
        while (gr[j1]! >= 0.8 * steady) j1++;
        let j2 = j1;
        while (gr[j2]! > gr[j1]! / Math.E) j2++;
        const tauFrames = (releaseMs * rate) / 1000;
        expect(Math.abs(j2 - j1 - tauFrames), `${rate} Hz, ${releaseMs} ms`).toBeLessThanOrEqual(1);
        // And it returns to exactly unity gain (the state snaps to unity below 1e−6 dB, after ≈ 16 τ).
        expect(gr[frames - 1]).toBe(0);
      }
    }
  });
});

/**
 * Adds one random burst to both channels at [at, at + n): 1–4 components among sines (up to 0.45·fs),
 * white noise, clicks and DC steps, each with a peak of −20 … +20 dBFS and its own level per channel.
 */
function synthesizeBurst(rng: () => number, rate: number, out: Float32Array[], at: number, n: number): void {
  const components = 1 + Math.floor(rng() * 4);
  for (let i = 0; i < components; i++) {
    const kind = Math.floor(rng() * 4);
    const amp = dbToLin(-20 + 40 * rng());
    const gains = [rng(), rng()];
    const f = 0.45 * rate * rng();
    const phase = 2 * Math.PI * rng();
    const start = Math.floor(rng() * n);
    const clicks = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => Math.floor(rng() * n));
    for (let c = 0; c < 2; c++) {
      const ch = out[c]!;
      const g = amp * gains[c]!;
      for (let t = 0; t < n; t++) {
        let v = 0;
        if (kind === 0) v = g * Math.sin((2 * Math.PI * f * t) / rate + phase + c);
        else if (kind === 1) v = g * (2 * rng() - 1);
        else if (kind === 2) v = clicks.includes(t) ? (rng() < 0.5 ? -g : g) : 0;
        else v = t >= start ? g : 0;
        ch[at + t] = ch[at + t]! + v;
      }
    }
  }
}
