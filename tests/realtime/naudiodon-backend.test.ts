// The naudiodon backend (audio.backend: naudiodon) on a private jackd dummy server. EngineHost runs in a child
// process (fixtures/naudiodon-host.mjs, on dist/): naudiodon must never load in the test runner, and a process
// owning it can only end by SIGKILL (realtime.md F1–F4, §9). Needs `npm run build` first (npm test does it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jackPorts, runJackPeer, startJackd, type JackServer } from '../helpers/jack.js';

const RATE = 48000;
const PERIOD = 128;
const PRIME = 2; // naudiodon-worker.ts
const FIXTURE = fileURLToPath(new URL('./fixtures/naudiodon-host.mjs', import.meta.url));

interface Child {
  proc: ChildProcess;
  events: Record<string, unknown>[];
  exited: Promise<NodeJS.Signals | number | null>;
  waitFor(type: string, state?: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Starts the fixture; its JSON lines become `events` (naudiodon's printf lines are skipped). */
function startHost(server: JackServer, clientName: string, cwd: string): Child {
  // UV_THREADPOOL_SIZE must be in the environment: an ESM entry can't set it before the pool starts (F10).
  const env = { ...server.env, UV_THREADPOOL_SIZE: '8' };
  // cwd: naudiodon's segfault-handler writes crash.log there (F12).
  const proc = spawn(process.execPath, [FIXTURE, clientName, String(PERIOD)], { env, cwd });
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  let rest = '';
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  proc.stdout.setEncoding('utf8').on('data', (s: string) => {
    const lines = (rest + s).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) events.push(JSON.parse(l) as Record<string, unknown>);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const waitFor = async (type: string, state?: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = events.find((x) => x.type === type && (state === undefined || x.state === state));
      if (e) return e;
      if (Date.now() > deadline || proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`no ${type} ${state ?? ''} event; got ${JSON.stringify(events)}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { proc, events, exited, waitFor };
}

const dB = (x: number): number => 20 * Math.log10(x);
function rms(x: Float32Array, from: number, to: number): number {
  let acc = 0;
  for (let i = from; i < to; i++) acc += x[i]! * x[i]!;
  return Math.sqrt(acc / (to - from));
}

describe('naudiodon backend on jackd dummy', () => {
  let server: JackServer;
  let cwd: string;
  const children: Child[] = [];
  const name = `mixdnd${process.pid}`;

  beforeAll(async () => {
    server = await startJackd({ period: PERIOD, rate: RATE });
    cwd = mkdtempSync(join(tmpdir(), 'mixd-naudiodon-'));
  });
  afterAll(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('opens JACK under audio.clientName, mixes at the right level, adds (1 + prime) periods and the mix latency it reports', async () => {
    const host = startHost(server, name, cwd);
    children.push(host);
    const running = await host.waitFor('device', 'running');
    expect(running).toMatchObject({ hostApi: 'JACK Audio Connection Kit', inChannels: 8, outChannels: 2 });
    const ins = Array.from({ length: 8 }, (_, i) => `${name}:in_${i}`);
    expect(jackPorts(server, new RegExp(`^${name}:`)).sort()).toEqual([
      ...ins,
      `${name}:out_0`,
      `${name}:out_1`,
    ]);
    expect(jackPorts(server, 'PortAudio:')).toEqual([]);

    // 1 kHz at 0.25 into input 1; the default session pans it centre (−3 dB law): L = R = 0.25/√2·cos(π/4).
    const sine = Float32Array.from(
      { length: RATE },
      (_, i) => 0.25 * Math.sin((2 * Math.PI * 1000 * i) / RATE),
    );
    const levels = await runJackPeer(server, {
      name: `SRC${process.pid}`,
      seconds: 1,
      play: [sine],
      recordChannels: 2,
      connectOut: [`${name}:in_0`],
      connectIn: [`${name}:out_0`, `${name}:out_1`],
    });
    const want = (0.25 / Math.SQRT2) * Math.cos(Math.PI / 4);
    const errors = levels.recorded.map((ch) => dB(rms(ch, 12_000, 36_000) / want));
    console.log(`out_0/out_1 level error ${errors.map((e) => e.toFixed(4)).join(' / ')} dB`);
    for (const e of errors) expect(Math.abs(e)).toBeLessThan(0.05);

    // A click through the same loop. The peer looped onto itself measures 1 period (jack-peer.test.ts), so
    // a native client adds nothing; naudiodon's callback buffer, its queue and the prime add (1 + prime),
    // and the default master's true-peak limiter its lookahead, which mixd reports as mixLatencyFrames.
    const mixLatency = running['mixLatencyFrames'] as number;
    expect(mixLatency).toBeGreaterThan(0);
    expect(mixLatency).toBeLessThanOrEqual(0.0025 * RATE); // the limiter: ≈ 2.1 ms (limiter.ts)
    const click = new Float32Array(RATE / 2);
    click[4800] = 1;
    const loop = await runJackPeer(server, {
      name: `CLK${process.pid}`,
      seconds: 0.5,
      play: [click],
      recordChannels: 1,
      connectOut: [`${name}:in_0`],
      connectIn: [`${name}:out_0`],
    });
    const delay = loop.recorded[0]!.findIndex((x) => Math.abs(x) > 0.35) - 4800;
    const added = delay - PERIOD - mixLatency;
    console.log(
      `naudiodon round trip ${delay} frames (${((1000 * delay) / RATE).toFixed(2)} ms, mix ${mixLatency}); added over a native ` +
        `client ${added} frames = ${added / PERIOD} periods (${((1000 * added) / RATE).toFixed(2)} ms)`,
    );
    expect(added).toBe((1 + PRIME) * PERIOD);
  });

  it('stops by fading out, then the process ends by SIGKILL', async () => {
    const host = children[0]!;
    host.proc.kill('SIGTERM');
    expect(await host.waitFor('stopped', undefined, 3000)).toMatchObject({ needsHardExit: true });
    expect(await host.exited).toBe('SIGKILL');
    expect(jackPorts(server, new RegExp(`^${name}:`))).toEqual([]);
  });

  it('reports a dead server as lost + fatal (no in-process recovery), and the process is killed', async () => {
    const host = startHost(server, `${name}b`, cwd);
    children.push(host);
    await host.waitFor('device', 'running');
    const t0 = Date.now();
    await server.stop();
    const lost = await host.waitFor('device', 'lost', 5000);
    expect(String(lost.reason)).toMatch(/no audio block/);
    expect(await host.waitFor('fatal', undefined, 1000)).toHaveProperty('reason');
    expect(await host.exited).toBe('SIGKILL');
    console.log(`dead server detected and the process killed ${Date.now() - t0} ms after jackd was stopped`);
  });
});
