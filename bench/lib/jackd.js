// A private, named jackd dummy server for the benchmark (realtime.md §2, §9), plus the jackd2 CLI bits the
// harness needs. Started by the harness, stopped by its pid only: other tests may run their own servers.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A timeout to race against: unref'd, so a finished run does not wait for it to expire. */
export const deadline = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());

/** Every jackd this process started, so an interrupted run can still stop them (by pid). */
const live = new Set();
export function liveServers() {
  return [...live];
}

/**
 * @typedef {object} Jackd
 * @property {string} name
 * @property {number} pid
 * @property {number} period
 * @property {number} rate
 * @property {string} logFile
 * @property {NodeJS.ProcessEnv} env  JACK_DEFAULT_SERVER set, JACK_NO_START_SERVER so nothing autostarts one
 * @property {boolean} realtime  false when jackd could not get SCHED_FIFO
 * @property {string[]} args
 * @property {() => Promise<void>} stop  SIGTERM, SIGKILL after 3 s; resolves once reaped
 * @property {() => void} kill  SIGTERM without waiting (process exit)
 */

/** `jackd -n NAME -R -P 70 -t 2000 -d dummy -r RATE -p PERIOD -C 8 -P 8`, waited for until clients can connect. */
export async function startJackd({ name, period, rate = 48000 }) {
  const logDir = join(tmpdir(), 'mixd-bench-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const args = ['-n', name, '-R', '-P', '70', '-t', '2000', '-d', 'dummy'];
  args.push('-r', String(rate), '-p', String(period), '-C', '8', '-P', '8');
  const child = spawn('jackd', args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => {
    child.once('close', resolve);
    child.once('error', resolve);
  });
  /** @type {Jackd} */
  const server = {
    name,
    pid: child.pid ?? -1,
    period,
    rate,
    logFile,
    args,
    env: { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' },
    realtime: true,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited; // reaped: the name can be reused at once
      clearTimeout(killer);
      live.delete(server);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
  live.add(server);
  const deadline = Date.now() + 8000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      live.delete(server);
      throw new Error(`jackd ${name} exited at start:\n${tail(logFile)}`);
    }
    if (spawnSync('jack_lsp', [], { env: server.env, stdio: 'ignore', timeout: 2000 }).status === 0) break;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`jackd ${name} did not answer jack_lsp within 8 s:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  server.realtime = !/Cannot use real-time scheduling/.test(readFileSync(logFile, 'utf8'));
  return server;
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
}

/** Byte offset of the end of the log: the start mark of a window. */
export function logMark(logFile) {
  return statSync(logFile).size;
}

/**
 * xrun lines jackd logged since `mark`. The server notifies every client of an xrun when a client was not
 * finished in time ("JackEngine::XRun: client = X was not finished") and when the dummy driver's own thread
 * woke late ("JackTimedDriver::Process XRun = N usec"): their sum is what a client's xrun callback counts
 * (checked against the native passthrough's own count). "Process error" (the count realtime.md §2 used) is
 * the driver finding the previous cycle's graph unfinished; reported too, but not summed.
 */
export function xrunLinesSince(logFile, mark) {
  const text = readFileSync(logFile).subarray(mark).toString('utf8');
  const notFinished = text.match(/was not finished/g)?.length ?? 0;
  const timerXruns = text.match(/JackTimedDriver::Process XRun/g)?.length ?? 0;
  const processErrors = text.match(/Process error/g)?.length ?? 0;
  return { jackdXruns: notFinished + timerXruns, notFinished, timerXruns, processErrors };
}

export function jackPorts(server) {
  const r = spawnSync('jack_lsp', [], { env: server.env, encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.trim() !== '') : [];
}

/**
 * Waits for a client that was not there before (`before`: jack_lsp output then) to register an input and an
 * output port, and returns their names: mixd's binding names its client after audio.clientName, while
 * naudiodon's PortAudio may call it "PortAudio" (or "PortAudio-01" when that name is taken).
 */
export async function waitForNewClient(server, before, timeoutMs = 10_000) {
  const old = new Set(before);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = jackPorts(server).filter((p) => !old.has(p));
    const input = fresh.find((p) => /:in_0$/.test(p));
    const output = input && fresh.find((p) => p === input.replace(/:in_0$/, ':out_0'));
    if (input && output) return { client: input.slice(0, -':in_0'.length), input, output };
    if (Date.now() > deadline) throw new Error(`no new client with in_0/out_0 ports after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Waits until none of `ports` exists any more (a killed client has been removed by the server). */
export async function waitForPortsGone(server, ports, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const have = new Set(jackPorts(server));
    if (!ports.some((p) => have.has(p))) return true;
    await sleep(100);
  }
  return false;
}

/** jackd's version line, e.g. "jackdmp version 1.9.21 tmpdir /dev/shm protocol 9" → "1.9.21". */
export function jackdVersion() {
  const r = spawnSync('jackd', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return /version\s+(\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}
