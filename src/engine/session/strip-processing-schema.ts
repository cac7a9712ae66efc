// The channel strip's processing sections: high-pass filter, 4-band EQ, gate/expander/ducker, compressor.
// Ranges follow engine.md §1.2 (X32) and §9.1; defaults are a neutral starting point (every section but the
// EQ off, the EQ flat).
import { z } from 'zod';
import { booleanFlag, issue, numberIn, oneOf, strictSection } from './fields.js';

export const HpfSchema = strictSection(
  {
    on: booleanFlag.default(false),
    freqHz: numberIn(20, 1000, 'a frequency in Hz between 20 and 1000').default(80),
    slope: z.literal([12, 18, 24], { error: 'one of 12, 18, 24 (dB per octave)' }).default(12),
  },
  'a mapping of high-pass filter settings (on, freqHz, slope)',
);

interface BandDefaults<T extends string> {
  type: T;
  freqHz: number;
  q: number;
}

/** One EQ band; `types` is what that band may be (shelves only on the outer bands). */
function eqBand<const T extends readonly [string, ...string[]]>(types: T, defaults: BandDefaults<T[number]>) {
  return strictSection(
    {
      on: booleanFlag.default(true),
      type: oneOf(types).default(defaults.type),
      freqHz: numberIn(20, 20_000, 'a frequency in Hz between 20 and 20000').default(defaults.freqHz),
      gainDb: numberIn(-18, 18).default(0),
      q: numberIn(0.1, 10).default(defaults.q),
    },
    'a mapping of EQ band settings (on, type, freqHz, gainDb, q)',
  ).prefault({});
}

// Shelves default to a Butterworth-like Q of 1/√2 (no overshoot); peaks to one octave-ish Q 1.
const SHELF_Q = Math.SQRT1_2;

export const EqSchema = strictSection(
  {
    on: booleanFlag.default(true),
    bands: strictSection(
      {
        low: eqBand(['low-shelf', 'peak'], { type: 'low-shelf', freqHz: 100, q: SHELF_Q }),
        lowMid: eqBand(['peak'], { type: 'peak', freqHz: 400, q: 1 }),
        highMid: eqBand(['peak'], { type: 'peak', freqHz: 2500, q: 1 }),
        high: eqBand(['high-shelf', 'peak'], { type: 'high-shelf', freqHz: 8000, q: SHELF_Q }),
      },
      'a mapping of the EQ bands low, lowMid, highMid, high',
    ).prefault({}),
  },
  'a mapping of EQ settings (on, bands)',
);

export const GATE_MODES = ['gate', 'expander', 'ducker'] as const;
const DEFAULT_EXPANDER_RATIO = 2;

export const GateSchema = strictSection(
  {
    on: booleanFlag.default(false),
    mode: oneOf(GATE_MODES).default('gate'),
    thresholdDb: numberIn(-80, 0).default(-40),
    rangeDb: numberIn(0, 80).default(40),
    // Only an expander has a ratio; filled in below so the output always carries one.
    ratio: numberIn(1.5, 4).optional(),
    attackMs: numberIn(0.05, 120, 'a time in ms between 0.05 and 120').default(0.5),
    holdMs: numberIn(0, 2000, 'a time in ms between 0 and 2000').default(50),
    releaseMs: numberIn(5, 4000, 'a time in ms between 5 and 4000').default(200),
    // Studer OnAir's fixed 6 dB (engine.md §6.3).
    hysteresisDb: numberIn(0, 12).default(6),
    key: z
      .string({ error: 'the name of a strip or bus, or null (the strip keys from its own signal)' })
      .min(1)
      .nullable()
      .default(null),
  },
  'a mapping of gate settings',
)
  .check((ctx) => {
    const g = ctx.value;
    if (g.ratio !== undefined && g.mode !== 'expander') {
      ctx.issues.push(issue(['ratio'], g.ratio, 'no ratio (ratio applies to mode "expander" only)'));
    }
    // A ducker lowers this strip while *another* signal is present; its own signal cannot be that.
    if (g.mode === 'ducker' && g.key === null) {
      ctx.issues.push(
        issue(['key'], null, 'the name of the strip or bus whose signal ducks this strip (mode "ducker")'),
      );
    }
  })
  .transform((g) => ({ ...g, ratio: g.ratio ?? DEFAULT_EXPANDER_RATIO }));

export const CompSchema = strictSection(
  {
    on: booleanFlag.default(false),
    thresholdDb: numberIn(-60, 0).default(-20),
    ratio: numberIn(1, 100).default(4),
    kneeDb: numberIn(0, 24).default(6),
    attackMs: numberIn(0.05, 200, 'a time in ms between 0.05 and 200').default(10),
    releaseMs: numberIn(5, 4000, 'a time in ms between 5 and 4000').default(100),
    makeupDb: numberIn(0, 24).default(0),
    detector: oneOf(['peak', 'rms']).default('peak'),
    mixPct: numberIn(0, 100, 'a percentage between 0 and 100').default(100),
  },
  'a mapping of compressor settings',
);
