// Channel weights Gᵢ of the BS.1770 loudness sum. Pure.
//
// BS.1770-5 Tables 4/5 (BS.2051 layouts): a channel below 30° elevation with 60° ≤ |azimuth| ≤ 120° weighs
// 1.41 (≈ +1.5 dB); every other full-range channel weighs 1.00; LFE is left out. So the 5.x surrounds
// (±110°) and the 7.x side surrounds (±90°) get 1.41 but the 7.x rear surrounds (±135°) get 1.00.

/**
 * Speaker labels: L R C, LFE, Ls Rs (5.x surrounds, ±110°), Lss Rss (7.x sides, ±90°), Lsr Rsr (7.x rears,
 * ±135°), M (a mono programme) and Other (any other full-range position: centre surround, wide or
 * elevated speakers).
 */
export type ChannelLabel =
  'L' | 'R' | 'C' | 'LFE' | 'Ls' | 'Rs' | 'Lss' | 'Rss' | 'Lsr' | 'Rsr' | 'M' | 'Other';

/** Gᵢ for a channel at `label`'s position. */
export function channelWeight(label: ChannelLabel): number {
  switch (label) {
    case 'LFE':
      return 0;
    case 'Ls':
    case 'Rs':
    case 'Lss':
    case 'Rss':
      return 1.41;
    case 'L':
    case 'R':
    case 'C':
    case 'Lsr':
    case 'Rsr':
    case 'M':
    case 'Other':
      return 1;
  }
}
