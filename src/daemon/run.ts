// `mixd run`: the daemon. Loads the config, starts the audio engine, tells systemd when it is ready, pings the
// watchdog only while audio flows and the event loop is healthy, and stops cleanly on SIGTERM/SIGINT.
import { EngineHost } from '../engine/audio/engine-host.js';
import type { InjectedFault, WorkerEvent } from '../engine/audio/worker-protocol.js';
import { defaultSession } from '../engine/session/schema.js';
import { defaultConfig } from './config/schema.js';
import { formatConfigError, loadConfig, type LoadConfigResult } from './config/load.js';
import { startAudioStatsLog } from './audio-stats.js';
import { createLogger, type Logger } from './log.js';
import { createHealthGate, startWatchdog } from './systemd/health.js';
import { createNotifier } from './systemd/notify.js';

export interface RunOptions {
  config?: string | undefined;
  check?: boolean | undefined;
}

/** Whole stop (fade, close, exit) must fit in this, well inside systemd's TimeoutStopSec. */
const STOP_DEADLINE_MS = 1800;

function load(options: RunOptions): LoadConfigResult {
  if (options.config) return loadConfig(options.config);
  return { ok: true, config: defaultConfig(), session: defaultSession() };
}

function describeDevice(e: Extract<WorkerEvent, { type: 'device' }>): string {
  if (e.state !== 'running') return `no audio device (${e.reason ?? 'unknown'}); running on the null clock`;
  const mixMs = ((1000 * (e.mixLatencyFrames ?? 0)) / (e.sampleRate ?? 48000)).toFixed(2);
  const lat = `latency in ${e.inputLatencyMs?.toFixed(2)} ms / out ${e.outputLatencyMs?.toFixed(2)} ms / mix ${mixMs} ms`;
  return `audio on "${e.device}" (${e.hostApi}), ${e.sampleRate} Hz, ${e.blockFrames} frames, ${e.inChannels} in / ${e.outChannels} out, ${lat}`;
}

/** Parses MIXD_TEST_FAULT=stall@MS|crash@MS (used by the fault tests only). */
function testFault(): InjectedFault | undefined {
  const m = /^(stall|crash)@(\d+)$/.exec(process.env.MIXD_TEST_FAULT ?? '');
  return m ? { kind: m[1] as InjectedFault['kind'], afterMs: Number(m[2]) } : undefined;
}

export async function runDaemon(options: RunOptions): Promise<number> {
  const loaded = load(options);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(formatConfigError(e) + '\n');
    return 2;
  }
  if (options.check) {
    process.stdout.write(`${options.config ?? '(embedded default)'}: configuration is valid\n`);
    return 0;
  }
  const { config, session } = loaded;
  const log = createLogger(config.log.level);
  log.info(
    {
      config: options.config ?? '(embedded default)',
      session: loaded.sessionFile ?? '(embedded)',
      strips: session.strips.length,
    },
    'mixd starting',
  );
  const notifier = createNotifier(log);
  let ready = false;
  let lastDeviceState = '';
  // naudiodon can neither close a JACK stream nor let its worker exit (realtime.md F1, F3, F4): with that
  // backend the process ends by SIGKILL once the logs are flushed.
  const hardExit = (code: string): void => {
    log.info({ code }, 'ending the process with SIGKILL (naudiodon backend)');
    log.flush();
    process.kill(process.pid, 'SIGKILL');
  };
  let host: EngineHost;
  // The watchdog starts with READY: before it the worker is warming up and no heartbeat is due, and systemd's
  // TimeoutStartSec covers a start that never finishes.
  let stopWatchdog = (): void => {};
  let closeGate = (): void => {};
  const startHealthWatch = (): void => {
    const gate = createHealthGate({
      maxEventLoopDelayMs: config.health.maxEventLoopDelayMs,
      heartbeat: () => host.views.heartbeat(),
    });
    stopWatchdog = startWatchdog(notifier, gate, log);
    closeGate = () => gate.close();
  };
  try {
    host = new EngineHost({
      audio: config.audio,
      session,
      log,
      stallMs: config.engine.stallMs,
      fault: testFault(),
      onFatal: (reason) => {
        log.fatal({ reason }, 'audio backend cannot recover in this process; exiting for a restart');
        notifier.stopping(reason);
        hardExit('fatal');
      },
      onDevice: (e) => {
        const text = describeDevice(e);
        if (e.state === 'running') log.info({ ...e, type: undefined }, text);
        else if (e.state !== lastDeviceState) log.warn({ reason: e.reason }, text);
        lastDeviceState = e.state;
        if (!ready) {
          ready = true;
          notifier.ready(text);
          startHealthWatch();
        } else notifier.status(text);
      },
    });
  } catch (err) {
    log.fatal({ err }, 'the session cannot run');
    log.flush();
    return 2;
  }
  host.start();
  const stopStatsLog = startAudioStatsLog(host.views, log);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      notifier.stopping('stopping');
      // Last resort if something native hangs: the process still ends within the deadline.
      setTimeout(() => process.exit(1), STOP_DEADLINE_MS + 150).unref();
      void host.stop(STOP_DEADLINE_MS - 300).then(() => {
        stopWatchdog();
        stopStatsLog();
        closeGate();
        notifier.close();
        log.info({ restarts: host.restartCount }, 'stopped');
        if (host.needsHardExit) hardExit('stop');
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // There is no live reload yet: keep running rather than die on a stray SIGHUP.
    process.on('SIGHUP', () => log.warn('SIGHUP ignored: restart mixd to apply configuration changes'));
    process.on('uncaughtException', (err) => {
      log.fatal({ err }, 'uncaught exception');
      stop('uncaughtException');
    });
  });
}

export type { Logger };
