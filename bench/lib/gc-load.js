// The deliberately pathological control-thread load of realtime.md §2 ("gc"): 2 ms allocation slices every
// 4 ms, plus a rolling retained set of 300k objects. The retained ring makes objects live long enough to be
// promoted and then die in old space, so besides scavenges (about 4–6 ms) there are mark-compacts of
// 100–200 ms: the worst a busy main thread can do to the audio worker.
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';

const RETAINED = 300_000;
const SLICE_MS = 2;
const EVERY_MS = 4;

/** Starts the load on the calling thread; returns stop(), which reports what ran. */
export function startGcLoad() {
  /** @type {unknown[]} */
  let ring = new Array(RETAINED).fill(null);
  let next = 0;
  let slices = 0;
  let allocated = 0;
  const slice = () => {
    const end = performance.now() + SLICE_MS;
    while (performance.now() < end) {
      for (let i = 0; i < 256; i++) {
        // Mixed shapes (object, string, array), as a control plane's messages would be.
        const o = { id: allocated++, name: `cc-${i}`, values: [i, i * 0.5, i * 0.25] };
        if ((i & 3) === 0) {
          ring[next] = o;
          next = next + 1 === RETAINED ? 0 : next + 1;
        }
      }
    }
    slices++;
  };
  const timer = setInterval(slice, EVERY_MS);
  return () => {
    clearInterval(timer);
    ring = [];
    return { slices, objects: allocated, retained: RETAINED, sliceMs: SLICE_MS, everyMs: EVERY_MS };
  };
}

/** Records the calling thread's GC pauses (ms) until stop(); returns count, p99, max and the minor/major split. */
export function watchGcPauses() {
  /** @type {number[]} */
  const pauses = [];
  let major = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      pauses.push(e.duration);
      const kind = /** @type {{ kind?: number }} */ (e.detail ?? {}).kind ?? 0;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++; // mark-sweep-compact
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return () => {
    obs.disconnect();
    const sorted = pauses.sort((a, b) => a - b);
    return {
      gcCount: sorted.length,
      gcMajor: major,
      gcPauseP99Ms: round(quantile(sorted, 0.99), 2),
      gcPauseMaxMs: round(sorted.at(-1) ?? 0, 2),
    };
  };
}

/** Quantile of an ascending array (nearest rank); 0 for an empty one. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export const round = (x, digits) => (x === null || !Number.isFinite(x) ? x : Number(x.toFixed(digits)));
