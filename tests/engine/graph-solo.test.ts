// Solo resolver truth tables for a 10-route post graph, every expected state written out by hand from
// Ardour's solo semantics (engine.md §1.1: SIP up/downstream propagation over outputs, not send-only feeds;
// isolate; solo safe; exclusive; AFL/PFL listen leaves the main mix alone; explicit mute wins).
import { describe, expect, it } from 'vitest';
import {
  requestSolo,
  resolveSolo,
  type Feed,
  type SoloGraph,
  type SoloMode,
  type SoloResolution,
  type SoloRoute,
} from '../../src/engine/graph/solo.js';

// 6 strips, 2 aux buses fed by sends, 1 dialogue stem bus, master.
const ORDER = ['dlg1', 'dlg2', 'mus1', 'fx1', 'fx2', 'fol1', 'verb', 'delay', 'dx', 'master'] as const;
type Id = (typeof ORDER)[number];
const out = (from: Id, to: Id): Feed => ({ from, to, via: 'output' });
const send = (from: Id, to: Id): Feed => ({ from, to, via: 'send' });
const FEEDS: Feed[] = [
  out('dlg1', 'dx'),
  out('dlg2', 'dx'),
  out('dx', 'master'),
  out('mus1', 'master'),
  out('fx1', 'master'),
  out('fx2', 'master'),
  out('fol1', 'master'),
  out('verb', 'master'),
  out('delay', 'master'),
  send('dlg1', 'verb'),
  send('dlg2', 'verb'),
  send('fx1', 'verb'),
  send('mus1', 'delay'),
  send('fx2', 'delay'),
];

interface Flags {
  solo?: Id[];
  mute?: Id[];
  safe?: Id[];
  isolate?: Id[];
}

function routes(flags: Flags): SoloRoute[] {
  return ORDER.map((id) => ({
    id,
    kind: id === 'master' ? 'master' : ['verb', 'delay', 'dx'].includes(id) ? 'bus' : 'strip',
    solo: flags.solo?.includes(id) ?? false,
    mute: flags.mute?.includes(id) ?? false,
    soloSafe: flags.safe?.includes(id) ?? false,
    soloIsolate: flags.isolate?.includes(id) ?? false,
  }));
}

function resolve(flags: Flags, mode: SoloMode = 'sip'): SoloResolution {
  const result = resolveSolo({ routes: routes(flags), feeds: FEEDS }, mode);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

// A = audible, I = implicitly muted, M = explicitly muted, MI = both; X = `audible` contradicts the flags.
function table(r: SoloResolution, muted: readonly Id[] = []): string {
  return ORDER.map((id) => {
    const s = r.routes.get(id)!;
    const state = (muted.includes(id) ? 'M' : '') + (s.implicitMute ? 'I' : '');
    return s.audible === (state === '') ? state || 'A' : 'X';
  }).join(' ');
}

describe('solo in place', () => {
  //                                   dlg1 dlg2 mus1 fx1 fx2 fol1 verb delay dx master
  it.each([
    ['nothing soloed', {}, 'A A A A A A A A A A'],
    // fx1's reverb return is fed by a send only: implied mute (the classic SIP complaint).
    ['strip fx1', { solo: ['fx1'] }, 'I I I A I I I I I A'],
    // Soloing the stem bus solos what is routed into it and what it feeds.
    ['stem bus dx', { solo: ['dx'] }, 'A A I I I I I I A A'],
    // A bus fed only by sends: its sources are not soloed by it.
    ['aux bus verb', { solo: ['verb'] }, 'I I I I I I A I I A'],
    // Isolating dlg1 keeps it and the stem it feeds; isolating verb keeps the return.
    ['fx1 + isolate dlg1, verb', { solo: ['fx1'], isolate: ['dlg1', 'verb'] }, 'A I I A I I A I A A'],
    ['two strips dlg1 + mus1', { solo: ['dlg1', 'mus1'] }, 'A I A I I I I I A A'],
    ['fx1 soloed and muted, mus1 muted', { solo: ['fx1'], mute: ['fx1', 'mus1'] }, 'I I MI M I I I I I A'],
    ['master solo is ignored', { solo: ['master'] }, 'A A A A A A A A A A'],
    ['mute only', { mute: ['fol1', 'master'] }, 'A A A A A M A A A M'],
  ] as [string, Flags, string][])('%s', (_, flags, expected) => {
    expect(table(resolve(flags), flags.mute)).toBe(expected);
  });

  it('counts the soloed routes up- and downstream', () => {
    const stem = resolve({ solo: ['dx'] });
    const counts = (r: SoloResolution, id: Id): [number, number] => [
      r.routes.get(id)!.soloedByUpstream,
      r.routes.get(id)!.soloedByDownstream,
    ];
    expect(counts(stem, 'dlg1')).toEqual([0, 1]);
    expect(counts(stem, 'dlg2')).toEqual([0, 1]);
    expect(counts(stem, 'master')).toEqual([1, 0]);
    expect(counts(stem, 'dx')).toEqual([0, 0]);
    expect(counts(stem, 'verb')).toEqual([0, 0]);
    const two = resolve({ solo: ['dlg1', 'mus1'] });
    expect(counts(two, 'master')).toEqual([2, 0]);
    expect(counts(two, 'dx')).toEqual([1, 0]);
    expect(two.soloing).toBe(true);
    expect(two.listening).toBe(false);
    expect(resolve({}).soloing).toBe(false);
  });

  it('isolation travels downstream over outputs only', () => {
    const r = resolve({ solo: ['mus1'], isolate: ['dlg1'] });
    expect(ORDER.filter((id) => r.routes.get(id)!.isolated)).toEqual(['dlg1', 'dx', 'master']);
  });
});

describe('AFL / PFL listen', () => {
  const taps = (r: SoloResolution): string => ORDER.map((id) => r.routes.get(id)!.listenTap ?? '-').join(' ');

  it('AFL leaves the main mix untouched and feeds the listen bus post-fader', () => {
    const r = resolve({ solo: ['fx1', 'dx'] }, 'afl');
    expect(table(r)).toBe('A A A A A A A A A A');
    expect(taps(r)).toBe('- - - post-fader - - - - post-fader -');
    expect(r.listening).toBe(true);
    expect(r.soloing).toBe(false);
    expect(r.routes.get('dlg1')!.soloedByDownstream).toBe(0);
  });

  it('PFL taps pre-fader; an explicitly muted route is muted in the listen bus too', () => {
    const r = resolve({ solo: ['fx1', 'dx', 'fol1'], mute: ['fol1'] }, 'pfl');
    expect(table(r, ['fol1'])).toBe('A A A A A M A A A A');
    expect(taps(r)).toBe('- - - pre-fader - - - - pre-fader -');
    expect(r.listening).toBe(true);
  });

  it('no listen without a solo', () => {
    expect(resolve({}, 'afl').listening).toBe(false);
  });
});

describe('solo requests', () => {
  const sip = { mode: 'sip', exclusive: false } as const;
  const exclusive = { mode: 'sip', exclusive: true } as const;
  const state = routes({ solo: ['fx1', 'dlg1'], safe: ['dlg1', 'verb'] });
  const sorted = (s: ReadonlySet<string>): string[] => [...s].sort();

  it('adds and removes solos', () => {
    expect(sorted(requestSolo(state, sip, 'mus1', true).soloed)).toEqual(['dlg1', 'fx1', 'mus1']);
    expect(sorted(requestSolo(state, sip, 'fx1', false).soloed)).toEqual(['dlg1']);
  });

  it('exclusive keeps only the new solo, plus the solo-safe ones', () => {
    const r = requestSolo(state, exclusive, 'mus1', true);
    expect(r.refused).toBeNull();
    expect(sorted(r.soloed)).toEqual(['dlg1', 'mus1']);
    const after = resolve({ solo: [...r.soloed] as Id[] });
    expect(table(after)).toBe('A I A I I I I I A A');
  });

  it('refuses changes to solo-safe routes, the master and unknown routes', () => {
    expect(requestSolo(state, sip, 'dlg1', false)).toEqual({
      soloed: new Set(['dlg1', 'fx1']),
      refused: 'solo-safe',
    });
    expect(requestSolo(state, exclusive, 'verb', true).refused).toBe('solo-safe');
    expect(requestSolo(state, sip, 'master', true).refused).toBe('not-soloable');
    expect(requestSolo(state, sip, 'nope', true).refused).toBe('unknown-route');
  });
});

describe('graph errors', () => {
  it('reports unknown and duplicate routes as typed errors', () => {
    const graph: SoloGraph = { routes: routes({}), feeds: [...FEEDS, out('fx1', 'ghost' as Id)] };
    expect(resolveSolo(graph, 'sip')).toEqual({
      ok: false,
      error: { kind: 'unknown-route', id: 'ghost', feed: { from: 'fx1', to: 'ghost', via: 'output' } },
    });
    const dup: SoloGraph = { routes: [...routes({}), routes({})[0]!], feeds: FEEDS };
    expect(resolveSolo(dup, 'sip')).toEqual({ ok: false, error: { kind: 'duplicate-route', id: 'dlg1' } });
  });
});
