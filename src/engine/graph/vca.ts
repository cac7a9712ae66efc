// VCA masters (nestable VCA → VCA, chainable: several masters per control) and mute groups, resolved to the
// effective gain and mute the audio thread applies (engine.md §1.1 VCAs, §9.1). Control rate, pure.

/** A gain/mute control: a route's fader or a VCA master. */
export interface VcaControl {
  readonly id: string;
  readonly gainDb: number;
  readonly mute: boolean;
  /** The VCA masters it is assigned to (a VCA listing masters is nested under them). */
  readonly masters: readonly string[];
}

/** A mute group's button: when on, every member is muted (and through a VCA member, its slaves). */
export interface MuteGroup {
  readonly id: string;
  readonly mute: boolean;
  readonly members: readonly string[];
}

export interface EffectiveControl {
  /** Own dB plus every master reached (directly or through nesting), each counted once. */
  readonly gainDb: number;
  readonly mute: boolean;
  /** Every master reached, in depth-first order of the assignments. */
  readonly masters: readonly string[];
}

export type VcaError =
  | { readonly kind: 'duplicate-control'; readonly id: string }
  | { readonly kind: 'unknown-control'; readonly id: string }
  | { readonly kind: 'unknown-master'; readonly id: string; readonly master: string }
  | { readonly kind: 'cycle'; readonly path: readonly string[] }
  | { readonly kind: 'not-assigned'; readonly id: string; readonly master: string };

type Result<T> = { ok: true; value: T } | { ok: false; error: VcaError };

/**
 * Effective gain and mute of every control. Gain in dB = own + Σ of the distinct masters reached (gains
 * multiply), each snapped to a 2^−32 dB grid so the sum is exact (see snapDb). A master reached along two
 * paths (a diamond of nested VCAs) applies once — Ardour multiplies per path instead; once avoids a master
 * moving a member twice as far as itself. Mute = own mute, a muted mute group containing it, or the same
 * on any master reached.
 */
export function resolveVcas(
  controls: readonly VcaControl[],
  muteGroups: readonly MuteGroup[] = [],
): Result<ReadonlyMap<string, EffectiveControl>> {
  const graph = checkGraph(controls);
  if (!graph.ok) return graph;
  const byId = graph.value;
  const groupMuted = new Set(muteGroups.filter((g) => g.mute).flatMap((g) => g.members));
  const muted = (c: VcaControl): boolean => c.mute || groupMuted.has(c.id);
  const result = new Map<string, EffectiveControl>();
  for (const control of controls) {
    const masters = mastersReached(control, byId);
    result.set(control.id, {
      gainDb: snapDb(control.gainDb) + sumDb(masters, byId),
      mute: muted(control) || masters.some((m) => muted(byId.get(m)!)),
      masters,
    });
  }
  return { ok: true, value: result };
}

/** Assigns `memberId` to VCA `masterId`; refuses an assignment that would close a loop. */
export function assignVca(
  controls: readonly VcaControl[],
  memberId: string,
  masterId: string,
): Result<VcaControl[]> {
  const next = controls.map((c) =>
    c.id === memberId && !c.masters.includes(masterId) ? { ...c, masters: [...c.masters, masterId] } : c,
  );
  if (!controls.some((c) => c.id === memberId))
    return { ok: false, error: { kind: 'unknown-control', id: memberId } };
  const graph = checkGraph(next);
  return graph.ok ? { ok: true, value: next } : graph;
}

/**
 * Removes `memberId` from VCA `masterId` and folds the contribution it loses (that master and whatever
 * was reached only through it) into the member's own gain and mute, so its effective gain and mute — and
 * therefore its output — stay exactly what they were (Ardour and Pro Tools "coalesce" on unassign). A
 * lost master's mute-group state stays with the group. The sums are exact (see snapDb), so this holds to
 * the bit; it holds for the slaves of a member that is itself a VCA too, unless a slave also reaches a lost
 * master by another path (then that master would count twice).
 */
export function unassignVca(
  controls: readonly VcaControl[],
  memberId: string,
  masterId: string,
): Result<VcaControl[]> {
  const graph = checkGraph(controls);
  if (!graph.ok) return graph;
  const byId = graph.value;
  const member = byId.get(memberId);
  if (member === undefined) return { ok: false, error: { kind: 'unknown-control', id: memberId } };
  if (!member.masters.includes(masterId))
    return { ok: false, error: { kind: 'not-assigned', id: memberId, master: masterId } };

  const before = mastersReached(member, byId);
  const detached = { ...member, masters: member.masters.filter((m) => m !== masterId) };
  const after = mastersReached(detached, byId);
  const lost = before.filter((m) => !after.includes(m));
  const folded: VcaControl = {
    ...detached,
    gainDb: snapDb(member.gainDb) + sumDb(lost, byId),
    mute: member.mute || lost.some((m) => byId.get(m)!.mute),
  };
  return { ok: true, value: controls.map((c) => (c.id === memberId ? folded : c)) };
}

function checkGraph(controls: readonly VcaControl[]): Result<Map<string, VcaControl>> {
  const byId = new Map<string, VcaControl>();
  for (const c of controls) {
    if (byId.has(c.id)) return { ok: false, error: { kind: 'duplicate-control', id: c.id } };
    byId.set(c.id, c);
  }
  for (const c of controls)
    for (const m of c.masters)
      if (!byId.has(m)) return { ok: false, error: { kind: 'unknown-master', id: c.id, master: m } };
  // Depth-first search for a back edge; the grey path is the loop to report.
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (id: string): readonly string[] | null => {
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    if (done.has(id)) return null;
    path.push(id);
    for (const m of byId.get(id)!.masters) {
      const loop = visit(m);
      if (loop) return loop;
    }
    path.pop();
    done.add(id);
    return null;
  };
  for (const c of controls) {
    const loop = visit(c.id);
    if (loop) return { ok: false, error: { kind: 'cycle', path: loop } };
  }
  return { ok: true, value: byId };
}

function mastersReached(control: VcaControl, byId: ReadonlyMap<string, VcaControl>): string[] {
  const reached: string[] = [];
  const walk = (c: VcaControl): void => {
    for (const m of c.masters) {
      if (reached.includes(m)) continue;
      reached.push(m);
      walk(byId.get(m)!);
    }
  };
  walk(control);
  return reached;
}

// dB values are snapped to multiples of 2^−32 dB (2.3e−10 dB, far below audibility). Sums of such values
// below 2^20 dB in size are exact in a double, so they do not depend on order and can be taken apart again:
// that is what makes unassign's fold-in leave the effective value bit-identical.
const GRID = 2 ** 32;

function snapDb(db: number): number {
  return Number.isFinite(db) ? Math.round(db * GRID) / GRID : db;
}

/** The masters' own dB summed on the exact grid. */
function sumDb(ids: readonly string[], byId: ReadonlyMap<string, VcaControl>): number {
  let sum = 0;
  for (const id of ids) sum += snapDb(byId.get(id)!.gainDb);
  return sum;
}
