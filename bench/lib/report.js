// The machine description, the targets and the summary (one markdown text, printed and written to --markdown).
import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { jackdVersion } from './jackd.js';

const readJson = (rel) => {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8'));
  } catch {
    return undefined;
  }
};

export function describeMachine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: os.cpus() has the model too
  }
  return {
    kind: 'machine',
    cpu,
    cores: cpus().length,
    node: process.version,
    jackd: jackdVersion(),
    kernel: release(),
    mixd: readJson('../../package.json')?.version ?? 'unknown',
    naudiodon: readJson('../../node_modules/naudiodon/package.json')?.version ?? null,
  };
}

const of = (records, kind, client, period, load) =>
  records.find(
    (r) => r.kind === kind && r.client === client && r.period === period && (!load || r.load === load),
  );
const ok = (r) => r && !r.error && !r.skipped;

/** The issue's targets, per period, from this run's records. */
export function targets(records, periods) {
  const out = [];
  for (const p of periods) {
    const nat = of(records, 'roundtrip', 'native', p);
    const mixd = of(records, 'roundtrip', 'mixd', p);
    if (ok(nat) && ok(mixd) && mixd.addedFrames !== null && nat.addedFrames !== null) {
      const over = (mixd.addedFrames - nat.addedFrames) / p;
      out.push({
        target: 'round trip: periods mixd adds over native <= 1',
        period: p,
        value: over,
        limit: 1,
        native: nat.addedFrames / p,
        met: over <= 1,
      });
    }
    const gc = of(records, 'xruns', 'mixd', p, 'gc');
    if (!ok(gc)) continue;
    // Same-run native figures alongside: on a VM, xruns are mostly the host's doing (README "Baseline facts").
    // Two floors: the passthrough idle (the issue's comparison), and beside the same GC load in another
    // process (like for like: the machine under the same pressure, minus mixd's design).
    for (const [load, vs] of [
      ['none', 'native'],
      ['gc-neighbour', 'native beside the same load'],
    ]) {
      const nx = of(records, 'xruns', 'native', p, load);
      const native = ok(nx) ? { native: p >= 128 ? nx.xruns : nx.xrunsPerMin } : { native: null };
      const ratio = ok(nx) && nx.xrunsPerMin > 0 ? gc.xrunsPerMin / nx.xrunsPerMin : null;
      if (p >= 128) {
        if (load !== 'none') continue;
        const target = 'xruns: mixd under GC load = 0 (count)';
        out.push({ target, period: p, value: gc.xruns, limit: 0, ...native, ratio, met: gc.xruns === 0 });
      } else if (ok(nx)) {
        const target = `xruns/min: mixd under GC load <= ${vs}`;
        const met = gc.xrunsPerMin <= nx.xrunsPerMin;
        out.push({ target, period: p, value: gc.xrunsPerMin, limit: nx.xrunsPerMin, ...native, ratio, met });
      }
    }
    // The underruns that were mixd's own: the worker late although the server's cycle came on time.
    const own = gc.underruns - (gc.catchUpUnderruns ?? 0);
    out.push({
      target: "mixd's own underruns under GC load = 0",
      period: p,
      value: own,
      limit: 0,
      met: own === 0,
    });
  }
  return out.map((t) => ({ kind: 'target', ...t }));
}

const num = (x, d = 2) =>
  x === null || x === undefined ? '–' : typeof x === 'number' ? String(Number(x.toFixed(d))) : String(x);
const numeric = (c) => /^[-+0-9.,/–]*$/.test(c);
/** A markdown table padded to be read as plain text too; columns of figures are right-aligned. */
function table(head, rows) {
  const cells = [head, ...rows].map((r) => r.map((c) => String(c)));
  const w = head.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const right = head.map((_, i) => rows.length > 0 && cells.slice(1).every((r) => numeric(r[i])));
  const line = (r) => `| ${r.map((c, i) => (right[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ')} |`;
  const rule = `|${w.map((n, i) => ` ${'-'.repeat(right[i] ? n - 1 : n)}${right[i] ? ':' : ''} `).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
const why = (r) => (r.error ? `error: ${r.error}` : `skipped: ${r.reason}`);

/** Rows of `records` under `columns` ([header, cell(record)]); a failed measurement says why in one cell. */
function section(out, intro, records, columns) {
  out.push(intro, '');
  const rows = records.map((r) =>
    ok(r) ? columns.map(([, cell]) => cell(r)) : [r.period, r.client, r.load ?? '', why(r)],
  );
  const width = columns.length;
  out.push(
    table(
      columns.map(([h]) => h),
      rows.map((r) => [...r, ...Array(width - r.length).fill('')]),
    ),
    '',
  );
}

/** Markdown: machine, round trip, xruns, block time, targets. */
export function summary(records, opts) {
  const m = records.find((r) => r.kind === 'machine') ?? {};
  const rt = records.filter((r) => r.kind === 'roundtrip');
  const xr = records.filter((r) => r.kind === 'xruns');
  const engine = (r) => r.client !== 'native';
  const out = [
    `### Realtime benchmark (\`npm run bench${opts.argv.length ? ' -- ' + opts.argv.join(' ') : ''}\`)`,
    '',
  ];
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, jackd ${m.jackd}${opts.realtime ? ' (SCHED_FIFO 70)' : ' (no RT scheduling!)'}, ` +
      `Linux ${m.kernel}; mixd ${m.mixd}, naudiodon ${m.naudiodon ?? 'not installed'}.`,
    'Server: `jackd -n NAME -R -P 70 -t 2000 -d dummy -r 48000 -p P -C 8 -P 8`, one per period; clients measured one ' +
      'after another. Session: one mono strip, input 1 → output 1 at unity (trim 0, fader 0, pan -1, master 0 dB).',
    '',
  );
  const overNative = (r) => {
    const nat = of(records, 'roundtrip', 'native', r.period);
    return ok(nat) && r.addedFrames !== null ? (r.addedFrames - nat.addedFrames) / r.period : null;
  };
  section(
    out,
    'Round trip (jack_iodelay, median reading; "added" = through the client − the direct loop):',
    rt,
    [
      ['period', (r) => r.period],
      ['client', (r) => r.client],
      ['direct (fr)', (r) => num(r.directRoundTripFrames)],
      ['through (fr)', (r) => num(r.roundTripFrames)],
      ['through (ms)', (r) => num(r.roundTripMs, 3)],
      ['added (fr)', (r) => num(r.addedFrames)],
      ['added (periods)', (r) => num(r.addedPeriods)],
      ['over native (periods)', (r) => num(overNative(r))],
    ],
  );
  section(
    out,
    'Xruns. "xruns" = the server\'s xrun notifications in the window (jackd log: "was not finished" + dummy-driver ' +
      '"Process XRun" lines) + blocks the audio worker was late for (underruns); native: its own xrun callback. ' +
      '"of them catch-up" = underruns in a cycle that came under half a period after the previous one (the server ' +
      'catching up after it woke late: no client could have answered). "Process error" is the count realtime.md §2 ' +
      'used, for reference:',
    xr,
    [
      ['period', (r) => r.period],
      ['client', (r) => r.client],
      ['load', (r) => r.load],
      ['window (s)', (r) => num(r.seconds, 0)],
      ['xruns', (r) => r.xruns],
      ['xruns/min', (r) => num(r.xrunsPerMin)],
      ['server xruns', (r) => num(r.jackdXruns)],
      ['Process error', (r) => num(r.jackdProcessErrors)],
      ['underruns', (r) => (engine(r) ? r.underruns : '–')],
      ['of them catch-up', (r) => (engine(r) ? num(r.catchUpUnderruns) : '–')],
      ['PortAudio xruns', (r) => (engine(r) ? r.deviceXruns : '–')],
      ['dropped (fr)', (r) => (engine(r) ? r.droppedFrames : '–')],
      ['blocks / expected', (r) => `${r.blocks}/${r.expectedBlocks}`],
      [
        'main GC p99/max (ms)',
        (r) => (engine(r) ? `${num(r.gcPauseP99Ms, 1)}/${num(r.gcPauseMaxMs, 1)}` : '–'),
      ],
    ],
  );
  section(
    out,
    'Audio-worker time per block, % of the period (the worker publishes its mean and max once per second; the ' +
      '"max" columns are the mean, p99 and max of those per-second maxima):',
    xr.filter((r) => ok(r) && engine(r)),
    [
      ['period', (r) => r.period],
      ['client', (r) => r.client],
      ['load', (r) => r.load],
      ['period (µs)', (r) => num((1e6 * r.period) / r.rate, 1)],
      ['mean', (r) => num(r.blockTimeAvgPct)],
      ['max: mean', (r) => num(r.blockTimeMaxMeanPct)],
      ['max: p99', (r) => num(r.blockTimeMaxP99Pct)],
      ['max: max', (r) => num(r.blockTimeMaxPct)],
      ['max (µs)', (r) => num(r.blockTimeMaxUs, 0)],
      ['seconds sampled', (r) => r.blockTimeSamples],
    ],
  );
  section(
    out,
    'Targets:',
    records.filter((r) => r.kind === 'target'),
    [
      ['target', (t) => t.target],
      ['period', (t) => t.period],
      ['mixd', (t) => num(t.value)],
      ['limit', (t) => num(t.limit)],
      ['native', (t) => num(t.native)],
      ['xruns/min mixd ÷ native', (t) => num(t.ratio)],
      ['met', (t) => (t.met ? 'yes' : 'NO')],
    ],
  );
  out.push(
    `Windows: mixd and native ${opts.seconds} s (mixd under the GC-heavy main-thread load of realtime.md §2), ` +
      `naudiodon ${opts.naudiodonSeconds} s (the comparison baseline, not a target: its rate under this load is known ` +
      `to be high, realtime.md §3), idle ${opts.idleSeconds} s, round trip ${opts.rtSeconds} s. ` +
      `Run time ${num(opts.elapsedMin, 1)} min.`,
  );
  return out.join('\n');
}
