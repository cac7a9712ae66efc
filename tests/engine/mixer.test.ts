// The first mixer against closed-form math: pan laws, gains in dB, mute, master, smoothing and meters.
import { describe, expect, it } from 'vitest';
import { Mixer, type StripTopology } from '../../src/engine/mixer.js';
import { Control, MasterParam, StripParam, EngineViews } from '../../src/engine/shared/layout.js';

const RATE = 48000;
const B = 128;
const db = (x: number): number => 10 ** (x / 20);
const theta = (p: number): number => ((p + 1) * Math.PI) / 4;

interface StripValues {
  gainDb?: number;
  faderDb?: number;
  pan?: number;
  mute?: boolean;
}

function setup(
  strips: StripTopology[],
  values: StripValues[],
  master = { faderDb: 0, mute: false },
  startSilent = false,
) {
  const views = EngineViews.allocate(strips.length);
  const write = (i: number, v: StripValues): void => {
    views.params[views.stripParam(i, StripParam.GainDb)] = v.gainDb ?? 0;
    views.params[views.stripParam(i, StripParam.FaderDb)] = v.faderDb ?? 0;
    views.params[views.stripParam(i, StripParam.Pan)] = v.pan ?? 0;
    views.params[views.stripParam(i, StripParam.Mute)] = v.mute ? 1 : 0;
  };
  values.forEach((v, i) => write(i, v));
  views.params[views.masterParam(MasterParam.FaderDb)] = master.faderDb;
  views.params[views.masterParam(MasterParam.Mute)] = master.mute ? 1 : 0;
  views.commitParams();
  const mixer = new Mixer(views, { sampleRate: RATE, blockFrames: B, strips, startSilent });
  return { views, mixer, write };
}

/** Runs `blocks` blocks of constant input `level` per input channel; returns the planar output L and R. */
function run(mixer: Mixer, inputs: number[], blocks: number, signal?: (ch: number, n: number) => number) {
  const inBlock = new Float32Array(inputs.length * B);
  const outBlock = new Float32Array(2 * B);
  const L = new Float32Array(blocks * B);
  const R = new Float32Array(blocks * B);
  for (let b = 0; b < blocks; b++) {
    for (let c = 0; c < inputs.length; c++)
      for (let i = 0; i < B; i++) inBlock[c * B + i] = signal ? signal(c, b * B + i) : inputs[c]!;
    mixer.process(inBlock, inputs.length, outBlock, 2);
    L.set(outBlock.subarray(0, B), b * B);
    R.set(outBlock.subarray(B), b * B);
  }
  return { L, R };
}

describe('mixer', () => {
  it.each([-1, -0.5, 0, 0.3, 1])('mono pan %f follows the −3 dB equal-power law (±1e-6)', (pan) => {
    const { mixer } = setup([{ stereo: false, input: 0 }], [{ pan }]);
    const { L, R } = run(mixer, [0.5], 2);
    expect(Math.abs(L[B + 5]! - 0.5 * Math.cos(theta(pan)))).toBeLessThan(1e-6);
    expect(Math.abs(R[B + 5]! - 0.5 * Math.sin(theta(pan)))).toBeLessThan(1e-6);
  });

  it('centre pan is −3.01 dB on each side and constant power everywhere', () => {
    expect(20 * Math.log10(Math.cos(theta(0)))).toBeCloseTo(-3.0103, 4);
    const { mixer } = setup([{ stereo: false, input: 0 }], [{ pan: 0.37 }]);
    const { L, R } = run(mixer, [1], 1);
    expect(Math.abs(L[10]! ** 2 + R[10]! ** 2 - 1)).toBeLessThan(1e-6);
  });

  it('input gain, fader and master multiply in dB', () => {
    const { mixer } = setup([{ stereo: false, input: 0 }], [{ gainDb: 6, faderDb: -12, pan: -1 }], {
      faderDb: -3,
      mute: false,
    });
    const { L, R } = run(mixer, [0.25], 1);
    expect(Math.abs(L[3]! - 0.25 * db(6 - 12 - 3))).toBeLessThan(1e-7);
    expect(Math.abs(R[3]!)).toBeLessThan(1e-7);
  });

  it('a fader at −inf and a muted strip are silent; the sum of strips is linear', () => {
    const strips = [0, 1, 2].map((input) => ({ stereo: false, input }));
    const { mixer } = setup(strips, [{ faderDb: -Infinity }, { mute: true }, { faderDb: -6, pan: 1 }]);
    const { L, R } = run(mixer, [0.9, 0.9, 0.4], 1);
    expect(L[7]).toBeCloseTo(0, 7);
    expect(Math.abs(R[7]! - 0.4 * db(-6))).toBeLessThan(1e-7);
  });

  it('stereo balance keeps both sides at unity at centre and attenuates the far side', () => {
    const stereo = [{ stereo: true, input: 0 }];
    for (const pan of [0, 0.5, -0.5, 1]) {
      const { mixer } = setup(stereo, [{ pan }]);
      const { L, R } = run(mixer, [0.3, 0.2], 1);
      expect(Math.abs(L[9]! - 0.3 * Math.min(1, Math.SQRT2 * Math.cos(theta(pan))))).toBeLessThan(1e-7);
      expect(Math.abs(R[9]! - 0.2 * Math.min(1, Math.SQRT2 * Math.sin(theta(pan))))).toBeLessThan(1e-7);
    }
  });

  it('inputs beyond the device channels are silence', () => {
    const { mixer } = setup([{ stereo: false, input: 5 }], [{}]);
    const { L } = run(mixer, [1, 1], 1);
    expect(L.every((x) => x === 0)).toBe(true);
  });

  it('mute glides (no click): a one-pole 10 ms fade, monotonic, exactly silent after 250 ms', () => {
    const { views, mixer, write } = setup([{ stereo: false, input: 0 }], [{ pan: -1 }]);
    run(mixer, [1], 1);
    write(0, { pan: -1, mute: true });
    views.commitParams();
    const { L } = run(mixer, [1], Math.ceil((0.25 * RATE) / B));
    const k = 1 - Math.exp(-1 / (0.01 * RATE));
    // The gain after n samples is (1 − k)^n exactly for a one-pole glide from 1 to 0.
    for (const n of [0, 47, 480, 2400]) expect(Math.abs(L[n]! - (1 - k) ** (n + 1))).toBeLessThan(1e-6);
    for (let n = 1; n < L.length; n++) expect(L[n]!).toBeLessThanOrEqual(L[n - 1]!);
    expect(L[0]! - L[1]!).toBeLessThan(0.003); // largest step: k ≈ 0.0021 of full scale
    expect(L[L.length - 1]).toBe(0);
  });

  it('starting silent fades in from zero (realtime start), starting settled does not (render)', () => {
    const silent = setup([{ stereo: false, input: 0 }], [{ pan: -1 }], undefined, true);
    expect(run(silent.mixer, [1], 1).L[0]).toBeLessThan(0.01);
    const settled = setup([{ stereo: false, input: 0 }], [{ pan: -1 }]);
    expect(run(settled.mixer, [1], 1).L[0]).toBe(1);
  });

  it('publishes sample-peak meters per strip and master every 20 ms window', () => {
    const strips = [
      { stereo: false, input: 0 },
      { stereo: true, input: 1 },
    ];
    const { views, mixer } = setup(strips, [{ faderDb: -6, pan: -1 }, { faderDb: 0 }]);
    const seq0 = Atomics.load(views.control, Control.MeterSequence);
    const blocks = Math.round((0.1 * RATE) / B); // 100 ms
    const peak = [0.8, 0.5, 0.25];
    run(mixer, [0, 0, 0], blocks, (c, n) => peak[c]! * Math.sin((2 * Math.PI * 997 * n) / RATE));
    const windows = Atomics.load(views.control, Control.MeterSequence) - seq0;
    expect(windows).toBeGreaterThanOrEqual(4); // ≥ 40 windows/s: a 30 Hz reader misses none
    expect(views.meters[views.stripMeter(0, 0)]).toBeCloseTo(0.8 * db(-6), 3);
    expect(views.meters[views.stripMeter(1, 0)]).toBeCloseTo(0.5, 3);
    expect(views.meters[views.stripMeter(1, 1)]).toBeCloseTo(0.25, 3);
    expect(views.meters[views.masterMeter(0)]).toBeCloseTo(0.8 * db(-6) + 0.5, 2);
  });
});
