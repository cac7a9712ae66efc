// Checks that span sections of a session whose every field is already valid: one namespace for strips,
// buses, master and VCAs; every reference resolves to something of the right kind; no routing or VCA loops;
// labels, pans and fold-down sources that fit the bus formats; one device output per bus channel.
import { issue, type SessionIssue } from './fields.js';
import { busLabels, describeFormat, isSurround, takesSendPan } from './formats.js';
import { NameIndex, isBus, takesFeeds, type Owner } from './name-index.js';
import { describeLoop, findLoops, type Edge } from './routing-loops.js';
import type { SessionShape } from './schema.js';

type Path = PropertyKey[];
/** Where an edge was written and the value found there (the name that closes a loop). */
interface Site {
  path: Path;
  found: string;
}

export function crossCheck(s: SessionShape): SessionIssue[] {
  const out: SessionIssue[] = [];
  const names = indexNames(s, out);
  // The master's name is the default destination of strips, aux and stem buses.
  const masterName = s.master.name;
  const edges: Edge<Site>[] = [];

  const ref = (path: Path, name: string, what: string, accept: (o: Owner, n: string) => boolean): boolean => {
    const owner = names.get(name);
    if (owner !== undefined && accept(owner, name)) return true;
    out.push(issue(path, name, names.expected(what, name, accept)));
    return false;
  };

  s.strips.forEach((strip, i) => {
    const at = (...p: Path): Path => ['strips', i, ...p];
    const dest = strip.output.bus ?? masterName;
    const destOk =
      strip.output.bus === undefined ||
      ref(at('output', 'bus'), dest, 'the name of the master or of an aux, foldback or stem bus', (o) =>
        o.kind === 'master' ? true : takesFeeds(o),
      );
    const destOwner = names.get(dest);
    if (destOk && destOwner !== undefined && isBus(destOwner)) {
      edges.push({ from: strip.name, to: dest, site: null });
      const valid = busLabels(destOwner.format);
      strip.output.labels?.forEach((label, k) => {
        if (!valid.includes(label)) {
          const has = `${JSON.stringify(dest)} (${describeFormat(destOwner.format)})`;
          out.push(issue(at('output', 'labels', k), label, `a channel of ${has}`));
        }
      });
    }
    strip.sends.forEach((send, j) => {
      const sat = (...p: Path): Path => at('sends', j, ...p);
      if (!ref(sat('bus'), send.bus, 'the name of an aux, foldback or stem bus', takesFeeds)) return;
      if (send.bus === dest) {
        out.push(
          issue(sat('bus'), send.bus, `a bus other than the strip's output bus (${JSON.stringify(dest)})`),
        );
        return;
      }
      edges.push({ from: strip.name, to: send.bus, site: null });
      const owner = names.get(send.bus);
      if (send.pan !== undefined && owner !== undefined && isBus(owner) && !takesSendPan(owner.format)) {
        const why = `bus ${JSON.stringify(send.bus)} is ${owner.format}; send pan applies to 1.0 and 2.0 buses`;
        out.push(issue(sat('pan'), send.pan, `no pan (${why})`));
      }
    });
    const key = strip.gate.key;
    if (key === strip.name) {
      out.push(
        issue(
          at('gate', 'key'),
          key,
          'the name of another strip or of a bus (null keys from the strip itself)',
        ),
      );
    } else if (key !== null) {
      const keyOk = ref(
        at('gate', 'key'),
        key,
        'the name of a strip or bus',
        (o) => isBus(o) || o.kind === 'strip',
      );
      // A bus key makes the strip depend on that bus; a strip key taps that strip's input, so it cannot loop.
      const owner = names.get(key);
      if (keyOk && owner !== undefined && isBus(owner)) {
        edges.push({ from: key, to: strip.name, site: { path: at('gate', 'key'), found: key } });
      }
    }
  });

  checkBuses(s, names, ref, edges, out);
  reportLoops(edges, 'a bus that does not make a routing loop', out);
  checkGroups(s, ref, out);
  if (s.monitor.source !== undefined) {
    ref(['monitor', 'source'], s.monitor.source, 'the name of a bus', isBus);
  }
  checkOutputChannels(s, out);
  checkExclusiveSolo(s, out);
  return out;
}

/** Claims names in a fixed order (master, strips, buses, VCAs); a later duplicate is the one reported. */
function indexNames(s: SessionShape, out: SessionIssue[]): NameIndex {
  const names = new NameIndex();
  names.claim(s.master.name, { kind: 'master', format: s.master.format, where: 'the master' });
  const claim = (path: Path, name: string, owner: Owner): void => {
    // Duplicates within one list already failed that list's own check, so any clash here is across lists.
    const first = names.claim(name, owner);
    if (first !== undefined) {
      out.push(issue(path, name, `a unique name (${first.where} already uses it)`));
    }
  };
  s.strips.forEach((st, i) =>
    claim(['strips', i, 'name'], st.name, { kind: 'strip', index: i, where: `strips[${i}]` }),
  );
  s.buses.forEach((b, i) =>
    claim(['buses', i, 'name'], b.name, {
      kind: 'bus',
      index: i,
      busKind: b.kind,
      format: b.format,
      where: `buses[${i}]`,
    }),
  );
  s.vcas.forEach((v, i) =>
    claim(['vcas', i, 'name'], v.name, { kind: 'vca', index: i, where: `vcas[${i}]` }),
  );
  return names;
}

type Ref = (path: Path, name: string, what: string, accept: (o: Owner, n: string) => boolean) => boolean;

function checkBuses(
  s: SessionShape,
  names: NameIndex,
  ref: Ref,
  edges: Edge<Site>[],
  out: SessionIssue[],
): void {
  s.buses.forEach((bus, i) => {
    const at = (...p: Path): Path => ['buses', i, ...p];
    if (bus.output !== undefined && bus.output !== null) {
      const what = 'the name of the master or of an aux, foldback or stem bus, or null';
      if (ref(at('output'), bus.output, what, (o) => o.kind === 'master' || takesFeeds(o))) {
        edges.push({ from: bus.name, to: bus.output, site: { path: at('output'), found: bus.output } });
      }
    }
    if (bus.kind === 'folddown' && bus.source !== null) {
      const what = 'the name of a 5.1 or 7.1 bus to fold down';
      const owner = names.get(bus.source);
      if (owner !== undefined && isBus(owner) && !isSurround(owner.format)) {
        out.push(
          issue(at('source'), bus.source, `${what} (${JSON.stringify(bus.source)} is ${owner.format})`),
        );
      } else if (ref(at('source'), bus.source, what, (o) => isBus(o) && isSurround(o.format))) {
        edges.push({ from: bus.source, to: bus.name, site: { path: at('source'), found: bus.source } });
      }
    }
    if (bus.kind === 'me') checkMeBus(s, i, edges, out);
  });
}

/** An M&E bus sums every stem that is not dialogue; it needs at least one, in its own format. */
function checkMeBus(s: SessionShape, i: number, edges: Edge<Site>[], out: SessionIssue[]): void {
  const me = s.buses[i]!;
  const stems = s.buses.filter((b) => b.kind === 'stem' && b.role !== 'dialogue');
  if (stems.length === 0) {
    out.push(
      issue(['buses', i, 'kind'], me.kind, 'a kind other than "me" (no stem whose role is not dialogue)'),
    );
    return;
  }
  for (const stem of stems) edges.push({ from: stem.name, to: me.name, site: null });
  const odd = stems.find((b) => b.format !== me.format);
  if (odd !== undefined) {
    const why = `the format of stem ${JSON.stringify(odd.name)}, which it sums`;
    out.push(issue(['buses', i, 'format'], me.format, `${JSON.stringify(odd.format)} (${why})`));
  }
}

function reportLoops(edges: readonly Edge<Site>[], what: string, out: SessionIssue[]): void {
  for (const loop of findLoops(edges)) {
    out.push(issue(loop.site.path, loop.site.found, `${what} (loop: ${describeLoop(loop.nodes)})`));
  }
}

function checkGroups(s: SessionShape, ref: Ref, out: SessionIssue[]): void {
  const member = (o: Owner): boolean => o.kind === 'strip' || o.kind === 'bus';
  const MEMBER = 'the name of a strip or bus';
  const vcaEdges: Edge<Site>[] = [];
  s.vcas.forEach((vca, i) => {
    vca.members.forEach((m, k) => ref(['vcas', i, 'members', k], m, MEMBER, member));
    vca.masters.forEach((m, k) => {
      const path = ['vcas', i, 'masters', k];
      if (ref(path, m, 'the name of a VCA', (o) => o.kind === 'vca')) {
        vcaEdges.push({ from: vca.name, to: m, site: { path, found: m } });
      }
    });
  });
  reportLoops(vcaEdges, 'a VCA that does not make a loop of masters', out);
  s.muteGroups.forEach((g, i) =>
    g.members.forEach((m, k) => ref(['muteGroups', i, 'members', k], m, MEMBER, member)),
  );
  // A route shares its gain/mute/solo with one route group at most (as in Ardour), or the links would clash.
  const groupOf = new Map<string, number>();
  s.routeGroups.forEach((g, i) =>
    g.members.forEach((m, k) => {
      const path = ['routeGroups', i, 'members', k];
      if (!ref(path, m, MEMBER, member)) return;
      const first = groupOf.get(m);
      if (first === undefined) groupOf.set(m, i);
      else
        out.push(issue(path, m, `a strip or bus not in another route group (routeGroups[${first}] has it)`));
    }),
  );
}

/** Two feeds into one device output would sum silently; every output channel has one owner. */
function checkOutputChannels(s: SessionShape, out: SessionIssue[]): void {
  const owner = new Map<number, string>();
  const use = (path: Path, channel: number, label: string): void => {
    const first = owner.get(channel);
    if (first === undefined) owner.set(channel, label);
    else out.push(issue(path, channel, `an output channel not already in use (${first} uses it)`));
  };
  s.master.outputs.forEach((c, k) => use(['master', 'outputs', k], c, `master.outputs[${k}]`));
  s.buses.forEach((b, i) =>
    b.outputs?.forEach((c, k) => use(['buses', i, 'outputs', k], c, `buses[${i}].outputs[${k}]`)),
  );
  s.strips.forEach((st, i) => {
    if (st.directOut !== null)
      use(['strips', i, 'directOut', 'channel'], st.directOut.channel, `strips[${i}].directOut`);
  });
  s.monitor.outputs?.forEach((c, k) => use(['monitor', 'outputs', k], c, `monitor.outputs[${k}]`));
}

function checkExclusiveSolo(s: SessionShape, out: SessionIssue[]): void {
  if (!s.monitor.exclusiveSolo) return;
  const soloed = [
    ...s.strips.map((st, i) => [st.solo, 'strips', i] as const),
    ...s.buses.map((b, i) => [b.solo, 'buses', i] as const),
  ].filter(([solo]) => solo);
  const first = soloed[0];
  for (const [, list, i] of soloed.slice(1)) {
    const why = `monitor.exclusiveSolo allows one solo, and ${first![1]}[${first![2]}] is soloed`;
    out.push(issue([list, i, 'solo'], true, `false (${why})`));
  }
}
