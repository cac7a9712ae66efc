// Health gate for the systemd watchdog (daemon.md B1). An unconditional WATCHDOG=1 timer only proves the
// event loop runs; mixd pings only while audio is flowing and the loop is responsive, so that systemd
// restarts a daemon that is alive but useless.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Log, Notifier } from './notify.js';

export interface HealthResult {
  healthy: boolean;
  reason?: string;
}

export interface HealthGate {
  /** Judges the window since the previous check (or since creation), then starts a new window. */
  check(): HealthResult;
  /** Stops the event-loop delay monitor. */
  close(): void;
}

export interface HealthGateOptions {
  maxEventLoopDelayMs: number;
  /** A counter the audio thread bumps every block. */
  heartbeat: () => number;
  /** Extra reason to be unhealthy, e.g. a driver stuck in its write queue beyond budget. */
  stalledReason?: () => string | undefined;
  now?: () => number;
}

export function createHealthGate(opts: HealthGateOptions): HealthGate {
  const now = opts.now ?? Date.now;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let lastBeat = opts.heartbeat();
  let lastAdvanceAt = now();

  return {
    check() {
      const reasons: string[] = [];
      const beat = opts.heartbeat();
      // `!==` rather than `>`: a counter in shared memory may wrap around.
      if (beat !== lastBeat) {
        lastBeat = beat;
        lastAdvanceAt = now();
      } else {
        reasons.push(`audio heartbeat stalled for ${now() - lastAdvanceAt} ms`);
      }
      // Histogram values are in ns; an empty window (no timer tick yet) reads as no delay.
      const p99Ms = delay.count > 0 ? delay.percentile(99) / 1e6 : 0;
      // reset() also forgets the last tick, so a block starting within ~10 ms of a check goes unseen;
      // acceptable, since p99 targets sustained lag and a loop that stays stuck never pings anyway.
      delay.reset();
      if (p99Ms >= opts.maxEventLoopDelayMs) {
        reasons.push(`event-loop delay p99 ${Math.round(p99Ms)} ms >= ${opts.maxEventLoopDelayMs} ms`);
      }
      const stalled = opts.stalledReason?.();
      if (stalled !== undefined) reasons.push(stalled);
      return reasons.length === 0 ? { healthy: true } : { healthy: false, reason: reasons.join('; ') };
    },
    close() {
      delay.disable();
    },
  };
}

/**
 * Sends WATCHDOG=1 every notifier.watchdogIntervalMs while the gate is healthy; a withheld ping lets
 * systemd's WatchdogSec expire and restart mixd. Returns a function that stops the timer.
 */
export function startWatchdog(
  notifier: Pick<Notifier, 'watchdog' | 'watchdogIntervalMs'>,
  gate: Pick<HealthGate, 'check'>,
  log: Log,
): () => void {
  const intervalMs = notifier.watchdogIntervalMs;
  if (intervalMs === undefined) return () => {};
  let healthy = true;
  const timer = setInterval(() => {
    const result = gate.check();
    if (result.healthy) {
      notifier.watchdog();
      if (!healthy) log.info('watchdog: healthy again, resuming WATCHDOG=1');
    } else if (healthy) {
      // Once per transition: the reason text changes every interval and would flood the journal.
      log.warn({ reason: result.reason }, 'watchdog: unhealthy, withholding WATCHDOG=1');
    }
    healthy = result.healthy;
  }, intervalMs);
  // The watchdog alone must not keep a finished process alive.
  timer.unref();
  return () => clearInterval(timer);
}
