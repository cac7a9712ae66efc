// Solo through the real engine on a small graph (engine.md §1.1, Ardour semantics): strips a, b → master,
// a also sends to the reverb return "rev"; c, d → the group bus "grp" → master. Every input carries a
// constant, and the post-fader meters say which routes carry signal. The expected tables are written out by
// hand from the rules: SIP keeps a soloed route, what feeds it and what it feeds; a send is not a feed for
// solo (so "rev" goes silent unless isolated); explicit mute wins; AFL/PFL leave the main mix alone and put
// the soloed route on the monitor pair.
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema } from '../../src/engine/session/schema.js';

const FS = 48000;
const B = 64;
const LEVEL = 0.1;
const ROUTES = ['a', 'b', 'c', 'd', 'grp', 'rev', 'master'] as const;
type Route = (typeof ROUTES)[number];
type Flags = Partial<Record<Route, { solo?: boolean; mute?: boolean; soloIsolate?: boolean }>>;
const db = (x: number): number => 10 ** (x / 20);

function engineFor(flags: Flags, monitor: Record<string, unknown> = {}) {
  const r = SessionSchema.safeParse({
    version: 1,
    strips: [
      { name: 'a', input: 1, sends: [{ bus: 'rev' }], ...flags.a },
      { name: 'b', input: 2, faderDb: -10, ...flags.b },
      { name: 'c', input: 3, output: { bus: 'grp' }, ...flags.c },
      { name: 'd', input: 4, output: { bus: 'grp' }, ...flags.d },
    ],
    buses: [
      { name: 'grp', kind: 'aux', ...flags.grp },
      { name: 'rev', kind: 'aux', ...flags.rev },
    ],
    master: { limiter: { on: false } },
    monitor: { outputs: [3, 4], ...monitor },
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  const created = MixEngine.create(r.data, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  return created.engine;
}

/** Runs two blocks of constant input; returns which routes carry signal and the monitor pair's last sample. */
function probe(engine: MixEngine) {
  const input = new Float32Array(4 * B).fill(LEVEL);
  const output = new Float32Array(4 * B);
  for (let i = 0; i < 2; i++) engine.process(input, 4, output, 4);
  const plan = engine.plan;
  const peak = (route: Route): number => {
    const strip = plan.strips.find((s) => s.name === route);
    if (strip) return engine.stripPeaks[strip.meterOffset]!;
    const bus = plan.buses.find((b) => b.name === route)!;
    return Math.max(engine.busPeaks[bus.channelBase]!, engine.busPeaks[bus.channelBase + 1]!);
  };
  const signal = Object.fromEntries(ROUTES.map((r) => [r, peak(r) > 0 ? 1 : 0]));
  return { signal, peak, monitor: [output[3 * B - 1]!, output[4 * B - 1]!] };
}

const row = (values: number[]) => Object.fromEntries(ROUTES.map((r, i) => [r, values[i]]));

describe('solo in place (SIP) through the engine', () => {
  //                                                    a  b  c  d grp rev master
  const table: [string, Flags, number[]][] = [
    ['nothing soloed', {}, [1, 1, 1, 1, 1, 1, 1]],
    ['solo a (its send-only return goes silent)', { a: { solo: true } }, [1, 0, 0, 0, 0, 0, 1]],
    ['solo grp (solos what feeds it)', { grp: { solo: true } }, [0, 0, 1, 1, 1, 0, 1]],
    ['solo c (keeps grp downstream, not d)', { c: { solo: true } }, [0, 0, 1, 0, 1, 0, 1]],
    ['solo a, rev solo-isolated', { a: { solo: true }, rev: { soloIsolate: true } }, [1, 0, 0, 0, 0, 1, 1]],
    ['solo a + b', { a: { solo: true }, b: { solo: true } }, [1, 1, 0, 0, 0, 0, 1]],
    ['solo a, a muted (mute wins)', { a: { solo: true, mute: true } }, [0, 0, 0, 0, 0, 0, 0]],
    ['solo d, grp muted', { d: { solo: true }, grp: { mute: true } }, [0, 0, 0, 1, 0, 0, 0]],
  ];
  it.each(table)('%s', (_, flags, expected) => {
    expect(probe(engineFor(flags)).signal).toEqual(row(expected));
  });

  it('solo in front: implicitly muted routes play at soloInFrontDb', () => {
    const { peak } = probe(engineFor({ b: { solo: true } }, { soloInFrontDb: -20 }));
    expect(peak('a')).toBeCloseTo(LEVEL * db(-20), 7);
    expect(peak('b')).toBeCloseTo(LEVEL * db(-10), 7);
  });

  it('the monitor plays the master under SIP', () => {
    const { monitor } = probe(engineFor({ a: { solo: true } }));
    // a alone, centre pan (−3 dB equal power), unity fader and master.
    expect(monitor[0]).toBeCloseTo(LEVEL * Math.SQRT1_2, 7);
    expect(monitor[1]).toBeCloseTo(LEVEL * Math.SQRT1_2, 7);
  });
});

describe('AFL / PFL listen', () => {
  it('AFL: main mix untouched, the monitor hears b after its fader', () => {
    const { signal, monitor } = probe(engineFor({ b: { solo: true } }, { soloMode: 'afl' }));
    expect(signal).toEqual(row([1, 1, 1, 1, 1, 1, 1]));
    expect(monitor[0]).toBeCloseTo(LEVEL * db(-10) * Math.SQRT1_2, 7);
    expect(monitor[1]).toBeCloseTo(LEVEL * db(-10) * Math.SQRT1_2, 7);
  });

  it('PFL: the monitor hears b before its fader', () => {
    const { signal, monitor } = probe(engineFor({ b: { solo: true } }, { soloMode: 'pfl' }));
    expect(signal).toEqual(row([1, 1, 1, 1, 1, 1, 1]));
    expect(monitor[0]).toBeCloseTo(LEVEL * Math.SQRT1_2, 7);
  });

  it('AFL of a bus: grp after its fader, folded to the pair', () => {
    const { monitor } = probe(engineFor({ grp: { solo: true } }, { soloMode: 'afl' }));
    // c and d both centre-panned into grp: each side LEVEL·√½·2.
    expect(monitor[0]).toBeCloseTo(2 * LEVEL * Math.SQRT1_2, 7);
  });

  it('monitor dim: the master at the dim level', () => {
    const { monitor } = probe(engineFor({}, { dim: true, dimDb: -12 }));
    // a, b (−10 dB) on the master at centre; c, d through grp; a again through its send to rev.
    const sum = LEVEL * Math.SQRT1_2 * (1 + db(-10) + 2 + 1);
    expect(monitor[0]).toBeCloseTo(sum * db(-12), 6);
  });
});
