// Host of the WebAssembly strip kernel: one instance (own linear memory) per bank of N strips, laid out
// once at creation, so process() allocates nothing. Strip s is lane s mod 4 of quad ⌊s/4⌋; a stage is run
// for a quad only while at least one of its lanes uses it (the quad's flags), the other lanes of that quad
// get neutral parameters (identity biquad, unity gain) so they pass unchanged.
//
// Memory (from the module's heap base, 64-byte aligned): quad records | input (planar f32, strip s at
// input[64s … 64s+63]) | scratch (3 lane-interleaved blocks) | key buffers (one lane-interleaved block per
// quad: key[4i + lane]) | lane accumulators | output buses (planar f32, 64 frames each: main pair m at
// 2m, 2m+1, aux j at 2·mainPairs + j) | meters (one f32 peak per strip, post-fader).
import { readKernelExports, type KernelExports, type KernelLayout } from './kernel-exports.js';
import { instantiate, WASM_PAGE_BYTES, type WasmModule } from './wasm-api.js';

export interface StripBankOptions {
  /** Number of strips; rounded up to a multiple of 4 (the spare lanes stay silent). */
  strips: number;
  /** Stereo main bus pairs a quad can feed (default 1). */
  mainPairs?: number;
  /** Send slots = aux buses, 0 … 8 (default 4). */
  sends?: number;
  sampleRate?: number;
  /** Time constant of the input-gain, fader, pan and send smoothers (default 10 ms). */
  smoothingSeconds?: number;
}

export type SendTap = 'post' | 'pre';

/** Expander/gate: below the threshold the gain falls by (ratio − 1) dB per dB, at most `rangeDb`. */
export interface GateSettings {
  thresholdDb: number;
  /** Expansion ratio 1:ratio (e.g. 4); a large ratio makes a hard gate. */
  ratio: number;
  rangeDb: number;
  /** Time constants of the gain in dB: opening (rising) and closing. */
  openSeconds: number;
  closeSeconds: number;
}

export interface CompressorSettings {
  thresholdDb: number;
  ratio: number;
  kneeDb: number;
  attackSeconds: number;
  releaseSeconds: number;
  makeupDb: number;
  /** Wet share 0 … 1 (parallel compression); 1 = fully compressed. */
  mix: number;
}

export type StripBankResult = { ok: true; bank: StripBank } | { ok: false; error: string };

const FRAMES = 64;
const ALIGN = 64;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
/** One-pole coefficient a = e^(−1/(τ·fs)): g = t + a·(g − t). */
const pole = (seconds: number, fs: number): number => Math.exp(-1 / (seconds * fs));

export class StripBank {
  readonly strips: number;
  readonly quads: number;
  readonly mainPairs: number;
  readonly sends: number;
  readonly sampleRate: number;
  /** Planar input, strip s at [64s, 64s + 64): the worker copies each strip's block here before process(). */
  readonly input: Float32Array;
  /** All output buses, planar, 64 frames each (see mainLeft/mainRight/aux). */
  readonly buses: Float32Array;
  /** Post-fader peak of the last block, per strip. */
  readonly meters: Float32Array;

  readonly #k: KernelExports;
  readonly #l: KernelLayout;
  readonly #f32: Float32Array;
  readonly #i32: Int32Array;
  readonly #quadsAt: number;
  readonly #inputAt: number;
  readonly #scratchAt: number;
  readonly #keysAt: number;
  readonly #accAt: number;
  readonly #outAt: number;
  readonly #metersAt: number;
  /** Per lane: which stages it uses (to derive the quad flags). */
  readonly #laneGate: Uint8Array;
  readonly #laneComp: Uint8Array;
  readonly #laneBiquad: Uint8Array; // bit per slot
  readonly #laneSend: Uint8Array; // bit per send
  readonly #lanePre: Uint8Array; // bit per send

  private constructor(kernel: KernelExports, o: Required<StripBankOptions>) {
    this.#k = kernel;
    this.#l = kernel.layout;
    const l = this.#l;
    this.quads = Math.ceil(o.strips / 4);
    this.strips = this.quads * 4;
    this.mainPairs = o.mainPairs;
    this.sends = o.sends;
    this.sampleRate = o.sampleRate;
    const busCount = 2 * o.mainPairs + o.sends;
    let at = align(kernel.heapBase());
    const take = (bytes: number): number => {
      const p = at;
      at = align(at + bytes);
      return p;
    };
    this.#quadsAt = take(this.quads * l.QUAD_BYTES);
    this.#inputAt = take(this.strips * l.PLANAR_BLOCK_BYTES);
    this.#scratchAt = take(3 * l.QUAD_BLOCK_BYTES);
    this.#keysAt = take(this.quads * l.QUAD_BLOCK_BYTES);
    this.#accAt = take(busCount * l.QUAD_BLOCK_BYTES);
    this.#outAt = take(busCount * l.PLANAR_BLOCK_BYTES);
    this.#metersAt = take(this.strips * 4);
    const have = kernel.memory.buffer.byteLength;
    if (at > have) kernel.memory.grow(Math.ceil((at - have) / WASM_PAGE_BYTES));
    const buf = kernel.memory.buffer; // after growing: views of the old buffer would be detached
    this.#f32 = new Float32Array(buf);
    this.#i32 = new Int32Array(buf);
    this.input = new Float32Array(buf, this.#inputAt, this.strips * FRAMES);
    this.buses = new Float32Array(buf, this.#outAt, busCount * FRAMES);
    this.meters = new Float32Array(buf, this.#metersAt, this.strips);
    this.#f32.fill(0, this.#quadsAt / 4, at / 4);
    this.#laneGate = new Uint8Array(this.strips);
    this.#laneComp = new Uint8Array(this.strips);
    this.#laneBiquad = new Uint8Array(this.strips);
    this.#laneSend = new Uint8Array(this.strips);
    this.#lanePre = new Uint8Array(this.strips);
    const k = 1 - Math.exp(-1 / (o.smoothingSeconds * o.sampleRate));
    for (let q = 0; q < this.quads; q++) {
      this.#i32[(this.#quad(q) + l.META_KEY) >> 2] = this.#keysAt + q * l.QUAD_BLOCK_BYTES;
    }
    for (let s = 0; s < this.strips; s++) {
      this.#set(s, l.SMOOTH, k);
      this.#set(s, l.IN_GAIN_TARGET, 1);
      this.#set(s, l.IN_GAIN, 1);
      for (let slot = 0; slot < l.BIQUAD_SLOTS; slot++) this.#identity(s, slot);
      this.#set(s, l.COMP_DRY, 1);
      this.#set(s, l.FADER_TARGET, 1);
      this.#set(s, l.FADER, 1);
    }
  }

  /** A bank of `strips` strips (all stages off, fader 1, pan 0/0, sends off) in a new kernel instance. */
  static create(module: WasmModule, options: StripBankOptions): StripBankResult {
    const o: Required<StripBankOptions> = {
      mainPairs: 1,
      sends: 4,
      sampleRate: 48000,
      smoothingSeconds: 0.01,
      ...options,
    };
    if (!Number.isInteger(o.strips) || o.strips < 1)
      return { ok: false, error: 'strips: expected an integer ≥ 1' };
    if (!Number.isInteger(o.mainPairs) || o.mainPairs < 1)
      return { ok: false, error: 'mainPairs: expected ≥ 1' };
    let kernel: KernelExports;
    try {
      const r = readKernelExports(instantiate(module));
      if (!r.ok) return r;
      kernel = r.kernel;
    } catch (err) {
      return { ok: false, error: `cannot instantiate the strip kernel: ${String(err)}` };
    }
    if (!Number.isInteger(o.sends) || o.sends < 0 || o.sends > kernel.layout.MAX_SENDS) {
      return { ok: false, error: `sends: expected 0 … ${kernel.layout.MAX_SENDS}` };
    }
    return { ok: true, bank: new StripBank(kernel, o) };
  }

  /** Runs one 64-frame block: input → buses and meters. */
  process(): void {
    this.#k.processBlock(
      this.#quadsAt,
      this.quads,
      this.#inputAt,
      this.#scratchAt,
      this.#accAt,
      this.#outAt,
      this.#metersAt,
      this.mainPairs,
      this.sends,
    );
  }

  mainLeft(pair: number): Float32Array {
    return this.buses.subarray(2 * pair * FRAMES, (2 * pair + 1) * FRAMES);
  }
  mainRight(pair: number): Float32Array {
    return this.buses.subarray((2 * pair + 1) * FRAMES, (2 * pair + 2) * FRAMES);
  }
  aux(send: number): Float32Array {
    const b = 2 * this.mainPairs + send;
    return this.buses.subarray(b * FRAMES, (b + 1) * FRAMES);
  }

  /** Lane-interleaved key input of a quad (frame i, lane l at [4i + l]); used while its gate key is on. */
  keyInput(quad: number): Float32Array {
    const at = this.#keysAt + quad * this.#l.QUAD_BLOCK_BYTES;
    return this.#f32.subarray(at >> 2, (at >> 2) + 4 * FRAMES);
  }

  /** Every lane of the quad feeds main pair `pair`. */
  setMainBus(quad: number, pair: number): void {
    this.#i32[(this.#quad(quad) + this.#l.META_MAIN_BUS) >> 2] = Math.min(
      Math.max(0, pair),
      this.mainPairs - 1,
    );
  }

  /** The quad's gate detects its key input instead of the lanes' own filtered signals. */
  setGateKey(quad: number, on: boolean): void {
    this.#flag(quad, this.#l.F_GATE_KEY, on);
  }

  /** Smoothed input gain; `invert` flips the polarity. `immediate` jumps instead of gliding. */
  setInputGain(strip: number, gain: number, invert: boolean, immediate = false): void {
    const l = this.#l;
    this.#set(strip, l.IN_GAIN_TARGET, invert ? -gain : gain);
    if (immediate) this.#set(strip, l.IN_GAIN, invert ? -gain : gain);
    const q = strip >> 2;
    let used = false;
    for (let lane = 0; lane < 4; lane++) {
      const s = 4 * q + lane;
      used ||= this.#get(s, l.IN_GAIN_TARGET) !== 1 || this.#get(s, l.IN_GAIN) !== 1;
    }
    this.#flag(q, l.F_IN_GAIN, used);
  }

  /** Biquad slot 0 … 5 (by convention 0–1 high-pass sections, 2–5 EQ bands): b0, b1, b2, a1, a2 (a0 = 1). */
  setBiquad(strip: number, slot: number, coeffs: ArrayLike<number>, offset = 0): void {
    const base = this.#l.BIQUAD + slot * this.#l.BIQUAD_STRIDE;
    for (let c = 0; c < 5; c++) this.#set(strip, base + 16 * c, coeffs[offset + c] ?? 0);
    if (!(this.#laneBiquad[strip]! & (1 << slot))) this.#clearBiquadState(strip, slot);
    this.#laneBiquad[strip]! |= 1 << slot;
    this.#biquadFlag(strip >> 2, slot);
  }

  bypassBiquad(strip: number, slot: number): void {
    this.#identity(strip, slot);
    this.#clearBiquadState(strip, slot);
    this.#laneBiquad[strip]! &= ~(1 << slot);
    this.#biquadFlag(strip >> 2, slot);
  }

  setGate(strip: number, g: GateSettings): void {
    const l = this.#l;
    const fs = this.sampleRate;
    this.#set(strip, l.GATE_THRESHOLD, g.thresholdDb);
    this.#set(strip, l.GATE_SLOPE, g.ratio - 1);
    this.#set(strip, l.GATE_NEG_RANGE, -g.rangeDb);
    this.#set(strip, l.GATE_OPEN, pole(g.openSeconds, fs));
    this.#set(strip, l.GATE_CLOSE, pole(g.closeSeconds, fs));
    this.#laneGate[strip] = 1;
    this.#dynamicsFlags(strip >> 2);
  }

  /** Gate off: no gain change (and its state restarts at 0 dB). */
  bypassGate(strip: number): void {
    const l = this.#l;
    for (const f of [l.GATE_THRESHOLD, l.GATE_SLOPE, l.GATE_NEG_RANGE, l.GATE_GAIN_DB])
      this.#set(strip, f, 0);
    this.#laneGate[strip] = 0;
    this.#dynamicsFlags(strip >> 2);
  }

  setCompressor(strip: number, c: CompressorSettings): void {
    const l = this.#l;
    const fs = this.sampleRate;
    const halfKnee = c.kneeDb / 2;
    this.#set(strip, l.COMP_THRESHOLD, c.thresholdDb);
    this.#set(strip, l.COMP_SLOPE, 1 / c.ratio - 1);
    this.#set(strip, l.COMP_HALF_KNEE, halfKnee);
    this.#set(strip, l.COMP_NEG_HALF_KNEE, -halfKnee);
    this.#set(strip, l.COMP_INV_2KNEE, c.kneeDb > 0 ? 1 / (2 * c.kneeDb) : 0);
    this.#set(strip, l.COMP_MAKEUP, c.makeupDb);
    this.#set(strip, l.COMP_ATTACK, pole(c.attackSeconds, fs));
    this.#set(strip, l.COMP_RELEASE, pole(c.releaseSeconds, fs));
    this.#set(strip, l.COMP_WET, c.mix);
    this.#set(strip, l.COMP_DRY, 1 - c.mix);
    this.#laneComp[strip] = 1;
    this.#dynamicsFlags(strip >> 2);
  }

  bypassCompressor(strip: number): void {
    const l = this.#l;
    // Slope 0 keeps the gain change at 0 dB; dry 1 / wet 0 keeps a parallel-compression quad exact here.
    for (const f of [l.COMP_SLOPE, l.COMP_MAKEUP, l.COMP_GAIN_DB, l.COMP_WET]) this.#set(strip, f, 0);
    this.#set(strip, l.COMP_DRY, 1);
    this.#laneComp[strip] = 0;
    this.#dynamicsFlags(strip >> 2);
  }

  /** Fader target, linear: the caller folds mute (0) and VCA factors in. */
  setFader(strip: number, gain: number, immediate = false): void {
    this.#set(strip, this.#l.FADER_TARGET, gain);
    if (immediate) this.#set(strip, this.#l.FADER, gain);
  }

  /** Main output gains L/R (e.g. a pan law's). Immediate: constant from now on; else they glide. */
  setPan(strip: number, left: number, right: number, immediate = false): void {
    const l = this.#l;
    this.#set(strip, l.PAN_L_TARGET, left);
    this.#set(strip, l.PAN_R_TARGET, right);
    if (immediate) {
      this.#set(strip, l.PAN_L, left);
      this.#set(strip, l.PAN_R, right);
    } else this.#flag(strip >> 2, l.F_PAN_SMOOTH, true);
  }

  /** Send `send` of the strip: smoothed gain into aux bus `send`, tapped post- or pre-fader. */
  setSend(strip: number, send: number, gain: number, tap: SendTap, immediate = false): void {
    const l = this.#l;
    this.#set(strip, l.SEND_TARGET + 16 * send, gain);
    if (immediate) this.#set(strip, l.SEND + 16 * send, gain);
    this.#i32[(this.#quad(strip >> 2) + l.SEND_PRE + 16 * send) / 4 + (strip & 3)] = tap === 'pre' ? -1 : 0;
    this.#laneSend[strip]! |= 1 << send;
    if (tap === 'pre') this.#lanePre[strip]! |= 1 << send;
    else this.#lanePre[strip]! &= ~(1 << send);
    this.#sendFlags(strip >> 2);
  }

  /** Send off at once (no glide). */
  removeSend(strip: number, send: number): void {
    this.#set(strip, this.#l.SEND_TARGET + 16 * send, 0);
    this.#set(strip, this.#l.SEND + 16 * send, 0);
    this.#laneSend[strip]! &= ~(1 << send);
    this.#lanePre[strip]! &= ~(1 << send);
    this.#sendFlags(strip >> 2);
  }

  // ---- lane/quad plumbing

  #quad(q: number): number {
    return this.#quadsAt + q * this.#l.QUAD_BYTES;
  }
  #set(strip: number, field: number, value: number): void {
    this.#f32[(this.#quad(strip >> 2) + field) / 4 + (strip & 3)] = value;
  }
  #get(strip: number, field: number): number {
    return this.#f32[(this.#quad(strip >> 2) + field) / 4 + (strip & 3)]!;
  }
  #flag(q: number, bit: number, on: boolean): void {
    const i = (this.#quad(q) + this.#l.META_FLAGS) >> 2;
    this.#i32[i] = on ? this.#i32[i]! | bit : this.#i32[i]! & ~bit;
  }
  #identity(strip: number, slot: number): void {
    const base = this.#l.BIQUAD + slot * this.#l.BIQUAD_STRIDE;
    for (let c = 0; c < 5; c++) this.#set(strip, base + 16 * c, c === 0 ? 1 : 0);
  }
  #clearBiquadState(strip: number, slot: number): void {
    this.#set(strip, this.#l.BIQUAD_STATE + 32 * slot, 0);
    this.#set(strip, this.#l.BIQUAD_STATE + 32 * slot + 16, 0);
  }
  #lanes(q: number, bits: Uint8Array): number {
    return bits[4 * q]! | bits[4 * q + 1]! | bits[4 * q + 2]! | bits[4 * q + 3]!;
  }
  #biquadFlag(q: number, slot: number): void {
    this.#flag(q, this.#l.F_BIQUAD0 << slot, (this.#lanes(q, this.#laneBiquad) & (1 << slot)) !== 0);
  }
  #dynamicsFlags(q: number): void {
    const l = this.#l;
    let mix = false;
    let partial = false;
    for (let lane = 0; lane < 4; lane++) {
      const s = 4 * q + lane;
      const on = this.#laneGate[s] === 1 || this.#laneComp[s] === 1;
      this.#i32[(this.#quad(q) + l.DYN_LANES) / 4 + lane] = on ? -1 : 0;
      partial ||= !on;
      mix ||= this.#laneComp[s] === 1 && this.#get(s, l.COMP_WET) !== 1;
    }
    const gate = this.#lanes(q, this.#laneGate) !== 0;
    const comp = this.#lanes(q, this.#laneComp) !== 0;
    this.#flag(q, l.F_GATE, gate);
    this.#flag(q, l.F_COMP, comp);
    this.#flag(q, l.F_COMP_MIX, comp && mix);
    this.#flag(q, l.F_DYN_MASK, (gate || comp) && partial);
  }
  #sendFlags(q: number): void {
    this.#i32[(this.#quad(q) + this.#l.META_SENDS) >> 2] = this.#lanes(q, this.#laneSend);
    this.#flag(q, this.#l.F_SEND_PRE, this.#lanes(q, this.#lanePre) !== 0);
  }
}
