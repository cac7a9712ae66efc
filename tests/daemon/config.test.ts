import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigError, loadConfig, loadSessionFile } from '../../src/daemon/config/load.js';
import { defaultConfig } from '../../src/daemon/config/schema.js';
import { defaultSession, sessionInputChannels, type Session } from '../../src/engine/session/schema.js';

const root = mkdtempSync(join(tmpdir(), 'mixd-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes each file (paths relative to a fresh directory) and returns that directory. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Loads `entry` and returns its error lines with the temp directory stripped, so tables read naturally. */
function errorLines(files: Record<string, string>, entry = 'config.yaml'): string[] {
  const dir = tree(files);
  const r = loadConfig(join(dir, entry));
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.errors.map((e) => formatConfigError(e).replaceAll(dir + sep, ''));
}

const twoStrips = (second: string): string => `version: 1\nstrips:\n  - { input: 1 }\n  - { ${second} }\n`;

/** [name, config.yaml text or a file tree, exact error lines, entry file (default config.yaml)] */
type BadCase = [name: string, files: string | Record<string, string>, errors: string[], entry?: string];

const bad: BadCase[] = [
  [
    'unknown top-level key',
    'auido:\n  backend: null\n',
    ['config.yaml: auido: unknown key (expected one of: audio, engine, session, log, health)'],
  ],
  [
    'unknown nested key',
    'audio:\n  bakend: portaudio\n',
    [
      'config.yaml: audio.bakend: unknown key (expected one of: backend, hostApi, device, sampleRate, blockFrames, outputChannels, clientName, deadDeviceMs, realtimePriority, library, retry)',
    ],
  ],
  [
    'wrong type for a number',
    'engine:\n  stallMs: soon\n',
    ['config.yaml: engine.stallMs: found "soon", expected a number of milliseconds between 200 and 10000'],
  ],
  [
    'wrong type for a section',
    'log: verbose\n',
    ['config.yaml: log: found "verbose", expected a mapping of log settings'],
  ],
  [
    'whole file is not a mapping',
    '- audio\n- engine\n',
    [
      'config.yaml: found ["audio","engine"], expected a mapping of config sections (audio, engine, session, log, health)',
    ],
  ],
  [
    'out of range',
    'audio:\n  outputChannels: 65\n',
    ['config.yaml: audio.outputChannels: found 65, expected an integer between 1 and 64'],
  ],
  [
    'enum',
    'audio:\n  backend: jack\n',
    ['config.yaml: audio.backend: found "jack", expected one of "portaudio", "naudiodon", "null"'],
  ],
  [
    'sample rate not in the list',
    'audio:\n  sampleRate: 44000\n',
    ['config.yaml: audio.sampleRate: found 44000, expected one of 44100, 48000, 88200, 96000'],
  ],
  [
    'block size not a power of two',
    'audio:\n  blockFrames: 100\n',
    ['config.yaml: audio.blockFrames: found 100, expected a power of two between 16 and 4096'],
  ],
  [
    'block size both too big and not a power of two is reported once',
    'audio:\n  blockFrames: 5000\n',
    ['config.yaml: audio.blockFrames: found 5000, expected a power of two between 16 and 4096'],
  ],
  [
    'JACK client name with a space',
    'audio:\n  clientName: my mixer\n',
    [
      'config.yaml: audio.clientName: found "my mixer", expected a JACK client name of 1 to 32 characters from A-Z, a-z, 0-9, "_", "." and "-"',
    ],
  ],
  [
    'retry.maxMs below retry.initialMs',
    'audio:\n  retry: { initialMs: 2000, maxMs: 1000 }\n',
    [
      'config.yaml: audio.retry.maxMs: found 1000, expected a number of milliseconds at least retry.initialMs (2000)',
    ],
  ],
  [
    'retry bounds out of range are not also compared',
    'audio:\n  retry: { initialMs: 10, maxMs: 5 }\n',
    [
      'config.yaml: audio.retry.initialMs: found 10, expected a number of milliseconds between 50 and 60000',
      'config.yaml: audio.retry.maxMs: found 5, expected a number of milliseconds between 50 and 600000',
    ],
  ],
  [
    'YAML syntax error',
    'audio:\n  backend: null\n  device: a: b\n',
    [
      'config.yaml: found a YAML syntax error at line 3, column 11: Nested mappings are not allowed in compact mappings',
    ],
  ],
  [
    'duplicate YAML key',
    'log:\n  level: info\nlog:\n  level: debug\n',
    ['config.yaml: found a YAML syntax error at line 3, column 1: Map keys must be unique'],
  ],
  [
    'YAML alias to an undefined anchor',
    'log: *logging\n',
    [
      'config.yaml: found an invalid YAML document: Unresolved alias (the anchor must be set before the alias): logging',
    ],
  ],
  [
    'invalid JSON (trailing comma)',
    { 'config.json': '{\n  "audio": { "sampleRate": 48000, }\n}\n' },
    ['config.json: found a JSON syntax error at line 2, column 35: Expected double-quoted property name'],
    'config.json',
  ],
  ['missing file', {}, ['config.yaml: cannot read file: ENOENT: no such file or directory']],
  [
    'session path to a missing file (named relative to the config)',
    { 'etc/config.yaml': 'session: ../sessions/show.yaml\n' },
    ['sessions/show.yaml: cannot read file: ENOENT: no such file or directory'],
    'etc/config.yaml',
  ],
  [
    'session file with a bad strip',
    {
      'config.yaml': 'session: session.yaml\n',
      'session.yaml': 'version: 1\nstrips:\n  - { input: 1 }\n  - { input: 2 }\n  - { input: 3, pan: 2 }\n',
    },
    ['session.yaml: strips[2].pan: found 2, expected a number between -1 and 1'],
  ],
  [
    'inline session with an unknown key (the old name of trimDb)',
    'session:\n  version: 1\n  strips:\n    - { input: 1, gainDb: 3 }\n',
    [
      'config.yaml: session.strips[0].gainDb: unknown key (expected one of: name, format, input, trimDb, polarity, hpf, eq, gate, comp, pan, width, faderDb, mute, solo, soloSafe, soloIsolate, output, directOut, sends)',
    ],
  ],
  [
    'session of the wrong type',
    'session: 5\n',
    ['config.yaml: session: found 5, expected a session file path or an inline session mapping'],
  ],
  [
    'stereo strip whose second channel is past 64',
    { 'config.yaml': 'session: s.yaml\n', 's.yaml': twoStrips('format: stereo, input: 64') },
    [
      's.yaml: strips[1].input: found 64, expected an input channel between 1 and 63 (a stereo strip also uses input + 1)',
    ],
  ],
  [
    'stereo strip past 64 gets one message, not two',
    { 'config.yaml': 'session: s.yaml\n', 's.yaml': twoStrips('format: stereo, input: 65') },
    ['s.yaml: strips[1].input: found 65, expected an input channel between 1 and 64'],
  ],
  [
    'duplicate strip name, including a defaulted one',
    { 'config.yaml': 'session: s.yaml\n', 's.yaml': twoStrips('input: 2, name: Strip 1') },
    ['s.yaml: strips[1].name: found "Strip 1", expected a unique strip name (strips[0] already uses it)'],
  ],
  [
    'session missing its version and a strip input',
    { 'config.yaml': 'session: s.yaml\n', 's.yaml': 'strips:\n  - { name: Vox }\n' },
    [
      's.yaml: version: found nothing, expected 1 (the session format version)',
      's.yaml: strips[0].input: found nothing, expected an input channel between 1 and 64',
    ],
  ],
  [
    'fader above +10 dB and +inf',
    {
      'config.yaml': 'session: s.yaml\n',
      's.yaml': twoStrips('input: 2, faderDb: 12') + 'master: { faderDb: .inf }\n',
    },
    [
      's.yaml: strips[1].faderDb: found 12, expected a level in dB between -inf and 10 (a number, or "-inf")',
      's.yaml: master.faderDb: found inf, expected a level in dB between -inf and 10 (a number, or "-inf")',
    ],
  ],
  [
    'every error is reported, config and session file alike, long values truncated',
    {
      'config.yaml':
        'audio:\n  backend: jack\n  device: ""\n  deadDeviceMs: 50\nengine: { stallMs: 1000, extra: 1 }\n' +
        'session: s.json\nhealth:\n  maxEventLoopDelayMs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]\n',
      's.json': '{ "version": 1, "strips": [] }',
    },
    [
      'config.yaml: audio.backend: found "jack", expected one of "portaudio", "naudiodon", "null"',
      'config.yaml: audio.device: found "", expected "default" or part of a device name (non-empty text)',
      'config.yaml: audio.deadDeviceMs: found 50, expected a number of milliseconds between 100 and 5000',
      'config.yaml: engine.extra: unknown key (expected one of: stallMs)',
      'config.yaml: health.maxEventLoopDelayMs: found [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18], expected a number of milliseconds between 10 and 10000',
      's.json: strips: found [], expected a list of 1 to 128 strips',
    ],
  ],
];

describe('loadConfig: bad configs', () => {
  it.each(bad)('%s', (_name, files, errors, entry) => {
    expect(errorLines(typeof files === 'string' ? { 'config.yaml': files } : files, entry)).toEqual(errors);
  });

  it('truncates long found values to 60 characters', () => {
    const long = 'x'.repeat(100);
    const [line] = errorLines({ 'config.yaml': `audio:\n  backend: ${long}\n` });
    expect(line).toBe(
      `config.yaml: audio.backend: found "${'x'.repeat(56)}..., expected one of "portaudio", "naudiodon", "null"`,
    );
  });

  it('fills the structured fields, and names the file exactly as the caller did', () => {
    const dir = tree({ 'config.yaml': 'audio:\n  outputChannels: 0\n' });
    const given = relative(process.cwd(), join(dir, 'config.yaml'));
    const r = loadConfig(given);
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          file: given,
          path: 'audio.outputChannels',
          found: '0',
          expected: 'an integer between 1 and 64',
          message: 'found 0, expected an integer between 1 and 64',
        },
      ],
    });
  });
});

describe('loadConfig: good configs', () => {
  it.each(['', '# nothing configured yet\n', '{}\n'])('%j means all defaults', (text) => {
    const dir = tree({ 'config.yaml': text });
    expect(loadConfig(join(dir, 'config.yaml'))).toEqual({
      ok: true,
      config: defaultConfig(),
      session: defaultSession(),
    });
  });

  it('accepts an empty JSON file and {} as defaults', () => {
    const dir = tree({ 'a.json': '', 'b.json': '{}' });
    for (const f of ['a.json', 'b.json']) {
      const r = loadConfig(join(dir, f));
      expect(r.ok && r.config).toEqual(defaultConfig());
    }
  });

  it('has the documented defaults', () => {
    expect(defaultConfig()).toEqual({
      audio: {
        backend: 'portaudio',
        device: 'default',
        sampleRate: 48000,
        blockFrames: 128,
        outputChannels: 2,
        clientName: 'mixd',
        deadDeviceMs: 500,
        realtimePriority: 60,
        retry: { initialMs: 500, maxMs: 5000 },
      },
      engine: { stallMs: 1000 },
      log: { level: 'info' },
      health: { maxEventLoopDelayMs: 250 },
    });
  });

  it('reads an inline YAML session with a -.inf fader', () => {
    const dir = tree({
      'config.yml':
        'audio: { backend: "null", hostApi: JACK, blockFrames: 64 }\nsession:\n  version: 1\n' +
        '  strips:\n    - { name: Dialog 1, format: stereo, input: 63, faderDb: -.inf, pan: -1 }\n' +
        '  master: { faderDb: -6, mute: true }\n',
    });
    const r = loadConfig(join(dir, 'config.yml'));
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.config.audio).toMatchObject({ backend: 'null', hostApi: 'JACK', blockFrames: 64 });
    expect(r.session.strips).toHaveLength(1);
    expect(r.session.strips[0]).toMatchObject({
      name: 'Dialog 1',
      format: 'stereo',
      input: 63,
      trimDb: 0,
      faderDb: -Infinity,
      pan: -1,
      mute: false,
    });
    expect(r.session.master).toMatchObject({ faderDb: -6, mute: true });
    expect(r.sessionFile).toBeUndefined();
    expect(sessionInputChannels(r.session)).toBe(64);
  });

  it('reads unquoted YAML `backend: null` as the null backend', () => {
    const dir = tree({ 'config.yaml': 'audio:\n  backend: null\n' });
    const r = loadConfig(join(dir, 'config.yaml'));
    expect(r.ok && r.config.audio.backend).toBe('null');
  });

  it('reads a JSON config and a JSON session file with "-inf"', () => {
    const dir = tree({
      'config.json': '{ "log": { "level": "debug" }, "session": "show.json" }',
      'show.json': '{ "version": 1, "strips": [{ "input": 3, "faderDb": "-inf" }, { "input": 4 }] }',
    });
    const r = loadConfig(join(dir, 'config.json'));
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.config.log.level).toBe('debug');
    expect(r.session.strips.map((s) => [s.name, s.faderDb])).toEqual([
      ['Strip 1', -Infinity],
      ['Strip 2', 0],
    ]);
    expect(r.sessionFile).toBe(join(dir, 'show.json'));
  });

  it('resolves a relative session path against the config file directory, not the cwd', () => {
    const dir = tree({
      'etc/mixd/config.yaml': 'session: ./sessions/../show.yaml\n',
      'etc/mixd/show.yaml': 'version: 1\nstrips: [{ input: 5 }]\n',
    });
    const given = relative(process.cwd(), join(dir, 'etc/mixd/config.yaml'));
    const r = loadConfig(given);
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.sessionFile).toBe(join(dirname(given), 'show.yaml'));
    expect(r.session.strips[0]?.input).toBe(5);
  });

  it('loadSessionFile validates a session on its own', () => {
    const dir = tree({
      's.yaml': twoStrips('input: 2, format: stereo'),
      'bad.yaml': 'version: 2\nstrips: [{ input: 1 }]\n',
    });
    const r = loadSessionFile(join(dir, 's.yaml'));
    expect(r.ok && sessionInputChannels(r.session)).toBe(3);
    const b = loadSessionFile(join(dir, 'bad.yaml'));
    expect(!b.ok && b.errors.map(formatConfigError)).toEqual([
      `${join(dir, 'bad.yaml')}: version: found 2, expected 1 (the session format version)`,
    ]);
  });
});

describe('defaultSession', () => {
  it('is 8 mono strips "In n" on input n at unity and centre, master at 0 dB', () => {
    const s: Session = defaultSession();
    expect(s.version).toBe(1);
    expect(s.strips).toHaveLength(8);
    s.strips.forEach((st, i) => {
      expect(st).toMatchObject({
        name: `In ${i + 1}`,
        format: 'mono',
        input: i + 1,
        trimDb: 0,
        faderDb: 0,
        pan: 0,
        mute: false,
        output: { bus: 'master', labels: ['L', 'R'] },
      });
    });
    expect(s.master).toMatchObject({ format: '2.0', faderDb: 0, mute: false });
    expect(sessionInputChannels(s)).toBe(8);
  });

  it('takes a strip count and rejects counts that cannot map onto 64 inputs', () => {
    expect(defaultSession(2).strips.map((st) => st.name)).toEqual(['In 1', 'In 2']);
    expect(sessionInputChannels(defaultSession(64))).toBe(64);
    for (const n of [0, 65, 1.5]) expect(() => defaultSession(n)).toThrow(RangeError);
  });

  it('returns a fresh object each time', () => {
    const a = defaultSession();
    a.strips[0]!.mute = true;
    expect(defaultSession().strips[0]?.mute).toBe(false);
  });
});
