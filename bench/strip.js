#!/usr/bin/env node
// Strip DSP benchmark: mixd's WebAssembly strip kernel (dist/, built by `npm run build`) against the native
// reference ../shared/bench/bench-strip in the same run (README there, §1 "How to compare").
//  1. checksums of mixd for N = 4, 8, 64, 256 against the README's published values and `bench-strip --check`;
//  2. mixd timed like the reference: fresh bank, ≥ 1000 warm-up blocks, 5 repetitions ≥ 0.5 s interleaved
//     across N, median ns per strip-sample;
//  3. `bench-strip --strips …` right after, then ratios, real-time capacity and the targets.
// Prints JSON lines (starting with "{") and a markdown table on stdout, progress on stderr.
//
//   node bench/strip.js [--strips 64,256,512] [--seconds 0.5] [--reps 5] [--markdown FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ENGINE_STRIPS, timeEngineStrips } from './engine-strips.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_STRIP = fileURLToPath(new URL('../../shared/bench/bench-strip', import.meta.url));
const FRAMES = 64;
const FS = 48000;
const BLOCK_US = (FRAMES / FS) * 1e6;
const CHECK_BLOCKS = 750;
const CHECK_TOLERANCE = 1e-4;
/** Published reference checksums (README §1 "Checksum", scalar gcc -O2, 750 blocks). */
export const PUBLISHED = {
  4: { check: 0.300050493, checkMeter: 0.313848254 },
  8: { check: 0.387098564, checkMeter: 0.596307548 },
  64: { check: 1.13911902, checkMeter: 4.83151798 },
  256: { check: 2.15701586, checkMeter: 19.199831 },
};
const TARGET_STRIPS = 512;
const TARGET_CORE_SHARE = 0.5;
const TARGET_RATIO = 1.25;

const dist = (rel) => pathToFileURL(`${root}dist/engine/strip-kernel/${rel}`).href;

async function loadKernel() {
  const { loadStripKernel } = await import(dist('load-wasm.js'));
  const { StripBank } = await import(dist('strip-bank.js'));
  const { configureReferenceStrips, fillReferenceInput } = await import(dist('reference-strip.js'));
  const loaded = loadStripKernel();
  if (!loaded.ok) throw new Error(loaded.error);
  return (n) => {
    const r = StripBank.create(loaded.module, { strips: n, sends: 4 });
    if (!r.ok) throw new Error(r.error);
    configureReferenceStrips(r.bank);
    fillReferenceInput(r.bank.input, n);
    return r.bank;
  };
}

function checksum(bank, blocks) {
  let check = 0;
  let checkMeter = 0;
  for (let b = 0; b < blocks; b++) {
    bank.process();
    for (const v of bank.buses) check += Math.abs(v);
    for (const v of bank.meters) checkMeter += v;
  }
  return { check: check / (blocks * FRAMES), checkMeter: checkMeter / blocks };
}

const rel = (a, b) => Math.abs(a - b) / Math.abs(b);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 3) => Number(x.toFixed(d));

/** ns per strip-sample of one repetition of at least `seconds`. */
function timeRep(bank, seconds) {
  const batch = Math.max(1, Math.floor(4096 / bank.strips));
  let blocks = 0;
  const t0 = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let t = t0;
  do {
    for (let k = 0; k < batch; k++) bank.process();
    blocks += batch;
    t = process.hrtime.bigint();
  } while (t - t0 < limit);
  return Number(t - t0) / (blocks * bank.strips * FRAMES);
}

function runReference(args) {
  const out = execFileSync(BENCH_STRIP, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** The whole benchmark; returns its records and the markdown summary. */
export async function runStripBench({
  strips = [64, 256, 512],
  seconds = 0.5,
  reps = 5,
  log = () => {},
} = {}) {
  if (!existsSync(BENCH_STRIP)) throw new Error(`${BENCH_STRIP} not found (../shared/bench/)`);
  const makeBank = await loadKernel();
  const records = [];
  const emit = (r) => {
    records.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  };
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  emit({ kind: 'strip-machine', cpu, cores: cpus().length, node: process.version, v8: process.versions.v8 });

  // 1. conformance
  const checkNs = Object.keys(PUBLISHED).map(Number);
  log(`strip: checksums for N = ${checkNs.join(', ')} (mixd and bench-strip --check)`);
  const refCheck = runReference(['--check', '--strips', checkNs.join(',')]);
  let conforming = true;
  for (const n of checkNs) {
    const mixd = checksum(makeBank(n), CHECK_BLOCKS);
    const scalar = refCheck.find((r) => r.impl === 'scalar' && r.strips === n);
    const pub = PUBLISHED[n];
    const relPublished = Math.max(rel(mixd.check, pub.check), rel(mixd.checkMeter, pub.checkMeter));
    const relRun = scalar
      ? Math.max(rel(mixd.check, scalar.check), rel(mixd.checkMeter, scalar.checkMeter))
      : Infinity;
    const ok = relPublished <= CHECK_TOLERANCE && relRun <= CHECK_TOLERANCE;
    conforming &&= ok;
    emit({
      kind: 'strip-check',
      strips: n,
      ...mixd,
      published: pub,
      relPublished,
      relBenchStrip: relRun,
      ok,
    });
  }

  // 2. mixd timing: one warmed-up bank per N, repetitions interleaved across N (as bench-strip does)
  log(`strip: timing mixd at N = ${strips.join(', ')} (${reps} × ${seconds} s each)`);
  const banks = strips.map((n) => {
    const bank = makeBank(n);
    for (let w = 0; w < 2000; w++) bank.process(); // past start-up transients and V8's tier-up to TurboFan
    timeRep(bank, 0.2);
    return bank;
  });
  const ns = banks.map(() => []);
  for (let r = 0; r < reps; r++) banks.forEach((b, i) => ns[i].push(timeRep(b, seconds)));

  // 3. the native reference, same run
  log(`strip: bench-strip --strips ${strips.join(',')}`);
  const ref = runReference([
    '--strips',
    strips.join(','),
    '--seconds',
    String(seconds),
    '--reps',
    String(reps),
  ]);
  const rows = [];
  strips.forEach((n, i) => {
    const med = median(ns[i]);
    const simd4 = ref.find((r) => r.impl === 'simd4' && r.strips === n);
    const scalar = ref.find((r) => r.impl === 'scalar' && r.strips === n);
    const row = {
      kind: 'strip-timing',
      strips: n,
      nsPerSample: round(med),
      nsPerSampleBest: round(Math.min(...ns[i])),
      repsNs: ns[i].map((x) => round(x)),
      usPerBlock: round((med * n * FRAMES) / 1000, 2),
      coreShare: round((med * n * FRAMES) / 1000 / BLOCK_US, 4),
      stripsRealtime1Core: Math.floor(1e9 / (FS * med)),
      simd4NsPerSample: simd4?.nsPerSample ?? null,
      scalarNsPerSample: scalar?.nsPerSample ?? null,
      ratioSimd4: simd4 ? round(med / simd4.nsPerSample) : null,
      ratioScalar: scalar ? round(med / scalar.nsPerSample) : null,
      simd4CoreShare: simd4 ? round(simd4.usPerBlock / BLOCK_US, 4) : null,
      build: simd4?.build ?? null,
      math: 'fast_ln/fast_exp polynomials (float32, as the reference)',
    };
    rows.push(row);
    emit(row);
  });

  // 4. what the daemon's engine runs today: the TypeScript strip path, beside the same run's references
  log(`strip: timing the mix engine's TypeScript strip path at N = ${ENGINE_STRIPS}`);
  const engine = await timeEngineStrips({ seconds, reps });
  const simd4At = ref.find((r) => r.impl === 'simd4' && r.strips === ENGINE_STRIPS);
  const scalarAt = ref.find((r) => r.impl === 'scalar' && r.strips === ENGINE_STRIPS);
  emit({
    kind: 'engine-strip-timing',
    ...engine,
    nsPerSample: round(engine.nsPerSample),
    repsNs: engine.repsNs.map((x) => round(x)),
    coreShare: round((engine.nsPerSample * engine.strips * FRAMES) / 1000 / BLOCK_US, 4),
    ratioSimd4: simd4At ? round(engine.nsPerSample / simd4At.nsPerSample) : null,
    ratioScalar: scalarAt ? round(engine.nsPerSample / scalarAt.nsPerSample) : null,
  });

  const at512 = rows.find((r) => r.strips === TARGET_STRIPS);
  const ratios = rows.map((r) => r.ratioSimd4).filter((x) => x !== null);
  const worst = ratios.length ? Math.max(...ratios) : null;
  const targets = [
    { target: 'checksums within 1e-4 of published and bench-strip', met: conforming },
    at512 && {
      target: `${TARGET_STRIPS} strips within ${TARGET_CORE_SHARE * 100} % of one core`,
      value: at512.coreShare,
      limit: TARGET_CORE_SHARE,
      met: at512.coreShare <= TARGET_CORE_SHARE,
    },
    worst !== null && {
      target: `time <= ${TARGET_RATIO} x native simd4 (worst N)`,
      value: worst,
      limit: TARGET_RATIO,
      met: worst <= TARGET_RATIO,
    },
  ].filter(Boolean);
  for (const t of targets) emit({ kind: 'strip-target', ...t });
  return { records, markdown: markdown(records, rows, targets), ok: targets.every((t) => t.met) };
}

function markdown(records, rows, targets) {
  const m = records.find((r) => r.kind === 'strip-machine');
  const lines = [
    '## Strip DSP: WebAssembly SIMD kernel vs native reference (same run)',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores; Node ${m.node}. Reference build: ${rows[0]?.build ?? '?'}. ` +
      'mixd uses the same fast_ln/fast_exp polynomials; ns per strip-sample, median of the repetitions.',
    '',
    '| N | mixd ns | simd4 ns | scalar ns | mixd / simd4 | mixd / scalar | strips real time (1 core) | µs / block | core share | simd4 core share |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.strips} | ${r.nsPerSample} | ${r.simd4NsPerSample ?? '–'} | ${r.scalarNsPerSample ?? '–'} | ` +
        `${r.ratioSimd4 ?? '–'} | ${r.ratioScalar ?? '–'} | ${r.stripsRealtime1Core} | ${r.usPerBlock} | ` +
        `${(r.coreShare * 100).toFixed(1)} % | ${r.simd4CoreShare === null ? '–' : `${(r.simd4CoreShare * 100).toFixed(1)} %`} |`,
    ),
    '',
    ...records
      .filter((r) => r.kind === 'engine-strip-timing')
      .map(
        (r) =>
          `The mix engine's TypeScript strip path (what the daemon runs today; bench/engine-strips.js), N = ${r.strips} ` +
          `with its buses: ${r.nsPerSample} ns per strip-sample, ${r.ratioSimd4 ?? '–'}× native simd4 and ` +
          `${r.ratioScalar ?? '–'}× native scalar, ${(r.coreShare * 100).toFixed(1)} % of one core.\n`,
      ),
    '| Checksum N | check | checkMeter | rel. diff vs published | vs bench-strip --check |',
    '|---:|---:|---:|---:|---:|',
    ...records
      .filter((r) => r.kind === 'strip-check')
      .map(
        (r) =>
          `| ${r.strips} | ${r.check.toPrecision(9)} | ${r.checkMeter.toPrecision(9)} | ` +
          `${r.relPublished.toExponential(1)} | ${r.relBenchStrip.toExponential(1)} |`,
      ),
    '',
    '| Target | value | limit | met |',
    '|---|---:|---:|---|',
    ...targets.map(
      (t) => `| ${t.target} | ${t.value ?? ''} | ${t.limit ?? ''} | ${t.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: a } = parseArgs({
    options: {
      strips: { type: 'string', default: '64,256,512' },
      seconds: { type: 'string', default: '0.5' },
      reps: { type: 'string', default: '5' },
      markdown: { type: 'string' },
    },
  });
  const strips = a.strips.split(',').map(Number);
  if (strips.some((n) => !Number.isInteger(n) || n < 4 || n % 4)) throw new Error('--strips: multiples of 4');
  const res = await runStripBench({
    strips,
    seconds: Number(a.seconds),
    reps: Number(a.reps),
    log: (s) => process.stderr.write(`${s}\n`),
  });
  process.stdout.write(`\n${res.markdown}\n`);
  if (a.markdown) writeFileSync(a.markdown, `${res.markdown}\n`);
  process.exitCode = res.ok ? 0 : 1;
}
