// Smoothed gains of the mix graph: a gain matrix from a source's channels into chosen channels of a planar
// destination (a strip's pan into its output bus, a send, a listen feed). Every coefficient glides with the
// one-pole smoother of dsp/gain.ts, so pans, send levels and mutes move without clicks. Pure; nothing here
// allocates after construction.
import { mixSmoothed } from '../dsp/gain.js';
import type { SettingsRegistry } from './settings-registry.js';

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
        mixSmoothed(src, srcOffset + c * frames, dst, row * frames, frames, current, i, target[i]!, k);
      }
    }
  }
}
