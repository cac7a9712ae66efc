// Test helpers for realtime tests on a private jackd dummy server (realtime.md §2, §9).
// Everything shells out to jackd2's CLI tools and to our native peer (tests/peers/jack-peer.c), so no
// native audio code is loaded into the test process itself (realtime.md F4).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PEER_SOURCE = fileURLToPath(new URL('../peers/jack-peer.c', import.meta.url));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let peerBinary: string | undefined;

/** Compiles jack-peer.c once per process; the binary is cached in os.tmpdir() by source mtime and size. */
export function buildJackPeer(): string {
  if (peerBinary !== undefined) return peerBinary;
  const { mtimeMs, size } = statSync(PEER_SOURCE);
  const dir = join(tmpdir(), 'mixd-jack-peer');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `jack-peer-${Math.trunc(mtimeMs)}-${size}`);
  if (!existsSync(bin)) {
    // Build under a private name, then rename: a parallel test process never runs a half-written file.
    const part = `${bin}.${process.pid}.part`;
    const gccArgs = ['-O2', '-std=gnu11', '-Wall', PEER_SOURCE, '-o', part, '-ljack', '-lm', '-lpthread'];
    const cc = spawnSync('gcc', gccArgs, { encoding: 'utf8' });
    if (cc.status !== 0) {
      rmSync(part, { force: true });
      const why = `${cc.stderr ?? ''}${cc.error?.message ?? ''}`;
      throw new Error(`building jack-peer failed (needs gcc and libjack-jackd2-dev):\n${why}`);
    }
    renameSync(part, bin);
  }
  return (peerBinary = bin);
}

export interface JackdOptions {
  name?: string;
  period?: number;
  rate?: number;
  inputs?: number;
  outputs?: number;
  /** Synchronous mode (-S): the server waits for late clients instead of skipping them, so host scheduling
   * jitter delays a cycle rather than corrupting it; what is left to see is the client's own losses. */
  sync?: boolean;
}

export interface JackServer {
  readonly name: string;
  /** process.env + JACK_DEFAULT_SERVER, and JACK_NO_START_SERVER so a client never autostarts a server. */
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly pid: number;
  readonly period: number;
  readonly rate: number;
  /** false if jackd could not get SCHED_FIFO (it then runs, and is used, without it). */
  readonly realtime: boolean;
  /** xrun lines in this server's log (one log per start): "Process error" and "… was not finished". */
  processErrorCount(): number;
  /** SIGTERM, SIGKILL after 3 s; resolves once the pid is reaped, so the name can be reused at once. */
  stop(): Promise<void>;
}

// Servers still running when the test process exits are told to stop, so none outlive the run.
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((child) => child.kill('SIGTERM')));

let serial = 0;

/** Starts a private jackd with the dummy driver; with -R first, without it if RT is refused. */
export async function startJackd(opts: JackdOptions = {}): Promise<JackServer> {
  const name = opts.name ?? `mixd-test-${process.pid}-${serial++}`;
  try {
    return await launchJackd(name, opts, true);
  } catch {
    // A server of the same name that just exited can leave its registry entry for a moment: jackd then
    // quits at once without a word. One more try after a pause.
    await sleep(500);
  }
  try {
    return await launchJackd(name, opts, true);
  } catch (rtError) {
    try {
      return await launchJackd(name, opts, false);
    } catch (error) {
      throw new Error(
        `jackd ${name} did not start (with -R: ${String(rtError)})\nwithout -R: ${String(error)}`,
      );
    }
  }
}

async function launchJackd(name: string, opts: JackdOptions, rt: boolean): Promise<JackServer> {
  const { period = 128, rate = 48000, inputs = 8, outputs = 8 } = opts;
  // One fixed directory: names are unique per process, and a failed run's log is easy to find afterwards.
  const logDir = join(tmpdir(), 'mixd-jackd-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}${rt ? '' : '-nort'}.log`);
  const fd = openSync(logFile, 'w');
  const rtArgs = rt ? ['-R', '-P', '70'] : ['-r'];
  const args = ['-n', name, ...rtArgs, ...(opts.sync ? ['-S'] : []), '-t', '2000', '-d', 'dummy'];
  args.push('-r', String(rate), '-p', String(period), '-C', String(inputs), '-P', String(outputs));
  const child = spawn('jackd', args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  live.add(child);
  // 'close' follows waitpid (the pid is gone); a failed spawn (ENOENT) may emit only 'error'.
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  void exited.then(() => live.delete(child));
  let realtime = rt;
  const env = { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' };
  const readLog = () => readFileSync(logFile, 'utf8');
  const server: JackServer = {
    name,
    env,
    logFile,
    pid: child.pid ?? -1,
    period,
    rate,
    get realtime() {
      return realtime;
    },
    processErrorCount: () => readLog().match(/Process error|was not finished/g)?.length ?? 0,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
  try {
    await waitReady(server, child);
    // -R can be refused yet jackd still answers jack_lsp: prove that process cycles really run.
    const probeName = `probe-${process.pid}-${serial++}`;
    const probe = await runJackPeer(server, { name: probeName, seconds: 0.05, timeoutMs: 3000 });
    if (probe.json.cycles === 0) throw new Error('no process cycles');
    realtime = rt && !/Cannot use real-time scheduling/.test(readLog());
    return server;
  } catch (error) {
    await server.stop();
    const tail = existsSync(logFile) ? readLog().split('\n').slice(-8).join('\n') : '';
    throw new Error(`${String(error)}\n${logFile}:\n${tail}`);
  }
}

async function waitReady(server: JackServer, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('jackd exited');
    const lsp = spawnSync('jack_lsp', [], { env: server.env, stdio: 'ignore', timeout: 2000 });
    if (lsp.status === 0) return;
    if (Date.now() > deadline) throw new Error('jack_lsp did not answer within 5 s');
    await sleep(100);
  }
}

/** Port names; a string filters by substring (as jack_lsp does), a RegExp in JS. */
export function jackPorts(server: JackServer, pattern?: string | RegExp): string[] {
  const filter = typeof pattern === 'string' ? [pattern] : [];
  const lsp = spawnSync('jack_lsp', filter, { env: server.env, encoding: 'utf8', timeout: 5000 });
  if (lsp.status !== 0) throw new Error(`jack_lsp failed on ${server.name}: ${lsp.stderr}`);
  const ports = lsp.stdout.split('\n').filter((line) => line.trim() !== '');
  return pattern instanceof RegExp ? ports.filter((p) => pattern.test(p)) : ports;
}

export async function waitForPorts(
  server: JackServer,
  names: readonly string[],
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const have = new Set(jackPorts(server));
    const missing = names.filter((n) => !have.has(n));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`ports missing after ${timeoutMs} ms: ${missing.join(', ')}`);
    await sleep(50);
  }
}

function jackTool(server: JackServer, tool: string, a: string, b: string) {
  return spawnSync(tool, [a, b], { env: server.env, encoding: 'utf8', timeout: 5000 });
}

export function jackConnect(server: JackServer, a: string, b: string): void {
  const r = jackTool(server, 'jack_connect', a, b);
  if (r.status !== 0) throw new Error(`jack_connect ${a} ${b}: ${r.stderr}${r.stdout}`.trim());
}

/** Disconnecting an edge that is not connected is fine (jack_disconnect: "already disconnected?"). */
export function jackDisconnect(server: JackServer, a: string, b: string): void {
  const r = jackTool(server, 'jack_disconnect', a, b);
  const out = `${r.stderr}${r.stdout}`;
  if (r.status !== 0 && !/already disconnected|not connected/.test(out)) {
    throw new Error(`jack_disconnect ${a} ${b}: ${out}`.trim());
  }
}

export interface PeerOptions {
  /** JACK client name (exact): its ports are NAME:out_1.. and NAME:in_1.. */
  name: string;
  seconds: number;
  /** Planar channels of equal length, played to out_1..; looped if shorter than the run. */
  play?: readonly Float32Array[];
  recordChannels?: number;
  /** connectOut[i] gets out_{i+1}; in_{j+1} gets connectIn[j]. */
  connectOut?: readonly string[];
  connectIn?: readonly string[];
  /** Pause between making the connections and starting play/record (graph changes can cost a cycle). */
  settleMs?: number;
  /** Abort = SIGTERM: the peer ends early and still reports what it recorded. */
  signal?: AbortSignal;
  /** Default seconds + 10 s; then the peer is killed and the promise rejects. */
  timeoutMs?: number;
}

/** The peer's JSON line; counters cover the run only (from startFrame on). */
export interface PeerResult {
  cycles: number;
  xruns: number;
  frames: number;
  period: number;
  rate: number;
  shutdown: boolean;
  startFrame: number;
}

/** Runs jack-peer to completion; resolves on exit 0, or 4 with shutdown=true (the server went away). */
export async function runJackPeer(
  server: JackServer,
  opts: PeerOptions,
): Promise<{ json: PeerResult; recorded: Float32Array[] }> {
  if (endianness() !== 'LE') throw new Error('jack-peer files are little-endian float32');
  const dir = mkdtempSync(join(tmpdir(), 'mixd-peer-'));
  try {
    const args = ['--name', opts.name, '--seconds', String(opts.seconds), '--server', server.name];
    const play = opts.play ?? [];
    if (play.length > 0) {
      writeFileSync(join(dir, 'play.f32'), interleave(play));
      args.push('--play', join(dir, 'play.f32'), '--play-channels', String(play.length));
    }
    const m = opts.recordChannels ?? 0;
    if (m > 0) args.push('--record', join(dir, 'rec.f32'), '--record-channels', String(m));
    if (opts.connectOut?.length) args.push('--connect-out', opts.connectOut.join(','));
    if (opts.connectIn?.length) args.push('--connect-in', opts.connectIn.join(','));
    if (opts.settleMs) args.push('--settle-ms', String(opts.settleMs));
    const json = await spawnPeer(server, args, opts);
    const recorded = m > 0 ? deinterleave(readFileSync(join(dir, 'rec.f32')), m) : [];
    if (recorded.length > 0 && recorded[0]?.length !== json.frames) {
      throw new Error(`recording holds ${recorded[0]?.length} frames, the peer reported ${json.frames}`);
    }
    return { json, recorded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnPeer(server: JackServer, args: string[], opts: PeerOptions): Promise<PeerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(buildJackPeer(), args, { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      opts.timeoutMs ?? opts.seconds * 1000 + 10_000,
    );
    const onAbort = () => child.kill('SIGTERM');
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const json = parseResult(stdout);
      if (!timedOut && json && (code === 0 || (code === 4 && json.shutdown))) resolve(json);
      else reject(new Error(`jack-peer ${timedOut ? 'timed out' : `exited ${code}`}: ${stderr.trim()}`));
    });
  });
}

/** The last stdout line, if it is the peer's JSON (a crash or SIGKILL leaves none). */
function parseResult(stdout: string): PeerResult | undefined {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as PeerResult;
  } catch {
    return undefined;
  }
}

function interleave(channels: readonly Float32Array[]): Float32Array {
  const n = channels.length;
  const frames = channels[0]?.length ?? 0;
  const out = new Float32Array(frames * n);
  channels.forEach((ch, c) => {
    if (ch.length !== frames) throw new Error('play channels differ in length');
    for (let i = 0; i < frames; i++) out[i * n + c] = ch[i] ?? 0;
  });
  return out;
}

function deinterleave(bytes: Buffer, m: number): Float32Array[] {
  // Copy into an aligned ArrayBuffer: a Buffer's byteOffset need not be a multiple of 4.
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const frames = Math.floor(all.length / m);
  return Array.from({ length: m }, (_, c) => {
    const ch = new Float32Array(frames);
    for (let i = 0; i < frames; i++) ch[i] = all[i * m + c] ?? 0;
    return ch;
  });
}
