// Smoothed gains of the mix graph: a gain matrix from a source's channels into chosen channels of a planar
// destination (a strip's pan into its output bus, a send, a listen feed), and an in-place smoothed scalar gain
// (faders). Every coefficient glides with the same one-pole as the old mixer (dsp/gain.ts), so pans, send
// levels and mutes move without clicks. Pure; nothing here allocates after construction.
import { mixSmoothed } from '../dsp/gain.js';
import type { SettingsRegistry } from './settings-registry.js';

/** Below this difference a smoother snaps to its target (as mixSmoothed does), so settled gains are exact. */
const SNAP = 1e-9;

export class SmoothedRoute {
  /** Gains now and where they glide to, row-major: rows = destination channels, cols = source channels. */
  readonly current: Float64Array;
  /** The targets are settings (the control side writes them, the audio side copies them in). */
  readonly target: Float64Array;

  /** `rowChannels[r]` is the destination channel (in blocks of `frames`) that row r adds into. */
  constructor(
    readonly rowChannels: readonly number[],
    readonly cols: number,
    settings: SettingsRegistry,
  ) {
    this.current = new Float64Array(rowChannels.length * cols);
    this.target = settings.take(rowChannels.length * cols);
  }

  /** Jumps to the targets (a render starts settled). */
  settle(): void {
    this.current.set(this.target);
  }

  /**
   * dst[rowChannels[r]] += Σ_c gain[r][c] · src[c]: planar blocks of `frames` samples, source channel c at
   * `srcOffset + c · frames`. Rows whose channel is `dstChannels` or above (not on the device) are skipped.
   */
  mixInto(
    src: Float32Array,
    srcOffset: number,
    dst: Float32Array,
    dstChannels: number,
    frames: number,
    k: number,
  ): void {
    const { current, target, rowChannels, cols } = this;
    for (let r = 0; r < rowChannels.length; r++) {
      const row = rowChannels[r]!;
      if (row >= dstChannels) continue;
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const from = srcOffset + c * frames;
        current[i] = mixSmoothed(src, from, dst, row * frames, frames, current[i]!, target[i]!, k);
      }
    }
  }
}

/** Multiplies `frames` samples of `buf` from `offset` in place by a gain gliding from `current` to `target`. */
export function scaleSmoothed(
  buf: Float32Array,
  offset: number,
  frames: number,
  current: number,
  target: number,
  k: number,
): number {
  let g = current;
  if (g === target) {
    if (g !== 1) for (let i = 0; i < frames; i++) buf[offset + i]! *= g;
    return g;
  }
  for (let i = 0; i < frames; i++) {
    g += (target - g) * k;
    if (Math.abs(target - g) < SNAP) g = target;
    buf[offset + i]! *= g;
  }
  return g;
}
