#!/usr/bin/env node
// One engine configuration, in its own process: an EngineHost (audio worker in a worker_thread) on the JACK
// server named by JACK_DEFAULT_SERVER, running the unity session (input 1 → output 1), optionally with the GC-heavy
// load of realtime.md §2 on this process's main thread. Prints JSON lines on stdout:
//   {"event":"ready",...}   the device runs and has settled; the measurement window starts now
//   {"event":"result",...}  the window's counters (after --seconds, or when stdin closes / reads "stop")
// A backend whose host says needsHardExit (naudiodon: realtime.md F1/F3/F4) is never stopped here: after the
// result this process waits for the harness's SIGKILL. That is why every configuration runs in a child.
//
//   node bench/engine-under-load.js --backend portaudio|naudiodon --period 128 --client NAME
//        [--seconds 60 (0: until stdin closes)] [--load gc|idle] [--jackd-log FILE] [--settle-ms 2000]
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { EngineHost } from '../dist/engine/audio/engine-host.js';
import { ConfigSchema } from '../dist/daemon/config/schema.js';
import { SessionSchema } from '../dist/engine/session/schema.js';
import { deadline, logMark, sleep, xrunLinesSince } from './lib/jackd.js';
import { quantile, round, startGcLoad, watchGcPauses } from './lib/gc-load.js';

// Indices of Stat in src/engine/shared/layout.ts (a const enum: erased from dist, so repeated here).
const Stat = {
  Underruns: 0,
  InputOverflows: 1,
  OutputOverflows: 2,
  DroppedFrames: 3,
  DeviceXruns: 4,
  BlockTimeAvgUs: 6,
  BlockTimeMaxUs: 7,
  DeviceOpens: 11,
  CatchUpUnderruns: 12,
};
const COUNTERS = /** @type {const} */ ([
  'Underruns',
  'CatchUpUnderruns',
  'DeviceXruns',
  'DroppedFrames',
  'InputOverflows',
  'OutputOverflows',
]);

const { values: opt } = parseArgs({
  options: {
    backend: { type: 'string', default: 'portaudio' },
    period: { type: 'string', default: '128' },
    client: { type: 'string', default: 'mixd-bench' },
    seconds: { type: 'string', default: '60' },
    load: { type: 'string', default: 'idle' },
    'jackd-log': { type: 'string' },
    'settle-ms': { type: 'string', default: '2000' },
  },
});
const period = Number(opt.period);
const rate = 48000;
const seconds = Number(opt.seconds);
const periodUs = (1e6 * period) / rate;
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const base = { backend: opt.backend, period, rate, load: opt.load, server: process.env.JACK_DEFAULT_SERVER };

// Unity from input 1 to output 1: one mono strip, 0 dB gain and fader, pan -1 (equal-power law: cos 0 = 1
// on the left, 0 on the right), master 0 dB without its limiter, whose lookahead (the mix's own latency,
// reported apart) is not the transport's. The loop through jack_iodelay then closes on out_0.
const session = SessionSchema.parse({
  version: 1,
  strips: [{ name: 'In 1', input: 1, trimDb: 0, faderDb: 0, pan: -1 }],
  master: { faderDb: 0, limiter: { on: false } },
});
// Through the config schema, so the run gets the same defaults as `mixd run` (and any a backend adds).
const audio = ConfigSchema.parse({
  audio: { backend: opt.backend, hostApi: 'JACK', blockFrames: period, clientName: opt.client },
}).audio;

// stdin closing (or "stop") ends the window early; it also means the harness has gone away.
let endWindow = () => {};
const stopRequested = new Promise((r) => {
  endWindow = r;
  process.stdin.on('data', (d) => String(d).includes('stop') && r());
  process.stdin.on('end', r);
  process.stdin.on('error', r);
});

/** @type {string[]} */
const engineLog = [];
const note = (level) => (fields, msg) => {
  if (engineLog.length < 20) engineLog.push(`${level}: ${msg} ${JSON.stringify(fields)}`);
  process.stderr.write(
    `engine-under-load [${opt.backend} p${period}] ${level}: ${msg} ${JSON.stringify(fields)}\n`,
  );
};
/** @type {Record<string, unknown> | undefined} */
let device;
let resolveDevice = (_e) => {};
const firstRunning = new Promise((r) => (resolveDevice = r));
/** @type {string | undefined} */
let fatal;
const host = new EngineHost({
  audio,
  session,
  stallMs: 2000,
  // naudiodon cannot recover in-process: note why, finish the window early, and let the harness kill us.
  onFatal: (reason) => {
    fatal = reason;
    endWindow();
  },
  log: { error: note('error'), warn: note('warn'), info: () => {}, debug: () => {} },
  onDevice: (e) => {
    if (e.state === 'running' && !device) resolveDevice((device = e));
    else if (e.state !== 'running') note('info')({ reason: e.reason }, `device ${e.state}`);
  },
});
const hardExit = () => Boolean(/** @type {{ needsHardExit?: boolean }} */ (host).needsHardExit);

host.start();
const t0 = performance.now();
const started = await Promise.race([firstRunning, deadline(15_000), stopRequested]);
if (!started) {
  const reason = fatal ?? `device not running after 15 s (${engineLog.at(-1) ?? 'no engine log'})`;
  out({ event: 'result', ...base, skipped: true, reason, needsHardExit: hardExit() });
  await finish();
}
const openMs = performance.now() - t0;
await sleep(Number(opt['settle-ms'])); // activation and JIT tier-up are not part of the window

const stats = host.views.stats;
const snap = () => Object.fromEntries(COUNTERS.map((k) => [k, stats[Stat[k]] ?? 0]));
const before = snap();
const beatsBefore = host.views.heartbeat();
const restartsBefore = host.restartCount;
const opensBefore = stats[Stat.DeviceOpens] ?? 0;
const logFile = opt['jackd-log'];
const mark = logFile ? logMark(logFile) : 0;
const gcPauses = watchGcPauses();
const stopLoad = opt.load === 'gc' ? startGcLoad() : undefined;
const start = performance.now();
out({ event: 'ready', ...base, device, openMs: round(openMs, 0) });

// The worker publishes BlockTimeAvgUs/BlockTimeMaxUs once per second of audio; sampling at 5 Hz and keeping
// each new pair catches every publication even when a GC pause delays a sample.
/** @type {{ avg: number, max: number }[]} */
const timing = [];
let lastPair = `${stats[Stat.BlockTimeAvgUs]}/${stats[Stat.BlockTimeMaxUs]}`;
const sampler = setInterval(() => {
  const avg = stats[Stat.BlockTimeAvgUs] ?? 0;
  const max = stats[Stat.BlockTimeMaxUs] ?? 0;
  const pair = `${avg}/${max}`;
  if (pair !== lastPair && max > 0) timing.push({ avg, max });
  lastPair = pair;
}, 200);

if (seconds > 0) await Promise.race([sleep(seconds * 1000), stopRequested]);
else await stopRequested;
const elapsed = (performance.now() - start) / 1000;
clearInterval(sampler);
const load = stopLoad?.();
const gc = gcPauses();
const after = snap();
const d = Object.fromEntries(COUNTERS.map((k) => [k, after[k] - before[k]]));
// Without the server's log, PortAudio's own xrun reports stand in for the server's notifications.
const jackd = logFile ? xrunLinesSince(logFile, mark) : undefined;
const serverXruns = jackd?.jackdXruns ?? d.DeviceXruns;
const blocks = host.views.heartbeat() - beatsBefore;
const maxima = timing.map((t) => t.max).sort((a, b) => a - b);
const avgs = timing.map((t) => t.avg);
const mean = (xs) => xs.reduce((x, y) => x + y, 0) / (xs.length || 1);
const pct = (us) => round((100 * us) / periodUs, 2);
const perMin = (n) => (n === null ? null : round((60 * n) / elapsed, 2));
out({
  event: 'result',
  ...base,
  seconds: round(elapsed, 2),
  blocks,
  expectedBlocks: Math.round((elapsed * rate) / period),
  underruns: d.Underruns,
  // Underruns in a cycle the server ran right after a late one (its catch-up): the worker had no time.
  catchUpUnderruns: d.CatchUpUnderruns,
  deviceXruns: d.DeviceXruns,
  droppedFrames: d.DroppedFrames,
  inputOverflows: d.InputOverflows,
  outputOverflows: d.OutputOverflows,
  jackdXruns: jackd?.jackdXruns ?? null,
  jackdNotFinished: jackd?.notFinished ?? null,
  jackdTimerXruns: jackd?.timerXruns ?? null,
  jackdProcessErrors: jackd?.processErrors ?? null,
  // What mixd glitched on: the server's xrun notifications (as a client's xrun callback counts them) plus the
  // blocks the worker was late for (heard as a gap, with no JACK xrun: the binding's callback never waits).
  xruns: serverXruns + d.Underruns,
  xrunsPerMin: perMin(serverXruns + d.Underruns),
  blockTimeSamples: timing.length,
  blockTimeAvgUs: round(mean(avgs), 1),
  blockTimeMaxMeanUs: round(mean(maxima), 1),
  blockTimeMaxP99Us: round(quantile(maxima, 0.99), 1),
  blockTimeMaxUs: round(maxima.at(-1) ?? 0, 1),
  blockTimeAvgPct: pct(mean(avgs)),
  blockTimeMaxMeanPct: pct(mean(maxima)),
  blockTimeMaxP99Pct: pct(quantile(maxima, 0.99)),
  blockTimeMaxPct: pct(maxima.at(-1) ?? 0),
  ...gc,
  gcLoad: load ?? null,
  workerRestarts: host.restartCount - restartsBefore,
  deviceReopens: (stats[Stat.DeviceOpens] ?? 0) - opensBefore,
  needsHardExit: hardExit(),
  fatal: fatal ?? null,
  engineLog,
});
await finish();

async function finish() {
  if (hardExit()) {
    // Never stop this backend (it can abort, spin or segfault on close): the harness SIGKILLs us. If the
    // harness is gone, do it ourselves rather than linger.
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 10_000);
    await new Promise(() => {});
  }
  await host.stop(3000);
  process.exit(0);
}
