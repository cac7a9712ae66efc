// The audio path allocates nothing per block (DEVELOPERS.md, realtime): the worker's block (take settings,
// mix, hold meters, publish loudness) runs for 16,000 blocks under V8's sampling heap profiler while the
// control side publishes a new settings image every 50 blocks (faders gliding, mutes, solo, EQ, compressor and
// limiter switched). One boxed double per block would already be 256 KB; the bound leaves room only for the
// one-off allocations of the JIT settling.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROBE = new URL('./fixtures/allocation-probe.mjs', import.meta.url).pathname;
const BOUND_BYTES = 64 * 1024;

const sessions = {
  'the default session (8 mono strips, master limiter)': {
    version: 1,
    strips: Array.from({ length: 8 }, (_, i) => ({ name: `In ${i + 1}`, input: i + 1 })),
  },
  'a post session (5.1 stems, M&E, fold-down, ducker, AFL, direct out, VCA)': {
    version: 1,
    strips: [
      {
        name: 'Dial 1',
        input: 1,
        output: { bus: 'DX', labels: ['C'] },
        hpf: { on: true, freqHz: 100, slope: 18 },
        eq: { on: true },
        gate: { on: true, thresholdDb: -40 },
        comp: { on: true, thresholdDb: -24, ratio: 3 },
        directOut: { channel: 17 },
        solo: true,
      },
      {
        name: 'Score',
        format: 'stereo',
        input: 3,
        output: { bus: 'MX' },
        gate: { on: true, mode: 'ducker', key: 'DX' },
        sends: [{ bus: 'Verb', tap: 'pre-fader', levelDb: -12 }],
      },
      { name: 'Foley', input: 5, output: { bus: 'FX' }, comp: { on: true, thresholdDb: -30, ratio: 8 } },
    ],
    buses: [
      { name: 'Verb', kind: 'aux', output: 'MX' },
      { name: 'DX', kind: 'stem', role: 'dialogue', format: '5.1-film' },
      { name: 'MX', kind: 'stem', role: 'music', format: '5.1-film' },
      { name: 'FX', kind: 'stem', role: 'effects', format: '5.1-film' },
      { name: 'M&E', kind: 'me', format: '5.1-film', outputs: [9, 10, 11, 12, 13, 14] },
      { name: 'LoRo', kind: 'folddown', source: 'Printmaster', outputs: [7, 8] },
    ],
    master: { name: 'Printmaster', format: '5.1-film' },
    vcas: [{ name: 'V1', members: ['Dial 1', 'Score'] }],
    monitor: { soloMode: 'afl', outputs: [15, 16] },
  },
};

describe('the audio block allocates nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mixd-alloc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [title, session] of Object.entries(sessions)) {
    it(`${title}: under ${BOUND_BYTES / 1024} KiB sampled in 16,000 blocks`, () => {
      const file = join(dir, 'session.json');
      writeFileSync(file, JSON.stringify(session));
      const r = spawnSync(process.execPath, [PROBE, file], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as { blocks: number; bytes: number; top: [string, number][] };
      console.log(
        `${title}: ${result.bytes} bytes in ${result.blocks} blocks (${(result.bytes / result.blocks).toFixed(2)} B/block)`,
      );
      expect(result.bytes, result.top.map(([where, n]) => `${n} B at ${where}`).join('\n')).toBeLessThan(
        BOUND_BYTES,
      );
    }, 120_000);
  }
});
