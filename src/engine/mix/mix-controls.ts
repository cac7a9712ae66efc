// Control-time resolution of every route's effective level: own fader plus its VCA masters (sum of dB),
// mute (own, mute groups, muted VCAs) and solo (SIP implicit mute at the solo-in-front level, or AFL/PFL
// listen feeds). Runs when the session changes, never per block.
import { dbToGain } from '../dsp/gain.js';
import { resolveSolo, type Feed, type ListenTap, type SoloRoute } from '../graph/solo.js';
import { resolveVcas, type VcaControl } from '../graph/vca.js';
import type { Session } from '../session/schema.js';
import type { MixPlan } from './mix-plan.js';

export interface RouteLevel {
  /** Linear gain the fader stage applies (0 when muted). */
  readonly gain: number;
  /** Effective fader in dB (own + VCA masters), before mute and solo. */
  readonly faderDb: number;
  /** Where the route feeds the AFL/PFL listen bus, or null. */
  readonly listen: ListenTap | null;
}

export interface MixControls {
  readonly strips: readonly RouteLevel[];
  /** Indexed like plan.buses (the master last). */
  readonly buses: readonly RouteLevel[];
  /** An AFL/PFL listen is active: the monitor plays the listen bus. */
  readonly listening: boolean;
}

export type ControlsResult = { ok: true; value: MixControls } | { ok: false; error: string };

export function resolveMixControls(session: Session, plan: MixPlan): ControlsResult {
  const vcaOf = (name: string): string[] =>
    session.vcas.filter((v) => v.members.includes(name)).map((v) => v.name);
  const busSettings = [
    ...session.buses,
    { ...session.master, solo: false, soloSafe: false, soloIsolate: false },
  ];
  const controls: VcaControl[] = [
    ...session.strips.map((s) => ({ id: s.name, gainDb: s.faderDb, mute: s.mute, masters: vcaOf(s.name) })),
    ...busSettings.map((b) => ({ id: b.name, gainDb: b.faderDb, mute: b.mute, masters: vcaOf(b.name) })),
    ...session.vcas.map((v) => ({ id: v.name, gainDb: v.faderDb, mute: v.mute, masters: v.masters })),
  ];
  const groups = session.muteGroups.map((g) => ({ id: g.name, mute: g.mute, members: g.members }));
  const vcas = resolveVcas(controls, groups);
  if (!vcas.ok) return { ok: false, error: `VCAs: ${vcas.error.kind}` };
  const effective = vcas.value;

  const routes: SoloRoute[] = [
    ...session.strips.map((s) => ({
      ...s,
      id: s.name,
      kind: 'strip' as const,
      mute: effective.get(s.name)!.mute,
    })),
    ...busSettings.map((b, i) => ({
      id: b.name,
      kind: i === plan.master ? ('master' as const) : ('bus' as const),
      solo: b.solo,
      mute: effective.get(b.name)!.mute,
      soloSafe: b.soloSafe,
      soloIsolate: b.soloIsolate,
    })),
  ];
  const busName = (i: number): string => plan.buses[i]!.name;
  const feeds: Feed[] = [
    ...plan.strips.flatMap((s) => [
      { from: s.name, to: busName(s.outputBus), via: 'output' as const },
      ...s.sends.map((send) => ({ from: s.name, to: busName(send.bus), via: 'send' as const })),
    ]),
    ...plan.buses.flatMap((b) =>
      b.feeds.map((f) => ({ from: b.name, to: busName(f.to), via: 'output' as const })),
    ),
  ];
  const solo = resolveSolo({ routes, feeds }, session.monitor.soloMode);
  if (!solo.ok) return { ok: false, error: `solo: ${solo.error.kind} ${solo.error.id}` };
  const inFront = dbToGain(session.monitor.soloInFrontDb);

  const level = (name: string): RouteLevel => {
    const e = effective.get(name)!;
    const s = solo.value.routes.get(name)!;
    const audibility = e.mute ? 0 : s.implicitMute ? inFront : 1;
    return { gain: dbToGain(e.gainDb) * audibility, faderDb: e.gainDb, listen: s.listenTap };
  };
  return {
    ok: true,
    value: {
      strips: session.strips.map((s) => level(s.name)),
      buses: busSettings.map((b) => level(b.name)),
      listening: solo.value.listening,
    },
  };
}
