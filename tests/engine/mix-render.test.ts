// `mixd render` through the mix graph runtime, measured by sox: `sox stats` peak and RMS of each output
// channel against the closed form (±0.01 dB, sox prints two decimals), with the master's default limiter on
// (a signal under its ceiling passes unchanged once the render removes its lookahead); and a hot signal
// stays under the limiter's ceiling.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/daemon/main.js', import.meta.url).pathname;
let dir: string;

/** `sox stats` → per channel { pk, rms } in dB (the per-channel columns, or the only one for mono). */
function soxStats(file: string): { pk: number; rms: number }[] {
  const text = spawnSync('sox', [file, '-n', 'stats'], { encoding: 'utf8' }).stderr;
  const row = (name: string): number[] => {
    const line = text.split('\n').find((l) => l.startsWith(name))!;
    const values = line
      .slice(name.length)
      .trim()
      .split(/\s+/)
      .map((v) => (v === '-inf' ? -Infinity : Number(v)));
    return values.length > 1 ? values.slice(1) : values;
  };
  const pk = row('Pk lev dB');
  const rms = row('RMS lev dB');
  return pk.map((p, c) => ({ pk: p, rms: rms[c]! }));
}

function render(session: string, input: string, output: string): void {
  writeFileSync(join(dir, 's.yaml'), session);
  const r = spawnSync(
    process.execPath,
    [MAIN, 'render', '--session', join(dir, 's.yaml'), '--in', join(dir, input), '--out', join(dir, output)],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mixd-mix-render-'));
  // 997 Hz for exactly 1994 periods: peak A = −10 dBFS, RMS A/√2.
  execFileSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '24',
    join(dir, 'sine.wav'),
    'synth',
    '2',
    'sine',
    '997',
    'gain',
    '-10',
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mixd render on the mix graph, measured by sox stats', () => {
  it('a panned mono strip through trim, fader and master: peak and RMS per channel ±0.01 dB', () => {
    render(
      [
        'version: 1',
        'strips:',
        '  - { name: Vox, input: 1, trimDb: -6, faderDb: -3, pan: 0.3 }',
        'master: { faderDb: -1 }',
      ].join('\n'),
      'sine.wav',
      'out.wav',
    );
    const theta = ((0.3 + 1) * Math.PI) / 4; // −3 dB equal-power law
    const gains = [Math.cos(theta), Math.sin(theta)].map((p) => -10 - 6 - 3 - 1 + 20 * Math.log10(p));
    const stats = soxStats(join(dir, 'out.wav'));
    expect(stats).toHaveLength(2);
    stats.forEach((s, c) => {
      expect(Math.abs(s.pk - gains[c]!)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(s.rms - (gains[c]! - 10 * Math.log10(2)))).toBeLessThanOrEqual(0.01);
    });
  });

  it('writes a 5.1 master as six channels (a mono strip on C)', () => {
    render(
      [
        'version: 1',
        'strips:',
        '  - { name: Dia, input: 1, output: { labels: [C] } }',
        "master: { format: '5.1-film' }",
      ].join('\n'),
      'sine.wav',
      'out51.wav',
    );
    const stats = soxStats(join(dir, 'out51.wav'));
    expect(stats).toHaveLength(6);
    // Film order L C R Ls Rs LFE: only C carries the sine, at its input level.
    expect(Math.abs(stats[1]!.pk - -10)).toBeLessThanOrEqual(0.01);
    for (const c of [0, 2, 3, 4, 5]) expect(stats[c]!.pk).toBe(-Infinity);
  });

  it('the master limiter holds a signal 10 dB over full scale under its −1 dBTP ceiling', () => {
    render(
      ['version: 1', 'strips:', '  - { name: Hot, input: 1, trimDb: 20, pan: -1 }'].join('\n'),
      'sine.wav',
      'hot.wav',
    );
    const [left] = soxStats(join(dir, 'hot.wav'));
    expect(left!.pk).toBeLessThanOrEqual(-1);
    // Limited, not silenced: within a few dB of the ceiling.
    expect(left!.pk).toBeGreaterThan(-3);
  });
});
