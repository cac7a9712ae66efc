// The solo system as a pure resolver over the route graph, with Ardour's semantics (engine.md §1.1):
// solo-in-place (SIP) with up/downstream propagation, solo isolate, solo safe, exclusive solo, and AFL/PFL
// listen to the monitor section. Control rate: runs when a flag or the routing changes, never per block.

export type RouteKind = 'strip' | 'bus' | 'master';
export type SoloMode = 'sip' | 'afl' | 'pfl';
export type ListenTap = 'pre-fader' | 'post-fader';

export interface SoloRoute {
  readonly id: string;
  readonly kind: RouteKind;
  readonly solo: boolean;
  readonly mute: boolean;
  /** Solo state is locked: requests to change it are refused. */
  readonly soloSafe: boolean;
  /** Never implicitly muted by others' solo. */
  readonly soloIsolate: boolean;
}

/** `from` feeds `to` through its main output (`output`) or only through an aux/foldback send (`send`). */
export interface Feed {
  readonly from: string;
  readonly to: string;
  readonly via: 'output' | 'send';
}

export interface SoloGraph {
  readonly routes: readonly SoloRoute[];
  readonly feeds: readonly Feed[];
}

export interface SoloSettings {
  readonly mode: SoloMode;
  /** Soloing a route un-solos every other route (except solo-safe ones, whose state is locked). */
  readonly exclusive: boolean;
}

export interface RouteSolo {
  /** Its own solo button is on (ignored on the master, which cannot be soloed). */
  readonly selfSoloed: boolean;
  /** How many self-soloed routes feed this one through outputs (SIP only). */
  readonly soloedByUpstream: number;
  /** How many self-soloed routes this one feeds through outputs (SIP only). */
  readonly soloedByDownstream: number;
  /** Its own isolate, or an isolated route feeds it through outputs (so the isolated signal stays audible). */
  readonly isolated: boolean;
  readonly implicitMute: boolean;
  /** Its gain applies: neither explicitly muted nor implicitly muted by SIP. */
  readonly audible: boolean;
  /** Where it feeds the monitor's listen bus (AFL/PFL), or null. */
  readonly listenTap: ListenTap | null;
}

export interface SoloResolution {
  readonly routes: ReadonlyMap<string, RouteSolo>;
  /** SIP solo is active (some route self-soloed in SIP mode). */
  readonly soloing: boolean;
  /** A listen (AFL/PFL) solo is active: the monitor should play the listen bus. */
  readonly listening: boolean;
}

export type SoloGraphError =
  | { readonly kind: 'duplicate-route'; readonly id: string }
  | { readonly kind: 'unknown-route'; readonly id: string; readonly feed: Feed };

export type SoloRefusal = 'unknown-route' | 'solo-safe' | 'not-soloable';

export interface SoloRequestResult {
  /** The routes self-soloed after the request (unchanged when refused). */
  readonly soloed: ReadonlySet<string>;
  readonly refused: SoloRefusal | null;
}

/**
 * Resolves every route's solo/mute state.
 *
 * SIP: a self-soloed route S keeps audible the routes that feed S through outputs (upstream; soloing a bus
 * therefore solos what is routed into it) and those S feeds through outputs (downstream, e.g. the master);
 * every other route is implicitly muted unless isolated or the master. As in Ardour, solo does not travel
 * along send-only feeds, so an effect return fed only by sends is implicitly muted when a source is
 * soloed — solo-isolate the returns to keep them (the classic SIP complaint, engine.md §8 #14).
 *
 * AFL/PFL: the main mix is untouched (no implicit mutes, no propagation); each self-soloed route feeds the
 * listen bus post-fader (AFL) or pre-fader (PFL).
 *
 * Explicit mute wins over solo (Ardour's default `solo-mute-override` off): a muted soloed route stays
 * silent, and its listen feed is muted too (Ardour's default `mute-affects-control-outs` on), though its
 * solo still implicitly mutes the others.
 */
export function resolveSolo(
  graph: SoloGraph,
  mode: SoloMode,
): { ok: true; value: SoloResolution } | { ok: false; error: SoloGraphError } {
  const index = new Map<string, number>();
  for (const [i, route] of graph.routes.entries()) {
    if (index.has(route.id)) return { ok: false, error: { kind: 'duplicate-route', id: route.id } };
    index.set(route.id, i);
  }
  const outputs: number[][] = graph.routes.map(() => []);
  for (const feed of graph.feeds) {
    const from = index.get(feed.from);
    const to = index.get(feed.to);
    if (from === undefined) return { ok: false, error: { kind: 'unknown-route', id: feed.from, feed } };
    if (to === undefined) return { ok: false, error: { kind: 'unknown-route', id: feed.to, feed } };
    if (feed.via === 'output') outputs[from]!.push(to);
  }
  const reach = graph.routes.map((_, i) => downstreamOf(i, outputs));
  const selfSoloed = graph.routes.map((r) => r.solo && r.kind !== 'master');
  const anySoloed = selfSoloed.includes(true);
  const soloing = mode === 'sip' && anySoloed;
  const isolated = graph.routes.map(
    (r, x) => r.soloIsolate || graph.routes.some((y, i) => i !== x && y.soloIsolate && reach[i]!.has(x)),
  );

  const routes = new Map<string, RouteSolo>();
  graph.routes.forEach((route, x) => {
    let up = 0;
    let down = 0;
    if (mode === 'sip')
      selfSoloed.forEach((soloed, s) => {
        if (!soloed || s === x) return;
        if (reach[s]!.has(x)) up++;
        if (reach[x]!.has(s)) down++;
      });
    const implicitMute =
      soloing && route.kind !== 'master' && !selfSoloed[x] && up === 0 && down === 0 && !isolated[x];
    const listens = mode !== 'sip' && selfSoloed[x]! && !route.mute;
    routes.set(route.id, {
      selfSoloed: selfSoloed[x]!,
      soloedByUpstream: up,
      soloedByDownstream: down,
      isolated: isolated[x]!,
      implicitMute,
      audible: !route.mute && !implicitMute,
      listenTap: listens ? (mode === 'afl' ? 'post-fader' : 'pre-fader') : null,
    });
  });
  return { ok: true, value: { routes, soloing, listening: mode !== 'sip' && anySoloed } };
}

/** Every route reachable from `start` through outputs (not including `start` unless there is a loop). */
function downstreamOf(start: number, outputs: readonly (readonly number[])[]): Set<number> {
  const seen = new Set<number>();
  const stack = [...outputs[start]!];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...outputs[next]!);
  }
  return seen;
}

/**
 * Applies a solo button press to the current solo set. Solo-safe routes cannot change (and so stay soloed
 * through an exclusive solo); the master cannot be soloed. With `exclusive`, turning a route on turns every
 * other non-safe route off.
 */
export function requestSolo(
  routes: readonly SoloRoute[],
  settings: SoloSettings,
  routeId: string,
  on: boolean,
): SoloRequestResult {
  const current = new Set(routes.filter((r) => r.solo && r.kind !== 'master').map((r) => r.id));
  const target = routes.find((r) => r.id === routeId);
  const refused: SoloRefusal | null =
    target === undefined
      ? 'unknown-route'
      : target.kind === 'master'
        ? 'not-soloable'
        : target.soloSafe
          ? 'solo-safe'
          : null;
  if (refused !== null) return { soloed: current, refused };
  if (!on) {
    current.delete(routeId);
    return { soloed: current, refused: null };
  }
  const soloed = settings.exclusive
    ? new Set(routes.filter((r) => r.soloSafe && current.has(r.id)).map((r) => r.id))
    : current;
  soloed.add(routeId);
  return { soloed, refused: null };
}
