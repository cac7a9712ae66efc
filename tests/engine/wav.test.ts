// WAV codec checked against sox as an independent reader and writer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, type WavAudio, type WavSampleFormat } from '../../src/engine/io/wav.js';

const SOX = '/usr/bin/sox';
let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixd-wav-test-'));
});

afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

function tmp(name: string): string {
  return path.join(dir, name);
}

function sox(args: string[]): Buffer {
  // stderr is piped so sox's dither-clipping warnings do not clutter the test output.
  return execFileSync(SOX, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function soxInfo(file: string, flag: '-r' | '-c' | '-b' | '-e' | '-s'): string {
  return sox(['--i', flag, file]).toString('utf8').trim();
}

/** Asks sox to decode `file` to raw little-endian float32 and splits it into planar channels. */
function soxPlanarFloat(file: string, channelCount: number): Float32Array[] {
  const raw = sox([file, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-L', '-']);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const frames = raw.byteLength / 4 / channelCount;
  const out = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channelCount; c++) {
      (out[c] as Float32Array)[f] = view.getFloat32((f * channelCount + c) * 4, true);
    }
  }
  return out;
}

function decodeOk(bytes: Uint8Array): WavAudio {
  const result = decodeWav(bytes);
  if (!result.ok) throw new Error(`expected a successful decode, got: ${result.error}`);
  return result.value;
}

/** Largest absolute difference, or Infinity on a length mismatch; cheaper to report than toEqual. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

function expectSameChannels(actual: Float32Array[], expected: Float32Array[], tolerance = 0): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((exp, c) => {
    const act = actual[c] as Float32Array;
    expect(act.length, `channel ${c} length`).toBe(exp.length);
    expect(maxDiff(act, exp), `channel ${c} max difference`).toBeLessThanOrEqual(tolerance);
  });
}

// One distinct generator per channel so a channel swap or interleave error cannot go unnoticed.
const GENERATORS = [
  ['sine', '997'],
  ['whitenoise'],
  ['sine', '1500'],
  ['pinknoise'],
  ['square', '440'],
  ['brownnoise'],
  ['sawtooth', '330'],
  ['triangle', '220'],
];

const FORMATS: {
  format: WavSampleFormat;
  soxArgs: string[];
  rate: number;
  bits: string;
  encoding: string;
}[] = [
  {
    format: 'pcm16',
    soxArgs: ['-b', '16', '-e', 'signed-integer'],
    rate: 44100,
    bits: '16',
    encoding: 'Signed Integer PCM',
  },
  {
    format: 'pcm24',
    soxArgs: ['-b', '24', '-e', 'signed-integer'],
    rate: 48000,
    bits: '24',
    encoding: 'Signed Integer PCM',
  },
  {
    format: 'float32',
    soxArgs: ['-b', '32', '-e', 'floating-point'],
    rate: 96000,
    bits: '32',
    encoding: 'Floating Point PCM',
  },
];

/** sox-synthesised WAV; -R keeps noise generators and dither repeatable between runs. */
function soxSynth(name: string, rate: number, channelCount: number, formatArgs: string[]): string {
  const file = tmp(name);
  const gens = GENERATORS.slice(0, channelCount).flat();
  sox([
    '-R',
    '-n',
    '-r',
    String(rate),
    '-c',
    String(channelCount),
    ...formatArgs,
    file,
    'synth',
    '0.25',
    ...gens,
  ]);
  return file;
}

describe('decodeWav against sox-written files', () => {
  const cases = FORMATS.flatMap((f) => [1, 2, 6, 8].map((channels) => ({ ...f, channels })));

  it.each(cases)('$format with $channels channel(s) matches sox sample for sample', (c) => {
    const file = soxSynth(`in-${c.format}-${c.channels}.wav`, c.rate, c.channels, c.soxArgs);
    expect(soxInfo(file, '-b')).toBe(c.bits);
    expect(soxInfo(file, '-e')).toBe(c.encoding);

    const audio = decodeOk(fs.readFileSync(file));
    expect(audio.format).toBe(c.format);
    expect(audio.sampleRate).toBe(Number(soxInfo(file, '-r')));
    expect(audio.channels.length).toBe(Number(soxInfo(file, '-c')));
    expect(audio.channels[0]?.length).toBe(Number(soxInfo(file, '-s')));
    expect(audio.channels[0]?.length).toBe(c.rate / 4);
    // Integer samples scale exactly into float32, and sox's float path is exact too, so no tolerance.
    expectSameChannels(audio.channels, soxPlanarFloat(file, c.channels));
  });

  it.each([
    { bits: '16', lsb: 1 / 32768 },
    { bits: '24', lsb: 1 / 8388608 },
  ])('maps $bits-bit full-scale integers to exactly -1 and 1 - 1 LSB', ({ bits, lsb }) => {
    // A square wave boosted past full scale clips, so both rails appear in the file.
    const file = tmp(`rails-${bits}.wav`);
    const format = `-R -n -r 48000 -c 1 -b ${bits} -e signed-integer`.split(' ');
    sox([...format, file, ...'synth 0.05 square 100 gain 3'.split(' ')]);
    const samples = decodeOk(fs.readFileSync(file)).channels[0] as Float32Array;
    expect(samples.reduce((a, b) => Math.min(a, b))).toBe(-1);
    expect(samples.reduce((a, b) => Math.max(a, b))).toBe(1 - lsb);
  });

  it('reads a Uint8Array view that does not start at offset 0 of its buffer', () => {
    const bytes = fs.readFileSync(soxSynth('offset.wav', 48000, 2, ['-b', '24', '-e', 'signed-integer']));
    const backing = new Uint8Array(bytes.byteLength + 7);
    backing.set(bytes, 3);
    const view = backing.subarray(3, 3 + bytes.byteLength);
    expectSameChannels(decodeOk(view).channels, decodeOk(new Uint8Array(bytes)).channels);
  });
});

/** Finds a top-level chunk's header offset in a RIFF file (test helper; assumes the chunk exists). */
function chunkOffset(bytes: Uint8Array, id: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 12;
  while (pos + 8 <= bytes.byteLength) {
    if (String.fromCharCode(...bytes.subarray(pos, pos + 4)) === id) return pos;
    const size = view.getUint32(pos + 4, true);
    pos += 8 + size + (size & 1);
  }
  throw new Error(`no ${id} chunk`);
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Builds a RIFF/WAVE file from raw chunks, adding the pad byte after odd-sized bodies. */
function riff(chunks: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [ascii('WAVE')];
  for (const [id, body] of chunks) {
    const header = new Uint8Array(8);
    header.set(ascii(id));
    new DataView(header.buffer).setUint32(4, body.byteLength, true);
    parts.push(header, body);
    if (body.byteLength % 2 === 1) parts.push(new Uint8Array(1));
  }
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(8 + size);
  out.set(ascii('RIFF'));
  new DataView(out.buffer).setUint32(4, size, true);
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function fmtBody(o: {
  tag: number;
  channels: number;
  rate: number;
  bits: number;
  blockAlign?: number;
}): Uint8Array {
  const body = new Uint8Array(16);
  const v = new DataView(body.buffer);
  const blockAlign = o.blockAlign ?? (o.channels * o.bits) / 8;
  v.setUint16(0, o.tag, true);
  v.setUint16(2, o.channels, true);
  v.setUint32(4, o.rate, true);
  v.setUint32(8, o.rate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, o.bits, true);
  return body;
}

function withUint32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  new DataView(copy.buffer).setUint32(at, value, true);
  return copy;
}

describe('decodeWav on unusual but valid files', () => {
  let pcm24Stereo: Uint8Array;
  let reference: WavAudio;

  beforeAll(() => {
    pcm24Stereo = new Uint8Array(
      fs.readFileSync(soxSynth('base.wav', 48000, 2, ['-b', '24', '-e', 'signed-integer'])),
    );
    reference = decodeOk(pcm24Stereo);
  });

  it('skips an odd-sized unknown chunk (and its pad byte) before fmt', () => {
    const junk = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x42]);
    const header = new Uint8Array(8);
    header.set(ascii('zzzz'));
    new DataView(header.buffer).setUint32(4, junk.byteLength, true);
    const inserted = new Uint8Array(pcm24Stereo.byteLength + 8 + junk.byteLength + 1);
    inserted.set(pcm24Stereo.subarray(0, 12));
    inserted.set(header, 12);
    inserted.set(junk, 20);
    inserted.set(pcm24Stereo.subarray(12), 20 + junk.byteLength + 1);
    new DataView(inserted.buffer).setUint32(4, inserted.byteLength - 8, true);

    const file = tmp('odd-chunk.wav');
    fs.writeFileSync(file, inserted);
    // sox agrees the hand-edited file is well formed and still holds the same audio.
    expectSameChannels(soxPlanarFloat(file, 2), reference.channels);
    expectSameChannels(decodeOk(inserted).channels, reference.channels);
  });

  it('skips an odd-sized chunk between fmt and data in a hand-built file', () => {
    const samples = new Uint8Array([0x00, 0x80, 0xff, 0x7f, 0x00, 0x40]);
    const bytes = riff([
      ['fmt ', fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 16 })],
      ['LIST', ascii('odd')],
      ['data', samples],
    ]);
    const audio = decodeOk(bytes);
    expect(audio.format).toBe('pcm16');
    expect(audio.sampleRate).toBe(8000);
    expect(Array.from(audio.channels[0] ?? [])).toEqual([-1, 32767 / 32768, 0.5]);
  });

  it('accepts the 0xFFFFFFFF streaming size in both RIFF and data headers', () => {
    let patched = withUint32(pcm24Stereo, 4, 0xffffffff);
    patched = withUint32(patched, chunkOffset(patched, 'data') + 4, 0xffffffff);
    expectSameChannels(decodeOk(patched).channels, reference.channels);
  });

  it('truncates a data chunk that runs past the end of the file to whole frames', () => {
    // Cutting 4 bytes from a 6-byte-per-frame file loses one whole frame and leaves a partial one.
    const cut = pcm24Stereo.subarray(0, pcm24Stereo.byteLength - 4);
    const audio = decodeOk(cut);
    const frames = (reference.channels[0]?.length ?? 0) - 1;
    expectSameChannels(
      audio.channels,
      reference.channels.map((ch) => ch.subarray(0, frames)),
    );
  });

  it('decodes a header with an empty data chunk as zero frames', () => {
    const empty = pcm24Stereo.subarray(0, chunkOffset(pcm24Stereo, 'data') + 8);
    const audio = decodeOk(empty);
    expect(audio.channels.map((ch) => ch.length)).toEqual([0, 0]);
  });
});

describe('decodeWav on bad input', () => {
  const soxFile = (name: string, args: string[]) => (): Uint8Array =>
    fs.readFileSync(soxSynth(name, 8000, 1, args));
  const pcm16 = soxFile('bad-base.wav', ['-b', '16', '-e', 'signed-integer']);

  const extensibleWithGuidByte = (): Uint8Array => {
    const bytes = new Uint8Array(fs.readFileSync(soxSynth('ext.wav', 8000, 1, ['-b', '24'])));
    bytes[chunkOffset(bytes, 'fmt ') + 8 + 30] = 0x11; // corrupt the fixed GUID tail
    return bytes;
  };

  const cases: { name: string; build: () => Uint8Array; error: string }[] = [
    { name: 'empty input', build: () => new Uint8Array(0), error: 'not a RIFF/WAVE file' },
    { name: 'text bytes', build: () => ascii('this is not audio at all'), error: 'not a RIFF/WAVE file' },
    {
      name: 'RIFF but not WAVE',
      build: () => ascii('RIFF\x04\x00\x00\x00AVI '),
      error: 'not a RIFF/WAVE file',
    },
    { name: 'header cut to 8 bytes', build: () => pcm16().subarray(0, 8), error: 'not a RIFF/WAVE file' },
    { name: 'header cut to 12 bytes', build: () => pcm16().subarray(0, 12), error: 'missing fmt chunk' },
    { name: 'header cut inside fmt', build: () => pcm16().subarray(0, 30), error: 'fmt chunk truncated' },
    { name: 'header cut before data', build: () => pcm16().subarray(0, 36), error: 'missing data chunk' },
    {
      name: 'data chunk renamed',
      build: () => {
        const bytes = new Uint8Array(pcm16());
        bytes.set(ascii('junk'), chunkOffset(bytes, 'data'));
        return bytes;
      },
      error: 'missing data chunk',
    },
    {
      name: 'data but no fmt',
      build: () => riff([['data', new Uint8Array(4)]]),
      error: 'missing fmt chunk',
    },
    {
      name: '8-bit unsigned PCM from sox',
      build: soxFile('u8.wav', ['-b', '8', '-e', 'unsigned-integer']),
      error: 'unsupported bit depth 8 for PCM (expected 16 or 24)',
    },
    {
      name: '32-bit integer PCM from sox (extensible)',
      build: soxFile('s32.wav', ['-b', '32', '-e', 'signed-integer']),
      error: 'unsupported bit depth 32 for PCM (expected 16 or 24)',
    },
    {
      name: 'A-law from sox',
      build: soxFile('alaw.wav', ['-e', 'a-law']),
      error: 'unsupported WAV format tag 0x0006 (expected PCM 1, IEEE float 3 or extensible)',
    },
    {
      name: '64-bit float from sox',
      build: soxFile('f64.wav', ['-b', '64', '-e', 'floating-point']),
      error: 'unsupported bit depth 64 for IEEE float (expected 32)',
    },
    {
      name: 'ADPCM tag by hand',
      build: () => riff([['fmt ', fmtBody({ tag: 2, channels: 1, rate: 8000, bits: 4, blockAlign: 256 })]]),
      error: 'unsupported WAV format tag 0x0002 (expected PCM 1, IEEE float 3 or extensible)',
    },
    {
      name: 'extensible with a foreign GUID',
      build: extensibleWithGuidByte,
      error: 'unsupported WAVE_FORMAT_EXTENSIBLE subformat GUID',
    },
    {
      name: '9 channels by hand',
      build: () =>
        riff([
          ['fmt ', fmtBody({ tag: 1, channels: 9, rate: 48000, bits: 16 })],
          ['data', new Uint8Array(18)],
        ]),
      error: 'unsupported channel count 9 (expected 1–8)',
    },
    {
      name: '0 channels by hand',
      build: () => riff([['fmt ', fmtBody({ tag: 3, channels: 0, rate: 48000, bits: 32 })]]),
      error: 'unsupported channel count 0 (expected 1–8)',
    },
    {
      name: 'fmt chunk of 14 bytes',
      build: () => riff([['fmt ', fmtBody({ tag: 1, channels: 1, rate: 8000, bits: 16 }).subarray(0, 14)]]),
      error: 'fmt chunk too short',
    },
    {
      name: 'extensible fmt chunk of 18 bytes',
      build: () => {
        const body = new Uint8Array(18);
        body.set(fmtBody({ tag: 0xfffe, channels: 2, rate: 48000, bits: 24 }));
        return riff([['fmt ', body]]);
      },
      error: 'fmt chunk too short',
    },
    {
      name: 'block align that disagrees with channels and bits',
      build: () => riff([['fmt ', fmtBody({ tag: 1, channels: 2, rate: 48000, bits: 24, blockAlign: 5 })]]),
      error: 'block align 5 does not match 2 channels × 24 bits',
    },
    {
      name: 'sample rate 0',
      build: () => riff([['fmt ', fmtBody({ tag: 1, channels: 1, rate: 0, bits: 16 })]]),
      error: 'invalid sample rate 0',
    },
    {
      name: 'declared data over the 2^31-byte cap',
      build: () => {
        const bytes = pcm16();
        return withUint32(bytes, chunkOffset(bytes, 'data') + 4, 2 ** 31 + 2);
      },
      error: 'data chunk of 2147483650 bytes exceeds the 2147483648-byte limit',
    },
  ];

  it.each(cases)('$name', ({ build, error }) => {
    const bytes = build();
    let result: ReturnType<typeof decodeWav> | undefined;
    expect(() => (result = decodeWav(bytes))).not.toThrow();
    expect(result).toEqual({ ok: false, error });
  });

  it('never throws on any truncation or on random byte corruption', () => {
    const base = new Uint8Array(fs.readFileSync(soxSynth('fuzz.wav', 8000, 6, ['-b', '24'])));
    for (let n = 0; n <= 200; n++) expect(() => decodeWav(base.subarray(0, n))).not.toThrow();
    // Deterministic LCG so a failure reproduces.
    let seed = 12345;
    const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = new Uint8Array(base.subarray(0, 400));
      for (let k = 0; k < 4; k++) bytes[Math.floor(rand() * 100)] = Math.floor(rand() * 256);
      const result = decodeWav(bytes);
      expect(typeof result.ok).toBe('boolean');
    }
  });
});

// Sines per channel, rounded to the 2^-24 grid: sox carries audio as 32-bit fixed point and
// rounds its float output to 24 bits, so finer float detail cannot survive a trip through sox.
function testSignal(channelCount: number, frames: number, rate: number): Float32Array[] {
  return Array.from({ length: channelCount }, (_, c) => {
    const out = new Float32Array(frames);
    const freq = 110 * (c + 1) + 17 * c;
    for (let i = 0; i < frames; i++) {
      const x = 0.9 * Math.sin((2 * Math.PI * freq * i) / rate + c);
      out[i] = Math.round(x * 2 ** 24) / 2 ** 24;
    }
    return out;
  });
}

describe('encodeWav read back by sox', () => {
  const cases = (['float32', 'pcm24'] as const).flatMap((format) =>
    [1, 2, 8].map((channels) => ({ format, channels })),
  );

  it.each(cases)('$format with $channels channel(s)', ({ format, channels }) => {
    const rate = 48000;
    // An odd frame count makes mono pcm24 data odd-sized, so the trailing pad byte is exercised.
    const signal = testSignal(channels, 4801, rate);
    const bytes = encodeWav({ sampleRate: rate, channels: signal }, format);
    const file = tmp(`out-${format}-${channels}.wav`);
    fs.writeFileSync(file, bytes);

    expect(soxInfo(file, '-r')).toBe(String(rate));
    expect(soxInfo(file, '-c')).toBe(String(channels));
    expect(soxInfo(file, '-s')).toBe('4801');
    expect(soxInfo(file, '-b')).toBe(format === 'float32' ? '32' : '24');
    expect(soxInfo(file, '-e')).toBe(format === 'float32' ? 'Floating Point PCM' : 'Signed Integer PCM');

    const fromSox = soxPlanarFloat(file, channels);
    // pcm24 rounds to the nearest step: at most half an LSB, plus float32 rounding of the input.
    expectSameChannels(fromSox, signal, format === 'float32' ? 0 : 1 / 8388608);
    // Our own decoder must agree with sox exactly on what the file holds.
    const decoded = decodeOk(bytes);
    expect(decoded.format).toBe(format);
    expectSameChannels(decoded.channels, fromSox);

    // RIFF chunks are word-aligned, and the RIFF size covers everything after its own header.
    const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(bytes.byteLength % 2).toBe(0);
    expect(header.getUint32(4, true)).toBe(bytes.byteLength - 8);
    // Readers want WAVE_FORMAT_EXTENSIBLE for >2 channels or 24-bit PCM.
    const formatTag = header.getUint16(chunkOffset(bytes, 'fmt ') + 8, true);
    expect(formatTag).toBe(channels > 2 || format === 'pcm24' ? 0xfffe : 3);
  });
});

describe('encodeWav details', () => {
  it('round-trips arbitrary float32 values bit for bit through decodeWav', () => {
    const values = Float32Array.from([
      0,
      -0,
      NaN,
      Infinity,
      1e-30,
      -1e-10,
      0.1,
      -0.999,
      1,
      -1,
      1.5,
      -7,
      3.4e38,
    ]);
    const decoded = decodeOk(
      encodeWav({ sampleRate: 44100, channels: [values, values.slice().reverse()] }, 'float32'),
    );
    expect(decoded.channels[0]).toEqual(values);
    expect(decoded.channels[1]).toEqual(values.slice().reverse());
    expect(Object.is(decoded.channels[1]?.[values.length - 2], -0)).toBe(true);
  });

  it('rounds pcm24 to the nearest step and clips to [-1, 1)', () => {
    const step = 1 / 8388608;
    const input = Float32Array.from([1, 2, -1, -2, 0.4 * step, 0.6 * step, -0.6 * step, 0.5, NaN, Infinity]);
    const decoded = decodeOk(encodeWav({ sampleRate: 48000, channels: [input] }, 'pcm24'));
    expect(Array.from(decoded.channels[0] ?? [])).toEqual([
      1 - step,
      1 - step,
      -1,
      -1,
      0,
      step,
      -step,
      0.5,
      0,
      1 - step,
    ]);
  });

  it('rejects input no WAV file can represent', () => {
    expect(() => encodeWav({ sampleRate: 48000, channels: [] }, 'float32')).toThrow(RangeError);
    expect(() =>
      encodeWav({ sampleRate: 48000, channels: [new Float32Array(2), new Float32Array(3)] }, 'pcm24'),
    ).toThrow(RangeError);
    expect(() => encodeWav({ sampleRate: 0, channels: [new Float32Array(1)] }, 'pcm24')).toThrow(RangeError);
    expect(() => encodeWav({ sampleRate: 44100.5, channels: [new Float32Array(1)] }, 'pcm24')).toThrow(
      RangeError,
    );
  });
});
