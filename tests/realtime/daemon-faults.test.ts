// The daemon as systemd runs it, under faults: its JACK server dies and comes back (twice), its audio
// worker stalls or crashes, it is started and stopped many times in a row, it has no device at all, and it
// talks sd_notify. Each test runs its own jackd (dummy driver) under a unique name and the built daemon
// (dist/daemon/main.js: `npm run build` first) as a child process.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { LEVEL, msgIs, startDaemon, stopAll, type DaemonProcess, type LogLine } from '../helpers/daemon.js';
import { jackPorts, runJackPeer, startJackd, waitForPorts, type JackServer } from '../helpers/jack.js';
import { startNotifyListener } from '../helpers/notify-listener.js';

const RATE = 48000;
const AUDIO_ON = /^audio on "system"/;
const LOST = 'audio device stopped responding; running on the null clock and retrying';
const NO_DEVICE = /^no audio device/;
const MIXD_PORTS = [...Array.from({ length: 8 }, (_, i) => `mixd:in_${i}`), 'mixd:out_0', 'mixd:out_1'];
const RETRY = { initialMs: 200, maxMs: 1000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const since = (t0: number): number => Math.round(performance.now() - t0);
const serverName = (tag: string): string => `mixd-faults-${process.pid}-${tag}`;

// Servers still up when a test fails half-way are stopped in afterAll (by their own handle, never by name).
const servers = new Set<JackServer>();
async function jackd(tag: string): Promise<JackServer> {
  const server = await startJackd({ name: serverName(tag), rate: RATE, period: 128 });
  servers.add(server);
  return server;
}
async function stopJackd(server: JackServer): Promise<void> {
  await server.stop();
  servers.delete(server);
}

const figures: Record<string, unknown> = {};

afterAll(async () => {
  await stopAll();
  await Promise.all([...servers].map((s) => s.stop()));
  servers.clear();
  console.log(`daemon-faults figures: ${JSON.stringify(figures, null, 2)}`);
});

/** A 1 kHz sine at 0.25 (one second: a whole number of cycles, so the peer's loop is seamless). */
const SINE = Float32Array.from({ length: RATE }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
// Default session: strip 1 at unity, centre pan (−3 dB law), master 0 dB → out_0 = in_0 · cos(π/4).
const EXPECTED_RMS = (0.25 / Math.SQRT2) * Math.cos(Math.PI / 4);
let peerSerial = 0;

/**
 * Plays SINE into mixd:in_0, records mixd:out_0, and returns the level error in dB after the first 0.1 s: the
 * median over 10 ms windows (ten whole cycles each), so a block lost to host scheduling (counted as an
 * underrun, and the subject of audio-path.test.ts) does not read as a level error.
 */
async function captureErrorDb(server: JackServer): Promise<number> {
  const { recorded } = await runJackPeer(server, {
    name: `mixd-faults-peer-${peerSerial++}`,
    seconds: 0.6,
    play: [SINE],
    recordChannels: 1,
    connectOut: ['mixd:in_0'],
    connectIn: ['mixd:out_0'],
  });
  const x = (recorded[0] ?? new Float32Array()).subarray(Math.round(0.1 * RATE));
  expect(x.length).toBeGreaterThan(RATE / 4);
  const window = RATE / 100;
  const levels: number[] = [];
  for (let start = 0; start + window <= x.length; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += x[i]! * x[i]!;
    levels.push(Math.sqrt(sum / window));
  }
  levels.sort((a, b) => a - b);
  return 20 * Math.log10(levels[levels.length >> 1]! / EXPECTED_RMS);
}

/** mixd's ports; jack_lsp is retried, as it very rarely fails to open its own client under load. */
async function mixdPorts(server: JackServer): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return jackPorts(server, /^mixd:/);
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(100);
    }
  }
}

/** Arrival time (Date.now()) of a line returned by waitForLog. */
const arrival = (d: DaemonProcess, line: LogLine): number => d.arrivals[d.lines.indexOf(line)] ?? NaN;

async function expectCleanExit(d: DaemonProcess): Promise<number> {
  expect(d.running, `mixd exited early\n${d.tail()}`).toBe(true);
  const r = await d.stop('SIGTERM');
  expect(r, d.tail()).toMatchObject({ code: 0, signal: null });
  expect(d.lines.some(msgIs('stopped'))).toBe(true);
  return Math.round(r.ms);
}

describe('mixd daemon under faults (jackd dummy)', () => {
  it('loses jackd twice, runs on the null clock meanwhile and resumes audio each time', async () => {
    const name = 'loss';
    let server = await jackd(name);
    // Debug level: a failed reopen attempt logs its reason ("device open failed; next attempt in …").
    const d = startDaemon({ config: { audio: { retry: RETRY }, log: { level: 'debug' } }, env: server.env });
    await d.waitForLog(msgIs(AUDIO_ON), 10_000);
    await waitForPorts(server, MIXD_PORTS);
    const errorsDb = [await captureErrorDb(server)];
    const detectionMs: number[] = [];
    const reopenMs: { fromJackdStart: number; fromJackdReady: number }[] = [];
    figures['deviceLoss'] = { detectionMs, reopenMs, levelErrorsDb: errorsDb };

    for (let round = 1; round <= 2; round++) {
      const from = d.lines.length;
      const t0 = performance.now();
      await stopJackd(server);
      // Within 1.5 s of killing jackd: deadDeviceMs (500) + the bounded close (300) + slack.
      const lost = await d.waitForLog(msgIs(LOST), Math.max(1, 1500 - since(t0)), from);
      detectionMs.push(since(t0));
      expect(lost.level).toBe(LEVEL.warn);
      await sleep(100);
      expect(d.running, `mixd exited after losing jackd\n${d.tail()}`).toBe(true);

      const spawned = Date.now();
      server = await jackd(name); // the same name: mixd's JACK_DEFAULT_SERVER
      const ready = Date.now();
      const reopened = await d.waitForLog(msgIs(AUDIO_ON), RETRY.maxMs + 3000, from).catch((err: Error) => {
        const failed = d.lines.filter(msgIs(/^device open failed/)).at(-1);
        throw new Error(`round ${round}: ${err.message}\nlast failed attempt: ${JSON.stringify(failed)}`);
      });
      reopenMs.push({
        fromJackdStart: arrival(d, reopened) - spawned,
        fromJackdReady: arrival(d, reopened) - ready,
      });
      expect(reopened.level).toBe(LEVEL.info);
      await waitForPorts(server, MIXD_PORTS);
      errorsDb.push(await captureErrorDb(server));
    }
    for (const e of errorsDb) expect(Math.abs(e)).toBeLessThanOrEqual(0.05);
    expect(
      d.lines.filter((l) => l.level >= LEVEL.error),
      d.tail(),
    ).toEqual([]);
    figures['deviceLoss'] = { ...(figures['deviceLoss'] as object), stopMs: await expectCleanExit(d) };
    await stopJackd(server);
  }, 60_000);

  it.each([
    { fault: 'stall@1500', restart: msgIs('audio worker stalled; restarting it') },
    {
      fault: 'crash@1500',
      restart: msgIs(/^audio worker (crashed|exited unexpectedly; restarting it)$/),
    },
  ])(
    'restarts a worker that fails ($fault) and keeps running',
    async ({ fault, restart }) => {
      const server = await jackd(fault.replace('@', '-'));
      const d = startDaemon({ env: { ...server.env, MIXD_TEST_FAULT: fault } });
      const first = await d.waitForLog(msgIs(AUDIO_ON), 10_000);
      const restarted = await d.waitForLog(restart, 1500 + 1000 + 3000);
      const t0 = arrival(d, restarted);
      const second = await d.waitForLog(msgIs(AUDIO_ON), 5000, d.lines.indexOf(first) + 1);
      figures[`worker ${fault}`] = {
        restartLogMsAfterFirstAudioOn: t0 - arrival(d, first),
        secondAudioOnMsAfterRestartLog: arrival(d, second) - t0,
      };
      await waitForPorts(server, ['mixd:in_0', 'mixd:out_0']);
      await sleep(500);
      const errorDb = await captureErrorDb(server);
      expect(Math.abs(errorDb)).toBeLessThanOrEqual(0.05);
      await expectCleanExit(d);
      await stopJackd(server);
    },
    30_000,
  );

  it('stops cleanly and quickly, 50 times on SIGTERM and 5 on SIGINT', async () => {
    const server = await jackd('cycles');
    const stops: { signal: string; ms: number; code: number | null; killedBy: string | null }[] = [];
    // expect.soft: every cycle runs and the figures are complete even when some cycles fail.
    for (let i = 0; i < 55; i++) {
      const signal = i < 50 ? 'SIGTERM' : 'SIGINT';
      const at = `cycle ${i} (${signal})`;
      const d = startDaemon({ env: server.env });
      await d.waitForLog(msgIs(AUDIO_ON), 10_000);
      const r = await d.stop(signal);
      stops.push({ signal, ms: r.ms, code: r.code, killedBy: r.signal });
      expect.soft(r, `${at}\n${d.tail()}`).toMatchObject({ code: 0, signal: null });
      expect.soft(r.ms, at).toBeLessThan(2000);
      expect.soft(d.stderr, at).toBe('');
      expect.soft(d.badLines, at).toEqual([]);
      expect.soft(d.lines.find(msgIs('stopping'))?.['signal'], `${at}\n${d.tail()}`).toBe(signal);
      expect.soft(d.lines.at(-1)?.msg, `${at}\n${d.tail()}`).toBe('stopped');
      expect.soft(await mixdPorts(server), at).toEqual([]);
    }
    const slowest = stops.reduce((a, b) => (b.ms > a.ms ? b : a));
    const median = stops.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(stops.length / 2)] ?? NaN;
    const failed = stops.filter((s) => s.code !== 0).map((s) => `${s.signal}→${s.killedBy ?? s.code}`);
    figures['shutdown'] = {
      cycles: stops.length,
      slowestStopMs: Math.round(slowest.ms),
      slowestSignal: slowest.signal,
      medianStopMs: Math.round(median),
      failedExits: failed,
    };
    console.log(
      `shutdown: slowest stop ${slowest.ms.toFixed(1)} ms (${slowest.signal}), median ${median.toFixed(1)} ms, ` +
        `${failed.length} of ${stops.length} exits not 0 ${JSON.stringify(failed)}`,
    );
    await stopJackd(server);
  }, 120_000);

  it('runs without any audio device and still stops cleanly', async () => {
    // No server under this name, and hostApi JACK so that a real sound card on the machine is never picked.
    const env = { ...process.env, JACK_DEFAULT_SERVER: serverName('absent'), JACK_NO_START_SERVER: '1' };
    const d = startDaemon({ config: { audio: { hostApi: 'JACK', retry: RETRY } }, env });
    const warn = await d.waitForLog(msgIs(NO_DEVICE), 10_000);
    expect(warn.level).toBe(LEVEL.warn);
    await sleep(2000); // several retries
    expect(d.running, d.tail()).toBe(true);
    expect(d.lines.filter(msgIs(NO_DEVICE)), 'the warning is logged once, not per retry').toHaveLength(1);
    figures['noDevice'] = { stopMs: await expectCleanExit(d) };
    expect(d.stderr).toBe('');
  }, 30_000);

  it('tells systemd READY, pings the watchdog and says STOPPING', async () => {
    let unixDgramError: string | undefined;
    try {
      createRequire(import.meta.url)('unix-dgram');
    } catch (err) {
      unixDgramError = String(err);
    }
    if (unixDgramError !== undefined) {
      throw new Error(
        `the optional native dependency unix-dgram does not load in this checkout (its binding is built by ` +
          `npm ci), so mixd cannot send sd_notify datagrams: ${unixDgramError}`,
      );
    }
    const server = await jackd('notify');
    const listener = await startNotifyListener();
    try {
      const env: NodeJS.ProcessEnv = {
        ...server.env,
        NOTIFY_SOCKET: listener.path,
        WATCHDOG_USEC: '1000000',
      };
      delete env['WATCHDOG_PID'];
      const d = startDaemon({ env });
      const ready = await listener.next(10_000);
      expect(ready.get('READY')).toBe('1');
      expect(ready.get('STATUS')).toMatch(AUDIO_ON);
      const readyAt = listener.all.find((n) => n.text.startsWith('READY=1'))?.at ?? NaN;
      await sleep(2000 - (Date.now() - readyAt));
      const pings = listener.all.filter(
        (n) => n.text === 'WATCHDOG=1' && n.at > readyAt && n.at <= readyAt + 2000,
      );
      expect(pings.length, d.tail()).toBeGreaterThanOrEqual(2);
      expect(
        d.lines.filter((l) => /^(sd_notify|watchdog):/.test(l.msg)),
        d.tail(),
      ).toEqual([]);

      const signalAt = Date.now();
      const stopMs = await expectCleanExit(d);
      for (
        let i = 0;
        i < 100 && !listener.all.some((n) => n.at >= signalAt && /^STOPPING=1$/m.test(n.text));
        i++
      ) {
        await sleep(10);
      }
      const stopping = listener.all.filter((n) => n.at >= signalAt && /^STOPPING=1$/m.test(n.text));
      expect(stopping, JSON.stringify(listener.all)).toHaveLength(1);
      figures['sdNotify'] = { watchdogPingsIn2s: pings.length, stopMs };
    } finally {
      listener.close();
    }
    await stopJackd(server);
  }, 30_000);
});
