// Bus channel formats as label vectors, routing between formats by label (never by position) and the Lo/Ro
// fold-down to stereo (engine.md §1.3). Pure: matrices are built at topology/parameter-change time only.
import { dbToGain } from '../dsp/gain.js';

export const CHANNEL_FORMATS = ['1.0', '2.0', 'LCR', '5.1-film', '5.1-smpte', '7.1'] as const;
export type ChannelFormat = (typeof CHANNEL_FORMATS)[number];

export type ChannelLabel = 'M' | 'L' | 'R' | 'C' | 'LFE' | 'Ls' | 'Rs' | 'Lss' | 'Rss' | 'Lsr' | 'Rsr';

const LABELS: Record<ChannelFormat, readonly ChannelLabel[]> = {
  '1.0': ['M'],
  '2.0': ['L', 'R'],
  LCR: ['L', 'C', 'R'],
  // Pro Tools tracks and meters always use film order; SMPTE/ITU is the usual file/output order.
  '5.1-film': ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'],
  '5.1-smpte': ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'],
  // Pro Tools' default 7.1: 3 front, 2 side (Lss/Rss), 2 rear (Lsr/Rsr), LFE.
  '7.1': ['L', 'C', 'R', 'Lss', 'Rss', 'Lsr', 'Rsr', 'LFE'],
};

/** −3 dB as the equal-power split 1/√2, so mono → stereo → mono is unity (2 · ½, to rounding). */
const EQUAL_POWER = Math.SQRT1_2;

/**
 * Gains from `cols` source channels to `rows` destination channels, row-major:
 * `gains[row * cols + col]` is the gain from source channel `col` into destination channel `row`.
 */
export interface ChannelMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly gains: Float64Array;
}

export interface Routing extends ChannelMatrix {
  /** Source labels with no place in the destination: their signal is not routed (a validator should warn). */
  readonly dropped: readonly ChannelLabel[];
}

export function labelsOf(format: ChannelFormat): readonly ChannelLabel[] {
  return LABELS[format];
}

export function channelCount(format: ChannelFormat): number {
  return LABELS[format].length;
}

/** Position of `label` in `format`, or −1 when the format has no such channel. */
export function channelIndex(format: ChannelFormat, label: ChannelLabel): number {
  return LABELS[format].indexOf(label);
}

/**
 * Routes `from` into `to` by label:
 * - the same label → gain 1;
 * - M (mono) → C when the destination has a centre, else → L and R at −3 dB each (equal power);
 * - C → M when the destination is mono (both name the one centre position);
 * - L and R → M at −3 dB each: uncorrelated sides keep their power, and M → L/R → M is unity;
 * - anything else has no place in the destination and is listed in `dropped` (use a fold-down instead).
 */
export function routingMatrix(from: ChannelFormat, to: ChannelFormat): Routing {
  const src = LABELS[from];
  const dst = LABELS[to];
  const gains = new Float64Array(dst.length * src.length);
  const dropped: ChannelLabel[] = [];
  const set = (label: ChannelLabel, col: number, gain: number): boolean => {
    const row = dst.indexOf(label);
    if (row < 0) return false;
    gains[row * src.length + col] = gain;
    return true;
  };
  src.forEach((label, col) => {
    if (set(label, col, 1)) return;
    let routed = false;
    if (label === 'M')
      routed = set('C', col, 1) || (set('L', col, EQUAL_POWER) && set('R', col, EQUAL_POWER));
    else if (label === 'C') routed = set('M', col, 1);
    else if (label === 'L' || label === 'R') routed = set('M', col, EQUAL_POWER);
    if (!routed) dropped.push(label);
  });
  return { rows: dst.length, cols: src.length, gains, dropped };
}

export interface FoldDownOptions {
  /** Centre (and mono) level into each side; −∞ switches it off. */
  centreDb?: number;
  /** Surround level into its own side; −∞ switches surrounds off. */
  surroundDb?: number;
}

/**
 * Writes the Lo/Ro fold-down of `from` (2 rows × channelCount(from) columns, row-major as ChannelMatrix)
 * into `out` at `offset`. Lo = L + c·C + s·(Ls + Lss + Lsr), Ro = R + c·C + s·(Rs + Rss + Rsr); LFE is
 * discarded. A 7.1 source folds its side and rear surrounds of one side at the same level s, which is the
 * same as first reducing 7.1 to 5.1 by summing side + rear into one surround, then folding that 5.1.
 * M counts as centre. Allocates nothing.
 */
export function writeFoldDownLoRo(
  from: ChannelFormat,
  options: FoldDownOptions,
  out: Float64Array,
  offset: number,
): void {
  const src = LABELS[from];
  const c = dbToGain(options.centreDb ?? -3);
  const s = dbToGain(options.surroundDb ?? -3);
  const cols = src.length;
  for (let col = 0; col < cols; col++) {
    let lo = 0;
    let ro = 0;
    switch (src[col]!) {
      case 'L':
        lo = 1;
        break;
      case 'R':
        ro = 1;
        break;
      case 'M':
      case 'C':
        lo = c;
        ro = c;
        break;
      case 'Ls':
      case 'Lss':
      case 'Lsr':
        lo = s;
        break;
      case 'Rs':
      case 'Rss':
      case 'Rsr':
        ro = s;
        break;
      case 'LFE':
        break;
    }
    out[offset + col] = lo;
    out[offset + cols + col] = ro;
  }
}

/** The Lo/Ro fold-down of `from` as a new 2-row matrix (see writeFoldDownLoRo). */
export function foldDownLoRo(from: ChannelFormat, options: FoldDownOptions = {}): ChannelMatrix {
  const cols = channelCount(from);
  const gains = new Float64Array(2 * cols);
  writeFoldDownLoRo(from, options, gains, 0);
  return { rows: 2, cols, gains };
}
