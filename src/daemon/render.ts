// `mixd render`: a session over a WAV file, offline and as fast as the CPU allows, through the same Mixer the
// audio worker runs. Input channel n of the file feeds device input n.
import fs from 'node:fs';
import { Mixer } from '../engine/mixer.js';
import { decodeWav, encodeWav } from '../engine/io/wav.js';
import { stripTopology, writeSessionParams } from '../engine/session/apply.js';
import { EngineViews } from '../engine/shared/layout.js';
import { formatConfigError, loadSessionFile } from './config/load.js';

export interface RenderOptions {
  session: string;
  input: string;
  output: string;
  format: 'float32' | 'pcm24';
  blockFrames: number;
}

export interface RenderResult {
  frames: number;
  sampleRate: number;
  seconds: number;
  realtimeFactor: number;
}

export function render(
  o: RenderOptions,
): { ok: true; result: RenderResult } | { ok: false; errors: string[] } {
  const loaded = loadSessionFile(o.session);
  if (!loaded.ok) return { ok: false, errors: loaded.errors.map(formatConfigError) };
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(o.input);
  } catch (err) {
    return { ok: false, errors: [`${o.input}: cannot read file: ${(err as Error).message}`] };
  }
  const wav = decodeWav(bytes);
  if (!wav.ok) return { ok: false, errors: [`${o.input}: ${wav.error}`] };
  const { sampleRate, channels } = wav.value;
  const session = loaded.session;
  const frames = channels[0]?.length ?? 0;
  const B = o.blockFrames;
  const views = EngineViews.allocate(session.strips.length);
  writeSessionParams(views, session);
  const mixer = new Mixer(views, {
    sampleRate,
    blockFrames: B,
    strips: stripTopology(session),
    startSilent: false,
  });
  const inCh = channels.length;
  const inBlock = new Float32Array(inCh * B);
  const outBlock = new Float32Array(2 * B);
  const out = [new Float32Array(frames), new Float32Array(frames)] as const;
  const t0 = performance.now();
  for (let pos = 0; pos < frames; pos += B) {
    const n = Math.min(B, frames - pos);
    inBlock.fill(0);
    for (let c = 0; c < inCh; c++) inBlock.set(channels[c]!.subarray(pos, pos + n), c * B);
    mixer.process(inBlock, inCh, outBlock, 2);
    out[0].set(outBlock.subarray(0, n), pos);
    out[1].set(outBlock.subarray(B, B + n), pos);
  }
  const seconds = (performance.now() - t0) / 1000;
  try {
    fs.writeFileSync(o.output, encodeWav({ sampleRate, channels: out }, o.format));
  } catch (err) {
    return { ok: false, errors: [`${o.output}: cannot write file: ${(err as Error).message}`] };
  }
  const audioSeconds = frames / sampleRate;
  return {
    ok: true,
    result: { frames, sampleRate, seconds, realtimeFactor: seconds > 0 ? audioSeconds / seconds : Infinity },
  };
}
