// The session file format: bad sessions and their exact one-line errors (as the loader prints them), full
// post-production and live sessions, and the documented defaults (docs/configuration.md, "Session").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigError, loadConfig, loadSessionFile } from '../../src/daemon/config/load.js';
import { defaultSession, sessionInputChannels, type Session } from '../../src/engine/session/schema.js';

const root = mkdtempSync(join(tmpdir(), 'mixd-session-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(root, 'case-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

/** Error lines for a session file, with the temp directory stripped so the table reads naturally. */
function errorLines(text: string, name = 's.yaml'): string[] {
  const file = write(name, text);
  const r = loadSessionFile(file);
  if (r.ok) throw new Error('expected the session to be rejected');
  return r.errors.map((e) => formatConfigError(e).replace(file.slice(0, -name.length - 1) + sep, ''));
}

function load(text: string, name = 's.yaml'): Session {
  const r = loadSessionFile(write(name, text));
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return r.session;
}

/** A session with the given YAML lines under `strips:` and then more top-level YAML. */
const session = (strips: string[], rest = ''): string =>
  `version: 1\nstrips:\n${strips.map((s) => `  - ${s}\n`).join('')}${rest}`;
const vox = '{ name: Vox, input: 1 }';

const bad: [name: string, text: string, errors: string[]][] = [
  [
    'pan law not in the list',
    session([vox], 'panLaw: linear\n'),
    ['s.yaml: panLaw: found "linear", expected one of "-3dB", "-3dB-quadratic", "-4.5dB", "-6dB"'],
  ],
  [
    'trim beyond ±20 dB',
    session(['{ input: 1, trimDb: 24 }']),
    ['s.yaml: strips[0].trimDb: found 24, expected a number between -20 and 20'],
  ],
  [
    'polarity pair on a mono strip, width on a mono strip',
    session(['{ input: 1, polarity: [true, false], width: 0.5 }']),
    [
      's.yaml: strips[0].polarity: found [true,false], expected true or false (a mono strip has one channel)',
      's.yaml: strips[0].width: found 0.5, expected no width (width applies to stereo strips only)',
    ],
  ],
  [
    'polarity list of the wrong length',
    session(['{ format: stereo, input: 1, polarity: [true] }']),
    [
      's.yaml: strips[0].polarity: found [true], expected true or false, or a pair of them [left, right] for a stereo strip',
    ],
  ],
  [
    'HPF slope and frequency out of range',
    session(['{ input: 1, hpf: { on: true, freqHz: 2000, slope: 6 } }']),
    [
      's.yaml: strips[0].hpf.freqHz: found 2000, expected a frequency in Hz between 20 and 1000',
      's.yaml: strips[0].hpf.slope: found 6, expected one of 12, 18, 24 (dB per octave)',
    ],
  ],
  [
    'EQ: a shelf on a mid band, gain beyond ±18 dB, an unknown band, Q too small',
    session([
      '{ input: 1, eq: { bands: { lowMid: { type: low-shelf, gainDb: 20 }, high: { q: 0.05 }, mid: {} } } }',
    ]),
    [
      's.yaml: strips[0].eq.bands.lowMid.type: found "low-shelf", expected "peak"',
      's.yaml: strips[0].eq.bands.lowMid.gainDb: found 20, expected a number between -18 and 18',
      's.yaml: strips[0].eq.bands.high.q: found 0.05, expected a number between 0.1 and 10',
      's.yaml: strips[0].eq.bands.mid: unknown key (expected one of: low, lowMid, highMid, high)',
    ],
  ],
  [
    'gate: a ratio outside expander mode, a ducker without a key',
    session(['{ input: 1, gate: { on: true, ratio: 3 } }', '{ input: 2, gate: { mode: ducker } }']),
    [
      's.yaml: strips[0].gate.ratio: found 3, expected no ratio (ratio applies to mode "expander" only)',
      's.yaml: strips[1].gate.key: found null, expected the name of the strip or bus whose signal ducks this strip (mode "ducker")',
    ],
  ],
  [
    'gate and compressor ranges',
    session([
      '{ input: 1, gate: { mode: expander, ratio: 8, attackMs: 0, rangeDb: 90 }, comp: { ratio: 0.5, detector: avg, mixPct: 150 } }',
    ]),
    [
      's.yaml: strips[0].gate.rangeDb: found 90, expected a number between 0 and 80',
      's.yaml: strips[0].gate.ratio: found 8, expected a number between 1.5 and 4',
      's.yaml: strips[0].gate.attackMs: found 0, expected a time in ms between 0.05 and 120',
      's.yaml: strips[0].comp.ratio: found 0.5, expected a number between 1 and 100',
      's.yaml: strips[0].comp.detector: found "avg", expected one of "peak", "rms"',
      's.yaml: strips[0].comp.mixPct: found 150, expected a percentage between 0 and 100',
    ],
  ],
  [
    'gate keyed by itself, by an unknown name, or by a bus the strip feeds (a loop)',
    session(
      [
        '{ name: Vox, input: 1, gate: { key: Vox } }',
        '{ name: Gtr, input: 2, gate: { key: Host } }',
        '{ name: Bass, input: 3, gate: { key: master } }',
      ],
      'buses:\n  - { name: Verb }\n',
    ),
    [
      's.yaml: strips[0].gate.key: found "Vox", expected the name of another strip or of a bus (null keys from the strip itself)',
      's.yaml: strips[1].gate.key: found "Host", expected the name of a strip or bus (one of "master", "Vox", "Gtr", "Bass", "Verb")',
      's.yaml: strips[2].gate.key: found "master", expected a bus that does not make a routing loop (loop: "master" → "Bass" → "master")',
    ],
  ],
  [
    'a repeated output label (references are checked only once every field is valid)',
    session(
      ['{ input: 1, output: { bus: Front, labels: [Ls] } }', '{ input: 2, output: { labels: [L, L] } }'],
      'buses:\n  - { name: Front, format: LCR }\n',
    ),
    ['s.yaml: strips[1].output.labels[1]: found "L", expected a label other than labels[0] ("L")'],
  ],
  [
    'output label not in the destination format (reported once the fields are valid)',
    session(
      ['{ input: 1, output: { bus: Front, labels: [L, Ls] } }'],
      'buses:\n  - { name: Front, format: LCR }\n',
    ),
    ['s.yaml: strips[0].output.labels[1]: found "Ls", expected a channel of "Front" (LCR: L, C, R)'],
  ],
  [
    'strip output into an M&E bus and into an unknown bus',
    session(
      ['{ input: 1, output: { bus: ME } }', '{ input: 2, output: { bus: Stems } }'],
      'buses:\n  - { name: MX, kind: stem, role: music }\n  - { name: ME, kind: me }\n',
    ),
    [
      's.yaml: strips[0].output.bus: found "ME", expected the name of the master or of an aux, foldback or stem bus ("ME" is an me bus)',
      's.yaml: strips[1].output.bus: found "Stems", expected the name of the master or of an aux, foldback or stem bus (one of "master", "MX")',
    ],
  ],
  [
    "one bus twice in a strip's sends (references are checked only once every field is valid)",
    session(
      [
        '{ input: 1, sends: [{ bus: Reverb }, { bus: master }] }',
        '{ input: 2, sends: [{ bus: A1 }, { bus: A1, levelDb: -6 }] }',
      ],
      `buses:\n${Array.from({ length: 10 }, (_, i) => `  - { name: A${i + 1} }\n`).join('')}`,
    ),
    ['s.yaml: strips[1].sends[1].bus: found "A1", expected a bus not already sent to (sends[0] sends to it)'],
  ],
  [
    'sends that name no aux, foldback or stem bus (known names truncated)',
    session(
      ['{ input: 1, sends: [{ bus: Reverb }, { bus: master }] }'],
      `buses:\n${Array.from({ length: 10 }, (_, i) => `  - { name: A${i + 1} }\n`).join('')}`,
    ),
    [
      's.yaml: strips[0].sends[0].bus: found "Reverb", expected the name of an aux, foldback or stem bus (one of "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8" and 2 more)',
      's.yaml: strips[0].sends[1].bus: found "master", expected the name of an aux, foldback or stem bus ("master" is the master)',
    ],
  ],
  [
    "a send to the strip's own output bus, a send pan on a 5.1 bus",
    session(
      ['{ input: 1, output: { bus: DX }, sends: [{ bus: DX }, { bus: Verb51, pan: 0.5 }] }'],
      'buses:\n  - { name: DX, kind: stem, role: dialogue }\n  - { name: Verb51, format: 5.1-film }\n',
    ),
    [
      `s.yaml: strips[0].sends[0].bus: found "DX", expected a bus other than the strip's output bus ("DX")`,
      's.yaml: strips[0].sends[1].pan: found 0.5, expected no pan (bus "Verb51" is 5.1-film; send pan applies to 1.0 and 2.0 buses)',
    ],
  ],
  [
    'one namespace for strips, buses, the master and VCAs',
    session(
      [vox, '{ name: Drums, input: 2 }'],
      'buses:\n  - { name: Vox }\n  - { name: master }\nvcas:\n  - { name: Drums }\n',
    ),
    [
      's.yaml: buses[0].name: found "Vox", expected a unique name (strips[0] already uses it)',
      's.yaml: buses[1].name: found "master", expected a unique name (the master already uses it)',
      's.yaml: vcas[0].name: found "Drums", expected a unique name (strips[1] already uses it)',
    ],
  ],
  [
    'duplicate names within buses, VCAs and groups',
    session(
      [vox],
      'buses:\n  - { name: A }\n  - { name: A }\nvcas:\n  - { name: V }\n  - { name: V }\n' +
        'muteGroups:\n  - { name: G }\n  - { name: G }\n',
    ),
    [
      's.yaml: buses[1].name: found "A", expected a unique bus name (buses[0] already uses it)',
      's.yaml: vcas[1].name: found "V", expected a unique VCA name (vcas[0] already uses it)',
      's.yaml: muteGroups[1].name: found "G", expected a unique mute group name (muteGroups[0] already uses it)',
    ],
  ],
  [
    'bus routing loops, including a bus feeding itself',
    session(
      [vox],
      'buses:\n  - { name: A, output: B }\n  - { name: B, output: A }\n  - { name: C, output: C }\n',
    ),
    [
      's.yaml: buses[0].output: found "B", expected a bus that does not make a routing loop (loop: "A" → "B" → "A")',
      's.yaml: buses[2].output: found "C", expected a bus that does not make a routing loop (loop: "C" → "C")',
    ],
  ],
  [
    'a fold-down of the master that feeds the master',
    session(
      [vox],
      'master: { format: 5.1-film }\nbuses:\n  - { name: LoRo, kind: folddown, source: master, output: master }\n',
    ),
    [
      's.yaml: buses[0].output: found "master", expected a bus that does not make a routing loop (loop: "LoRo" → "master" → "LoRo")',
    ],
  ],
  [
    'fold-down bus fields: format, missing source; source and levels on other kinds',
    session(
      [vox],
      'buses:\n  - { name: F, kind: folddown, format: 5.1-film }\n  - { name: A, source: master, centreDb: -6 }\n',
    ),
    [
      's.yaml: buses[0].format: found "5.1-film", expected "2.0" (a fold-down is Lo/Ro stereo)',
      's.yaml: buses[0].source: found nothing, expected the name of the 5.1 or 7.1 bus to fold down',
      's.yaml: buses[1].source: found "master", expected no source (source applies to folddown buses only)',
      's.yaml: buses[1].centreDb: found -6, expected no centreDb (centreDb applies to folddown buses only)',
    ],
  ],
  [
    'fold-down surround level above 0 dB',
    session(
      [vox],
      'buses:\n  - { name: F1, kind: folddown, source: master }\n  - { name: F2, kind: folddown, source: PM }\n' +
        '  - { name: F3, kind: folddown, source: master, surroundDb: 3 }\n',
    ),
    ['s.yaml: buses[2].surroundDb: found 3, expected a level in dB between -inf and 0 (a number, or "-inf")'],
  ],
  [
    'fold-down of a stereo bus and of an unknown bus',
    session(
      [vox],
      'buses:\n  - { name: F1, kind: folddown, source: master }\n  - { name: F2, kind: folddown, source: PM }\n',
    ),
    [
      's.yaml: buses[0].source: found "master", expected the name of a 5.1 or 7.1 bus to fold down ("master" is 2.0)',
      's.yaml: buses[1].source: found "PM", expected the name of a 5.1 or 7.1 bus to fold down (the session has none)',
    ],
  ],
  [
    'stem without a role, role on an aux bus',
    session([vox], 'buses:\n  - { name: DX, kind: stem }\n  - { name: Verb, role: music }\n'),
    [
      's.yaml: buses[0].role: found nothing, expected one of "dialogue", "music", "effects", "other" (every stem has a role)',
      's.yaml: buses[1].role: found "music", expected no role (role applies to stem buses only)',
    ],
  ],
  [
    'M&E bus with nothing to sum',
    session([vox], 'buses:\n  - { name: DX, kind: stem, role: dialogue }\n  - { name: ME, kind: me }\n'),
    [
      's.yaml: buses[1].kind: found "me", expected a kind other than "me" (no stem whose role is not dialogue)',
    ],
  ],
  [
    'M&E bus in another format than its stems',
    session(
      [vox],
      'buses:\n  - { name: MX, kind: stem, role: music, format: 5.1-film }\n  - { name: ME, kind: me }\n',
    ),
    ['s.yaml: buses[1].format: found "2.0", expected "5.1-film" (the format of stem "MX", which it sums)'],
  ],
  [
    'outputs: one per bus channel, each channel used once',
    session(
      ['{ input: 1, directOut: { channel: 9 } }'],
      'buses:\n  - { name: S, format: 5.1-film, outputs: [1, 2] }\n  - { name: Mon, format: 1.0, outputs: [0] }\n',
    ),
    [
      's.yaml: buses[0].outputs: found [1,2], expected a list of 6 device output channels, one per channel of the bus (5.1-film: L, C, R, Ls, Rs, LFE)',
      's.yaml: buses[1].outputs[0]: found 0, expected an output channel between 1 and 64',
    ],
  ],
  [
    'device outputs used twice (the master defaults to outputs 1 and 2)',
    session(
      ['{ input: 1, directOut: { channel: 3, tap: pre-fader } }'],
      'buses:\n  - { name: Mon, format: 1.0, outputs: [2] }\nmonitor: { outputs: [3, 4] }\n',
    ),
    [
      's.yaml: buses[0].outputs[0]: found 2, expected an output channel not already in use (master.outputs[1] uses it)',
      's.yaml: monitor.outputs[0]: found 3, expected an output channel not already in use (strips[0].directOut uses it)',
    ],
  ],
  [
    'a VCA member listed twice',
    session(
      [vox],
      'vcas:\n  - { name: A, members: [Vox, Vox], masters: [B] }\n  - { name: B, masters: [A] }\n' +
        '  - { name: C, members: [Kick], masters: [Z] }\n',
    ),
    ['s.yaml: vcas[0].members[1]: found "Vox", expected a name not already listed ([0] is the same)'],
  ],
  [
    'VCA references and loops',
    session(
      [vox],
      'vcas:\n  - { name: A, members: [Vox], masters: [B] }\n  - { name: B, masters: [A] }\n  - { name: C, members: [Kick], masters: [Z] }\n',
    ),
    [
      's.yaml: vcas[2].members[0]: found "Kick", expected the name of a strip or bus (one of "Vox")',
      's.yaml: vcas[2].masters[0]: found "Z", expected the name of a VCA (one of "A", "B", "C")',
      's.yaml: vcas[0].masters[0]: found "B", expected a VCA that does not make a loop of masters (loop: "A" → "B" → "A")',
    ],
  ],
  [
    'groups: unknown mute group member, a route in two route groups, a VCA as a member',
    session(
      [vox, '{ name: Gtr, input: 2 }'],
      'vcas:\n  - { name: V }\nmuteGroups:\n  - { name: M, members: [Vox, Keys] }\n' +
        'routeGroups:\n  - { name: R1, members: [Vox, Gtr] }\n  - { name: R2, gain: absolute, members: [Gtr, V] }\n',
    ),
    [
      's.yaml: muteGroups[0].members[1]: found "Keys", expected the name of a strip or bus (one of "Vox", "Gtr")',
      's.yaml: routeGroups[1].members[0]: found "Gtr", expected a strip or bus not in another route group (routeGroups[0] has it)',
      's.yaml: routeGroups[1].members[1]: found "V", expected the name of a strip or bus ("V" is a VCA)',
    ],
  ],
  [
    'monitor: dim range, outputs not a pair, unknown key',
    session([vox], 'monitor: { dimDb: -60, outputs: [3], soloMode: afl, talkback: true }\n'),
    [
      's.yaml: monitor.dimDb: found -60, expected a number between -40 and 0',
      's.yaml: monitor.outputs: found [3], expected a list of 2 device output channels [left, right], or null',
      's.yaml: monitor.talkback: unknown key (expected one of: source, soloMode, exclusiveSolo, soloInFrontDb, dimDb, dim, cut, mono, outputs)',
    ],
  ],
  [
    'monitor source unknown; exclusive solo with two solos',
    session(
      ['{ name: Vox, input: 1, solo: true }', '{ name: Gtr, input: 2, solo: true }'],
      'buses:\n  - { name: Verb, solo: true }\nmonitor: { source: Cue, exclusiveSolo: true }\n',
    ),
    [
      's.yaml: monitor.source: found "Cue", expected the name of a bus (one of "master", "Verb")',
      's.yaml: strips[1].solo: found true, expected false (monitor.exclusiveSolo allows one solo, and strips[0] is soloed)',
      's.yaml: buses[0].solo: found true, expected false (monitor.exclusiveSolo allows one solo, and strips[0] is soloed)',
    ],
  ],
  [
    'master: format not in the list (YAML 5.0 reads as 5), limiter ceiling',
    session([vox], 'master: { format: 5.0, limiter: { ceilingDbtp: 1 }, outputs: [1, 2] }\n'),
    [
      's.yaml: master.format: found 5, expected one of "1.0", "2.0", "LCR", "5.1-film", "5.1-smpte", "7.1"',
      's.yaml: master.limiter.ceilingDbtp: found 1, expected a ceiling in dBTP between -20 and 0',
    ],
  ],
  [
    'JSON: a send level of "+inf" is not "-inf"',
    '{ "version": 1, "strips": [{ "input": 1, "sends": [{ "bus": "A", "levelDb": "+inf" }] }], "buses": [{ "name": "A" }] }',
    [
      's.yaml: strips[0].sends[0].levelDb: found "+inf", expected a level in dB between -inf and 10 (a number, or "-inf")',
    ],
  ],
];

describe('session: bad sessions', () => {
  it.each(bad)('%s', (_name, text, errors) => {
    expect(errorLines(text)).toEqual(errors);
  });

  it('reports cross-section problems of an inline session under "session."', () => {
    const file = write(
      'config.yaml',
      'session:\n  version: 1\n  strips: [{ input: 1, output: { bus: Main } }]\n',
    );
    const r = loadConfig(file);
    expect(!r.ok && r.errors.map((e) => formatConfigError(e).replace(file, 'config.yaml'))).toEqual([
      'config.yaml: session.strips[0].output.bus: found "Main", expected the name of the master or of an aux, foldback or stem bus (one of "master")',
    ]);
  });
});

// A 5.1 film mix: dialogue, music and effects stems into a 5.1 printmaster with its limiter, an M&E built from
// the music and effects stems, a Lo/Ro fold-down of the printmaster, and a reverb return into the effects stem.
const POST = `version: 1
strips:
  - { name: Dial 1, input: 1, output: { bus: DX, labels: [C] }, hpf: { on: true, freqHz: 100, slope: 18 },
      comp: { on: true, thresholdDb: -24, ratio: 3, detector: rms } }
  - { name: Dial 2, input: 2, output: { bus: DX, labels: [C] },
      gate: { on: true, mode: expander, ratio: 2.5, thresholdDb: -55 } }
  - { name: Score, format: stereo, input: 3, output: { bus: MX }, gate: { on: true, mode: ducker, key: DX } }
  - { name: Amb, format: stereo, input: 5, output: { bus: FX, labels: [Ls, Rs] }, polarity: [false, true], width: 0.5 }
  - { name: Hits, input: 7, output: { bus: FX }, pan: 0.25, sends: [{ bus: Verb, tap: pre-fader, levelDb: -12 }] }
buses:
  - { name: Verb, format: 2.0, output: FX }
  - { name: DX, kind: stem, role: dialogue, format: 5.1-film }
  - { name: MX, kind: stem, role: music, format: 5.1-film }
  - { name: FX, kind: stem, role: effects, format: 5.1-film }
  - { name: M&E, kind: me, format: 5.1-film, outputs: [9, 10, 11, 12, 13, 14], limiter: { on: true } }
  - { name: LoRo, kind: folddown, source: Printmaster, outputs: [7, 8], surroundDb: -6 }
master: { name: Printmaster, format: 5.1-film, limiter: { ceilingDbtp: -2 } }
monitor: { outputs: [15, 16] }
`;

describe('session: good sessions', () => {
  it('reads a post-production session: stems, M&E, printmaster with limiter, Lo/Ro fold-down', () => {
    const s = load(POST);
    expect(s.master).toEqual({
      name: 'Printmaster',
      format: '5.1-film',
      faderDb: 0,
      mute: false,
      limiter: { on: true, ceilingDbtp: -2, releaseMs: 50 },
      outputs: [1, 2, 3, 4, 5, 6],
    });
    // Unquoted YAML 2.0 is the number 2; it still means the 2.0 format.
    expect(s.buses.map((b) => [b.name, b.kind, b.format, b.role, b.output])).toEqual([
      ['Verb', 'aux', '2.0', null, 'FX'],
      ['DX', 'stem', '5.1-film', 'dialogue', 'Printmaster'],
      ['MX', 'stem', '5.1-film', 'music', 'Printmaster'],
      ['FX', 'stem', '5.1-film', 'effects', 'Printmaster'],
      ['M&E', 'me', '5.1-film', null, null],
      ['LoRo', 'folddown', '2.0', null, null],
    ]);
    expect(s.buses[4]).toMatchObject({
      limiter: { on: true, ceilingDbtp: -1 },
      outputs: [9, 10, 11, 12, 13, 14],
    });
    expect(s.buses[5]).toMatchObject({
      source: 'Printmaster',
      centreDb: -3,
      surroundDb: -6,
      outputs: [7, 8],
    });
    expect(s.strips.map((st) => [st.name, st.output.bus, st.output.labels])).toEqual([
      ['Dial 1', 'DX', ['C']],
      ['Dial 2', 'DX', ['C']],
      ['Score', 'MX', ['L', 'R']],
      ['Amb', 'FX', ['Ls', 'Rs']],
      ['Hits', 'FX', ['L', 'R']],
    ]);
    expect(s.strips[0]).toMatchObject({
      hpf: { on: true, freqHz: 100, slope: 18 },
      comp: { on: true, thresholdDb: -24, ratio: 3, detector: 'rms', kneeDb: 6 },
    });
    expect(s.strips[1]!.gate).toMatchObject({ on: true, mode: 'expander', ratio: 2.5, thresholdDb: -55 });
    expect(s.strips[2]!.gate).toMatchObject({ mode: 'ducker', key: 'DX' });
    expect(s.strips[3]).toMatchObject({ polarity: [false, true], width: 0.5 });
    expect(s.strips[4]!.sends).toEqual([{ bus: 'Verb', levelDb: -12, on: true, tap: 'pre-fader', pan: 0 }]);
    expect(s.monitor).toMatchObject({ source: 'Printmaster', outputs: [15, 16] });
  });

  it('reads a live JSON session: 16 strips, 4 foldback buses on pre-fader sends, nested VCAs, a mute group', () => {
    const names = [
      'Kick',
      'Snare',
      'Hat',
      'Tom 1',
      'Tom 2',
      'OH L',
      'OH R',
      'Bass',
      'Gtr 1',
      'Gtr 2',
      'Keys',
      'Vox 1',
      'Vox 2',
      'Vox 3',
      'Click',
      'Talk',
    ];
    const drums = names.slice(0, 7);
    const live = {
      version: 1,
      panLaw: '-4.5dB',
      strips: names.map((name, i) => ({
        name,
        input: i + 1,
        sends: [1, 2, 3, 4].map((m) => ({
          bus: `Mon ${m}`,
          tap: 'pre-fader',
          levelDb: m === 4 ? '-inf' : -10,
        })),
      })),
      buses: [
        ...[1, 2, 3, 4].map((m) => ({ name: `Mon ${m}`, kind: 'foldback', format: '1.0', outputs: [m + 2] })),
        { name: 'Verb', kind: 'aux' },
      ],
      vcas: [
        { name: 'Band', members: ['Bass', 'Gtr 1', 'Gtr 2', 'Keys'] },
        { name: 'Drums', members: drums, masters: ['Band'] },
      ],
      muteGroups: [{ name: 'Drums off', mute: true, members: drums }],
      monitor: { soloMode: 'pfl', outputs: [7, 8] },
    };
    const s = load(JSON.stringify(live), 'live.json');
    expect(s.panLaw).toBe('-4.5dB');
    expect(s.strips).toHaveLength(16);
    expect(sessionInputChannels(s)).toBe(16);
    for (const st of s.strips) {
      expect(st.sends.map((x) => [x.bus, x.tap, x.levelDb])).toEqual([
        ['Mon 1', 'pre-fader', -10],
        ['Mon 2', 'pre-fader', -10],
        ['Mon 3', 'pre-fader', -10],
        ['Mon 4', 'pre-fader', -Infinity],
      ]);
    }
    // Foldback buses go to their own outputs only; the aux return feeds the master.
    expect(s.buses.map((b) => [b.name, b.output, b.outputs])).toEqual([
      ['Mon 1', null, [3]],
      ['Mon 2', null, [4]],
      ['Mon 3', null, [5]],
      ['Mon 4', null, [6]],
      ['Verb', 'master', undefined],
    ]);
    expect(s.vcas).toEqual([
      { name: 'Band', faderDb: 0, mute: false, members: ['Bass', 'Gtr 1', 'Gtr 2', 'Keys'], masters: [] },
      { name: 'Drums', faderDb: 0, mute: false, members: drums, masters: ['Band'] },
    ]);
    expect(s.muteGroups).toEqual([{ name: 'Drums off', mute: true, members: drums }]);
    expect(s.monitor).toMatchObject({ source: 'master', soloMode: 'pfl', outputs: [7, 8] });
  });

  it('accepts the example session in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const example = /## Session\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const s = load(example!);
    expect(s.master.name).toBe('Printmaster');
    expect(s.buses.find((b) => b.kind === 'folddown')?.source).toBe('Printmaster');
  });

  it('keeps a strip on a mono bus on its one channel by default', () => {
    const s = load(
      session(['{ input: 1, output: { bus: Mono } }'], 'buses:\n  - { name: Mono, format: 1.0 }\n'),
    );
    expect(s.strips[0]!.output).toEqual({ bus: 'Mono', labels: ['M'] });
  });
});

describe('session: defaults', () => {
  it('fills every strip field as documented', () => {
    const s = load(session(['{ input: 1 }', '{ format: stereo, input: 2, polarity: true }']));
    expect(s.strips[0]).toEqual({
      name: 'Strip 1',
      format: 'mono',
      input: 1,
      trimDb: 0,
      polarity: [false],
      hpf: { on: false, freqHz: 80, slope: 12 },
      eq: {
        on: true,
        bands: {
          low: { on: true, type: 'low-shelf', freqHz: 100, gainDb: 0, q: Math.SQRT1_2 },
          lowMid: { on: true, type: 'peak', freqHz: 400, gainDb: 0, q: 1 },
          highMid: { on: true, type: 'peak', freqHz: 2500, gainDb: 0, q: 1 },
          high: { on: true, type: 'high-shelf', freqHz: 8000, gainDb: 0, q: Math.SQRT1_2 },
        },
      },
      gate: {
        on: false,
        mode: 'gate',
        thresholdDb: -40,
        rangeDb: 40,
        ratio: 2,
        attackMs: 0.5,
        holdMs: 50,
        releaseMs: 200,
        hysteresisDb: 6,
        key: null,
      },
      comp: {
        on: false,
        thresholdDb: -20,
        ratio: 4,
        kneeDb: 6,
        attackMs: 10,
        releaseMs: 100,
        makeupDb: 0,
        detector: 'peak',
        mixPct: 100,
      },
      pan: 0,
      width: 1,
      faderDb: 0,
      mute: false,
      solo: false,
      soloSafe: false,
      soloIsolate: false,
      output: { bus: 'master', labels: ['L', 'R'] },
      directOut: null,
      sends: [],
    });
    // One polarity flag per channel, whichever form the file used.
    expect(s.strips[1]).toMatchObject({ name: 'Strip 2', polarity: [true, true], width: 1 });
  });

  it('fills the session, master, bus and monitor fields as documented', () => {
    const s = load(
      session(
        ['{ input: 1, directOut: { channel: 5 } }'],
        'buses:\n  - { name: A }\n  - { name: F, kind: foldback }\n',
      ),
    );
    expect(s.panLaw).toBe('-3dB');
    expect(s.strips[0]!.directOut).toEqual({ channel: 5, tap: 'post-fader' });
    expect(s.master).toEqual({
      name: 'master',
      format: '2.0',
      faderDb: 0,
      mute: false,
      limiter: { on: true, ceilingDbtp: -1, releaseMs: 50 },
      outputs: [1, 2],
    });
    expect(s.buses[0]).toEqual({
      name: 'A',
      kind: 'aux',
      format: '2.0',
      role: null,
      output: 'master',
      faderDb: 0,
      mute: false,
      solo: false,
      soloSafe: false,
      soloIsolate: false,
      limiter: { on: false, ceilingDbtp: -1, releaseMs: 50 },
      source: null,
      centreDb: -3,
      surroundDb: -3,
    });
    expect(s.buses[1]).toMatchObject({ kind: 'foldback', output: null });
    expect(s.vcas).toEqual([]);
    expect(s.muteGroups).toEqual([]);
    expect(s.routeGroups).toEqual([]);
    expect(s.monitor).toEqual({
      source: 'master',
      soloMode: 'sip',
      exclusiveSolo: false,
      soloInFrontDb: -Infinity,
      dimDb: -12,
      dim: false,
      cut: false,
      mono: false,
      outputs: null,
    });
  });

  it('route groups share gain relatively, and mute and solo, unless told otherwise', () => {
    const s = load(session([vox], 'routeGroups:\n  - { name: R, members: [Vox] }\n'));
    expect(s.routeGroups).toEqual([
      { name: 'R', gain: 'relative', mute: true, solo: true, members: ['Vox'] },
    ]);
  });

  it('the embedded default is 8 mono strips on inputs 1-8 into a stereo master', () => {
    const s = defaultSession();
    expect(s.strips.map((st) => [st.name, st.format, st.input, st.output.bus])).toEqual(
      Array.from({ length: 8 }, (_, i) => [`In ${i + 1}`, 'mono', i + 1, 'master']),
    );
    expect(s.master).toMatchObject({ name: 'master', format: '2.0', outputs: [1, 2] });
    expect(s.buses).toEqual([]);
  });
});
