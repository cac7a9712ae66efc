// Logs the audio counters when they move: underruns (the worker was late for a block), of which catch-up
// underruns (the server itself woke late and ran two cycles back to back), dropped frames (late blocks
// skipped when they arrive), ring overflows and the xruns the device reported. Quiet while all is well.
import type { EngineViews } from '../engine/shared/layout.js';
import { Stat } from '../engine/shared/layout.js';
import type { Logger } from './log.js';

const WATCHED = [
  ['underruns', Stat.Underruns],
  ['catchUpUnderruns', Stat.CatchUpUnderruns],
  ['droppedFrames', Stat.DroppedFrames],
  ['inputOverflows', Stat.InputOverflows],
  ['outputOverflows', Stat.OutputOverflows],
  ['deviceXruns', Stat.DeviceXruns],
] as const;

export function startAudioStatsLog(views: EngineViews, log: Logger, intervalMs = 5000): () => void {
  const last = WATCHED.map(() => 0);
  const timer = setInterval(() => {
    const delta: Record<string, number> = {};
    let moved = false;
    WATCHED.forEach(([name, stat], i) => {
      const now = views.stats[stat]!;
      // Counters restart with each device open: a smaller value is a new stream, not a negative delta.
      const d = now >= last[i]! ? now - last[i]! : now;
      last[i] = now;
      if (d > 0) {
        delta[name] = d;
        moved = true;
      }
    });
    if (moved)
      log.warn(
        {
          ...delta,
          blockTimeAvgUs: views.stats[Stat.BlockTimeAvgUs],
          blockTimeMaxUs: views.stats[Stat.BlockTimeMaxUs],
        },
        'audio glitches in the last interval',
      );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
