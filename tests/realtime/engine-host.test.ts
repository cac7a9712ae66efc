// The control side of the realtime engine, in process, on jackd dummy: a JACK client outside mixd plays a
// 1 kHz sine at −20 dBFS into a mono strip panned centre, so each master channel carries −23 dBFS and the
// master reads −23.0 LUFS momentary (EBU Tech 3341 test 1: a stereo 1 kHz sine at −23 dBFS, ±0.1 LU).
// The meters read the closed-form peaks, and a fader move applied on the control side reaches the audio
// worker through shared memory: the loudness falls by exactly the fader's 6 dB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as HostModule from '../../src/engine/audio/engine-host.js';
import { SessionSchema, type Session } from '../../src/engine/session/schema.js';
import { defaultConfig } from '../../src/daemon/config/schema.js';
import { runJackPeer, startJackd, waitForPorts, type JackServer } from '../helpers/jack.js';

const RATE = 48000;
const SECONDS = 8;
const CLIENT = `mixd-host-${process.pid}`;
const AMPLITUDE = 0.1; // −20 dBFS
const db = (x: number): number => 10 ** (x / 20);
// The built host: its audio worker is a compiled .js file beside it.
const { EngineHost } = (await import(
  new URL('../../dist/engine/audio/engine-host.js', import.meta.url).href
)) as typeof HostModule;

function session(faderDb: number, extraStrip = false): Session {
  const strips = [{ name: 'Tone', input: 1, faderDb }];
  if (extraStrip) strips.push({ name: 'Other', input: 2, faderDb: 0 });
  return SessionSchema.parse({ version: 1, strips, master: {} });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('engine host on jackd dummy: settings, meters and loudness across threads', () => {
  let server: JackServer;
  let host: HostModule.EngineHost;
  let peer: Promise<unknown>;
  const logs: string[] = [];
  const log = (level: string) => (obj: object, msg: string) =>
    logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);

  beforeAll(async () => {
    server = await startJackd({ period: 128, inputs: 2, outputs: 2 });
    process.env.JACK_DEFAULT_SERVER = server.name;
    process.env.JACK_NO_START_SERVER = '1';
    host = new EngineHost({
      audio: { ...defaultConfig().audio, clientName: CLIENT, blockFrames: 128, sampleRate: RATE },
      session: session(0),
      log: { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') },
      stallMs: 2000,
    });
    host.start();
    await waitForPorts(server, [`${CLIENT}:in_0`, `${CLIENT}:out_1`], 10_000);
    const tone = Float32Array.from(
      { length: SECONDS * RATE },
      (_, i) => AMPLITUDE * Math.sin((2 * Math.PI * 1000 * i) / RATE),
    );
    peer = runJackPeer(server, {
      name: `tone-${process.pid}`,
      seconds: SECONDS,
      play: [tone],
      connectOut: [`${CLIENT}:in_0`],
      settleMs: 300,
      timeoutMs: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await peer?.catch(() => undefined);
    await host?.stop(1500);
    await server?.stop();
  });

  const master = (): number => host.plan.master;
  const momentary = (): number => host.busLoudness(master())?.momentary ?? -Infinity;

  /** Polls until the master's momentary loudness is within ±0.1 LU of `lufs` (a 400 ms window must refill). */
  async function settleAt(lufs: number): Promise<number> {
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && Math.abs(momentary() - lufs) > 0.1) await sleep(50);
    await sleep(600); // a whole window more: the value must hold, not pass through
    return momentary();
  }

  it('reads −23.0 LUFS momentary on the master for a −23 dBFS stereo 1 kHz sine (Tech 3341 test 1)', async () => {
    expect(Math.abs((await settleAt(-23)) + 23), logs.join('\n')).toBeLessThanOrEqual(0.1);
  });

  it('meters the closed-form sample and true peaks of the strip and the master', () => {
    const m = host.meters();
    const strip = host.plan.strips[0]!.meterOffset;
    const left = host.plan.buses[master()]!.channelBase;
    // 48 samples per period from phase 0: sample 12 is the crest, so the sample peak is the amplitude.
    expect(m.stripPeak[strip]).toBeCloseTo(AMPLITUDE, 6);
    expect(Math.abs(20 * Math.log10(m.stripTruePeak[strip]! / AMPLITUDE))).toBeLessThan(0.01);
    for (const c of [0, 1]) {
      expect(m.busPeak[left + c]).toBeCloseTo(AMPLITUDE * Math.SQRT1_2, 6); // −3 dB pan law, centre
      expect(Math.abs(20 * Math.log10(m.busTruePeak[left + c]! / (AMPLITUDE * Math.SQRT1_2)))).toBeLessThan(
        0.01,
      );
    }
  });

  it('a fader move on the control side reaches the audio worker: −6 dB of fader, −6 LU, −6 dB of peak', async () => {
    expect(host.applySession(session(-6))).toEqual({ ok: true });
    expect(Math.abs((await settleAt(-29)) + 29)).toBeLessThanOrEqual(0.1);
    const m = host.meters();
    const left = host.plan.buses[master()]!.channelBase;
    expect(m.busPeak[left]).toBeCloseTo(AMPLITUDE * Math.SQRT1_2 * db(-6), 5);
  });

  it('refuses a session whose routing differs from the running plan, and keeps the mix', async () => {
    const refused = host.applySession(session(0, true));
    expect(refused.ok).toBe(false);
    await sleep(600);
    expect(Math.abs(momentary() + 29)).toBeLessThanOrEqual(0.1);
  });

  it('keeps integrated loudness and LRA off the audio thread, from the same hops', () => {
    const r = host.busLoudness(master())!;
    // Gated integrated loudness of a programme at −23 then −29 LUFS lies between the two.
    expect(r.integrated).toBeGreaterThan(-29.1);
    expect(r.integrated).toBeLessThan(-22.9);
    expect(r.momentaryMax).toBeGreaterThan(-23.1);
    expect(r.momentaryMax).toBeLessThan(-22.9);
  });
});
