// Route groups sharing gain: moving one member's fader moves the others (engine.md §1.1 route groups).
// Control rate, pure.

export type GroupGainMode = 'relative' | 'absolute';

export interface RouteGroup {
  readonly id: string;
  readonly gain: GroupGainMode;
  readonly members: readonly string[];
}

export type RouteGroupError =
  | { readonly kind: 'not-a-member'; readonly group: string; readonly id: string }
  | { readonly kind: 'missing-value'; readonly group: string; readonly id: string };

/** Top of the fader range (engine.md §9.1: −∞ … +10 dB). */
export const DEFAULT_MAX_DB = 10;

/**
 * New fader values (dB) of every member after member `movedId` was moved to `newDb`.
 * - absolute: every member takes the same value;
 * - relative: every member moves by the same Δ dB (gains multiply, offsets are kept). Δ is limited so no
 *   member passes `maxDb`, as Ardour limits the group factor, so the offsets survive a push to the top.
 *   Members at −∞ stay there; when the moved member itself was at −∞ there is no finite Δ, so only it moves.
 */
export function applyGroupGain(
  group: RouteGroup,
  values: ReadonlyMap<string, number>,
  movedId: string,
  newDb: number,
  maxDb: number = DEFAULT_MAX_DB,
): { ok: true; value: Map<string, number> } | { ok: false; error: RouteGroupError } {
  if (!group.members.includes(movedId))
    return { ok: false, error: { kind: 'not-a-member', group: group.id, id: movedId } };
  const current = new Map<string, number>();
  for (const id of group.members) {
    const db = values.get(id);
    if (db === undefined) return { ok: false, error: { kind: 'missing-value', group: group.id, id } };
    current.set(id, db);
  }
  const target = Math.min(newDb, maxDb);
  const moved = current.get(movedId)!;
  const set = (change: (id: string, db: number) => number): Map<string, number> =>
    new Map([...current].map(([id, db]) => [id, change(id, db)]));
  if (group.gain === 'absolute') return { ok: true, value: set(() => target) };
  if (moved === -Infinity) return { ok: true, value: set((id, db) => (id === movedId ? target : db)) };
  const headroom = Math.max(0, maxDb - Math.max(...current.values()));
  const delta = Math.min(target - moved, headroom);
  return { ok: true, value: set((_, db) => db + delta) };
}
