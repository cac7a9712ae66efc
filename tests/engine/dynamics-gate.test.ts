// Gate / expander / ducker against closed-form expectations. Most cases run a DC programme of 1.0 with a
// separate key, so each output sample *is* the gain, and DC keys so the detector level is known exactly.
import { describe, expect, it } from 'vitest';
import { Gate, type GateParams } from '../../src/engine/dsp/gate.js';

const FS = 48000;
const fromDb = (db: number): number => 10 ** (db / 20);
const toDb = (x: number): number => 20 * Math.log10(x);

/** Runs `programme` (in place) through the gate in 64-sample blocks, keyed by `key` when given. */
function run(gate: Gate, programme: Float32Array, key?: Float32Array): Float32Array {
  for (let o = 0; o < programme.length; o += 64) {
    const frames = Math.min(64, programme.length - o);
    if (key) gate.processMono(programme, o, frames, key, o);
    else gate.processMono(programme, o, frames);
  }
  return programme;
}

/** A gate whose detector reads each key sample directly (no peak decay), so DC key levels are exact. */
function directGate(params: Partial<GateParams>): Gate {
  return new Gate({ sampleRate: FS, detectorReleaseMs: 0 }, params);
}

describe('gate thresholds and hysteresis (level sweeps)', () => {
  // Key sweeps −80 → 0 → −80 dB at 0.01 dB/sample, offset by 0.005 dB so no sample sits on a threshold.
  const up = 8000;
  const sweepDb = (n: number): number => (n < up ? -80.005 + 0.01 * n : -0.005 - 0.01 * (n - up));
  const key = Float32Array.from({ length: 2 * up }, (_, n) => fromDb(sweepDb(n)));
  const T = -40;

  it.each([0, 6, 12])('opens at ≥ T and closes only below T − %f dB', (H) => {
    const gate = directGate({ thresholdDb: T, hysteresisDb: H, rangeDb: 60, holdMs: 0, attackMs: 0.05 });
    const out = run(gate, new Float32Array(key.length).fill(1), key);
    let open = 0;
    while (sweepDb(open) < T) open++;
    let close = up;
    while (sweepDb(close) >= T - H) close++;
    expect(out[open - 1]).toBe(Math.fround(fromDb(-60))); // still at the floor, untouched
    expect(out[open]!).toBeGreaterThan(out[open - 1]!);
    expect(out[close - 1]).toBe(1); // still fully open
    expect(out[close]!).toBeLessThan(1);
  });
});

describe('gate hold and release', () => {
  it.each([0, 1, 10.5, 250])(
    'hold %f ms keeps unity for exactly hold·fs samples after the key falls',
    (holdMs) => {
      const gate = directGate({ thresholdDb: -40, rangeDb: 40, holdMs, releaseMs: 50 });
      const drop = FS / 10;
      const key = new Float32Array(FS);
      key.fill(fromDb(-20), 0, drop);
      const out = run(gate, new Float32Array(FS).fill(1), key);
      const hold = Math.round((holdMs * FS) / 1000);
      for (let n = drop - 100; n < drop + hold; n++) expect(out[n]).toBe(1);
      expect(out[drop + hold]!).toBeLessThan(1);
    },
  );

  it('the key detector decays at its time constant: closes when L₀ − 8.686·n/(τ·fs) dB falls below T − H', () => {
    const gate = new Gate(
      { sampleRate: FS, detectorReleaseMs: 20 },
      { thresholdDb: -40, hysteresisDb: 6, rangeDb: 40, holdMs: 0 },
    );
    const drop = FS / 10;
    const key = new Float32Array(FS);
    key.fill(fromDb(-20), 0, drop);
    const out = run(gate, new Float32Array(FS).fill(1), key);
    const startDb = toDb(key[0]!);
    let m = 0; // sample m after the drop has seen m + 1 decays
    while (startDb - (20 * Math.log10(Math.E) * (m + 1)) / (0.02 * FS) >= -46) m++;
    expect(out[drop + m - 1]).toBe(1);
    expect(out[drop + m]!).toBeLessThan(1);
  });

  it('a 1 kHz key tone holds the gate open through its zero crossings (no chatter)', () => {
    const gate = new Gate({ sampleRate: FS }, { thresholdDb: -40, hysteresisDb: 3, holdMs: 0 });
    const key = Float32Array.from(
      { length: FS / 2 },
      (_, n) => 0.1 * Math.sin((2 * Math.PI * 1000 * n) / FS),
    );
    const out = run(gate, new Float32Array(key.length).fill(1), key);
    for (let n = FS / 50; n < out.length; n++) expect(out[n]).toBe(1);
  });
});

describe('gate and expander floors', () => {
  it.each([0, 3, 40, 80])('closed gate attenuates by exactly the range (%f dB)', (rangeDb) => {
    const gate = directGate({ thresholdDb: -30, rangeDb, releaseMs: 20 });
    const loud = run(gate, new Float32Array(FS / 10).fill(0.5)); // −6 dB keys itself open
    expect(loud[loud.length - 1]).toBe(0.5);
    const x = Math.fround(fromDb(-50)); // −50 dB keys it closed
    const quiet = run(gate, new Float32Array(FS).fill(x));
    // Exact up to the float32 rounding of the output sample (2⁻²⁴ relative).
    expect(Math.abs(quiet[quiet.length - 1]! / (x * fromDb(-rangeDb)) - 1)).toBeLessThan(2 ** -24);
  });

  it.each([
    [2, -45],
    [3, -50],
    [4, -45],
    [4, -60],
    [2, -80],
  ])('expander 1:%f, key at %f dB: gain max(−range, (R − 1)(L − T))', (ratio, levelDb) => {
    const T = -40;
    const range = 30;
    const gate = directGate({ mode: 'expander', thresholdDb: T, ratio, rangeDb: range, attackMs: 1 });
    const key = new Float32Array(FS).fill(fromDb(levelDb));
    const out = run(gate, new Float32Array(FS).fill(1), key);
    expect(toDb(out[out.length - 1]!)).toBeCloseTo(Math.max(-range, (ratio - 1) * (levelDb - T)), 4);
  });
});

describe('key input', () => {
  it('a loud key opens the gate for a quiet programme', () => {
    const gate = directGate({ thresholdDb: -40, rangeDb: 50 });
    const programme = new Float32Array(FS / 4).fill(fromDb(-70));
    const dry = programme.slice();
    run(gate, programme, new Float32Array(FS / 4).fill(fromDb(-10)));
    expect(programme[programme.length - 1]).toBe(dry[0]);
  });

  it('a quiet key closes the gate on a loud programme', () => {
    const gate = directGate({ thresholdDb: -40, rangeDb: 50 });
    const programme = new Float32Array(FS).fill(fromDb(-10));
    run(gate, programme, new Float32Array(FS).fill(fromDb(-70)));
    expect(toDb(programme[programme.length - 1]!)).toBeCloseTo(-10 - 50, 5);
  });

  it('stereo without a key is keyed by the louder channel, one gain for both', () => {
    const gate = directGate({ thresholdDb: -40, rangeDb: 50 });
    const left = new Float32Array(FS / 4).fill(fromDb(-60));
    const right = new Float32Array(FS / 4).fill(fromDb(-20));
    const l0 = left[0]!;
    const r0 = right[0]!;
    gate.processStereo(left, 0, right, 0, left.length);
    expect(left[left.length - 1]).toBe(l0);
    expect(right[right.length - 1]).toBe(r0);
  });
});

describe('ducker', () => {
  it('attenuates by the range while the key is above threshold, unity otherwise; attack and release at τ·fs', () => {
    const range = 20;
    const attackMs = 10;
    const releaseMs = 200;
    const gate = directGate({
      mode: 'ducker',
      thresholdDb: -30,
      rangeDb: range,
      attackMs,
      releaseMs,
      holdMs: 0,
    });
    const on = FS / 2;
    const off = 2 * FS;
    const key = new Float32Array(8 * FS); // 6 s after the key: 30 release time constants, settled exactly
    key.fill(fromDb(-10), on, off);
    const out = run(gate, new Float32Array(key.length).fill(1), key);
    expect(out[on - 1]).toBe(1); // quiet key: programme passes
    expect(toDb(out[off - 1]!)).toBeCloseTo(-range, 5); // loud key: ducked by the range
    expect(out[out.length - 1]).toBe(1);
    let a = 0;
    while (toDb(out[on + a]!) > -(1 - Math.exp(-1)) * range) a++;
    expect(Math.abs(a + 1 - (attackMs * FS) / 1000)).toBeLessThanOrEqual(1);
    let r = 0;
    while (toDb(out[off + r]!) < -Math.exp(-1) * range) r++;
    expect(Math.abs(r + 1 - (releaseMs * FS) / 1000)).toBeLessThanOrEqual(1);
  });
});

describe('no discontinuities', () => {
  it('per-sample gain steps stay within (1 − α)·range for opening (attack) and closing (release)', () => {
    const range = 60;
    const attackMs = 1;
    const releaseMs = 20;
    const gate = new Gate(
      { sampleRate: FS },
      { thresholdDb: -40, rangeDb: range, attackMs, releaseMs, holdMs: 5, hysteresisDb: 4 },
    );
    // Key: 50 ms bursts of a −20 dB 1 kHz tone every 200 ms for 1 s, then 1 s of silence.
    const key = Float32Array.from({ length: 2 * FS }, (_, n) =>
      n < FS && n % (FS / 5) < FS / 20 ? 0.1 * Math.sin((2 * Math.PI * 1000 * n) / FS) : 0,
    );
    const out = run(gate, new Float32Array(key.length).fill(1), key);
    let maxRise = 0;
    let maxFall = 0;
    for (let n = 1; n < out.length; n++) {
      const d = toDb(out[n]!) - toDb(out[n - 1]!);
      maxRise = Math.max(maxRise, d);
      maxFall = Math.max(maxFall, -d);
    }
    const attackBound = (1 - Math.exp(-1000 / (attackMs * FS))) * range;
    const releaseBound = (1 - Math.exp(-1000 / (releaseMs * FS))) * range;
    // Float32 output rounding is ≤ 1e-6 dB; the first step off each rail is the largest.
    expect(maxRise).toBeLessThanOrEqual(attackBound + 1e-5);
    expect(maxRise).toBeGreaterThan(0.99 * attackBound);
    expect(maxFall).toBeLessThanOrEqual(releaseBound + 1e-5);
    expect(maxFall).toBeGreaterThan(0.99 * releaseBound);
    expect(gate.gainDb).toBe(-range); // closed again at the end, settled exactly on the floor
  });
});
