// The mix settings image in shared memory, control thread → audio thread, as a sequence lock: the writer
// makes the sequence odd, writes the image, makes it even; the reader copies the image out and keeps the
// copy only if the sequence was the same even number before and after. Neither side ever waits: a reader
// that meets a write in progress keeps its current settings and looks again at the next block.

const HEADER_BYTES = 8; // Int32 sequence, Int32 image length

export class SettingsChannel {
  private readonly words: Int32Array;
  private readonly image: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 2);
    this.image = new Float64Array(buffer, HEADER_BYTES);
  }

  /** A channel for an image of `length` slots (the engine's settingsLength). */
  static allocate(length: number): SettingsChannel {
    const channel = new SettingsChannel(new SharedArrayBuffer(HEADER_BYTES + 8 * length));
    channel.words[1] = length;
    return channel;
  }

  get length(): number {
    return this.words[1]!;
  }

  /** Writer (one thread only): `fill` writes the whole image. */
  write(fill: (image: Float64Array) => void): void {
    Atomics.add(this.words, 0, 1);
    fill(this.image);
    Atomics.add(this.words, 0, 1);
  }

  /** The sequence of the last completed write (even), or an odd number while a write is in progress. */
  get sequence(): number {
    return Atomics.load(this.words, 0);
  }

  /**
   * Reader: copies the newest complete image into `into` and returns its sequence, or returns `seen` when
   * nothing newer is complete (no change, or a write in progress). Allocates nothing.
   */
  readNewer(seen: number, into: Float64Array): number {
    const before = Atomics.load(this.words, 0);
    if (before === seen || (before & 1) === 1) return seen;
    const image = this.image;
    for (let i = 0; i < image.length; i++) into[i] = image[i]!;
    return Atomics.load(this.words, 0) === before ? before : seen;
  }
}
