// Compiles a validated session into the mix graph's topology: which device inputs each strip reads, where its
// output, sends and direct out go, every bus with its channel labels, the order buses are processed in, and
// the label-routing matrices between them. Parameter values (levels, EQ, ...) are not part of the plan: the
// engine reads them at control time (mix-controls.ts), so a plan is rebuilt only when the routing changes.
//
// Processing order: all strips first (each adds into the sums of the buses it feeds), then the buses in
// topological order of what feeds what — stems and aux before the master they feed, the non-dialogue stems
// before the M&E bus, a fold-down's 5.1/7.1 source before the fold-down. Gate keys: a strip keyed by another
// strip hears that strip's device input of the same block (inputs are all known when the block starts); a
// strip keyed by a bus hears the bus's output of the previous block (strips run before buses), one block late.
import {
  channelCount,
  channelIndex,
  labelsOf,
  routingMatrix,
  type ChannelFormat,
  type ChannelLabel,
} from '../graph/channel-format.js';
import type { Bus, Session } from '../session/schema.js';

export type SendTap = 'input' | 'pre-eq' | 'post-eq' | 'pre-fader' | 'post-fader';
export type BusKind = Bus['kind'] | 'master';

export interface SendPlan {
  readonly bus: number;
  readonly tap: SendTap;
}

export type KeySource =
  { readonly kind: 'strip'; readonly index: number } | { readonly kind: 'bus'; readonly index: number };

export interface StripPlan {
  readonly name: string;
  readonly channels: 1 | 2;
  /** 0-based device input of each strip channel. */
  readonly inputs: readonly number[];
  readonly outputBus: number;
  /** Channel of the output bus for each of the strip's output labels (1 or 2; the strip pans between 2). */
  readonly outputChannels: readonly number[];
  readonly sends: readonly SendPlan[];
  /** 0-based first device output (a stereo strip also uses the next one), or null. */
  readonly directOut: { readonly channel: number; readonly tap: 'pre-fader' | 'post-fader' } | null;
  readonly key: KeySource | null;
  /** Index of the strip's first channel in the per-strip-channel meter arrays. */
  readonly meterOffset: number;
}

/** A bus's output added into another bus: `matrix` is rows = destination channels × cols = bus channels. */
export interface BusFeed {
  readonly to: number;
  /** 'route': by label (the bus output, stems into the M&E); 'folddown': Lo/Ro with the fold-down's levels. */
  readonly kind: 'route' | 'folddown';
  readonly matrix: Float64Array;
}

export interface BusPlan {
  readonly name: string;
  readonly kind: BusKind;
  readonly format: ChannelFormat;
  readonly labels: readonly ChannelLabel[];
  readonly channels: number;
  /** First channel of this bus in the engine's bus-sum array (also its meter offset). */
  readonly channelBase: number;
  readonly feeds: readonly BusFeed[];
  /** 0-based device output of each bus channel (none: the bus is not patched to the device). */
  readonly deviceOutputs: readonly number[];
  /** Some strip's gate listens to this bus. */
  readonly isKey: boolean;
}

export interface MixPlan {
  readonly strips: readonly StripPlan[];
  /** Session buses in session order, then the master. */
  readonly buses: readonly BusPlan[];
  readonly master: number;
  /** Bus indices in processing order (every bus after all buses that feed it). */
  readonly order: readonly number[];
  readonly stripChannels: number;
  readonly busChannels: number;
  /** Highest 0-based device output written + 1 (direct outs, bus outputs, the master, the monitor). */
  readonly outputChannels: number;
  /** A fingerprint of the topology: two sessions with equal keys can share one running engine. */
  readonly topologyKey: string;
}

export type PlanResult = { ok: true; plan: MixPlan } | { ok: false; error: string };

export function compileMixPlan(session: Session): PlanResult {
  const busIndex = new Map<string, number>();
  const formats: ChannelFormat[] = [];
  const sessionBuses = session.buses;
  sessionBuses.forEach((b, i) => {
    busIndex.set(b.name, i);
    formats.push(b.format);
  });
  const master = sessionBuses.length;
  busIndex.set(session.master.name, master);
  formats.push(session.master.format);
  const stripIndex = new Map(session.strips.map((s, i) => [s.name, i] as const));

  const lookup = (name: string, what: string): number | string => {
    const i = busIndex.get(name);
    return i === undefined ? `${what}: no bus named ${JSON.stringify(name)}` : i;
  };

  const keyedBuses = new Set<number>();
  const strips: StripPlan[] = [];
  let meterOffset = 0;
  for (const s of session.strips) {
    const channels = s.format === 'stereo' ? 2 : 1;
    const out = lookup(s.output.bus, `strip ${s.name} output`);
    if (typeof out === 'string') return { ok: false, error: out };
    const outFormat = formats[out]!;
    const outputChannels = s.output.labels.map((l) => channelIndex(outFormat, l));
    if (outputChannels.some((c) => c < 0))
      return {
        ok: false,
        error: `strip ${s.name}: output labels ${s.output.labels.join(', ')} not in ${outFormat}`,
      };
    const sends: SendPlan[] = [];
    for (const send of s.sends) {
      const bus = lookup(send.bus, `strip ${s.name} send`);
      if (typeof bus === 'string') return { ok: false, error: bus };
      sends.push({ bus, tap: send.tap });
    }
    let key: KeySource | null = null;
    if (s.gate.key !== null) {
      const strip = stripIndex.get(s.gate.key);
      const bus = busIndex.get(s.gate.key);
      if (strip !== undefined) key = { kind: 'strip', index: strip };
      else if (bus !== undefined) {
        key = { kind: 'bus', index: bus };
        keyedBuses.add(bus);
      } else return { ok: false, error: `strip ${s.name}: gate key ${JSON.stringify(s.gate.key)} unknown` };
    }
    strips.push({
      name: s.name,
      channels,
      inputs: Array.from({ length: channels }, (_, c) => s.input - 1 + c),
      outputBus: out,
      outputChannels,
      sends,
      directOut: s.directOut === null ? null : { channel: s.directOut.channel - 1, tap: s.directOut.tap },
      key,
      meterOffset,
    });
    meterOffset += channels;
  }

  // Feeds between buses, by label except a fold-down's (its matrix is written at control time).
  const feeds: BusFeed[][] = formats.map(() => []);
  const route = (from: number, to: number): void => {
    feeds[from]!.push({ to, kind: 'route', matrix: routingMatrix(formats[from]!, formats[to]!).gains });
  };
  for (const [i, b] of sessionBuses.entries()) {
    if (b.output !== null) {
      const to = lookup(b.output, `bus ${b.name} output`);
      if (typeof to === 'string') return { ok: false, error: to };
      route(i, to);
    }
    if (b.kind === 'me')
      sessionBuses.forEach((stem, j) => {
        if (stem.kind === 'stem' && stem.role !== 'dialogue') route(j, i);
      });
    if (b.kind === 'folddown' && b.source !== null) {
      const from = lookup(b.source, `fold-down ${b.name} source`);
      if (typeof from === 'string') return { ok: false, error: from };
      feeds[from]!.push({
        to: i,
        kind: 'folddown',
        matrix: new Float64Array(2 * channelCount(formats[from]!)),
      });
    }
  }
  const order = topologicalOrder(feeds);
  if (order === null) return { ok: false, error: 'the buses feed each other in a loop' };

  let channelBase = 0;
  let outputChannels = 0;
  const useOutputs = (list: readonly number[]): void => {
    for (const c of list) outputChannels = Math.max(outputChannels, c + 1);
  };
  const buses: BusPlan[] = formats.map((format, i) => {
    const b = sessionBuses[i];
    const deviceOutputs = (b === undefined ? session.master.outputs : (b.outputs ?? [])).map((c) => c - 1);
    useOutputs(deviceOutputs);
    const plan: BusPlan = {
      name: b?.name ?? session.master.name,
      kind: b?.kind ?? 'master',
      format,
      labels: labelsOf(format),
      channels: channelCount(format),
      channelBase,
      feeds: feeds[i]!,
      deviceOutputs,
      isKey: keyedBuses.has(i),
    };
    channelBase += plan.channels;
    return plan;
  });
  for (const s of strips) if (s.directOut !== null) useOutputs([s.directOut.channel + s.channels - 1]);
  if (session.monitor.outputs !== null) useOutputs(session.monitor.outputs.map((c) => c - 1));

  const plan: Omit<MixPlan, 'topologyKey'> = {
    strips,
    buses,
    master,
    order,
    stripChannels: meterOffset,
    busChannels: channelBase,
    outputChannels,
  };
  return { ok: true, plan: { ...plan, topologyKey: topologyKey(plan, session) } };
}

/** Kahn's algorithm, taking ready buses in index order so the order is deterministic; null on a loop. */
function topologicalOrder(feeds: readonly (readonly BusFeed[])[]): number[] | null {
  const pending = feeds.map(() => 0);
  for (const list of feeds) for (const f of list) pending[f.to]!++;
  const order: number[] = [];
  const ready = pending.flatMap((n, i) => (n === 0 ? [i] : []));
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const next = ready.shift()!;
    order.push(next);
    for (const f of feeds[next]!) if (--pending[f.to]! === 0) ready.push(f.to);
  }
  return order.length === feeds.length ? order : null;
}

function topologyKey(plan: Omit<MixPlan, 'topologyKey'>, session: Session): string {
  return JSON.stringify({
    strips: plan.strips,
    buses: plan.buses.map((b) => [
      b.name,
      b.kind,
      b.format,
      b.feeds.map((f) => [f.to, f.kind]),
      b.deviceOutputs,
    ]),
    monitor: session.monitor.outputs,
  });
}
