// mixd on a real realtime clock: a JACK client outside mixd plays known signals into mixd's inputs and
// records its outputs for 30 s. The levels must follow gain, fader, mute and pan within 0.05 dB of the
// closed-form formulas, no block may be lost, and `mixd render` of the same input must equal the capture.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../src/engine/io/wav.js';
import { runJackPeer, startJackd, waitForPorts, type JackServer } from '../helpers/jack.js';

const RATE = 48000;
const SECONDS = 30.2;
const N = Math.round(SECONDS * RATE);
const MAIN = new URL('../../dist/daemon/main.js', import.meta.url).pathname;

const session = {
  version: 1,
  strips: [
    { name: 'A', input: 1, trimDb: 3, faderDb: -6, pan: -0.5 },
    { name: 'B', input: 2, faderDb: -10, pan: 1 },
    { name: 'C', input: 3, mute: true },
    { name: 'D', format: 'stereo', input: 4, faderDb: -3, pan: 0.3 },
    { name: 'E', input: 6, trimDb: -20 },
  ],
  // No limiter: these levels are the linear mix the formulas describe (the limiter has its own tests).
  master: { faderDb: -2, limiter: { on: false } },
};

// Closed-form gains, written out independently of src/: dB → 10^(dB/20); −3 dB equal-power pan
// θ = (p+1)·π/4, L = cos θ, R = sin θ; stereo balance = min(1, √2·cos θ) / min(1, √2·sin θ).
const db = (x: number): number => 10 ** (x / 20);
const theta = (p: number): number => ((p + 1) * Math.PI) / 4;
const m = db(-2);
const expectedL = [
  db(3) * db(-6) * Math.cos(theta(-0.5)) * m,
  db(-10) * Math.cos(theta(1)) * m,
  0,
  db(-3) * Math.min(1, Math.SQRT2 * Math.cos(theta(0.3))) * m,
  0,
  db(-20) * Math.cos(theta(0)) * m,
];
const expectedR = [
  db(3) * db(-6) * Math.sin(theta(-0.5)) * m,
  db(-10) * Math.sin(theta(1)) * m,
  0,
  0,
  db(-3) * Math.min(1, Math.SQRT2 * Math.sin(theta(0.3))) * m,
  db(-20) * Math.sin(theta(0)) * m,
];

/** Six input signals: sines on 1–5 and deterministic noise on 6 (which makes the alignment unique). */
function inputs(): Float32Array[] {
  const freqs = [500, 1000, 2000, 1500, 3000];
  const amps = [0.25, 0.25, 0.25, 0.2, 0.2];
  const ch = freqs.map((f, c) =>
    Float32Array.from({ length: N }, (_, i) => amps[c]! * Math.sin((2 * Math.PI * f * i) / RATE)),
  );
  let r = 12345;
  const noise = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
    noise[i] = (r >>> 9) / 8388608 - 0.5;
  }
  return [...ch, noise];
}

/** Lag (frames) at which `captured` best correlates with `reference`. */
function findLag(captured: Float32Array, reference: Float32Array, maxLag: number): number {
  let best = 0;
  let bestLag = -1;
  for (let lag = 0; lag <= maxLag; lag++) {
    let acc = 0;
    for (let i = 0; i < 24000; i++) acc += captured[i + lag]! * reference[i]!;
    if (acc > best) [best, bestLag] = [acc, lag];
  }
  return bestLag;
}

/** Least-squares coefficients of y[n + lag] on the regressors x_k[n] (normal equations, Gauss–Jordan). */
function fit(
  y: Float32Array,
  xs: Float32Array[],
  lag: number,
  count: number,
  use: (n: number) => boolean,
): number[] {
  const k = xs.length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let n = 0; n < count; n++) {
    if (!use(n)) continue;
    const yn = y[n + lag]!;
    for (let i = 0; i < k; i++) {
      const xi = xs[i]![n]!;
      const row = a[i]!;
      for (let j = 0; j < k; j++) row[j]! += xi * xs[j]![n]!;
      row[k]! += xi * yn;
    }
  }
  for (let c = 0; c < k; c++) {
    const p = a[c]![c]!;
    for (let j = c; j <= k; j++) a[c]![j]! /= p;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row) => row[k]!);
}

describe('audio path on jackd dummy', () => {
  let server: JackServer;
  let daemon: ChildProcess;
  let dir: string;
  let played: Float32Array[];
  let captured: Float32Array[];
  let lag: number;
  /** Each 128-frame block of the capture after alignment: the formula mix exactly, silence, or other. */
  let blocks: ('exact' | 'silent' | 'other')[];
  const log: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mixd-audio-path-'));
    // Synchronous JACK: host scheduling jitter delays a cycle instead of skipping mixd, so a lost block
    // here is mixd's own (its worker missed a period), which is what this test is about.
    server = await startJackd({ period: 128, inputs: 8, outputs: 8, sync: true });
    const config = join(dir, 'mixd.json');
    writeFileSync(config, JSON.stringify({ audio: { clientName: 'mixd', blockFrames: 128 }, session }));
    daemon = spawn(process.execPath, [MAIN, 'run', '--config', config], {
      env: server.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    daemon.stdout!.on('data', (b: Buffer) => log.push(b.toString()));
    daemon.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
    await waitForPorts(server, ['mixd:in_5', 'mixd:out_0', 'mixd:out_1'], 10_000);
    played = inputs();
    const result = await runJackPeer(server, {
      name: 'mixd-test-peer',
      seconds: SECONDS,
      play: played,
      recordChannels: 2,
      connectOut: ['mixd:in_0', 'mixd:in_1', 'mixd:in_2', 'mixd:in_3', 'mixd:in_4', 'mixd:in_5'],
      connectIn: ['mixd:out_0', 'mixd:out_1'],
      settleMs: 1000,
    });
    captured = result.recorded;
    lag = findLag(captured[0]!, played[5]!, 4096);
    blocks = [];
    for (let start = 0; start + 128 <= N - lag; start += 128) {
      let worst = 0;
      let silent = true;
      for (let n = start; n < start + 128; n++) {
        let l = 0;
        let r = 0;
        for (let k = 0; k < 6; k++) {
          l += expectedL[k]! * played[k]![n]!;
          r += expectedR[k]! * played[k]![n]!;
        }
        const [cl, cr] = [captured[0]![n + lag]!, captured[1]![n + lag]!];
        worst = Math.max(worst, Math.abs(cl - l), Math.abs(cr - r));
        if (cl !== 0 || cr !== 0) silent = false;
      }
      // float32 rounding is ~1e-7; a lost block reads as silence (error ≈ signal level ≈ 0.1).
      blocks.push(worst < 1e-5 ? 'exact' : silent ? 'silent' : 'other');
    }
  }, 90_000);

  afterAll(async () => {
    daemon?.kill('SIGTERM');
    await new Promise((r) => daemon?.once('exit', r));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes through mixd with a fixed latency of two periods (JACK loop + one block in flight)', () => {
    // The peer's own loop costs one period; mixd's binding adds exactly one block.
    expect(lag).toBe(2 * 128);
  });

  it('levels follow gain, fader, mute and pan within 0.05 dB of the formulas', () => {
    const count = N - lag;
    for (const [side, expected] of [
      [0, expectedL],
      [1, expectedR],
    ] as const) {
      const coefficients = fit(captured[side]!, played, lag, count, (n) => blocks[n >> 7] === 'exact');
      coefficients.forEach((c, k) => {
        const e = expected[k]!;
        if (e < 1e-9) expect(Math.abs(c), `side ${side} input ${k + 1}`).toBeLessThan(1e-6);
        else expect(Math.abs(20 * Math.log10(c / e)), `side ${side} input ${k + 1}`).toBeLessThan(0.05);
      });
    }
  });

  // The binding's contract: a block the worker misses is played as silence and counted, never as garbage, and
  // the latency does not move. On a quiet host none is missed in 30 s (MIXD_STRICT_REALTIME=1 demands that);
  // on a shared 2-vCPU VM whose host deschedules it, the native passthrough itself sees xruns (BENCHMARKS.md),
  // so by default a few counted underruns are tolerated and reported.
  it('loses no block in 30 s except whole silent blocks mixd counts as underruns', () => {
    expect((N - lag) / RATE).toBeGreaterThanOrEqual(30);
    const silent = blocks.filter((b) => b === 'silent').length;
    const glitches = log
      .join('')
      .split('\n')
      .filter((l) => l.includes('glitch'));
    console.log(`audio path: ${silent} of ${blocks.length} blocks lost to underruns\n${glitches.join('\n')}`);
    expect(blocks.filter((b) => b === 'other')).toEqual([]);
    expect(silent, glitches.join('\n')).toBeLessThanOrEqual(
      process.env.MIXD_STRICT_REALTIME === '1' ? 0 : blocks.length / 100,
    );
    expect(blocks.at(-1)).toBe('exact');
  });

  it('mixd render of the same input equals the realtime capture (≤ 1e-6) on every block delivered', () => {
    const inWav = join(dir, 'in.wav');
    const outWav = join(dir, 'out.wav');
    const sessionFile = join(dir, 'session.json');
    writeFileSync(sessionFile, JSON.stringify(session));
    writeFileSync(inWav, encodeWav({ sampleRate: RATE, channels: played }, 'float32'));
    const r = spawnSync(
      process.execPath,
      [MAIN, 'render', '--session', sessionFile, '--in', inWav, '--out', outWav],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = decodeWav(readFileSync(outWav));
    if (!out.ok) throw new Error(out.error);
    let worst = 0;
    for (let n = 0; n < N - lag; n++)
      for (let c = 0; c < 2 && blocks[n >> 7] !== 'silent'; c++)
        worst = Math.max(worst, Math.abs(out.value.channels[c]![n]! - captured[c]![n + lag]!));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
});
