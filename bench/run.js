#!/usr/bin/env node
// `npm run bench`: mixd's realtime benchmark against the native references of ../shared/bench (README there),
// side by side in one run on private jackd dummy servers, one per period. Per period: the round trip with
// jack_iodelay (native passthrough, mixd, naudiodon), then xrun windows one client at a time (an xrun anywhere
// counts for every client): mixd idle and under the GC-heavy main-thread load, the native passthrough for the
// same time, naudiodon idle and under the same load. Each engine runs in a child process (engine-under-load.js).
// Prints one JSON line per measurement on stdout (lines starting with "{"), progress on stderr, then the
// summary as markdown on stdout (and into --markdown FILE, for BENCHMARKS.md).
//
//   node bench/run.js [--quick] [--seconds 600] [--naudiodon-seconds 120] [--idle-seconds 60]
//                     [--rt-seconds 20] [--periods 128,64] [--backends portaudio,naudiodon] [--markdown FILE]
//                     [--strip-only | --skip-strip]
// The strip DSP benchmark (bench/strip.js, WASM kernel vs native bench-strip) runs first.
import { existsSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { parseArgs } from 'node:util';
import {
  BASELINE,
  ENGINE_HOST,
  childrenGone,
  killChildren,
  runBaseline,
  startEngine,
  startNeighbourLoad,
} from './lib/clients.js';
import { liveServers, logMark, startJackd, xrunLinesSince } from './lib/jackd.js';
import { describeMachine, summary, targets } from './lib/report.js';
import { runStripBench } from './strip.js';

const USAGE = `node bench/run.js [--quick] [--seconds 600] [--naudiodon-seconds 120] [--idle-seconds 60]
                    [--rt-seconds 20] [--periods 128,64] [--backends portaudio,naudiodon] [--markdown FILE]
                    [--strip-only | --skip-strip]`;
const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    'naudiodon-seconds': { type: 'string' },
    'idle-seconds': { type: 'string' },
    'rt-seconds': { type: 'string' },
    periods: { type: 'string', default: '128,64' },
    backends: { type: 'string', default: 'portaudio,naudiodon' },
    markdown: { type: 'string' },
    'strip-only': { type: 'boolean', default: false },
    'skip-strip': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (a.help) {
  process.stderr.write(`usage: ${USAGE}\n`);
  process.exit(0);
}
const n = (v, d) => (v === undefined ? d : Number(v));
// The issue asks for 10-minute windows; --quick (20 s) is for checking that the bench works.
const seconds = n(a.seconds, a.quick ? 20 : 600);
const opts = {
  seconds,
  // naudiodon is the comparison baseline, not a target: 2 minutes show its rate (realtime.md §3 measured 60 s).
  naudiodonSeconds: n(a['naudiodon-seconds'], Math.min(seconds, 120)),
  idleSeconds: n(a['idle-seconds'], a.quick ? 10 : Math.min(seconds, 60)),
  rtSeconds: n(a['rt-seconds'], a.quick ? 10 : 20),
  periods: a.periods.split(',').map(Number),
  backends: a.backends.split(',').filter(Boolean),
  argv: process.argv.slice(2),
  realtime: true,
  elapsedMin: 0,
};
for (const k of ['seconds', 'naudiodon-seconds', 'idle-seconds', 'rt-seconds']) {
  if (a[k] !== undefined && !(Number(a[k]) > 0)) throw new Error(`--${k}: expected a positive number`);
}
if (opts.periods.some((p) => !Number.isInteger(p) || p < 16 || (p & (p - 1)) !== 0)) {
  throw new Error('--periods: expected powers of two, e.g. 128,64');
}
const omit = (obj, keys) => Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
const pick = (obj, keys) => Object.fromEntries(Object.entries(obj).filter(([k]) => keys.includes(k)));
const RT_FIELDS = ['roundTripFrames', 'roundTripMs', 'roundTripReadings', 'roundTripMinFrames'];
RT_FIELDS.push('roundTripMaxFrames', 'directRoundTripFrames', 'directReadings', 'addedFrames');
const CLIENT = { portaudio: 'mixd', naudiodon: 'naudiodon' };
for (const b of opts.backends) if (!(b in CLIENT)) throw new Error(`--backends: unknown backend "${b}"`);

// ---- cleanup: only what this run started, by pid
let interrupted = false;
const cleanup = async () => {
  killChildren();
  await childrenGone(5000);
  await Promise.all(liveServers().map((s) => s.stop()));
};
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    interrupted = true;
    process.stderr.write(`bench: ${sig}, stopping what this run started\n`);
    void cleanup().then(() => process.exit(130));
  });
}
process.once('exit', () => {
  killChildren();
  for (const s of liveServers()) s.kill();
});

// Preflight: what every measurement needs, so a missing piece fails in a second rather than after an hour.
for (const [file, fix] of [
  [BASELINE, 'the native references are expected at ../shared/bench/ (relative to the repository root)'],
  [ENGINE_HOST, 'run `npm run build` first'],
]) {
  if (!existsSync(file)) throw new Error(`${file} not found: ${fix}`);
}

// The strip DSP benchmark first: CPU-bound, so it runs before any jackd is started.
let stripMarkdown = '';
if (!a['skip-strip']) {
  const strip = await runStripBench({ log: (s) => process.stderr.write(`${s}\n`) });
  stripMarkdown = `${strip.markdown}\n\n`;
  process.stdout.write(`\n${strip.markdown}\n\n`);
  if (a['strip-only']) {
    if (a.markdown) writeFileSync(a.markdown, stripMarkdown);
    process.exit(strip.ok ? 0 : 1);
  }
}

const t0 = Date.now();
const progress = (msg) => {
  if (interrupted) return;
  const s = Math.round((Date.now() - t0) / 1000);
  process.stderr.write(
    `[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${msg}\n`,
  );
};
const childLog = (tag) => (s) => {
  for (const line of String(s).split('\n')) if (line.trim()) process.stderr.write(`    ${tag}: ${line}\n`);
};
/** @type {Record<string, any>[]} */
const records = [];
let failures = 0;
const emit = (r) => {
  if (interrupted) return; // what ends after an interruption ends because of it
  records.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
};
/** Runs one measurement; an error is recorded (and the run goes on), not thrown. */
async function measure(base, fn) {
  if (interrupted) return;
  try {
    emit({ ...base, ...(await fn()) });
  } catch (err) {
    failures++;
    emit({ ...base, error: err instanceof Error ? err.message : String(err) });
  }
}

// Per period: each round trip adds a 3 s direct loop and about 5 s of start-up; each engine window about 6 s.
const perPeriod =
  (1 + opts.backends.length) * (opts.rtSeconds + 8) +
  opts.backends.length * (opts.idleSeconds + 6) +
  2 * (seconds + 2) +
  (opts.backends.includes('portaudio') ? seconds + 6 : 0) +
  (opts.backends.includes('naudiodon') ? opts.naudiodonSeconds + 6 : 0);
progress(
  `bench: periods ${opts.periods.join(', ')}; about ${Math.ceil((opts.periods.length * perPeriod) / 60)} min ` +
    `(windows: ${seconds} s mixd/native, ${opts.naudiodonSeconds} s naudiodon, ${opts.idleSeconds} s idle)`,
);
emit(describeMachine());

for (const period of opts.periods) {
  if (interrupted) break;
  progress(`jackd dummy, period ${period}`);
  let server;
  try {
    server = await startJackd({ name: `mixd-bench-${process.pid}-${period}`, period });
  } catch (err) {
    failures++;
    emit({ kind: 'server', period, error: err instanceof Error ? err.message : String(err) });
    continue;
  }
  opts.realtime &&= server.realtime;
  try {
    await runPeriod(server, period);
  } finally {
    await server.stop();
  }
}

/** An engine that did not come up (e.g. its addon was being rebuilt at that moment) gets one more try. */
async function startOnce(server, config) {
  const e = await startEngine(server, config);
  if (!e.ready.skipped || interrupted) return e;
  progress(`${config.backend}: not running (${e.ready.reason}); one more try`);
  return startEngine(server, config);
}

async function runPeriod(server, period) {
  const rtArgs = ['--seconds', String(opts.rtSeconds)];
  const roundTrip = (r) => ({
    ...pick(r, RT_FIELDS),
    addedPeriods: r.addedFrames === null ? null : r.addedFrames / period,
  });

  progress(`p${period}: round trip, native passthrough (${opts.rtSeconds} s)`);
  await measure({ kind: 'roundtrip', client: 'native', period }, async () => {
    const r = await runBaseline(server, ['--iodelay', ...rtArgs], childLog('baseline'));
    return { ...roundTrip(r), xruns: r.xruns };
  });
  for (const backend of opts.backends) {
    progress(`p${period}: round trip through ${CLIENT[backend]} (${opts.rtSeconds} s)`);
    await measure({ kind: 'roundtrip', client: CLIENT[backend], backend, period }, async () => {
      const log = childLog(backend);
      const e = await startOnce(server, { backend, period, seconds: 0, load: 'idle', log });
      if (e.ready.skipped) return { skipped: true, reason: e.ready.reason };
      try {
        if (!e.ports) throw new Error('the engine runs but its JACK ports were not found');
        const through = ['--through', e.ports.input, e.ports.output, ...rtArgs];
        const r = await runBaseline(server, through, childLog('baseline'));
        const res = await e.finish();
        return { ports: e.ports, ...roundTrip(r), engineXruns: res.xruns ?? null };
      } finally {
        await e.finish(); // once only: after the first call this returns the same result
      }
    });
  }

  const engineWindow = (backend, load, secs) =>
    measure({ kind: 'xruns', client: CLIENT[backend], backend, period, load }, async () => {
      const what = load === 'gc' ? 'under the GC load' : 'idle';
      progress(`p${period}: ${CLIENT[backend]} ${what} for ${secs} s`);
      const e = await startOnce(server, { backend, period, seconds: secs, load, log: childLog(backend) });
      return omit(await e.finish(), ['event', 'backend', 'period', 'load']);
    });
  if (opts.backends.includes('portaudio')) {
    await engineWindow('portaudio', 'idle', opts.idleSeconds);
    await engineWindow('portaudio', 'gc', seconds);
  }
  // The native floor right after mixd's window, for the same time on the same server: idle, and with the same
  // GC load running beside it in another process (it has no control thread of its own to load).
  await nativeWindow(server, period, 'none');
  await nativeWindow(server, period, 'gc-neighbour');
  if (opts.backends.includes('naudiodon')) {
    await engineWindow('naudiodon', 'idle', opts.idleSeconds);
    await engineWindow('naudiodon', 'gc', opts.naudiodonSeconds);
  }
}

async function nativeWindow(server, period, load) {
  const beside = load === 'none' ? '' : ' beside the GC load';
  progress(`p${period}: native passthrough${beside} for ${seconds} s`);
  await measure({ kind: 'xruns', client: 'native', period, load }, async () => {
    const stopLoad = load === 'none' ? undefined : startNeighbourLoad();
    // The server's log is read from the moment the passthrough restarts its counters (after activation).
    let mark = logMark(server.logFile);
    const log = childLog('baseline');
    const r = await runBaseline(server, ['--seconds', String(seconds)], (s) => {
      if (s.includes('measurement restarted')) mark = logMark(server.logFile);
      log(s);
    }).finally(() => stopLoad?.());
    const { jackdXruns, notFinished, timerXruns, processErrors } = xrunLinesSince(server.logFile, mark);
    return {
      ...omit(r, ['period', 'client']),
      ...{ jackdXruns, jackdNotFinished: notFinished, jackdTimerXruns: timerXruns },
      jackdProcessErrors: processErrors,
    };
  });
}

if (!interrupted) {
  for (const t of targets(records, opts.periods)) emit(t);
  opts.elapsedMin = (Date.now() - t0) / 60_000;
  const md = summary(records, opts);
  process.stdout.write(`\n${md}\n`);
  if (a.markdown) writeFileSync(a.markdown, `${stripMarkdown}${md}\n`);
  progress(`bench: done${a.markdown ? `, markdown in ${a.markdown}` : ''}; native reference ${BASELINE}`);
}
process.exitCode = interrupted ? 130 : failures > 0 ? 1 : 0;
