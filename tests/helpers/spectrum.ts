// Spectral analysis helpers for tests: a radix-2 FFT, Welch-averaged power spectra and a single-frequency
// DFT. Plain float64 maths, written for clarity rather than speed.

/** In-place iterative radix-2 FFT (forward, no scaling). `re.length` must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if ((n & (n - 1)) !== 0 || im.length !== n) throw new RangeError('fft needs equal power-of-two lengths');
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      // Twiddles from cos/sin directly (not a recurrence) so large transforms keep full precision.
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let start = k; start < n; start += size) {
        const a = start;
        const b = start + half;
        const tr = wr * re[b]! - wi * im[b]!;
        const ti = wr * im[b]! + wi * re[b]!;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** Periodic Hann window of length n. */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/**
 * Welch-averaged power spectrum: Hann-windowed segments of `segment` samples (a power of two) hopping by
 * segment·(1 − overlap), |X|² averaged per bin. Returns segment/2 + 1 bins; bin k is k·fs/segment Hz.
 * Unnormalised: meant for ratios between spectra taken with the same settings.
 */
export function welchPower(signal: ArrayLike<number>, segment: number, overlap = 0.5): Float64Array {
  const window = hann(segment);
  const hop = Math.max(1, Math.round(segment * (1 - overlap)));
  const bins = segment / 2 + 1;
  const power = new Float64Array(bins);
  const re = new Float64Array(segment);
  const im = new Float64Array(segment);
  let count = 0;
  for (let start = 0; start + segment <= signal.length; start += hop) {
    for (let i = 0; i < segment; i++) {
      re[i] = signal[start + i]! * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < bins; k++) power[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
    count++;
  }
  if (count === 0) throw new RangeError('signal shorter than one segment');
  for (let k = 0; k < bins; k++) power[k]! /= count;
  return power;
}

/**
 * Σ x[n]·e^{−jωn} at one arbitrary frequency (ω = 2π·freqHz/sampleRate), as [re, im]. The phasor is
 * rotated per sample and re-seeded from cos/sin every 1024 samples so long signals keep full precision.
 */
export function dftAt(signal: ArrayLike<number>, freqHz: number, sampleRate: number): [number, number] {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const stepRe = Math.cos(w);
  const stepIm = -Math.sin(w);
  let sumRe = 0;
  let sumIm = 0;
  let pRe = 1;
  let pIm = 0;
  for (let n = 0; n < signal.length; n++) {
    if ((n & 1023) === 0) {
      pRe = Math.cos(w * n);
      pIm = -Math.sin(w * n);
    }
    const x = signal[n]!;
    sumRe += x * pRe;
    sumIm += x * pIm;
    const r = pRe * stepRe - pIm * stepIm;
    pIm = pRe * stepIm + pIm * stepRe;
    pRe = r;
  }
  return [sumRe, sumIm];
}

/** `count` frequencies spaced evenly on a log scale from `low` to `high` inclusive. */
export function logSpaced(low: number, high: number, count: number): number[] {
  const ratio = Math.log(high / low);
  return Array.from({ length: count }, (_, i) => low * Math.exp((ratio * i) / (count - 1)));
}
