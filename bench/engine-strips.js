// The mix engine's strip path as the daemon runs it today (TypeScript, src/engine/mix/strip-stage.ts), timed on
// the benchmark's chain as closely as a session can state it (../shared/bench/README.md §1: HPF + 4 peaking
// bands + expander + compressor + fader + pan + 4 post-fader sends, 48 kHz, 64-frame blocks, the reference
// input), so it sits next to the WebAssembly kernel and the native build in the same run. The figure includes
// the buses it feeds (4 aux, a stereo master without limiter); the session format caps a console at 64
// inputs, so N = 64.
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (rel) => pathToFileURL(`${root}dist/engine/${rel}`).href;
const FS = 48000;
const FRAMES = 64;
export const ENGINE_STRIPS = 64;
/** f0, gain (dB), Q of the four peaking bands, as in the reference. */
const BANDS = [
  [200, 3, 1.0],
  [1000, -4, 1.4],
  [4000, 2, 0.9],
  [10000, -2, 0.7],
];

function referenceSession(n) {
  const band = ([f, g, q], s) => ({
    on: true,
    type: 'peak',
    freqHz: f * (1 + 0.001 * (s % 7)),
    gainDb: g,
    q,
  });
  return {
    version: 1,
    strips: Array.from({ length: n }, (_, s) => ({
      name: `S${s + 1}`,
      input: s + 1,
      hpf: { on: true, freqHz: 80 * (1 + 0.001 * (s % 7)), slope: 12 },
      eq: {
        on: true,
        bands: {
          low: band(BANDS[0], s),
          lowMid: band(BANDS[1], s),
          highMid: band(BANDS[2], s),
          high: band(BANDS[3], s),
        },
      },
      gate: {
        on: true,
        mode: 'expander',
        ratio: 4,
        thresholdDb: -50,
        rangeDb: 40,
        attackMs: 1,
        releaseMs: 100,
      },
      comp: { on: true, thresholdDb: -18, ratio: 4, kneeDb: 6, attackMs: 5, releaseMs: 100, makeupDb: 3 },
      faderDb: 20 * Math.log10(0.8),
      pan: -0.5 + 0.125 * (s % 9), // the reference's pan angle under the −3 dB sin/cos law
      sends: Array.from({ length: 4 }, (_, j) => ({
        bus: `A${j + 1}`,
        tap: 'post-fader',
        levelDb: 20 * Math.log10(0.25 + 0.125 * ((s + j) % 4)),
      })),
    })),
    buses: Array.from({ length: 4 }, (_, j) => ({ name: `A${j + 1}` })),
    master: { limiter: { on: false } },
  };
}

/** ns per strip-sample of the engine's block (median of `reps` repetitions of ≥ `seconds`). */
export async function timeEngineStrips({ seconds = 0.5, reps = 5 } = {}) {
  const { MixEngine } = await import(dist('mix/mix-engine.js'));
  const { SessionSchema } = await import(dist('session/schema.js'));
  const { fillReferenceInput } = await import(dist('strip-kernel/reference-strip.js'));
  const n = ENGINE_STRIPS;
  const created = MixEngine.create(SessionSchema.parse(referenceSession(n)), {
    sampleRate: FS,
    blockFrames: FRAMES,
    startSilent: false,
  });
  if (!created.ok) throw new Error(created.error);
  const engine = created.engine;
  const input = new Float32Array(n * FRAMES);
  fillReferenceInput(input, n);
  const output = new Float32Array(2 * FRAMES);
  const block = () => engine.process(input, n, output, 2);
  for (let w = 0; w < 3000; w++) block();
  const runs = [];
  for (let r = 0; r < reps; r++) {
    let blocks = 0;
    const t0 = process.hrtime.bigint();
    const limit = BigInt(Math.round(seconds * 1e9));
    let t = t0;
    do {
      for (let k = 0; k < 64; k++) block();
      blocks += 64;
      t = process.hrtime.bigint();
    } while (t - t0 < limit);
    runs.push(Number(t - t0) / (blocks * n * FRAMES));
  }
  runs.sort((a, b) => a - b);
  return { strips: n, nsPerSample: runs[runs.length >> 1], repsNs: runs };
}
