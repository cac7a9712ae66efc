// Every channel strip of a session, one block at a time. The stage is one object with one block call, so the
// WebAssembly strip kernel can replace it later. Per strip, in signal order (engine.md §1.1/§1.2):
//   device input → trim·polarity (smoothed; a polarity flip glides through zero instead of clicking)
//   → [send tap "input"] → HPF → [tap "pre-eq"] → 4-band EQ → [tap "post-eq"] → gate (key) → compressor
//   → [tap "pre-fader", PFL, pre-fader direct out] → fader·mute (one smoothed gain: effective fader with VCAs,
//   0 when muted, the solo-in-front level when implicitly muted) → meters → [tap "post-fader", AFL,
//   post-fader direct out] → pan/balance·width into the output bus's labels.
// Sends are added into their bus at their tap the moment the signal passes it, so no tap is ever copied.
// Mute silences the post-fader signal and what is taken from it; pre-fader sends, PFL and pre-fader direct
// outs keep playing (Ardour's default: mute does not affect pre-fader sends).
import { dbToGain, mixSmoothed, scaleSmoothed, smoothingCoefficient } from '../dsp/gain.js';
import { BIQUAD_COEFFS, BIQUAD_STATE, processBiquad } from '../dsp/biquad.js';
import { blockGlideCoefficient, processBiquadGlide, stepGlide } from '../dsp/biquad-glide.js';
import { Compressor, COMPRESSOR_SETTINGS, type CompressorParams } from '../dsp/compressor.js';
import { designEq, EQ_SECTIONS } from '../dsp/eq.js';
import { Gate, GATE_SETTINGS } from '../dsp/gate.js';
import { designHpf, HPF_SECTIONS } from '../dsp/hpf.js';
import { balanceLeft, balanceRight, panGains, stereoWidthMatrix, type PanLaw } from '../dsp/pan-law.js';
import { TruePeakMeter } from '../dsp/true-peak.js';
import { routingMatrix } from '../graph/channel-format.js';
import type { Session, Strip } from '../session/schema.js';
import type { MixBuffers } from './mix-buffers.js';
import type { MixControls } from './mix-controls.js';
import type { MixPlan, SendTap, StripPlan } from './mix-plan.js';
import type { SettingsRegistry } from './settings-registry.js';
import { SmoothedRoute } from './smoothed-route.js';

const SECTIONS = HPF_SECTIONS + EQ_SECTIONS;
const TAPS: readonly SendTap[] = ['input', 'pre-eq', 'post-eq', 'pre-fader', 'post-fader'];

// Slots of a strip's switches and level (its settings besides trim, filters, dynamics and routes).
const LEVEL = 0; // fader·mute·solo gain target
const GATE_ON = 1;
const COMP_ON = 2;
const LISTEN_PRE = 3; // 1: the AFL/PFL feed is taken pre-fader
const SWITCHES = 4;

export interface StripStageOptions {
  sampleRate: number;
  blockFrames: number;
  /** Time constant of trim, fader, mute, pan and send smoothing (default 10 ms, as the old mixer). */
  smoothingSeconds?: number;
}

interface StripRuntime {
  readonly plan: StripPlan;
  readonly trimCurrent: Float64Array;
  readonly trimTarget: Float64Array;
  /** The fader × mute gain now (one slot: the smoother writes it back). */
  readonly level: Float64Array;
  /** LEVEL, GATE_ON, COMP_ON, LISTEN_PRE. */
  readonly switches: Float64Array;
  readonly gate: Gate;
  readonly comp: Compressor;
  /** Biquad states: channel c's 6 sections from c · SECTIONS · BIQUAD_STATE. */
  readonly filterState: Float64Array;
  readonly output: SmoothedRoute;
  readonly sends: readonly SmoothedRoute[];
  /** The sends grouped by tap (index as TAPS). */
  readonly sendsByTap: readonly (readonly SmoothedRoute[])[];
  /** Routing of each send before level/pan (by label from the strip's 1.0/2.0 into the bus format). */
  readonly sendRouting: readonly Float64Array[];
  readonly listen: SmoothedRoute;
  readonly truePeaks: readonly TruePeakMeter[];
}

export class StripStage {
  /** Post-fader sample peak of each strip channel over the last block (index: plan.strips[s].meterOffset + c). */
  readonly peaks: Float32Array;
  /** Post-fader true peak (BS.1770 Annex 2) of each strip channel over the last block. */
  readonly truePeaks: Float32Array;
  private readonly strips: StripRuntime[];
  private readonly frames: number;
  private readonly sampleRate: number;
  private readonly k: number;
  /** Target coefficients of every strip's HPF + EQ sections, strip s from s · SECTIONS · BIQUAD_COEFFS. */
  private readonly coeffs: Float64Array;
  /** Where each filter is now, gliding towards `coeffs` (biquad-glide.ts), and where this block takes it. */
  private readonly activeCoeffs: Float64Array;
  private readonly nextCoeffs: Float64Array;
  /** Per-block step of the coefficient glide. */
  private readonly kBlock: number;
  /** False until the first apply(): the filters start where the first session puts them, not gliding. */
  private filtersPlaced = false;
  /** The strip being processed (2 channels × frames), reused strip after strip. */
  private readonly work: Float32Array;
  /** Key signal of strips other strips' gates listen to: max |x| over its channels, per block. */
  private readonly stripKeys: Float32Array;

  constructor(
    private readonly plan: MixPlan,
    session: Session,
    options: StripStageOptions,
    private readonly buffers: MixBuffers,
    settings: SettingsRegistry,
  ) {
    const B = options.blockFrames;
    const fs = options.sampleRate;
    this.frames = B;
    this.sampleRate = fs;
    this.k = smoothingCoefficient(options.smoothingSeconds ?? 0.01, fs);
    this.coeffs = settings.take(plan.strips.length * SECTIONS * BIQUAD_COEFFS);
    this.activeCoeffs = new Float64Array(this.coeffs.length);
    this.nextCoeffs = new Float64Array(this.coeffs.length);
    this.kBlock = blockGlideCoefficient(options.smoothingSeconds ?? 0.01, B, fs);
    this.work = new Float32Array(2 * B);
    this.stripKeys = new Float32Array(plan.strips.length * B);
    this.peaks = new Float32Array(plan.stripChannels);
    this.truePeaks = new Float32Array(plan.stripChannels);
    const listenBase = buffers.listenBase;
    this.strips = plan.strips.map((sp, i) => {
      // Dynamics start from the session's settings (a gate at rest sits at its own −range, not a default's).
      const strip = session.strips[i]!;
      const busChannels = (bus: number): number[] => {
        const b = plan.buses[bus]!;
        return Array.from({ length: b.channels }, (_, c) => b.channelBase + c);
      };
      const sends = sp.sends.map((s) => new SmoothedRoute(busChannels(s.bus), sp.channels, settings));
      const outBus = plan.buses[sp.outputBus]!;
      return {
        plan: sp,
        trimCurrent: new Float64Array(2),
        trimTarget: settings.take(2),
        level: new Float64Array(1),
        switches: settings.take(SWITCHES),
        gate: new Gate({ sampleRate: fs, settings: settings.take(GATE_SETTINGS) }, strip.gate),
        comp: new Compressor(
          { sampleRate: fs, settings: settings.take(COMPRESSOR_SETTINGS) },
          compressorParams(strip),
        ),
        filterState: new Float64Array(sp.channels * SECTIONS * BIQUAD_STATE),
        output: new SmoothedRoute(
          sp.outputChannels.map((c) => outBus.channelBase + c),
          sp.channels,
          settings,
        ),
        sends,
        sendsByTap: TAPS.map((tap) => sends.filter((_, i) => sp.sends[i]!.tap === tap)),
        sendRouting: sp.sends.map(
          (s) => routingMatrix(sp.channels === 1 ? '1.0' : '2.0', plan.buses[s.bus]!.format).gains,
        ),
        listen: new SmoothedRoute([listenBase, listenBase + 1], sp.channels, settings),
        truePeaks: Array.from({ length: sp.channels }, () => new TruePeakMeter(fs)),
      };
    });
  }

  /** Control time: designs filters and sets every gain target from the session (same topology as the plan). */
  apply(session: Session, controls: MixControls): void {
    const fs = this.sampleRate;
    session.strips.forEach((s, i) => {
      const rt = this.strips[i]!;
      const trim = dbToGain(s.trimDb);
      for (let c = 0; c < rt.plan.channels; c++) rt.trimTarget[c] = s.polarity[c] ? -trim : trim;
      const at = i * SECTIONS * BIQUAD_COEFFS;
      designHpf(this.coeffs, at, { enabled: s.hpf.on, freqHz: s.hpf.freqHz, slope: s.hpf.slope }, fs);
      const { low, lowMid, highMid, high } = s.eq.bands;
      const bands = [low, lowMid, highMid, high].map((b) => ({ ...b, enabled: s.eq.on && b.on }));
      designEq(this.coeffs, at + HPF_SECTIONS * BIQUAD_COEFFS, bands, fs);
      rt.switches[GATE_ON] = s.gate.on ? 1 : 0;
      rt.gate.setParams(s.gate);
      rt.switches[COMP_ON] = s.comp.on ? 1 : 0;
      rt.comp.setParams(compressorParams(s));
      const level = controls.strips[i]!;
      rt.switches[LEVEL] = level.gain;
      writeOutputGains(rt, s, session.panLaw);
      s.sends.forEach((send, j) => {
        const gain = send.on ? dbToGain(send.levelDb) : 0;
        const route = rt.sends[j]!;
        if (this.plan.buses[rt.plan.sends[j]!.bus]!.format === '2.0')
          writeStereoGains(route.target, rt.plan.channels, send.pan, gain, session.panLaw);
        else {
          const routing = rt.sendRouting[j]!;
          for (let x = 0; x < routing.length; x++) route.target[x] = routing[x]! * gain;
        }
      });
      rt.switches[LISTEN_PRE] = level.listen === 'pre-fader' ? 1 : 0;
      writeStereoGains(
        rt.listen.target,
        rt.plan.channels,
        s.pan,
        level.listen === null ? 0 : 1,
        session.panLaw,
      );
    });
    if (!this.filtersPlaced) this.activeCoeffs.set(this.coeffs);
    this.filtersPlaced = true;
  }

  /** Jumps every smoothed gain to its target (a render starts settled, a device start fades in). */
  settle(): void {
    this.activeCoeffs.set(this.coeffs);
    for (const rt of this.strips) {
      rt.trimCurrent.set(rt.trimTarget);
      rt.level[0] = rt.switches[LEVEL]!;
      rt.output.settle();
      rt.listen.settle();
      for (const s of rt.sends) s.settle();
    }
  }

  /**
   * Processes every strip of one block: reads `inChannels` planar device inputs, adds into the bus sums
   * (which the caller zeroed) and writes direct outs into `output` (planar, `outChannels`).
   */
  process(input: Float32Array, inChannels: number, output: Float32Array, outChannels: number): void {
    const B = this.frames;
    const { work, k, coeffs, activeCoeffs, nextCoeffs, stripKeys } = this;
    const { busSum, busKeys } = this.buffers;
    this.writeStripKeys(input, inChannels);
    for (let s = 0; s < this.strips.length; s++) {
      const rt = this.strips[s]!;
      const { plan } = rt;
      const channels = plan.channels;
      for (let c = 0; c < channels; c++) {
        const ch = plan.inputs[c]!;
        const target = rt.trimTarget[c]!;
        // The trim writes the work block: clear it, then add the input through the smoothed gain.
        work.fill(0, c * B, (c + 1) * B);
        if (ch < inChannels) mixSmoothed(input, ch * B, work, c * B, B, rt.trimCurrent, c, target, k);
        else rt.trimCurrent[c] = target;
      }
      emit(rt.sendsByTap[0]!, work, busSum, B, k);
      const at = s * SECTIONS * BIQUAD_COEFFS;
      const gliding = stepGlide(coeffs, activeCoeffs, nextCoeffs, at, SECTIONS * BIQUAD_COEFFS, this.kBlock);
      for (let c = 0; c < channels; c++)
        this.filter(gliding, at, HPF_SECTIONS, rt.filterState, c * SECTIONS * BIQUAD_STATE, c * B);
      emit(rt.sendsByTap[1]!, work, busSum, B, k);
      const eqAt = at + HPF_SECTIONS * BIQUAD_COEFFS;
      for (let c = 0; c < channels; c++)
        this.filter(
          gliding,
          eqAt,
          EQ_SECTIONS,
          rt.filterState,
          (c * SECTIONS + HPF_SECTIONS) * BIQUAD_STATE,
          c * B,
        );
      if (gliding) for (let i = at; i < at + SECTIONS * BIQUAD_COEFFS; i++) activeCoeffs[i] = nextCoeffs[i]!;
      emit(rt.sendsByTap[2]!, work, busSum, B, k);
      const { switches } = rt;
      if (switches[GATE_ON] === 1) {
        const key = plan.key;
        const keyBuf = key === null ? undefined : key.kind === 'strip' ? stripKeys : busKeys;
        const keyAt = key === null ? 0 : key.index * B;
        if (channels === 1) rt.gate.processMono(work, 0, B, keyBuf, keyAt);
        else rt.gate.processStereo(work, 0, work, B, B, keyBuf, keyAt);
      }
      if (switches[COMP_ON] === 1) {
        if (channels === 1) rt.comp.processMono(work, 0, B);
        else rt.comp.processStereo(work, 0, work, B, B);
      }
      emit(rt.sendsByTap[3]!, work, busSum, B, k);
      const listenPre = switches[LISTEN_PRE] === 1;
      if (listenPre) rt.listen.mixInto(work, 0, busSum, Infinity, B, k);
      if (plan.directOut?.tap === 'pre-fader') this.directOut(plan, output, outChannels);

      scaleSmoothed(work, 0, B, channels, B, rt.level, 0, switches[LEVEL]!, k);
      for (let c = 0; c < channels; c++) {
        let peak = 0;
        for (let i = c * B; i < (c + 1) * B; i++) peak = Math.max(peak, Math.abs(work[i]!));
        this.peaks[plan.meterOffset + c] = peak;
        const meter = rt.truePeaks[c]!;
        meter.process(work, c * B, B);
        this.truePeaks[plan.meterOffset + c] = meter.peak;
      }
      emit(rt.sendsByTap[4]!, work, busSum, B, k);
      if (!listenPre) rt.listen.mixInto(work, 0, busSum, Infinity, B, k);
      if (plan.directOut?.tap === 'post-fader') this.directOut(plan, output, outChannels);
      rt.output.mixInto(work, 0, busSum, Infinity, B, k);
    }
  }

  /** Runs filter sections over one channel of the work block, ramping their coefficients while they glide. */
  private filter(
    gliding: boolean,
    coeffAt: number,
    sections: number,
    state: Float64Array,
    stateAt: number,
    workAt: number,
  ): void {
    const { activeCoeffs, nextCoeffs, work, frames } = this;
    for (let k = 0; k < sections; k++) {
      const c = coeffAt + k * BIQUAD_COEFFS;
      const st = stateAt + k * BIQUAD_STATE;
      if (gliding) processBiquadGlide(activeCoeffs, nextCoeffs, c, state, st, work, workAt, frames);
      else processBiquad(activeCoeffs, c, state, st, work, workAt, frames);
    }
  }

  private directOut(plan: StripPlan, output: Float32Array, outChannels: number): void {
    const B = this.frames;
    for (let c = 0; c < plan.channels; c++) {
      const ch = plan.directOut!.channel + c;
      if (ch >= outChannels) continue;
      for (let i = 0; i < B; i++) output[ch * B + i]! += this.work[c * B + i]!;
    }
  }

  /** The key of a strip other gates listen to is its device input (max |x| of its channels), pre-trim. */
  private writeStripKeys(input: Float32Array, inChannels: number): void {
    const B = this.frames;
    for (let s = 0; s < this.strips.length; s++) {
      const key = this.strips[s]!.plan.key;
      if (key === null || key.kind !== 'strip') continue;
      const src = this.plan.strips[key.index]!;
      const at = key.index * B;
      this.stripKeys.fill(0, at, at + B);
      for (let c = 0; c < src.channels; c++) {
        const ch = src.inputs[c]!;
        if (ch >= inChannels) continue;
        for (let i = 0; i < B; i++)
          this.stripKeys[at + i] = Math.max(this.stripKeys[at + i]!, Math.abs(input[ch * B + i]!));
      }
    }
  }
}

function compressorParams(s: Strip): Partial<CompressorParams> {
  return { ...s.comp, mixPercent: s.comp.mixPct };
}

function emit(
  routes: readonly SmoothedRoute[],
  work: Float32Array,
  busSum: Float32Array,
  frames: number,
  k: number,
): void {
  for (let r = 0; r < routes.length; r++) routes[r]!.mixInto(work, 0, busSum, Infinity, frames, k);
}

/**
 * A strip into a 2-channel destination at `pan`, scaled by `gain` (row-major [L←0, L←1?, R←0, R←1?]):
 * a mono strip by the session's pan law, a stereo strip by balance (each side stays on its side).
 */
function writeStereoGains(out: Float64Array, channels: 1 | 2, pan: number, gain: number, law: PanLaw): void {
  if (channels === 1) {
    panGains(law, pan, out, 0);
    out[0]! *= gain;
    out[1]! *= gain;
    return;
  }
  out[0] = balanceLeft(pan) * gain;
  out[1] = 0;
  out[2] = 0;
  out[3] = balanceRight(pan) * gain;
}

/** Pan (mono) or width then balance (stereo) between the output labels; one label takes a mono sum. */
function writeOutputGains(rt: StripRuntime, s: Strip, law: PanLaw): void {
  const out = rt.output.target;
  const channels = rt.plan.channels;
  if (rt.plan.outputChannels.length === 1) {
    // L and R into one channel at −3 dB each, the channel-format convention for 2.0 → 1.0.
    out.fill(channels === 1 ? 1 : Math.SQRT1_2);
    return;
  }
  if (channels === 1) {
    panGains(law, s.pan, out, 0);
    return;
  }
  stereoWidthMatrix(s.width, out, 0);
  const bl = balanceLeft(s.pan);
  const br = balanceRight(s.pan);
  out[0]! *= bl;
  out[1]! *= bl;
  out[2]! *= br;
  out[3]! *= br;
}
