// `mixd render` against sox: sox makes the input and reads the output back, and the result must be the
// closed-form mix of the input.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/daemon/main.js', import.meta.url).pathname;
const db = (x: number): number => 10 ** (x / 20);
let dir: string;

/** sox decodes a WAV to planar float32 channels: an outside reader for both input and output files. */
function soxRead(file: string, channels: number): Float32Array[] {
  const raw = execFileSync('sox', [file, '-t', 'f32', '-e', 'floating-point', '-b', '32', '-L', '-'], {
    maxBuffer: 1 << 28,
  });
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const frames = all.length / channels;
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: frames }, (_, i) => all[i * channels + c]!),
  );
}

function mixd(args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mixd-render-'));
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '3',
    '-b',
    '24',
    join(dir, 'in.wav'),
    'synth',
    '2',
    'sine',
    '440',
    'sine',
    '1000',
    'pinknoise',
    'gain',
    '-6',
  ]);
  writeFileSync(
    join(dir, 'session.yaml'),
    [
      'version: 1',
      'strips:',
      '  - { name: Voice, input: 1, faderDb: -6, pan: -1 }',
      '  - { name: Bed, format: stereo, input: 2, trimDb: -3 }',
      'master: { faderDb: -1.5 }',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mixd render', () => {
  const expected = (input: Float32Array[]) => {
    const m = db(-1.5);
    const L = input[0]!.map((x, i) => (x * db(-6) + input[1]![i]! * db(-3)) * m);
    const R = input[2]!.map((x) => x * db(-3) * m);
    return [L, R];
  };

  it('renders 32-bit float equal to the formula mix (±1e-6), faster than real time', () => {
    const r = mixd([
      'render',
      '--session',
      join(dir, 'session.yaml'),
      '--in',
      join(dir, 'in.wav'),
      '--out',
      join(dir, 'out.wav'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const factor = Number(/\((\d+)× real time\)/.exec(r.stdout)?.[1]);
    expect(factor).toBeGreaterThan(1);
    expect(execFileSync('sox', ['--i', '-e', join(dir, 'out.wav')], { encoding: 'utf8' })).toMatch(
      /Floating Point/,
    );
    const out = soxRead(join(dir, 'out.wav'), 2);
    const want = expected(soxRead(join(dir, 'in.wav'), 3));
    expect(out[0]!.length).toBe(96000);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < 96000; i += 7) expect(Math.abs(out[c]![i]! - want[c]![i]!)).toBeLessThan(1e-6);
  });

  it('renders 24-bit PCM within half a step of the formula', () => {
    const r = mixd([
      'render',
      '--session',
      join(dir, 'session.yaml'),
      '--in',
      join(dir, 'in.wav'),
      '--out',
      join(dir, 'out24.wav'),
      '--format',
      's24',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(execFileSync('sox', ['--i', '-b', join(dir, 'out24.wav')], { encoding: 'utf8' }).trim()).toBe(
      '24',
    );
    const out = soxRead(join(dir, 'out24.wav'), 2);
    const want = expected(soxRead(join(dir, 'in.wav'), 3));
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < 96000; i += 5)
        expect(Math.abs(out[c]![i]! - want[c]![i]!)).toBeLessThanOrEqual(0.5 / 8388608 + 1e-7);
  });

  it('names the file and the problem for a bad session or a bad WAV', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nstrips:\n  - { input: 1, pan: 3 }\n');
    const s = mixd([
      'render',
      '--session',
      join(dir, 'bad.yaml'),
      '--in',
      join(dir, 'in.wav'),
      '--out',
      join(dir, 'x.wav'),
    ]);
    expect(s.status).toBe(2);
    expect(s.stderr).toBe(
      `${join(dir, 'bad.yaml')}: strips[0].pan: found 3, expected a number between -1 and 1\n`,
    );
    writeFileSync(join(dir, 'notwav.wav'), 'hello');
    const w = mixd([
      'render',
      '--session',
      join(dir, 'session.yaml'),
      '--in',
      join(dir, 'notwav.wav'),
      '--out',
      join(dir, 'x.wav'),
    ]);
    expect(w.status).toBe(2);
    expect(w.stderr).toBe(`${join(dir, 'notwav.wav')}: not a RIFF/WAVE file\n`);
  });
});
