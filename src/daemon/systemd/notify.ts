// sd_notify(3) without libsystemd (daemon.md B1): one datagram of newline-separated KEY=VALUE lines to
// $NOTIFY_SOCKET. Node core has no AF_UNIX datagram sockets, so this uses the optional native
// dependency `unix-dgram`, loaded lazily so that mixd still runs (without notifications) when it is absent.
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

export type Log = Pick<Logger, 'warn' | 'error' | 'debug' | 'info'>;

export interface Notifier {
  ready(status: string): void;
  status(text: string): void;
  stopping(status?: string): void;
  watchdog(): void;
  /** How often to send WATCHDOG=1 (half of WATCHDOG_USEC), or undefined when systemd expects no pings. */
  readonly watchdogIntervalMs: number | undefined;
  close(): void;
}

/** The subset of unix-dgram's API used here (it ships no types). */
export interface DgramModule {
  createSocket(type: 'unix_dgram'): {
    send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
    close(): void;
  };
}

export function loadUnixDgram(): DgramModule {
  return createRequire(import.meta.url)('unix-dgram') as DgramModule;
}

// sockaddr_un.sun_path is 108 bytes including the NUL; unix-dgram silently truncates longer paths.
const MAX_SOCKET_PATH = 107;

const noop = (): void => {};

export function createNotifier(
  log: Log,
  env: NodeJS.ProcessEnv = process.env,
  loadDgram: () => DgramModule = loadUnixDgram,
): Notifier {
  const disabled: Notifier = {
    ready: noop,
    status: noop,
    stopping: noop,
    watchdog: noop,
    watchdogIntervalMs: undefined,
    close: noop,
  };
  const path = env['NOTIFY_SOCKET'];
  if (!path) return disabled;
  if (path.startsWith('@')) {
    // unix-dgram copies the address with strncpy and a fixed address length, so it cannot express an
    // abstract name. System services get a filesystem path (/run/systemd/notify), so this is rare.
    log.warn({ path }, 'sd_notify: abstract NOTIFY_SOCKET is not supported by unix-dgram; notifications off');
    return disabled;
  }
  if (!path.startsWith('/') || Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    log.warn({ path }, 'sd_notify: unsupported NOTIFY_SOCKET address; notifications off');
    return disabled;
  }
  let dgram: DgramModule;
  try {
    dgram = loadDgram();
  } catch (err) {
    // Error level: under Type=notify systemd will time out waiting for READY=1.
    log.error({ err }, 'sd_notify: NOTIFY_SOCKET is set but unix-dgram could not be loaded');
    return disabled;
  }

  let closed = false;
  const send = (lines: string[]): void => {
    if (closed) return;
    const buf = Buffer.from(lines.join('\n'));
    try {
      // A socket per message: unix-dgram keeps a referenced poll handle open for each socket, which
      // would otherwise hold the event loop alive after shutdown. One datagram every few seconds is cheap.
      const socket = dgram.createSocket('unix_dgram');
      try {
        socket.send(buf, 0, buf.length, path, (err) => {
          if (err) log.error({ err, notification: lines[0] }, 'sd_notify: send failed');
        });
      } finally {
        socket.close();
      }
    } catch (err) {
      log.error({ err, notification: lines[0] }, 'sd_notify: send failed');
    }
  };
  // A newline inside STATUS would start a new KEY=VALUE line, i.e. inject another notification.
  const statusLine = (text: string): string => `STATUS=${text.replace(/[\r\n]+/g, ' ')}`;

  return {
    ready: (status) =>
      send(['READY=1', statusLine(status), `MONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`]),
    status: (text) => send([statusLine(text)]),
    stopping: (status) => send(status === undefined ? ['STOPPING=1'] : ['STOPPING=1', statusLine(status)]),
    watchdog: () => send(['WATCHDOG=1']),
    watchdogIntervalMs: parseWatchdogIntervalMs(env, log),
    close: () => {
      closed = true;
    },
  };
}

/** Half of WATCHDOG_USEC in ms, as sd_watchdog_enabled(3) recommends; undefined if not meant for us. */
export function parseWatchdogIntervalMs(
  env: NodeJS.ProcessEnv,
  log: Log,
  pid = process.pid,
): number | undefined {
  const usec = env['WATCHDOG_USEC'];
  if (usec === undefined) return undefined;
  const watchdogPid = env['WATCHDOG_PID'];
  if (watchdogPid !== undefined) {
    if (!/^\d+$/.test(watchdogPid)) {
      log.warn({ WATCHDOG_PID: watchdogPid }, 'sd_notify: malformed WATCHDOG_PID; watchdog off');
      return undefined;
    }
    // The variables were meant for another process (e.g. inherited from a parent): not our watchdog.
    if (Number(watchdogPid) !== pid) {
      log.debug({ WATCHDOG_PID: watchdogPid, pid }, 'sd_notify: WATCHDOG_PID is another process');
      return undefined;
    }
  }
  const value = /^\d+$/.test(usec) ? Number(usec) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    log.warn({ WATCHDOG_USEC: usec }, 'sd_notify: malformed WATCHDOG_USEC; watchdog off');
    return undefined;
  }
  return Math.max(1, Math.floor(value / 2000));
}
