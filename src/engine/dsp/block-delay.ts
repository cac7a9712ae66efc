// A multichannel delay line of a variable whole number of frames, for latency compensation: planar blocks in,
// the same blocks `delay` frames later out. It keeps recording while its delay is 0, so a delay that grows
// later (a limiter switched in elsewhere) plays the audio that really came before, never stale audio. Pure:
// no I/O; process() allocates nothing.

export class BlockDelay {
  /** Largest delay it can give, in frames. */
  readonly capacity: number;
  private readonly channels: number;
  /** Per channel a ring of `size` frames. */
  private readonly size: number;
  private readonly ring: Float32Array;
  private writeAt = 0;

  constructor(channels: number, capacity: number) {
    this.channels = channels;
    this.capacity = capacity;
    this.size = capacity + 1;
    this.ring = new Float32Array(channels * this.size);
  }

  /**
   * Delays `frames` frames of the planar block in `buf` (channel c from `at + c·stride`) by `delay` frames
   * (clamped to 0 … capacity), in place.
   */
  process(buf: Float32Array, at: number, stride: number, frames: number, delay: number): void {
    const { ring, size } = this;
    const d = Math.min(Math.max(0, delay | 0), this.capacity);
    const start = this.writeAt;
    for (let c = 0; c < this.channels; c++) {
      const base = c * size;
      let w = start;
      let r = start - d < 0 ? start - d + size : start - d;
      const from = at + c * stride;
      for (let i = from; i < from + frames; i++) {
        ring[base + w] = buf[i]!;
        buf[i] = ring[base + r]!;
        if (++w === size) w = 0;
        if (++r === size) r = 0;
      }
    }
    this.writeAt = (start + frames) % size;
  }

  reset(): void {
    this.ring.fill(0);
    this.writeAt = 0;
  }
}
