// The `mixd` command line as users meet it: help texts, `run --check` (exact error lines and exit codes)
// and `devices --json`. Runs the built dist/daemon/main.js (`npm run build` first); needs no JACK server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIXD_MAIN } from '../helpers/daemon.js';

const dir = mkdtempSync(join(tmpdir(), 'mixd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// No JACK server under this name, and never autostart one: `devices` must not touch a real server.
const env = {
  ...process.env,
  JACK_DEFAULT_SERVER: `mixd-cli-absent-${process.pid}`,
  JACK_NO_START_SERVER: '1',
};

function mixd(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MIXD_MAIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('mixd --help', () => {
  it.each([
    {
      args: ['--help'],
      mentions: ['Usage: mixd [options] [command]', 'run [options]', 'devices [options]', 'render [options]'],
    },
    { args: ['run', '--help'], mentions: ['Usage: mixd run [options]', '-c, --config <file>', '--check'] },
    { args: ['devices', '--help'], mentions: ['Usage: mixd devices [options]', '--json'] },
    {
      args: ['render', '--help'],
      mentions: [
        'Usage: mixd render [options]',
        '--session <file>',
        '--in <file>',
        '--out <file>',
        '--format <format>',
        '--block <frames>',
      ],
    },
  ])('mixd $args exits 0 and lists its options', ({ args, mentions }) => {
    const r = mixd(...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const m of mentions) expect(r.stdout).toContain(m);
    expect(r.stdout).toContain('-h, --help');
  });
});

describe('mixd run --check', () => {
  it('accepts a valid YAML config with an inline session', () => {
    const config = file(
      'good.yaml',
      [
        'audio:',
        '  device: system',
        '  retry: { initialMs: 200, maxMs: 1000 }',
        'session:',
        '  version: 1',
        '  strips:',
        '    - { name: Kick, input: 1, faderDb: -6 }',
        '    - { input: 2, format: stereo, pan: -0.5, faderDb: -.inf }',
        '',
      ].join('\n'),
    );
    expect(mixd('run', '--check', '--config', config)).toEqual({
      code: 0,
      stdout: `${config}: configuration is valid\n`,
      stderr: '',
    });
  });

  it('accepts a valid JSON config that names a session file', () => {
    file(
      'show.yaml',
      'version: 1\nstrips:\n  - { input: 1 }\n  - { input: 2, mute: true }\nmaster: { faderDb: -3 }\n',
    );
    const config = file('good.json', JSON.stringify({ audio: { hostApi: 'JACK' }, session: 'show.yaml' }));
    expect(mixd('run', '--check', '--config', config)).toEqual({
      code: 0,
      stdout: `${config}: configuration is valid\n`,
      stderr: '',
    });
  });

  it('accepts the embedded default when no config is given', () => {
    expect(mixd('run', '--check')).toEqual({
      code: 0,
      stdout: '(embedded default): configuration is valid\n',
      stderr: '',
    });
  });

  it('prints one line per problem and exits 2 for an invalid config', () => {
    const config = file(
      'bad.yaml',
      [
        'audio:',
        '  sampleRate: 44000',
        '  blockFrames: 100',
        '  retry: { initialMs: 1000, maxMs: 500 }',
        'engine:',
        '  stallMs: 50',
        'log:',
        '  level: loud',
        '  bogus: 1',
        'session: missing-session.yaml',
        '',
      ].join('\n'),
    );
    const r = mixd('run', '--check', '--config', config);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `${config}: audio.sampleRate: found 44000, expected one of 44100, 48000, 88200, 96000`,
      `${config}: audio.blockFrames: found 100, expected a power of two between 16 and 4096`,
      `${config}: audio.retry.maxMs: found 500, expected a number of milliseconds at least retry.initialMs (1000)`,
      `${config}: engine.stallMs: found 50, expected a number of milliseconds between 200 and 10000`,
      `${config}: log.level: found "loud", expected one of "fatal", "error", "warn", "info", "debug", "trace"`,
      `${config}: log.bogus: unknown key (expected one of: level)`,
      `${join(dir, 'missing-session.yaml')}: cannot read file: ENOENT: no such file or directory`,
      '',
    ]);
  });

  it('reports a JSON syntax error and a missing file with exit 2', () => {
    const broken = file('broken.json', '{"audio": {"device": ""}, ');
    expect(mixd('run', '--check', '--config', broken)).toEqual({
      code: 2,
      stdout: '',
      stderr: `${broken}: found a JSON syntax error at line 1, column 27: Expected double-quoted property name\n`,
    });
    const missing = join(dir, 'nope.yaml');
    expect(mixd('run', '--check', '--config', missing)).toEqual({
      code: 2,
      stdout: '',
      stderr: `${missing}: cannot read file: ENOENT: no such file or directory\n`,
    });
  });

  it('names the bad field of an inline session, as it does for a session file', () => {
    // src/daemon/config/schema.ts: "a bad inline session yields precise per-field errors".
    const strips = 'strips:\n  - { input: 1, faderDb: 12 }\n';
    const sessionFile = file('loud.yaml', `version: 1\n${strips}`);
    const viaFile = file('via-file.yaml', `session: ${sessionFile}\n`);
    const expected =
      'strips[0].faderDb: found 12, expected a level in dB between -inf and 10 (a number, or "-inf")';
    expect(mixd('run', '--check', '--config', viaFile)).toMatchObject({
      code: 2,
      stderr: `${sessionFile}: ${expected}\n`,
    });
    const inline = file('inline.yaml', `session:\n  version: 1\n${strips.replace(/^/gm, '  ').trimEnd()}\n`);
    expect(mixd('run', '--check', '--config', inline)).toMatchObject({
      code: 2,
      stderr: `${inline}: session.${expected}\n`,
    });
  });
});

describe('mixd devices --json', () => {
  it('prints the PortAudio library and host APIs as JSON', () => {
    const r = mixd('devices', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      library: { path: string; version: string };
      hostApis: { index: number; name: string }[];
      devices: unknown[];
    };
    expect(report.library.path).toMatch(/libportaudio\.so/);
    expect(report.library.version).toMatch(/PortAudio/);
    expect(Array.isArray(report.hostApis)).toBe(true);
    expect(report.hostApis.length).toBeGreaterThan(0);
    for (const h of report.hostApis) {
      expect(typeof h.index).toBe('number');
      expect(typeof h.name).toBe('string');
    }
    expect(Array.isArray(report.devices)).toBe(true);
  });
});
