// Fills the defaults that depend on other parts of the session, once it has passed every check: where a
// strip goes (the master; L/R, or M on a mono bus), where a bus goes (by kind), send pans, the monitor source.
import type { BusFormat, ChannelLabel } from './formats.js';
import type { Bus, Session, SessionShape } from './schema.js';

function defaultLabels(format: BusFormat): ChannelLabel[] {
  return format === '1.0' ? ['M'] : ['L', 'R'];
}

/** Aux and stem buses feed the master; foldback, M&E and fold-down buses go only to their own outputs. */
function defaultBusOutput(kind: Bus['kind'], master: string): string | null {
  return kind === 'aux' || kind === 'stem' ? master : null;
}

export function resolveSession(s: SessionShape): Session {
  const master = s.master.name;
  const formatOf = new Map<string, BusFormat>([
    [master, s.master.format],
    ...s.buses.map((b) => [b.name, b.format] as const),
  ]);
  return {
    ...s,
    strips: s.strips.map((strip) => {
      const bus = strip.output.bus ?? master;
      // cross-checks guarantee `bus` names the master or a bus.
      const labels = strip.output.labels ?? defaultLabels(formatOf.get(bus)!);
      return {
        ...strip,
        output: { bus, labels: [...labels] },
        sends: strip.sends.map((send) => ({ ...send, pan: send.pan ?? 0 })),
      };
    }),
    buses: s.buses.map((b) => ({
      ...b,
      output: b.output === undefined ? defaultBusOutput(b.kind, master) : b.output,
    })),
    monitor: { ...s.monitor, source: s.monitor.source ?? master },
  };
}
