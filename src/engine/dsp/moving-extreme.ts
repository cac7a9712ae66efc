// Sliding-window minimum in amortised O(1) per sample (monotonic deque). Pure: no I/O; all storage is
// allocated in the constructor.

/** Minimum of the last `length` values pushed (of fewer, until `length` values have been pushed). */
export class MovingMinimum {
  readonly length: number;
  // The deque holds candidates in increasing value order, oldest first; a window never needs more than
  // `length` of them, so a ring of that size suffices.
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;
  private time = 0;

  constructor(length: number) {
    if (!Number.isInteger(length) || length < 1) throw new RangeError(`invalid window length ${length}`);
    this.length = length;
    this.values = new Float64Array(length);
    this.times = new Float64Array(length);
  }

  /** Adds `value` as the newest sample and returns the minimum over the window ending with it. */
  push(value: number): number {
    const { values, times, length } = this;
    // Drop the oldest candidate once it leaves the window (first, so the ring has room for the new one).
    if (this.count > 0 && times[this.head]! <= this.time - length) {
      this.head = (this.head + 1) % length;
      this.count--;
    }
    // Older candidates that are not smaller can never be the minimum again.
    while (this.count > 0) {
      const back = (this.head + this.count - 1) % length;
      if (values[back]! < value) break;
      this.count--;
    }
    const slot = (this.head + this.count) % length;
    values[slot] = value;
    times[slot] = this.time;
    this.count++;
    this.time++;
    return values[this.head]!;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.time = 0;
  }
}
