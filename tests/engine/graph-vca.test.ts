// VCA masters (nest + chain), mute groups, unassign coalesce and route-group gain moves, against sums of
// dB written by hand (engine.md §1.1 VCAs / route groups, §9.1: "sums of dB exact; unassign coalesce keeps
// output sample-identical").
import { describe, expect, it } from 'vitest';
import { dbToGain } from '../../src/engine/dsp/gain.js';
import { applyGroupGain, type RouteGroup } from '../../src/engine/graph/route-group.js';
import {
  assignVca,
  resolveVcas,
  unassignVca,
  type EffectiveControl,
  type MuteGroup,
  type VcaControl,
} from '../../src/engine/graph/vca.js';

const c = (id: string, gainDb: number, masters: string[] = [], mute = false): VcaControl => ({
  id,
  gainDb,
  mute,
  masters,
});

// vTop is master of vA and vB (nesting); s2 is on vA and vB (chaining: a diamond up to vTop).
const CONTROLS = [
  c('s1', -2.5, ['vA']),
  c('s2', 1.25, ['vA', 'vB']),
  c('s3', -10, ['vB']),
  c('s4', 0),
  c('vA', -3, ['vTop']),
  c('vB', 4.5, ['vTop']),
  c('vTop', -6),
];

function resolved(
  controls: readonly VcaControl[],
  groups: MuteGroup[] = [],
): ReadonlyMap<string, EffectiveControl> {
  const r = resolveVcas(controls, groups);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** A cycle error whose path closes on itself through exactly `nodes`. */
function expectCycle(result: { ok: boolean; error?: unknown }, nodes: string[]): void {
  expect(result.ok).toBe(false);
  const error = result.error as { kind: string; path: string[] };
  expect(error.kind).toBe('cycle');
  expect(error.path[0]).toBe(error.path[error.path.length - 1]);
  expect(new Set(error.path)).toEqual(new Set(nodes));
  expect(error.path).toHaveLength(nodes.length + 1);
}

describe('VCA masters', () => {
  it('sums own and every master reached, each once (exact binary fractions)', () => {
    const r = resolved(CONTROLS);
    expect(r.get('s1')!.gainDb).toBe(-2.5 - 3 - 6);
    expect(r.get('s2')!.gainDb).toBe(1.25 - 3 + 4.5 - 6);
    expect(r.get('s3')!.gainDb).toBe(-10 + 4.5 - 6);
    expect(r.get('s4')!.gainDb).toBe(0);
    expect(r.get('vA')!.gainDb).toBe(-3 - 6);
    expect(r.get('s2')!.masters).toEqual(['vA', 'vTop', 'vB']);
    expect([...r.values()].every((e) => !e.mute)).toBe(true);
  });

  it('a master at −∞ silences its members', () => {
    const r = resolved(CONTROLS.map((x) => (x.id === 'vB' ? { ...x, gainDb: -Infinity } : x)));
    expect(r.get('s3')!.gainDb).toBe(-Infinity);
    expect(r.get('s2')!.gainDb).toBe(-Infinity);
    expect(r.get('s1')!.gainDb).toBe(-11.5);
  });

  it('mute of a master, nested master or mute group ORs into the members', () => {
    const muted = (m: ReadonlyMap<string, EffectiveControl>): string[] =>
      [...m].filter(([, e]) => e.mute).map(([id]) => id);
    expect(muted(resolved(CONTROLS.map((x) => (x.id === 'vTop' ? { ...x, mute: true } : x))))).toEqual([
      's1',
      's2',
      's3',
      'vA',
      'vB',
      'vTop',
    ]);
    expect(muted(resolved(CONTROLS.map((x) => (x.id === 'vA' ? { ...x, mute: true } : x))))).toEqual([
      's1',
      's2',
      'vA',
    ]);
    const groups: MuteGroup[] = [
      { id: 'g1', mute: true, members: ['s4', 'vB'] },
      { id: 'g2', mute: false, members: ['s1'] },
    ];
    expect(muted(resolved(CONTROLS, groups))).toEqual(['s2', 's3', 's4', 'vB']);
  });

  it('reports loops, unknown masters and duplicates as typed errors', () => {
    const loop = CONTROLS.map((x) => (x.id === 'vTop' ? { ...x, masters: ['s2'] } : x));
    expectCycle(resolveVcas(loop), ['s2', 'vA', 'vTop']);
    expectCycle(assignVca(CONTROLS, 'vTop', 'vB'), ['vB', 'vTop']);
    expectCycle(assignVca(CONTROLS, 's4', 's4'), ['s4']);
    expect(resolveVcas([c('x', 0, ['ghost'])])).toEqual({
      ok: false,
      error: { kind: 'unknown-master', id: 'x', master: 'ghost' },
    });
    expect(resolveVcas([c('x', 0), c('x', 1)])).toEqual({
      ok: false,
      error: { kind: 'duplicate-control', id: 'x' },
    });
    expect(assignVca(CONTROLS, 'nope', 'vA')).toEqual({
      ok: false,
      error: { kind: 'unknown-control', id: 'nope' },
    });
    expect(unassignVca(CONTROLS, 's1', 'vB')).toEqual({
      ok: false,
      error: { kind: 'not-assigned', id: 's1', master: 'vB' },
    });
  });

  it('assigning adds the master to the sum', () => {
    const r = assignVca(CONTROLS, 's4', 'vB');
    if (!r.ok) throw new Error('assign failed');
    expect(resolved(r.value).get('s4')!.gainDb).toBe(0 + 4.5 - 6);
  });
});

describe('unassign coalesce', () => {
  it('folds the lost masters into the own value: s1 leaves vA (and so vTop)', () => {
    const r = unassignVca(CONTROLS, 's1', 'vA');
    if (!r.ok) throw new Error('unassign failed');
    const s1 = r.value.find((x) => x.id === 's1')!;
    expect(s1.masters).toEqual([]);
    expect(s1.gainDb).toBe(-2.5 - 3 - 6);
  });

  it('keeps a master still reached through another path: s2 leaves vA but keeps vTop via vB', () => {
    const r = unassignVca(CONTROLS, 's2', 'vA');
    if (!r.ok) throw new Error('unassign failed');
    expect(r.value.find((x) => x.id === 's2')!.gainDb).toBe(1.25 - 3);
    expect(resolved(r.value).get('s2')!.gainDb).toBe(1.25 - 3 + 4.5 - 6);
  });

  it('a VCA leaving its master keeps its slaves bit-identical', () => {
    const controls = CONTROLS.map((x) => (x.id === 'vTop' ? { ...x, gainDb: -6.1 } : x));
    const r = unassignVca(controls, 'vA', 'vTop');
    if (!r.ok) throw new Error('unassign failed');
    expect(resolved(r.value).get('s1')!.gainDb).toBe(resolved(controls).get('s1')!.gainDb);
    expect(resolved(r.value).get('vA')!.gainDb).toBe(resolved(controls).get('vA')!.gainDb);
  });

  it('keeps the muted state of a muted master', () => {
    const controls = CONTROLS.map((x) => (x.id === 'vB' ? { ...x, mute: true } : x));
    const r = unassignVca(controls, 's3', 'vB');
    if (!r.ok) throw new Error('unassign failed');
    expect(r.value.find((x) => x.id === 's3')!.mute).toBe(true);
    expect(resolved(r.value).get('s3')!.mute).toBe(true);
  });

  it('leaves the effective gain bit-identical for 2000 random nested/chained assignments', () => {
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const db = (): number => Math.round((random() * 40 - 30) * 1000) / 1000 + random() * 1e-3;
    for (let trial = 0; trial < 2000; trial++) {
      const controls = [
        c(
          'm',
          db(),
          ['v1', 'v2', 'v3'].filter(() => random() < 0.7),
        ),
        c('v1', db(), random() < 0.5 ? ['v3'] : []),
        c(
          'v2',
          db(),
          ['v3', 'v4'].filter(() => random() < 0.5),
        ),
        c('v3', db(), random() < 0.5 ? ['v4'] : []),
        c('v4', db()),
      ];
      const member = controls[0]!;
      if (member.masters.length === 0) continue;
      const master = member.masters[Math.floor(random() * member.masters.length)]!;
      const before = resolved(controls).get('m')!.gainDb;
      const r = unassignVca(controls, 'm', master);
      if (!r.ok) throw new Error('unassign failed');
      const after = resolved(r.value).get('m')!.gainDb;
      expect(after).toBe(before);
      // The sample the audio thread produces is therefore identical too.
      const x = Math.fround(0.123456789);
      expect(Math.fround(x * dbToGain(after))).toBe(Math.fround(x * dbToGain(before)));
    }
  });
});

describe('route groups', () => {
  const relative: RouteGroup = { id: 'drums', gain: 'relative', members: ['kick', 'snare', 'oh'] };
  const absolute: RouteGroup = { ...relative, gain: 'absolute' };
  const values = new Map([
    ['kick', 0],
    ['snare', -6],
    ['oh', -Infinity],
    ['other', 3],
  ]);
  const ok = (r: ReturnType<typeof applyGroupGain>): Record<string, number> => {
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return Object.fromEntries(r.value);
  };

  it('relative: every member moves by the same Δ; −∞ stays', () => {
    expect(ok(applyGroupGain(relative, values, 'kick', -4))).toEqual({ kick: -4, snare: -10, oh: -Infinity });
    expect(ok(applyGroupGain(relative, values, 'snare', -3.5))).toEqual({
      kick: 2.5,
      snare: -3.5,
      oh: -Infinity,
    });
  });

  it('relative: Δ stops when the loudest member reaches the top (+10 dB), keeping offsets', () => {
    expect(ok(applyGroupGain(relative, values, 'snare', 8))).toEqual({ kick: 10, snare: 4, oh: -Infinity });
    expect(ok(applyGroupGain(relative, values, 'kick', 4, 2))).toEqual({ kick: 2, snare: -4, oh: -Infinity });
  });

  it('relative: a member at −∞ has no offset, so only it moves; pulling to −∞ takes all', () => {
    expect(ok(applyGroupGain(relative, values, 'oh', -12))).toEqual({ kick: 0, snare: -6, oh: -12 });
    expect(ok(applyGroupGain(relative, values, 'kick', -Infinity))).toEqual({
      kick: -Infinity,
      snare: -Infinity,
      oh: -Infinity,
    });
  });

  it('absolute: every member takes the new value (capped at the top)', () => {
    expect(ok(applyGroupGain(absolute, values, 'snare', -3))).toEqual({ kick: -3, snare: -3, oh: -3 });
    expect(ok(applyGroupGain(absolute, values, 'snare', 20))).toEqual({ kick: 10, snare: 10, oh: 10 });
  });

  it('typed errors for a non-member or a missing value', () => {
    expect(applyGroupGain(relative, values, 'other', 0)).toEqual({
      ok: false,
      error: { kind: 'not-a-member', group: 'drums', id: 'other' },
    });
    expect(applyGroupGain(relative, new Map([['kick', 0]]), 'kick', 1)).toEqual({
      ok: false,
      error: { kind: 'missing-value', group: 'drums', id: 'snare' },
    });
  });
});
