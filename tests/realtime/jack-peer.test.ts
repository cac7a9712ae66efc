// Proves the native test peer against a real (dummy) jackd before any mixd test relies on it.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JackServer } from '../helpers/jack.js';
import {
  buildJackPeer,
  jackConnect,
  jackDisconnect,
  jackPorts,
  runJackPeer,
  startJackd,
  waitForPorts,
} from '../helpers/jack.js';

const RATE = 48000;
const PERIOD = 128;
// 0.75 s: shorter than the 1 s run and not a multiple of the period, so the loop wraps mid-cycle.
const LEN = 36_000;
const CLICKS = [1000, 2000]; // click position per channel

/** ch0: 997 Hz at -6 dBFS, click +1; ch1: 1500 Hz at -12 dBFS, click -1 (tells the channels apart). */
function testSignal(): Float32Array[] {
  const tones: [number, number, number][] = [
    [997, -6, 1],
    [1500, -12, -1],
  ];
  return tones.map(([hz, db, click], c) => {
    const ch = new Float32Array(LEN);
    const amp = 10 ** (db / 20);
    for (let i = 0; i < LEN; i++) ch[i] = amp * Math.sin((2 * Math.PI * hz * i) / RATE);
    ch[CLICKS[c] ?? 0] = click;
    return ch;
  });
}

describe('jack-peer on jackd dummy', () => {
  let server: JackServer;

  beforeAll(async () => {
    buildJackPeer();
    server = await startJackd({ period: PERIOD, rate: RATE });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('records its own output looped back, delayed by exactly one period', async () => {
    const play = testSignal();
    const { json, recorded } = await runJackPeer(server, {
      name: 'PEER',
      seconds: 1,
      play,
      recordChannels: 2,
      // Both lists name the same two edges: the second jack_connect of each must be tolerated.
      connectOut: ['PEER:in_1', 'PEER:in_2'],
      connectIn: ['PEER:out_1', 'PEER:out_2'],
    });
    expect(json).toMatchObject({ frames: RATE, period: PERIOD, rate: RATE, shutdown: false });
    expect(json.cycles).toBe(Math.ceil(RATE / PERIOD));
    expect(json.startFrame).toBeGreaterThan(0);
    expect(recorded).toHaveLength(2);

    play.forEach((sent, c) => {
      const got = recorded[c] ?? new Float32Array();
      expect(got).toHaveLength(RATE);
      // The click is the only sample above 0.9: its first arrival gives the loop latency.
      const delay = got.findIndex((x) => Math.abs(x) > 0.9) - (CLICKS[c] ?? 0);
      expect(delay).toBe(PERIOD);
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) {
        const want = i < delay ? 0 : (sent[(i - delay) % LEN] ?? NaN); // silence until the loop delivers
        maxDiff = Math.max(maxDiff, Math.abs((got[i] ?? NaN) - want));
      }
      expect(maxDiff).toBeLessThanOrEqual(1e-7);
    });
  });

  it('exits 2 on bad arguments and 3 on an unknown port, naming it', () => {
    const peer = (args: string) =>
      spawnSync(buildJackPeer(), args.split(' '), { env: server.env, encoding: 'utf8' });
    expect(peer('--name X').status).toBe(2); // no --seconds
    expect(peer('--name X --seconds 1 --record').status).toBe(2); // option without a value
    expect(peer('--name X --seconds 1 --connect-out a:in_1').status).toBe(2); // more ports than channels
    const conn = peer('--name X --seconds 1 --record /dev/null --record-channels 1 --connect-in nope:out_9');
    expect(conn.status).toBe(3);
    expect(conn.stderr).toContain('nope:out_9');
  });

  it('ends early on SIGTERM, still reporting; port helpers work while it runs', async () => {
    const abort = new AbortController();
    const run = runJackPeer(server, {
      name: 'LONG',
      seconds: 10,
      play: [new Float32Array(PERIOD).fill(0.25)],
      recordChannels: 1,
      signal: abort.signal,
    });
    void run.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    try {
      await waitForPorts(server, ['LONG:out_1', 'LONG:in_1'], 3000);

      expect(jackPorts(server, /^LONG:/)).toEqual(['LONG:out_1', 'LONG:in_1']);
      jackConnect(server, 'LONG:out_1', 'LONG:in_1');
      expect(() => jackConnect(server, 'LONG:out_1', 'nope:in_1')).toThrow(/nope:in_1/);
      jackDisconnect(server, 'LONG:out_1', 'LONG:in_1');
      jackDisconnect(server, 'LONG:out_1', 'LONG:in_1'); // already disconnected: ignored
    } finally {
      abort.abort();
    }
    const { json, recorded } = await run;
    expect(json.frames).toBeGreaterThan(0);
    expect(json.frames).toBeLessThan(10 * RATE);
    expect(recorded[0]).toHaveLength(json.frames);
  });

  it('stop() frees the server name: the same name starts twice in a row', async () => {
    const name = `mixd-test-${process.pid}-reuse`;
    for (let k = 0; k < 2; k++) {
      const again = await startJackd({ name, period: 256 });
      expect(jackPorts(again, 'system:playback_')).toHaveLength(8);
      await again.stop();
      expect(() => jackPorts(again)).toThrow(); // nothing answers under that name any more
    }
  });
});
