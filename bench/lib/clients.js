// The measured clients as child processes: an engine configuration (bench/engine-under-load.js) and the native
// reference (bench-jack-baseline). Every child is tracked by pid so an interrupted run can stop what it started,
// and nothing else.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { deadline, jackPorts, sleep, waitForNewClient, waitForPortsGone } from './jackd.js';

const ENGINE_SCRIPT = fileURLToPath(new URL('../engine-under-load.js', import.meta.url));
// Resolved from the repository root (bench/lib/ → ../../), as the kit's README says: ../shared/bench/.
export const BASELINE = fileURLToPath(new URL('../../../shared/bench/bench-jack-baseline', import.meta.url));
export const ENGINE_HOST = fileURLToPath(new URL('../../dist/engine/audio/engine-host.js', import.meta.url));

/** @type {Map<import('node:child_process').ChildProcess, Promise<unknown>>} */
const children = new Map();
/**
 * Engines get SIGKILL (the only safe end for naudiodon). bench-jack-baseline runs in a process group of its own
 * (its pid), which gets SIGTERM: its sleep/jack_iodelay/passthrough end at once and its trap cleans up.
 */
export function killChildren() {
  for (const c of children.keys()) {
    try {
      if (c.spawnargs[0] === BASELINE && c.pid) process.kill(-c.pid, 'SIGTERM');
      else c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
/** Resolves once every child has exited, or after `ms`. */
export const childrenGone = (ms) => Promise.race([Promise.all(children.values()), deadline(ms)]);

/**
 * Our JSON lines from a child's stdout. naudiodon also printf()s there (banners, a status line per xrun), and C
 * stdio flushes a full buffer mid-line: a JSON line may follow such a fragment, so it is found by its start.
 */
function jsonLines(child, onJson) {
  createInterface({ input: child.stdout }).on('line', (line) => {
    const at = line.indexOf('{"');
    if (at < 0) return;
    try {
      onJson(JSON.parse(line.slice(at)));
    } catch {
      // a printf fragment that happened to contain '{"': not ours
    }
  });
}

function track(child) {
  const exited = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      children.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
  children.set(child, exited);
  return exited;
}

const GC_LOAD_PROCESS = fileURLToPath(new URL('../gc-load-process.js', import.meta.url));

/** Starts the GC load in a process of its own; resolves with stop(), which ends it and waits for it. */
export function startNeighbourLoad() {
  const child = spawn(process.execPath, [GC_LOAD_PROCESS], { stdio: 'ignore' });
  const exited = track(child);
  return async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, deadline(5000)]);
  };
}

/**
 * Starts one engine configuration on `server`. Resolves once it reported "ready" (device running and settled:
 * its window has started) or gave up ("result" with skipped). `finish()` ends the window (stdin closes), waits
 * for the result, and then SIGKILLs the child if the backend needs a hard exit or it has not exited in 5 s.
 */
export async function startEngine(server, { backend, period, seconds, load, settleMs = 2000, log }) {
  const before = jackPorts(server);
  const args = [ENGINE_SCRIPT, '--backend', backend, '--period', String(period)];
  args.push('--client', `mixd-bench-${backend}`, '--seconds', String(seconds), '--load', load);
  args.push('--jackd-log', server.logFile, '--settle-ms', String(settleMs));
  // UV_THREADPOOL_SIZE: naudiodon parks 1–2 libuv pool threads per stream (realtime.md §1); the daemon's unit
  // is where this belongs, but the bench must not let the pool starve the comparison backend either.
  const env = { ...server.env, UV_THREADPOOL_SIZE: '8' };
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = track(child);
  child.stderr.setEncoding('utf8').on('data', (s) => log?.(s));
  let onReady = (_ev) => {};
  let onResult = (_ev) => {};
  const ready = new Promise((r) => (onReady = r));
  const result = new Promise((r) => (onResult = r));
  jsonLines(child, (ev) => {
    if (ev.event === 'ready') onReady(ev);
    if (ev.event === 'result') {
      onReady(ev);
      onResult(ev);
    }
  });
  void exited.then(({ code, signal }) => {
    const gone = { event: 'result', skipped: true, reason: `engine process ended (${signal ?? code})` };
    onReady(gone);
    onResult(gone);
  });
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  const first = await Promise.race([ready, deadline(40_000)]);
  if (!first) {
    await kill();
    throw new Error(`engine ${backend} p${period}: no "ready" within 40 s`);
  }
  if (first.event !== 'ready') {
    await kill(); // it gave up before its window (a hard-exit backend would otherwise wait for us)
    return { ready: first, ports: undefined, finish: async () => first };
  }
  const ports = await waitForNewClient(server, before).catch(() => undefined);
  let finishing;
  /** Ends the window (now, or when the child's own --seconds elapse) and returns its result. */
  async function finish(timeoutMs) {
    if (seconds === 0) child.stdin.end();
    const res = await Promise.race([result, deadline(timeoutMs)]);
    child.stdin.end();
    if (!res || res.needsHardExit) await kill();
    else if ((await Promise.race([exited, deadline(5000, 'late')])) === 'late') await kill();
    // The server drops a killed client's ports on its own; wait so the next client starts on a quiet graph.
    if (ports) await waitForPortsGone(server, [ports.input, ports.output]);
    await sleep(1000);
    return res ?? { event: 'result', skipped: true, reason: `no result within ${timeoutMs} ms` };
  }
  return {
    ready: first,
    ports,
    finish: () => (finishing ??= finish(seconds * 1000 + 30_000)),
  };
}

/** Runs bench-jack-baseline with `args` on `server`; resolves with its JSON line. */
export async function runBaseline(server, args, log) {
  const child = spawn(BASELINE, [...args, '--server', server.name], {
    env: server.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that stopping it reaches its children too
  });
  const exited = track(child);
  child.stderr.setEncoding('utf8').on('data', (s) => log?.(s));
  let json;
  jsonLines(child, (j) => (json = j));
  const { code, signal, error } = await exited;
  if (error) throw new Error(`${BASELINE}: ${error.message}`);
  if (code !== 0 || !json)
    throw new Error(`bench-jack-baseline ${args.join(' ')} failed (${signal ?? code})`);
  await sleep(1000);
  return json;
}
