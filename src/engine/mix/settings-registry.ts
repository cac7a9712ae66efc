// The control-time values of a mix engine (gain targets, filter coefficients, dynamics settings, switches)
// live in small Float64Arrays handed out here, in construction order. Two engines built from the same plan
// therefore register arrays of the same sizes in the same order, so the whole set travels between them as
// one flat image: the control thread's engine computes the values (filter design, VCA and solo resolution),
// the audio thread's engine copies them in, computing and allocating nothing.

export class SettingsRegistry {
  private readonly arrays: Float64Array[] = [];
  private total = 0;

  /** A new settings array of `length` slots, zeroed. Construction time only. */
  take(length: number): Float64Array {
    const a = new Float64Array(length);
    this.arrays.push(a);
    this.total += length;
    return a;
  }

  /** Slots of the flat image. */
  get length(): number {
    return this.total;
  }

  /** Writes every settings array, in order, into `image` from slot 0. */
  exportTo(image: Float64Array): void {
    let at = 0;
    for (const a of this.arrays) {
      for (let i = 0; i < a.length; i++) image[at + i] = a[i]!;
      at += a.length;
    }
  }

  /** Reads every settings array, in order, from `image` (an audio thread: no allocation). */
  importFrom(image: Float64Array): void {
    const arrays = this.arrays;
    let at = 0;
    for (let n = 0; n < arrays.length; n++) {
      const a = arrays[n]!;
      for (let i = 0; i < a.length; i++) a[i] = image[at + i]!;
      at += a.length;
    }
  }
}
