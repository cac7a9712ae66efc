// Who owns which name: strips, buses, the master and VCAs share one namespace, because routes, surfaces and
// OSC address them by name. Also words the "expected ..." message for a reference that does not fit.
import type { BusFormat } from './formats.js';
import type { SessionShape } from './schema.js';

export type BusKind = SessionShape['buses'][number]['kind'];

export type Owner =
  | { kind: 'master'; format: BusFormat; where: string }
  | { kind: 'strip'; index: number; where: string }
  | { kind: 'bus'; index: number; busKind: BusKind; format: BusFormat; where: string }
  | { kind: 'vca'; index: number; where: string };

/** Owners that carry audio in a bus format (targets of outputs, sends, sources, monitoring). */
export type BusOwner = Extract<Owner, { kind: 'master' | 'bus' }>;

const MAX_LISTED = 8;

export class NameIndex {
  readonly owners = new Map<string, Owner>();

  /** Registers `name`; returns the earlier owner when the name is already taken. */
  claim(name: string, owner: Owner): Owner | undefined {
    const first = this.owners.get(name);
    if (first === undefined) this.owners.set(name, owner);
    return first;
  }

  get(name: string): Owner | undefined {
    return this.owners.get(name);
  }

  /**
   * The "expected ..." text for a reference to `name` that `accept` refuses: names the kind of thing it is
   * when it exists, else lists (some of) the names that would have been accepted.
   */
  expected(what: string, name: string, accept: (o: Owner, name: string) => boolean): string {
    const owner = this.owners.get(name);
    if (owner !== undefined) return `${what} (${JSON.stringify(name)} is ${describe(owner)})`;
    const fits = [...this.owners].filter(([n, o]) => accept(o, n)).map(([n]) => JSON.stringify(n));
    if (fits.length === 0) return `${what} (the session has none)`;
    const shown = fits.slice(0, MAX_LISTED).join(', ');
    const more = fits.length > MAX_LISTED ? ` and ${fits.length - MAX_LISTED} more` : '';
    return `${what} (one of ${shown}${more})`;
  }
}

export function describe(o: Owner): string {
  switch (o.kind) {
    case 'master':
      return 'the master';
    case 'strip':
      return 'a strip';
    case 'vca':
      return 'a VCA';
    case 'bus':
      return `${o.busKind === 'aux' || o.busKind === 'me' ? 'an' : 'a'} ${o.busKind} bus`;
  }
}

export function isBus(o: Owner): o is BusOwner {
  return o.kind === 'master' || o.kind === 'bus';
}

/** Aux, foldback and stem buses take strips' outputs and sends; M&E and fold-down buses fill themselves. */
export function takesFeeds(o: Owner): boolean {
  return o.kind === 'bus' && (o.busKind === 'aux' || o.busKind === 'foldback' || o.busKind === 'stem');
}
