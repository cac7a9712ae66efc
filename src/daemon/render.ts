// `mixd render`: a session over a WAV file, offline and as fast as the CPU allows, through the mix graph
// runtime (the engine code the audio worker will run). Input channel n of the file feeds device input n; the
// output file holds the master's channels.
import fs from 'node:fs';
import { decodeWav, encodeWav } from '../engine/io/wav.js';
import { MixEngine } from '../engine/mix/mix-engine.js';
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
  const created = MixEngine.create(session, { sampleRate, blockFrames: B, startSilent: false });
  if (!created.ok) return { ok: false, errors: [`${o.session}: ${created.error}`] };
  const engine = created.engine;
  const plan = engine.plan;
  // The file holds the master's channels, in its format's order (a stereo master gives today's L/R file).
  const masterOutputs = plan.buses[plan.master]!.deviceOutputs;
  const inCh = channels.length;
  const outCh = plan.outputChannels;
  const inBlock = new Float32Array(inCh * B);
  const outBlock = new Float32Array(outCh * B);
  const out = masterOutputs.map(() => new Float32Array(frames));
  // Offline, the master's limiter lookahead is removed: run `latency` frames longer and drop as many.
  const latency = engine.latencyFrames;
  const t0 = performance.now();
  for (let pos = 0; pos < frames + latency; pos += B) {
    const n = Math.max(0, Math.min(B, frames - pos));
    inBlock.fill(0);
    for (let c = 0; c < inCh; c++) inBlock.set(channels[c]!.subarray(pos, pos + n), c * B);
    engine.process(inBlock, inCh, outBlock, outCh);
    // Output frame i of this block is programme frame pos + i − latency.
    const first = Math.max(0, latency - pos);
    const last = Math.min(B, frames + latency - pos);
    masterOutputs.forEach((ch, c) => {
      if (last > first) out[c]!.set(outBlock.subarray(ch * B + first, ch * B + last), pos + first - latency);
    });
  }
  engine.finish();
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
