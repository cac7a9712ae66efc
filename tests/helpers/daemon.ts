// Runs the built daemon (dist/daemon/main.js, so `npm run build` first) as a child process and follows its
// pino JSON log lines. Nothing native is loaded into the test process itself (realtime.md F4).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** MIXD_TEST_MAIN runs the tests against another build of main.js. */
export const MIXD_MAIN =
  process.env['MIXD_TEST_MAIN'] ?? fileURLToPath(new URL('../../dist/daemon/main.js', import.meta.url));

/** One pino line as mixd writes it (level 10 trace … 60 fatal). */
export interface LogLine {
  level: number;
  time: string;
  pid: number;
  msg: string;
  [key: string]: unknown;
}

export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export interface DaemonOptions {
  /** An object is written as JSON to a temp file; a string is the path of an existing config file. */
  config?: object | string;
  /** The daemon's whole environment (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Command-line arguments after main.js (default ['run']); `--config FILE` is appended for `config`. */
  args?: string[];
  cwd?: string;
}

export interface StopResult {
  code: number | null;
  signal: string | null;
  /** From sending the signal to the process's exit. */
  ms: number;
}

export interface DaemonProcess {
  readonly pid: number;
  /** The config file passed with --config, if any. */
  readonly configFile: string | undefined;
  /** Parsed JSON log lines so far. */
  readonly lines: LogLine[];
  /** stdout lines that were not a JSON object (there should be none). */
  readonly badLines: string[];
  readonly stderr: string;
  /** Date.now() at each entry of `lines` (same index). */
  readonly arrivals: number[];
  /** true until the process has exited. */
  readonly running: boolean;
  /** Settles once the process has exited and its output is fully read. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /**
   * Resolves with the first line at index >= `from` (default 0) matching `pred`; rejects on timeout or
   * when the daemon exits first, with the last lines and stderr in the message.
   */
  waitForLog(pred: (line: LogLine) => boolean, timeoutMs: number, from?: number): Promise<LogLine>;
  /** Sends `signal` and resolves on exit (SIGKILL after `killAfterMs`, default 10 s, so a test never hangs). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<StopResult>;
  /** The last `n` stdout lines (raw text) and stderr, for failure messages. */
  tail(n?: number): string;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
// A test process that dies without stopAll() still takes its daemons with it.
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')));

/** Matches a log line by its exact msg, or by a RegExp on msg. */
export const msgIs =
  (msg: string | RegExp) =>
  (l: LogLine): boolean =>
    typeof msg === 'string' ? l.msg === msg : msg.test(l.msg);

export function startDaemon(opts: DaemonOptions = {}): DaemonProcess {
  let configFile: string | undefined;
  if (typeof opts.config === 'string') configFile = opts.config;
  else if (opts.config !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'mixd-daemon-'));
    tempDirs.add(dir);
    configFile = join(dir, 'mixd.json');
    writeFileSync(configFile, JSON.stringify(opts.config, null, 2));
  }
  const args = [MIXD_MAIN, ...(opts.args ?? ['run'])];
  if (configFile !== undefined) args.push('--config', configFile);
  const child = spawn(process.execPath, args, {
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${process.execPath} ${args.join(' ')}`);
  live.add(child);

  const lines: LogLine[] = [];
  const arrivals: number[] = [];
  const raw: string[] = [];
  const badLines: string[] = [];
  let stderr = '';
  let exitedAt = 0;
  let running = true;
  const listeners = new Set<() => void>();
  const wake = (): void => listeners.forEach((f) => f());

  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    wake();
  });
  createInterface({ input: child.stdout }).on('line', (text) => {
    raw.push(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'msg' in parsed) {
      lines.push(parsed as LogLine);
      arrivals.push(Date.now());
    } else badLines.push(text);
    wake();
  });
  child.once('exit', () => {
    exitedAt = performance.now();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    // 'close' comes after 'exit' and after both pipes are drained: every line has been seen.
    child.once('close', (code, signal) => {
      running = false;
      live.delete(child);
      wake();
      resolve({ code, signal });
    });
  });

  const tail = (n = 15): string =>
    [
      `--- last ${Math.min(n, raw.length)} of ${raw.length} stdout lines (pid ${child.pid}):`,
      ...raw.slice(-n),
      `--- stderr: ${stderr.trim() === '' ? '(empty)' : stderr.trim()}`,
    ].join('\n');

  const waitForLog = (pred: (line: LogLine) => boolean, timeoutMs: number, from = 0): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      let next = from;
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      const check = (): void => {
        for (; next < lines.length; next++) {
          const line = lines[next]!;
          if (pred(line)) {
            done();
            resolve(line);
            return;
          }
        }
        if (!running) {
          done();
          const { exitCode, signalCode } = child;
          reject(
            new Error(
              `mixd exited (code ${exitCode}, signal ${signalCode}) before the awaited log line\n${tail()}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`awaited log line did not come within ${timeoutMs} ms\n${tail()}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 10_000): Promise<StopResult> => {
    if (!running || child.exitCode !== null || child.signalCode !== null) {
      const r = await exited;
      return { ...r, ms: 0 };
    }
    const t0 = performance.now();
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const r = await exited;
    clearTimeout(killer);
    return { ...r, ms: (exitedAt || performance.now()) - t0 };
  };

  return {
    pid: child.pid,
    configFile,
    lines,
    badLines,
    arrivals,
    get stderr() {
      return stderr;
    },
    get running() {
      return running;
    },
    exited,
    waitForLog,
    stop,
    tail,
  };
}

/** Kills every daemon still running (SIGKILL), waits for them, and removes the temp config files. */
export async function stopAll(): Promise<void> {
  const children = [...live];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
