// Channel weights Gᵢ of the BS.1770 loudness sum. Pure.
//
// BS.1770-5 Tables 4/5 (BS.2051 layouts): a channel below 30° elevation with 60° ≤ |azimuth| ≤ 120° weighs
// 1.41 (≈ +1.5 dB); every other full-range channel weighs 1.00; LFE is left out. So the 5.x surrounds
// (±110°) and the 7.x side surrounds (±90°) get 1.41 but the 7.x rear surrounds (±135°) get 1.00.

import type { ChannelLabel } from '../graph/channel-format.js';

/**
 * The bus channel labels (L R C, LFE, Ls Rs: 5.x surrounds at ±110°, Lss Rss: 7.x sides at ±90°, Lsr Rsr: 7.x
 * rears at ±135°, M: mono) plus Other, for any other full-range position a file may carry (centre surround,
 * wide or elevated speakers).
 */
export type SpeakerLabel = ChannelLabel | 'Other';

/** Gᵢ for a channel at `label`'s position. */
export function channelWeight(label: SpeakerLabel): number {
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
