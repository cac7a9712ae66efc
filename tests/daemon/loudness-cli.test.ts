// `mixd loudness`: the built CLI's JSON and text output, help and bad-file handling, and the file path's
// channel layouts, with WAV files written by ffmpeg (an independent writer of extensible channel masks).
// Expected values are closed-form: a 997 Hz sine at A dBFS peak in one channel of weight G reads
// 10·log10(G·10^(A/10)/2) LUFS (BS.1770's −0.691 cancels the K-weighting gain at 997 Hz).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/engine/io/wav.js';
import { measureLoudnessFile } from '../../src/daemon/loudness.js';
import { MIXD_MAIN } from '../helpers/daemon.js';
import { EBU_DIR } from '../engine/loudness-signals.js';

const FFMPEG = '/usr/bin/ffmpeg';
let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixd-loudness-cli-'));
});

afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a 24-bit WAV with ffmpeg: `exprs` per channel (aevalsrc syntax), `layout` an ffmpeg layout. */
function ffmpegWav(name: string, exprs: string[], layout: string, seconds: number): string {
  const file = path.join(dir, name);
  const src = `aevalsrc='${exprs.join('|')}':s=48000:d=${seconds}:c=${layout}`;
  execFileSync(FFMPEG, ['-hide_banner', '-y', '-f', 'lavfi', '-i', src, '-c:a', 'pcm_s24le', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return file;
}

const tone = (dbfs: number): string => `${Math.pow(10, dbfs / 20)}*sin(2*PI*997*t)`;
const oneChannelLufs = (dbfs: number, weight: number): number =>
  10 * Math.log10((weight * 10 ** (dbfs / 10)) / 2);

function mixd(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MIXD_MAIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mixd loudness (built CLI)', () => {
  it('--json reports the six values of a −23 dBFS 997 Hz stereo tone', () => {
    const file = ffmpegWav('tone.wav', [tone(-23), tone(-23)], 'stereo', 10);
    const r = mixd('loudness', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(json).sort()).toEqual(
      ['integrated', 'lra', 'momentaryMax', 'samplePeak', 'shortTermMax', 'truePeak'].sort(),
    );
    const stereo = oneChannelLufs(-23, 2);
    expect(Math.abs(json['integrated']! - stereo)).toBeLessThan(0.005);
    expect(Math.abs(json['momentaryMax']! - stereo)).toBeLessThan(0.005);
    expect(Math.abs(json['shortTermMax']! - stereo)).toBeLessThan(0.005);
    expect(Math.abs(json['lra']!)).toBeLessThan(0.01);
    expect(Math.abs(json['samplePeak']! - -23)).toBeLessThan(0.01);
    expect(Math.abs(json['truePeak']! - -23)).toBeLessThan(0.1);
  });

  it('prints text with one decimal, and null/-inf for silence', () => {
    const file = ffmpegWav('silence.wav', ['0', '0'], 'stereo', 1);
    const text = mixd('loudness', file);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        'Integrated:     -inf LUFS',
        'Loudness range: 0.0 LU',
        'True peak:      -inf dBTP',
        'Sample peak:    -inf dBFS',
        'Max momentary:  -inf LUFS',
        'Max short-term: -inf LUFS',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(mixd('loudness', file, '--json').stdout)).toEqual({
      integrated: null,
      lra: 0,
      truePeak: null,
      samplePeak: null,
      momentaryMax: null,
      shortTermMax: null,
    });
  });

  it.each([
    ['a missing file', path.join(os.tmpdir(), 'mixd-no-such-file.wav'), 'cannot read file'],
    [
      'an empty file (official #11 is 0 bytes)',
      path.join(EBU_DIR, 'seq-3341-11-24bit.wav'),
      'not a RIFF/WAVE',
    ],
  ])('exits 2 with one line on stderr for %s', (_what, file, message) => {
    const r = mixd('loudness', file, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 for a file that is not a WAV', () => {
    const file = path.join(dir, 'text.wav');
    fs.writeFileSync(file, 'not audio at all');
    const r = mixd('loudness', file);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `mixd loudness: ${file}: not a RIFF/WAVE file\n` });
  });

  it('--help describes the argument and --json', () => {
    const r = mixd('loudness', '--help');
    expect(r.code).toBe(0);
    for (const m of ['Usage: mixd loudness [options] <file>', '--json', 'BS.1770', 'true peak']) {
      expect(r.stdout).toContain(m);
    }
    expect(mixd('--help').stdout).toContain('loudness [options] <file>');
  });
});

describe('channel layouts of WAV files', () => {
  // ffmpeg layout, channel index of the tone, expected mask, expected weight (BS.1770-5 Tables 4/5).
  it.each([
    ['7.1', 4, 0x63f, 1.0, 'rear surround (M±135) in 7.1'],
    ['7.1', 6, 0x63f, 1.41, 'side surround (M±90) in 7.1'],
    ['5.1', 4, 0x3f, 1.41, 'back pair of 5.1 = its surrounds'],
    ['5.1(side)', 4, 0x60f, 1.41, 'side pair of 5.1(side) = its surrounds'],
    ['5.1', 3, 0x3f, 0, 'LFE'],
  ])('%s channel %i (mask %i) weighs %f: %s', (layout, channel, mask, weight) => {
    const count = layout.startsWith('7.1') ? 8 : 6;
    const exprs = Array.from({ length: count }, (_, c) => (c === channel ? tone(-20) : '0'));
    const file = ffmpegWav(`${layout}-${channel}.wav`, exprs, layout, 2);
    const decoded = decodeWav(fs.readFileSync(file));
    expect(decoded.ok && decoded.value.channelMask).toBe(mask);
    const r = measureLoudnessFile(file);
    if (!r.ok) throw new Error(r.error);
    if (weight === 0) expect(r.value.integrated).toBe(-Infinity);
    else expect(Math.abs(r.value.integrated - oneChannelLufs(-20, weight))).toBeLessThan(0.01);
  });

  it('plain (non-extensible) WAV: no mask, 6 channels read as 5.1 with the LFE excluded', () => {
    // The official 5-channel test file is plain PCM too; ffmpeg writes plain PCM up to 2 channels only,
    // so turn an extensible header into a plain one (the format tag and its meaning are standard).
    const exprs = Array.from({ length: 6 }, (_, c) => (c === 3 ? tone(-6) : c === 4 ? tone(-20) : '0'));
    const file = ffmpegWav('plain6.wav', exprs, '5.1', 2);
    const bytes = fs.readFileSync(file);
    const fmt = bytes.indexOf('fmt ');
    expect(bytes.readUInt16LE(fmt + 8)).toBe(0xfffe);
    bytes.writeUInt16LE(1, fmt + 8);
    fs.writeFileSync(file, bytes);
    const decoded = decodeWav(bytes);
    expect(decoded.ok && decoded.value.channelMask).toBeUndefined();
    const r = measureLoudnessFile(file);
    if (!r.ok) throw new Error(r.error);
    expect(Math.abs(r.value.integrated - oneChannelLufs(-20, 1.41))).toBeLessThan(0.01);
  });
});
