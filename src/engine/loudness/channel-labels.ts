// Speaker labels of a WAV file's channels, for the BS.1770 channel weights.

import type { SpeakerLabel } from '../dsp/loudness-weights.js';

// WAVE_FORMAT_EXTENSIBLE dwChannelMask bits; channels appear in the file in bit order.
const SPEAKER_FRONT_LEFT = 0x1;
const SPEAKER_FRONT_RIGHT = 0x2;
const SPEAKER_FRONT_CENTER = 0x4;
const SPEAKER_LOW_FREQUENCY = 0x8;
const SPEAKER_BACK_LEFT = 0x10;
const SPEAKER_BACK_RIGHT = 0x20;
const SPEAKER_SIDE_LEFT = 0x200;
const SPEAKER_SIDE_RIGHT = 0x400;
const BACKS = SPEAKER_BACK_LEFT | SPEAKER_BACK_RIGHT;
const SIDES = SPEAKER_SIDE_LEFT | SPEAKER_SIDE_RIGHT;
/** Highest defined position bit (top back right). */
const LAST_SPEAKER_BIT = 0x20000;

/**
 * Labels by channel count when a file names no speakers (WAV/SMPTE order, as ffmpeg and sox assume):
 * 1 mono, 2.0, 3.0, quad, 5.0, 5.1, 6.1 (L R C LFE Other Ls Rs: ffmpeg's 7-channel default, whose centre
 * surround at 180° weighs 1.00 and whose side surrounds at ±90° weigh 1.41), 7.1 (L R C LFE Lsr Rsr Lss Rss).
 */
const BY_COUNT: readonly (readonly SpeakerLabel[])[] = [
  [],
  ['M'],
  ['L', 'R'],
  ['L', 'R', 'C'],
  ['L', 'R', 'Ls', 'Rs'],
  ['L', 'R', 'C', 'Ls', 'Rs'],
  ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'],
  ['L', 'R', 'C', 'LFE', 'Other', 'Ls', 'Rs'],
  ['L', 'R', 'C', 'LFE', 'Lsr', 'Rsr', 'Lss', 'Rss'],
];

function labelOfBit(bit: number, mask: number): SpeakerLabel {
  // Back and side pairs are the 5.x surrounds when alone; together they are 7.x rears and sides.
  const both = (mask & BACKS) !== 0 && (mask & SIDES) !== 0;
  switch (bit) {
    case SPEAKER_FRONT_LEFT:
      return 'L';
    case SPEAKER_FRONT_RIGHT:
      return 'R';
    case SPEAKER_FRONT_CENTER:
      return 'C';
    case SPEAKER_LOW_FREQUENCY:
      return 'LFE';
    case SPEAKER_BACK_LEFT:
      return both ? 'Lsr' : 'Ls';
    case SPEAKER_BACK_RIGHT:
      return both ? 'Rsr' : 'Rs';
    case SPEAKER_SIDE_LEFT:
      return both ? 'Lss' : 'Ls';
    case SPEAKER_SIDE_RIGHT:
      return both ? 'Rss' : 'Rs';
    default:
      return 'Other';
  }
}

/**
 * Labels for `count` channels: from the extensible channel mask when it names any speaker (channels past
 * the named ones have no position and weigh 1.00), else by count. Counts above 8 get 'Other' throughout.
 */
export function channelLabels(count: number, channelMask = 0): SpeakerLabel[] {
  if (channelMask === 0) return [...(BY_COUNT[count] ?? Array<SpeakerLabel>(count).fill('Other'))];
  const labels: SpeakerLabel[] = [];
  for (let bit = 1; bit <= LAST_SPEAKER_BIT && labels.length < count; bit *= 2) {
    if ((channelMask & bit) !== 0) labels.push(labelOfBit(bit, channelMask));
  }
  while (labels.length < count) labels.push('Other');
  return labels;
}
