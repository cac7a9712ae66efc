// Pure WAV (RIFF/WAVE) codec: bytes in, planar float samples out, and back.
// No Node built-ins here so it can run in workers, the browser UI and tests alike.

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

export interface WavAudio {
  sampleRate: number;
  format: WavSampleFormat;
  /** Planar: one array per channel, all the same length. */
  channels: Float32Array[];
  /** WAVE_FORMAT_EXTENSIBLE speaker positions (dwChannelMask), present only in extensible files. */
  channelMask?: number;
}

export type WavDecodeResult = { ok: true; value: WavAudio } | { ok: false; error: string };

const TAG_PCM = 0x0001;
const TAG_FLOAT = 0x0003;
const TAG_EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 8;
/** Sample data cap in bytes; keeps sizes inside int32 maths and bounds memory use. */
const MAX_DATA_BYTES = 2 ** 31;
/** data size written by streaming recorders that never came back to patch it. */
const STREAMING_SIZE = 0xffffffff;
// Every KSDATAFORMAT_SUBTYPE_* GUID is the format tag followed by this fixed tail.
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const fail = (error: string): WavDecodeResult => ({ ok: false, error });

function fourcc(view: DataView, at: number): string {
  return String.fromCharCode(
    view.getUint8(at),
    view.getUint8(at + 1),
    view.getUint8(at + 2),
    view.getUint8(at + 3),
  );
}

function hex4(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

interface FmtInfo {
  format: WavSampleFormat;
  channelCount: number;
  sampleRate: number;
  blockAlign: number;
  channelMask?: number;
}

function parseFmt(view: DataView, at: number, size: number): FmtInfo | string {
  if (size < 16) return 'fmt chunk too short';
  let tag = view.getUint16(at, true);
  const channelCount = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  let channelMask: number | undefined;

  if (tag === TAG_EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4) subformat GUID(16) follow the basic 16 bytes.
    if (size < 40) return 'fmt chunk too short';
    for (let i = 0; i < GUID_TAIL.length; i++) {
      if (view.getUint8(at + 26 + i) !== GUID_TAIL[i])
        return 'unsupported WAVE_FORMAT_EXTENSIBLE subformat GUID';
    }
    channelMask = view.getUint32(at + 20, true);
    tag = view.getUint16(at + 24, true);
    if (tag !== TAG_PCM && tag !== TAG_FLOAT) {
      return `unsupported WAVE_FORMAT_EXTENSIBLE subformat ${hex4(tag)} (expected PCM 1 or IEEE float 3)`;
    }
  }

  let format: WavSampleFormat;
  if (tag === TAG_PCM) {
    if (bits !== 16 && bits !== 24) return `unsupported bit depth ${bits} for PCM (expected 16 or 24)`;
    format = bits === 16 ? 'pcm16' : 'pcm24';
  } else if (tag === TAG_FLOAT) {
    if (bits !== 32) return `unsupported bit depth ${bits} for IEEE float (expected 32)`;
    format = 'float32';
  } else {
    return `unsupported WAV format tag ${hex4(tag)} (expected PCM 1, IEEE float 3 or extensible)`;
  }

  if (channelCount < 1 || channelCount > MAX_CHANNELS) {
    return `unsupported channel count ${channelCount} (expected 1–${MAX_CHANNELS})`;
  }
  if (sampleRate === 0) return 'invalid sample rate 0';
  if (blockAlign !== channelCount * (bits / 8)) {
    const noun = channelCount === 1 ? 'channel' : 'channels';
    return `block align ${blockAlign} does not match ${channelCount} ${noun} × ${bits} bits`;
  }
  const info: FmtInfo = { format, channelCount, sampleRate, blockAlign };
  if (channelMask !== undefined) info.channelMask = channelMask;
  return info;
}

function decodeUnchecked(bytes: Uint8Array): WavDecodeResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  if (end < 12 || fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE')
    return fail('not a RIFF/WAVE file');

  // The RIFF size field is ignored: streaming writers leave it 0 or 0xFFFFFFFF, so walk to the real end.
  let fmt: FmtInfo | undefined;
  let dataStart = -1;
  let dataBytes = 0;
  let pos = 12;
  while (pos + 8 <= end) {
    const id = fourcc(view, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ' && fmt === undefined) {
      if (size >= 16 && body + Math.min(size, 40) > end) return fail('fmt chunk truncated');
      const parsed = parseFmt(view, body, size);
      if (typeof parsed === 'string') return fail(parsed);
      fmt = parsed;
    } else if (id === 'data' && dataStart < 0) {
      if (size !== STREAMING_SIZE && size > MAX_DATA_BYTES) {
        return fail(`data chunk of ${size} bytes exceeds the ${MAX_DATA_BYTES}-byte limit`);
      }
      // A streaming size, or one past the end, means "everything that is left".
      dataStart = body;
      dataBytes = Math.min(size, end - body);
      if (dataBytes > MAX_DATA_BYTES) {
        return fail(`data chunk of ${dataBytes} bytes exceeds the ${MAX_DATA_BYTES}-byte limit`);
      }
      if (fmt !== undefined || body + size >= end) break;
    }
    // Chunks are word-aligned: an odd-sized body is followed by one pad byte not counted in its size.
    pos = body + size + (size & 1);
  }
  if (fmt === undefined) return fail('missing fmt chunk');
  if (dataStart < 0) return fail('missing data chunk');

  const { format, channelCount, blockAlign } = fmt;
  const frames = Math.floor(dataBytes / blockAlign);
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(frames));

  const width = blockAlign / channelCount;
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c] as Float32Array;
    let p = dataStart + c * width;
    if (format === 'pcm16') {
      for (let f = 0; f < frames; f++, p += blockAlign) out[f] = view.getInt16(p, true) / 32768;
    } else if (format === 'pcm24') {
      for (let f = 0; f < frames; f++, p += blockAlign) {
        // Assemble little-endian 24 bits in the top of an int32, then shift down to sign-extend.
        const raw = ((bytes[p + 2] ?? 0) << 24) | ((bytes[p + 1] ?? 0) << 16) | ((bytes[p] ?? 0) << 8);
        out[f] = (raw >> 8) / 8388608;
      }
    } else {
      for (let f = 0; f < frames; f++, p += blockAlign) out[f] = view.getFloat32(p, true);
    }
  }
  const value: WavAudio = { sampleRate: fmt.sampleRate, format, channels };
  if (fmt.channelMask !== undefined) value.channelMask = fmt.channelMask;
  return { ok: true, value };
}

/** Decodes a WAV file. Never throws: every problem comes back as `{ ok: false, error }`. */
export function decodeWav(bytes: Uint8Array): WavDecodeResult {
  try {
    return decodeUnchecked(bytes);
  } catch (e) {
    // Only reachable on an allocation failure or a bug; callers were promised no exceptions.
    return fail(`could not decode WAV: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Speaker masks sox and ffmpeg assume for these counts; other counts are left unassigned (0). */
function channelMask(count: number): number {
  switch (count) {
    case 1:
      return 0x4; // front centre
    case 2:
      return 0x3; // front left, front right
    case 4:
      return 0x33; // quad
    case 6:
      return 0x3f; // 5.1
    case 8:
      return 0x63f; // 7.1
    default:
      return 0;
  }
}

function writeAscii(out: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}

/**
 * Encodes planar float audio as a WAV file. Throws RangeError on input no WAV reader could accept
 * (no channels, ragged channels, bad sample rate, or data over the 2^31-byte cap).
 */
export function encodeWav(
  audio: { sampleRate: number; channels: readonly Float32Array[] },
  format: 'float32' | 'pcm24',
): Uint8Array {
  const { sampleRate, channels } = audio;
  const channelCount = channels.length;
  const width = format === 'float32' ? 4 : 3;
  const blockAlign = channelCount * width;
  // Block align is a uint16 header field, which bounds the channel count.
  if (channelCount < 1 || blockAlign > 0xffff) throw new RangeError(`cannot encode ${channelCount} channels`);
  // The header stores bytes per second as uint32 too, so the rate is bounded by that.
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate * blockAlign > 0xffffffff) {
    throw new RangeError(`invalid sample rate ${sampleRate}`);
  }
  const frames = channels[0]?.length ?? 0;
  if (channels.some((ch) => ch.length !== frames)) throw new RangeError('channels differ in length');

  const isFloat = format === 'float32';
  const dataBytes = frames * blockAlign;
  if (dataBytes > MAX_DATA_BYTES) throw new RangeError(`sample data of ${dataBytes} bytes exceeds the cap`);

  // Readers rely on the extensible header for >2 channels or >16-bit PCM to know the layout.
  const extensible = channelCount > 2 || !isFloat;
  // Non-PCM fmt chunks carry a cbSize field even when it is 0, so plain float gets 18 bytes.
  const fmtBytes = extensible ? 40 : 18;
  // Non-PCM formats are supposed to carry a fact chunk (frame count); sox writes one too.
  const factBytes = isFloat ? 12 : 0;
  const pad = dataBytes & 1;
  const total = 12 + 8 + fmtBytes + factBytes + 8 + dataBytes + pad;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, total - 8, true);
  writeAscii(out, 8, 'WAVE');

  let p = 12;
  writeAscii(out, p, 'fmt ');
  view.setUint32(p + 4, fmtBytes, true);
  const tag = isFloat ? TAG_FLOAT : TAG_PCM;
  view.setUint16(p + 8, extensible ? TAG_EXTENSIBLE : tag, true);
  view.setUint16(p + 10, channelCount, true);
  view.setUint32(p + 12, sampleRate, true);
  view.setUint32(p + 16, sampleRate * blockAlign, true);
  view.setUint16(p + 20, blockAlign, true);
  view.setUint16(p + 22, width * 8, true);
  view.setUint16(p + 24, extensible ? 22 : 0, true); // cbSize
  if (extensible) {
    view.setUint16(p + 26, width * 8, true); // valid bits
    view.setUint32(p + 28, channelMask(channelCount), true);
    view.setUint16(p + 32, tag, true);
    out.set(GUID_TAIL, p + 34);
  }
  p += 8 + fmtBytes;

  if (isFloat) {
    writeAscii(out, p, 'fact');
    view.setUint32(p + 4, 4, true);
    view.setUint32(p + 8, frames, true);
    p += 12;
  }

  writeAscii(out, p, 'data');
  view.setUint32(p + 4, dataBytes, true);
  p += 8;

  for (let c = 0; c < channelCount; c++) {
    const src = channels[c] as Float32Array;
    let q = p + c * width;
    if (isFloat) {
      for (let f = 0; f < frames; f++, q += blockAlign) view.setFloat32(q, src[f] ?? 0, true);
    } else {
      for (let f = 0; f < frames; f++, q += blockAlign) {
        const v = toInt24(src[f] ?? 0);
        out[q] = v & 0xff;
        out[q + 1] = (v >> 8) & 0xff;
        out[q + 2] = (v >> 16) & 0xff;
      }
    }
  }
  return out;
}

/** Rounds to the nearest 24-bit step and clips to [-1, 1 - 2^-23]; NaN becomes silence. */
function toInt24(x: number): number {
  const s = x * 8388608;
  if (s >= 8388607) return 8388607;
  if (s <= -8388608) return -8388608;
  return Number.isNaN(s) ? 0 : Math.round(s);
}
