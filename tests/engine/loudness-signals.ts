// Test signals of EBU Tech 3341/3342, synthesised from their definitions (engine.md §4.4–4.5), and access to
// the official EBU files in ../shared/fixtures/ebu-loudness.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav, type WavAudio } from '../../src/engine/io/wav.js';

export const EBU_DIR = fileURLToPath(new URL('../../../shared/fixtures/ebu-loudness/', import.meta.url));

/** Decoded official file, or undefined when it is missing or empty (some archive entries are 0 bytes). */
export function ebuFile(name: string): WavAudio | undefined {
  const file = path.join(EBU_DIR, name);
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return undefined;
  const r = decodeWav(fs.readFileSync(file));
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.value;
}

/** A segment: `seconds` of sine at `dbfs` peak (−Infinity = silence). */
export type Segment = readonly [seconds: number, dbfs: number];

/**
 * One channel of a sine at `hz` whose per-channel peak level steps through `segments`; the phase runs on
 * through level changes (the sine is computed from the absolute sample index).
 */
export function steppedSine(sampleRate: number, hz: number, segments: readonly Segment[]): Float32Array {
  const lengths = segments.map(([s]) => Math.round(s * sampleRate));
  const out = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  let pos = 0;
  segments.forEach(([, db], i) => {
    const n = lengths[i]!;
    const amp = db === -Infinity ? 0 : Math.pow(10, db / 20);
    for (let k = 0; k < n; k++, pos++) out[pos] = amp * Math.sin((2 * Math.PI * hz * pos) / sampleRate);
  });
  return out;
}

/** The Tech 3341/3342 stereo tone: the same 1 kHz stepped sine in both channels, in phase. */
export function stereoTone(segments: readonly Segment[], sampleRate = 48000, hz = 1000): Float32Array[] {
  const ch = steppedSine(sampleRate, hz, segments);
  return [ch, ch.slice()];
}
