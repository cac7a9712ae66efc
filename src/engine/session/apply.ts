// Turns a validated session into the mixer's topology and the initial parameter values in shared memory.
import type { StripTopology } from '../mixer.js';
import { MasterParam, StripParam, type EngineViews } from '../shared/layout.js';
import type { Session } from './schema.js';

export function stripTopology(session: Session): StripTopology[] {
  return session.strips.map((s) => ({ stereo: s.format === 'stereo', input: s.input - 1 }));
}

export function writeSessionParams(views: EngineViews, session: Session): void {
  const p = views.params;
  session.strips.forEach((s, i) => {
    p[views.stripParam(i, StripParam.GainDb)] = s.trimDb;
    p[views.stripParam(i, StripParam.FaderDb)] = s.faderDb;
    p[views.stripParam(i, StripParam.Pan)] = s.pan;
    p[views.stripParam(i, StripParam.Mute)] = s.mute ? 1 : 0;
  });
  p[views.masterParam(MasterParam.FaderDb)] = session.master.faderDb;
  p[views.masterParam(MasterParam.Mute)] = session.master.mute ? 1 : 0;
  views.commitParams();
}
