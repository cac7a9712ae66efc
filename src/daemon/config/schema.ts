// Daemon config schema. Every key is optional, so an empty file means "all defaults"; unknown keys are
// rejected so a typo never silently falls back to a default. Messages are "expected ..." phrases that
// the loader (load.ts) turns into one-line errors.
import { z } from 'zod';
import {
  SessionSchema,
  hasIssueAt,
  integerIn,
  oneOf,
  strictSection,
  type Session,
} from '../../engine/session/schema.js';

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

const RetrySchema = strictSection(
  {
    initialMs: integerIn(50, 60_000, 'a number of milliseconds between 50 and 60000').default(500),
    maxMs: integerIn(50, 600_000, 'a number of milliseconds between 50 and 600000').default(5000),
  },
  'a mapping with initialMs and maxMs',
).check((ctx) => {
  // Backoff grows from initialMs up to maxMs; an inverted pair would make the cap meaningless.
  // Skipped when either bound is already reported, so a field never gets two messages.
  const { initialMs, maxMs } = ctx.value;
  if (maxMs < initialMs && !hasIssueAt(ctx.issues, 'initialMs') && !hasIssueAt(ctx.issues, 'maxMs')) {
    ctx.issues.push({
      code: 'custom',
      path: ['maxMs'],
      input: maxMs,
      message: `a number of milliseconds at least retry.initialMs (${initialMs})`,
    });
  }
});

const AudioSchema = strictSection(
  {
    // portaudio: mixd's own realtime binding; naudiodon: fallback; null: no device (tests, render).
    // Unquoted `backend: null` is YAML null, so it is read as the "null" backend rather than rejected.
    backend: z
      .preprocess((v) => (v === null ? 'null' : v), oneOf(['portaudio', 'naudiodon', 'null']))
      .default('portaudio'),
    hostApi: z
      .string({ error: 'a host API name such as "JACK" or "ALSA" (non-empty text)' })
      .min(1)
      .optional(),
    device: z
      .string({ error: '"default" or part of a device name (non-empty text)' })
      .min(1)
      .default('default'),
    sampleRate: z
      .literal([44100, 48000, 88200, 96000], { error: 'one of 44100, 48000, 88200, 96000' })
      .default(48000),
    blockFrames: z
      .number({ error: 'a power of two between 16 and 4096' })
      .int()
      .min(16)
      .max(4096)
      .refine(isPowerOfTwo)
      .default(128),
    outputChannels: integerIn(1, 64).default(2),
    clientName: z
      .string({ error: 'a JACK client name of 1 to 32 characters from A-Z, a-z, 0-9, "_", "." and "-"' })
      .regex(/^[A-Za-z0-9_.-]{1,32}$/)
      .default('mixd'),
    deadDeviceMs: integerIn(100, 5000, 'a number of milliseconds between 100 and 5000').default(500),
    // SCHED_FIFO priority of the audio worker thread, below JACK's own (jackd -P 70 → clients at 65);
    // 0 keeps it a normal thread. Needs LimitRTPRIO= under systemd.
    realtimePriority: integerIn(0, 89).default(60),
    // Explicit libportaudio path, tried before the system's and naudiodon's copies.
    library: z.string({ error: 'a path to libportaudio.so.2 (non-empty text)' }).min(1).optional(),
    retry: RetrySchema.prefault({}),
  },
  'a mapping of audio settings',
);

const EngineSchema = strictSection(
  { stallMs: integerIn(200, 10_000, 'a number of milliseconds between 200 and 10000').default(1000) },
  'a mapping of engine settings',
);

const LogSchema = strictSection(
  { level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') },
  'a mapping of log settings',
);

const HealthSchema = strictSection(
  {
    maxEventLoopDelayMs: integerIn(10, 10_000, 'a number of milliseconds between 10 and 10000').default(250),
  },
  'a mapping of health settings',
);

// A string is a path to a session file; a mapping is an inline session, validated here so that its problems
// come out field by field (a zod union would collapse them into one "expected a path or a mapping").
const SESSION_REF = 'a session file path or an inline session mapping';
const SessionRefSchema = z.unknown().transform((value, ctx): string | Session => {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const parsed = SessionSchema.safeParse(value, { reportInput: true }); // keep "found" in the issues
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.issues.push(issue as Parameters<typeof ctx.issues.push>[0]);
    return z.NEVER;
  }
  ctx.issues.push({ code: 'custom', message: SESSION_REF, input: value });
  return z.NEVER;
});

export const ConfigSchema = strictSection(
  {
    audio: AudioSchema.prefault({}),
    engine: EngineSchema.prefault({}),
    session: SessionRefSchema.optional(),
    log: LogSchema.prefault({}),
    health: HealthSchema.prefault({}),
  },
  'a mapping of config sections (audio, engine, session, log, health)',
);

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
