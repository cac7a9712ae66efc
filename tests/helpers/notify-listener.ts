// Stands in for systemd's $NOTIFY_SOCKET: a python3 process bound to an AF_UNIX datagram socket in a fresh
// temp directory prints every datagram it receives as one JSON string per line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const LISTENER = `
import json, signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

export interface Notification {
  /** Date.now() when the listener's line arrived. */
  at: number;
  /** The raw datagram: newline-separated KEY=VALUE lines. */
  text: string;
}

export interface NotifyListener {
  /** The socket path, for NOTIFY_SOCKET. */
  readonly path: string;
  /** Datagrams not yet taken by next(), oldest first (a live array). */
  readonly received: string[];
  /** Every datagram since the start, with its arrival time (next() does not remove from here). */
  readonly all: Notification[];
  /** Takes the oldest unread datagram as KEY → VALUE; rejects after timeoutMs without one. */
  next(timeoutMs?: number): Promise<Map<string, string>>;
  /** Stops the listener and removes its directory. */
  close(): void;
}

/** "READY=1\nSTATUS=x" → Map { READY → 1, STATUS → x }. */
export function parseNotification(datagram: string): Map<string, string> {
  return new Map(
    datagram.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
}

export async function startNotifyListener(): Promise<NotifyListener> {
  const dir = mkdtempSync(join(tmpdir(), 'mixd-notify-'));
  const path = join(dir, 'notify');
  const child = spawn('python3', ['-c', LISTENER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const received: string[] = [];
  const all: Notification[] = [];
  // Woken (and dropped) on every datagram; a waiter whose timeout fired first is woken harmlessly.
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const text = JSON.parse(line) as string;
    received.push(text);
    all.push({ at: Date.now(), text });
    waiters.splice(0).forEach((wake) => wake());
  });
  const close = (): void => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; !existsSync(path); i++) {
    if (i > 200 || child.exitCode !== null) {
      close();
      throw new Error(`python listener did not bind ${path}: ${stderr.trim()}`);
    }
    await sleep(10);
  }

  const next = async (timeoutMs = 5000): Promise<Map<string, string>> => {
    const deadline = Date.now() + timeoutMs;
    while (received.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no sd_notify datagram within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
    return parseNotification(received.shift() ?? '');
  };

  return { path, received, all, next, close };
}
