// Loop finding for the session's directed graphs (signal flow between buses, VCA mastering). A loop would
// make a bus depend on its own output within one block, or a VCA on its own gain.

/** An edge in the order the session lists it; `from` → `to` is the direction of dependency. */
export interface Edge<T> {
  from: string;
  to: string;
  /** Where the user wrote this edge, reported when it closes a loop; null for edges the engine implies
   * (a strip into its output bus, stems into the M&E). */
  site: T | null;
}

export interface Loop<T> {
  /** Where the written edge that closes this loop is. */
  site: T;
  /** Node names around the loop, starting and ending at `edge.from`. */
  nodes: string[];
}

/**
 * Reports every loop once: written edges are taken in order, and one that closes a loop is reported and then
 * dropped, so the other edges of the same loop no longer close it. Every loop has a written edge (implied
 * edges never form one on their own), so none is missed.
 */
export function findLoops<T>(edges: readonly Edge<T>[]): Loop<T>[] {
  const live = new Set(edges);
  const loops: Loop<T>[] = [];
  for (const edge of edges) {
    if (edge.site === null) continue;
    const back = path(live, edge.to, edge.from);
    if (back === undefined) continue;
    loops.push({ site: edge.site, nodes: [edge.from, ...back] });
    live.delete(edge);
  }
  return loops;
}

/** Breadth-first path of node names from `start` to `goal` (both included), or undefined. */
export function path<T>(edges: ReadonlySet<Edge<T>>, start: string, goal: string): string[] | undefined {
  const cameFrom = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node === goal) {
      const out: string[] = [];
      for (let n: string | null = node; n !== null; n = cameFrom.get(n) ?? null) out.unshift(n);
      return out;
    }
    for (const e of edges) {
      if (e.from === node && !cameFrom.has(e.to)) {
        cameFrom.set(e.to, node);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}

export function describeLoop(nodes: readonly string[]): string {
  return nodes.map((n) => JSON.stringify(n)).join(' → ');
}
