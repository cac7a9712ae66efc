// The WebAssembly strip kernel configured as the benchmark strip, against the native reference
// (../shared/bench/strip-ref.c via bench-strip, run here as a peer) and the README's published checksums.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStripKernel } from '../../src/engine/strip-kernel/load-wasm.js';
import {
  configureReferenceStrips,
  fillReferenceInput,
} from '../../src/engine/strip-kernel/reference-strip.js';
import { StripBank } from '../../src/engine/strip-kernel/strip-bank.js';

const BENCH_STRIP = resolve(import.meta.dirname, '../../../shared/bench/bench-strip');
const FRAMES = 64;
const BUSES = 6;
const dir = mkdtempSync(join(tmpdir(), 'mixd-strip-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** README §1 "Checksum": scalar x86-64 gcc -O2, 750 blocks. */
const PUBLISHED: Record<number, { check: number; checkMeter: number }> = {
  4: { check: 0.300050493, checkMeter: 0.313848254 },
  8: { check: 0.387098564, checkMeter: 0.596307548 },
  64: { check: 1.13911902, checkMeter: 4.83151798 },
};

function referenceBank(strips: number): StripBank {
  const loaded = loadStripKernel();
  if (!loaded.ok) throw new Error(loaded.error);
  const r = StripBank.create(loaded.module, { strips, sends: 4 });
  if (!r.ok) throw new Error(r.error);
  configureReferenceStrips(r.bank);
  fillReferenceInput(r.bank.input, strips);
  return r.bank;
}

function checksum(bank: StripBank, blocks: number): { check: number; checkMeter: number } {
  let check = 0;
  let checkMeter = 0;
  for (let b = 0; b < blocks; b++) {
    bank.process();
    for (const v of bank.buses) check += Math.abs(v);
    for (const v of bank.meters) checkMeter += v;
  }
  return { check: check / (blocks * FRAMES), checkMeter: checkMeter / blocks };
}

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('strip kernel: benchmark conformance', () => {
  const native = execFileSync(BENCH_STRIP, ['--check', '--strips', '4,8,64'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { impl: string; strips: number; check: number; checkMeter: number });

  for (const n of [4, 8, 64]) {
    it(`N = ${n}: checksums within 1e-4 of the published values and of bench-strip --check`, () => {
      const got = checksum(referenceBank(n), 750);
      const scalar = native.find((r) => r.impl === 'scalar' && r.strips === n);
      expect(scalar).toBeDefined();
      for (const ref of [PUBLISHED[n]!, scalar!]) {
        expect(relDiff(got.check, ref.check)).toBeLessThan(1e-4);
        expect(relDiff(got.checkMeter, ref.checkMeter)).toBeLessThan(1e-4);
      }
      // Same float32 operations as the reference, so in practice it lands far closer than the 1e-4 rule.
      expect(relDiff(got.check, scalar!.check)).toBeLessThan(1e-7);
    });
  }

  it('N = 8: buses and meters match the native scalar reference sample by sample (20 blocks)', () => {
    const strips = 8;
    const blocks = 20;
    const file = join(dir, 'dump8.f32');
    execFileSync(BENCH_STRIP, ['--dump', file, '--strips', String(strips), '--blocks', String(blocks)]);
    const raw = readFileSync(file);
    const ref = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const per = BUSES * FRAMES + strips;
    expect(ref.length).toBe(per * blocks);
    const bank = referenceBank(strips);
    // Per strip the kernel runs the reference's float32 operations in the same order (no FMA in wasm
    // SIMD), so the meters (one strip each) must be bit-identical. A bus sample is a sum over strips: the
    // reference adds strips in order, the kernel per lane across quads and then the 4 lanes, so the two
    // float32 sums differ only by rounding: each is within (N − 1)·2^-24·Σ|terms| of the exact sum, and
    // every term is |v|·gain ≤ meter (pan and send gains ≤ 1).
    let worstBus = 0;
    for (let b = 0; b < blocks; b++) {
      bank.process();
      const at = b * per;
      const meters = ref.subarray(at + BUSES * FRAMES, at + per);
      expect(Array.from(bank.meters)).toEqual(Array.from(meters));
      let sumMeters = 0;
      for (const m of meters) sumMeters += m;
      const bound = 2 * (strips - 1) * 2 ** -24 * sumMeters;
      for (let i = 0; i < BUSES * FRAMES; i++) {
        const d = Math.abs(bank.buses[i]! - ref[at + i]!);
        worstBus = Math.max(worstBus, d / bound);
        expect(d).toBeLessThanOrEqual(bound);
      }
    }
    // Not trivially met: the buses carry signal (a reference full of zeros would pass the bound above).
    expect(Math.max(...Array.from(ref.subarray(0, BUSES * FRAMES)).map(Math.abs))).toBeGreaterThan(1e-3);
    expect(worstBus).toBeLessThanOrEqual(1);
  });
});
