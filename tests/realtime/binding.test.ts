// The binding's contract on a real JACK clock: when the worker is late, the callback never waits for it — it
// plays silence and counts underruns — and once the worker catches up the latency is one period again,
// not one period per hiccup.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJackPeer, startJackd, waitForPorts, type JackServer } from '../helpers/jack.js';

const FIXTURE = new URL('./fixtures/late-worker.mjs', import.meta.url).pathname;
const P = 128;

describe('binding with a late worker', () => {
  let server: JackServer;
  const blocks: ('exact' | 'silent' | 'other')[] = [];
  let stats: number[] = [];

  beforeAll(async () => {
    server = await startJackd({ period: P, inputs: 2, outputs: 2, sync: true });
    const child = spawn(
      process.execPath,
      [FIXTURE, '7', '2500,3500:100,4500', '1000,1400,1800,2200,3000,3400,3800,4200,5000'],
      {
        env: server.env,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const results: string[] = [];
    const ready = new Promise<void>((resolve) =>
      lines.on('line', (l) => {
        results.push(l);
        if (l.includes('"ready"')) resolve();
      }),
    );
    await ready;
    await waitForPorts(server, ['latecheck:in_0', 'latecheck:out_0'], 5000);
    let r = 1;
    const noise = Float32Array.from({ length: 48000 * 6 }, () => {
      r = (Math.imul(r, 1664525) + 1013904223) >>> 0;
      return (r >>> 8) / 16777216 - 0.5;
    });
    const { recorded } = await runJackPeer(server, {
      name: 'latecheck-peer',
      seconds: 5.5,
      play: [noise],
      recordChannels: 1,
      connectOut: ['latecheck:in_0'],
      connectIn: ['latecheck:out_0'],
    });
    await new Promise((resolve) => child.once('exit', resolve));
    stats = (JSON.parse(results.find((l) => l.includes('"stats"'))!) as { stats: number[] }).stats;
    // Classify every output block against the input delayed by two periods (JACK loop + one block in flight).
    const y = recorded[0]!;
    for (let start = 2 * P; start + P <= y.length; start += P) {
      let exact = true;
      let silent = true;
      for (let i = start; i < start + P; i++) {
        if (y[i] !== noise[i - 2 * P]) exact = false;
        if (y[i] !== 0) silent = false;
      }
      blocks.push(exact ? 'exact' : silent ? 'silent' : 'other');
    }
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('plays silence for the blocks the worker missed and counts them as underruns', () => {
    const silent = blocks.filter((b) => b === 'silent').length;
    console.log(`late worker: ${silent} silent blocks of ${blocks.length}`);
    // Two naps of ~3.75 periods (3 or 4 silent each), one of 37.5 periods that overflows the input ring
    // (37 or 38), and nine slow pairs (1 or 2 silent each: the late block's own cycle and, as the phase
    // falls, the next, whose block is not ready either).
    expect(silent).toBeGreaterThanOrEqual(2 * 3 + 37 + 9);
    expect(silent).toBeLessThanOrEqual(2 * 4 + 38 + 9 * 2 + 12); // plus a few the host may add on a shared VM
    expect(stats[1]).toBeGreaterThanOrEqual(silent); // underrun counter (the first ones are at start-up)
    expect(stats[4]).toBeGreaterThan(0); // stale frames dropped to restore the latency
    expect(stats[2]).toBeGreaterThan(0); // the long nap overflowed the input ring
  });

  it('every other block is the input, exactly, two periods later: the latency did not grow', () => {
    expect(blocks.filter((b) => b === 'other')).toEqual([]);
    const lastSilent = blocks.lastIndexOf('silent');
    expect(lastSilent).toBeLessThan(blocks.length - 100);
    expect(blocks.slice(lastSilent + 1).every((b) => b === 'exact')).toBe(true);
  });
});
