// The settings image: the control thread's engine computes every setting, the audio thread's engine of the
// same plan copies them in. An engine built from one session and handed the image of another must then mix
// exactly as an engine built from that other session; and the sequence lock between the threads must never
// hand the reader a torn image, with a real second thread writing as fast as it can.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MixEngine } from '../../src/engine/mix/mix-engine.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';
import { SettingsChannel } from '../../src/engine/shared/settings-channel.js';

const FS = 48000;
const B = 64;

function parse(over: {
  trimDb: number;
  faderDb: number;
  pan: number;
  eqGain: number;
  threshold: number;
}): Session {
  return SessionSchema.parse({
    version: 1,
    strips: [
      {
        name: 'Vox',
        input: 1,
        trimDb: over.trimDb,
        faderDb: over.faderDb,
        pan: over.pan,
        hpf: { on: true, freqHz: 90 },
        eq: { bands: { lowMid: { on: true, freqHz: 400, gainDb: over.eqGain, q: 1.2 } } },
        comp: { on: true, thresholdDb: over.threshold, ratio: 3 },
        gate: { on: true, thresholdDb: -60 },
        sends: [{ bus: 'Verb', levelDb: -8, tap: 'post-fader' }],
      },
      { name: 'Gtr', format: 'stereo', input: 2, faderDb: over.faderDb / 2 },
    ],
    buses: [{ name: 'Verb', format: '2.0' }],
    master: {},
  });
}

function engine(session: Session): MixEngine {
  const created = MixEngine.create(session, { sampleRate: FS, blockFrames: B, startSilent: false });
  if (!created.ok) throw new Error(created.error);
  return created.engine;
}

function render(e: MixEngine, blocks: number): Float32Array {
  const input = new Float32Array(3 * B);
  const output = new Float32Array(2 * B);
  const all = new Float32Array(2 * B * blocks);
  let seed = 7;
  for (let n = 0; n < blocks; n++) {
    for (let i = 0; i < input.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      input[i] = (seed / 2 ** 32 - 0.5) * 0.8;
    }
    e.process(input, 3, output, 2);
    all.set(output, n * 2 * B);
  }
  return all;
}

describe('settings image', () => {
  const a = parse({ trimDb: 4, faderDb: -3, pan: -0.4, eqGain: 5, threshold: -24 });
  const b = parse({ trimDb: -2, faderDb: -12, pan: 0.7, eqGain: -6, threshold: -10 });

  it('an engine given another session’s image mixes exactly as that session', () => {
    const reference = engine(b);
    const receiver = engine(a);
    const image = new Float64Array(reference.settingsLength);
    expect(receiver.settingsLength).toBe(reference.settingsLength);
    reference.exportSettings(image);
    receiver.importSettings(image);
    // The receiver's smoothed gains start at a's values and glide; settle both with silence first.
    const quiet = new Float32Array(3 * B);
    const sink = new Float32Array(2 * B);
    for (let i = 0; i < 400; i++) {
      receiver.process(quiet, 3, sink, 2);
      reference.process(quiet, 3, sink, 2);
    }
    const x = render(reference, 200);
    const y = render(receiver, 200);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    expect(worst).toBe(0);
    // …and differently from a session it was not given (the test can fail).
    const other = render(engine(a), 200);
    expect(other.some((v, i) => v !== x[i])).toBe(true);
  });

  it('a reader never takes a torn image while another thread writes', async () => {
    const length = 4096;
    const channel = SettingsChannel.allocate(length);
    const url = new URL('../../dist/engine/shared/settings-channel.js', import.meta.url).href;
    // The writer fills every slot with the write's number, as fast as it can, 20,000 times.
    const writer = new Worker(
      `const { workerData } = require('node:worker_threads');
       import(workerData.url).then(({ SettingsChannel }) => {
         const channel = new SettingsChannel(workerData.buffer);
         for (let k = 1; k <= 20000; k++) channel.write((image) => image.fill(k));
       });`,
      { eval: true, workerData: { url, buffer: channel.buffer } },
    );
    const done = new Promise((resolve) => writer.once('exit', resolve));
    let finished = false;
    void done.then(() => (finished = true));
    const into = new Float64Array(length);
    let seen = -1;
    let taken = 0;
    let torn = 0;
    let last = 0;
    // The same copy without the sequence check: it does see torn images, so the race is real.
    const raw = new Float64Array(channel.buffer, 8);
    const naive = new Float64Array(length);
    let naiveTorn = 0;
    while (!finished || seen !== channel.sequence) {
      naive.set(raw);
      if (!naive.every((v) => v === naive[0])) naiveTorn++;
      const next = channel.readNewer(seen, into);
      if (next !== seen) {
        taken++;
        seen = next;
        const k = into[0]!;
        if (!into.every((v) => v === k) || k < last) torn++;
        last = k;
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(naiveTorn).toBeGreaterThan(0);
    expect(torn).toBe(0);
    expect(taken).toBeGreaterThan(1);
    expect(last).toBe(20000); // the final image is always taken
    expect(channel.sequence).toBe(40000);
  });
});
