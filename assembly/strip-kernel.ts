// mixd strip kernel: processes a bank of channel strips, 4 strips (lanes) per v128 "quad", one 64-frame
// block per call. The host (src/engine/strip-kernel/strip-bank.ts) owns the memory layout of everything
// but the quad record (layout.ts) and passes addresses in; nothing is allocated here.
import * as L from './layout';
import { filterQuad } from './filter';
import { dynamicsQuad } from './dynamics';
import { sendsQuad } from './sends';

export {
  FRAMES,
  QUAD_BLOCK_BYTES,
  PLANAR_BLOCK_BYTES,
  BIQUAD_SLOTS,
  MAX_SENDS,
  IN_GAIN_TARGET,
  IN_GAIN,
  BIQUAD,
  BIQUAD_STRIDE,
  BIQUAD_STATE,
  GATE_THRESHOLD,
  GATE_SLOPE,
  GATE_NEG_RANGE,
  GATE_OPEN,
  GATE_CLOSE,
  GATE_GAIN_DB,
  COMP_THRESHOLD,
  COMP_SLOPE,
  COMP_HALF_KNEE,
  COMP_NEG_HALF_KNEE,
  COMP_INV_2KNEE,
  COMP_MAKEUP,
  COMP_ATTACK,
  COMP_RELEASE,
  COMP_WET,
  COMP_DRY,
  COMP_GAIN_DB,
  DYN_LANES,
  FADER_TARGET,
  FADER,
  PAN_L_TARGET,
  PAN_R_TARGET,
  PAN_L,
  PAN_R,
  SMOOTH,
  SEND_TARGET,
  SEND,
  SEND_PRE,
  META_FLAGS,
  META_MAIN_BUS,
  META_KEY,
  META_SENDS,
  QUAD_BYTES,
  F_IN_GAIN,
  F_BIQUAD0,
  F_GATE,
  F_GATE_KEY,
  F_COMP,
  F_COMP_MIX,
  F_DYN_MASK,
  F_PAN_SMOOTH,
  F_SEND_PRE,
} from './layout';

/** First free byte after the module's static data, 64-byte aligned: the host lays out its bank from here. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/** Planar input of 4 strips (4 × 64 f32) → one lane-interleaved block (64 × v128), by 4×4 transposes. */
function interleave(input: usize, x: usize): void {
  for (let i: usize = 0; i < 256; i += 16) {
    const r0 = v128.load(input + i);
    const r1 = v128.load(input + i, 256);
    const r2 = v128.load(input + i, 512);
    const r3 = v128.load(input + i, 768);
    const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
    const o = x + (i << 2);
    v128.store(o, i32x4.shuffle(t0, t2, 0, 1, 4, 5), 0);
    v128.store(o, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
    v128.store(o, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
    v128.store(o, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
  }
}

/** Lane accumulators → planar bus samples: each frame's 4 lanes summed in lane order ((l0 + l1) + l2) + l3. */
function reduceBuses(acc: usize, out: usize, buses: i32): void {
  for (let b = 0; b < buses; b++) {
    const a = acc + <usize>(b * L.QUAD_BLOCK_BYTES);
    const o = out + <usize>(b * L.PLANAR_BLOCK_BYTES);
    for (let i: usize = 0; i < 64; i += 4) {
      const f0 = v128.load(a + (i << 4), 0);
      const f1 = v128.load(a + (i << 4), 16);
      const f2 = v128.load(a + (i << 4), 32);
      const f3 = v128.load(a + (i << 4), 48);
      const t0 = i32x4.shuffle(f0, f1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(f0, f1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(f2, f3, 0, 4, 1, 5);
      const t3 = i32x4.shuffle(f2, f3, 2, 6, 3, 7);
      const l0 = i32x4.shuffle(t0, t2, 0, 1, 4, 5);
      const l1 = i32x4.shuffle(t0, t2, 2, 3, 6, 7);
      const l2 = i32x4.shuffle(t1, t3, 0, 1, 4, 5);
      const l3 = i32x4.shuffle(t1, t3, 2, 3, 6, 7);
      v128.store(o + (i << 2), f32x4.add(f32x4.add(f32x4.add(l0, l1), l2), l3));
    }
  }
}

/**
 * One block for `quadCount` quads. `input`: planar f32, strip s at input + 256·s. `scratch`: 3 quad blocks.
 * `acc`: (2·mainPairs + sends) quad blocks of lane accumulators, main pair m at 2m, 2m+1, aux j at 2·mainPairs + j.
 * `out`: the same buses as planar f32 blocks. `meters`: one f32 peak per strip.
 */
export function processBlock(
  quads: usize,
  quadCount: i32,
  input: usize,
  scratch: usize,
  acc: usize,
  out: usize,
  meters: usize,
  mainPairs: i32,
  sends: i32,
): void {
  const buses = 2 * mainPairs + sends;
  memory.fill(acc, 0, <usize>(buses * L.QUAD_BLOCK_BYTES));
  const x = scratch;
  const post = scratch + <usize>L.QUAD_BLOCK_BYTES;
  const pre = post + <usize>L.QUAD_BLOCK_BYTES;
  const aux = acc + <usize>(2 * mainPairs * L.QUAD_BLOCK_BYTES);
  for (let g = 0; g < quadCount; g++) {
    const quad = quads + <usize>(g * L.QUAD_BYTES);
    const flags = load<i32>(quad + <usize>L.META_FLAGS);
    const accL = acc + <usize>(2 * load<i32>(quad + <usize>L.META_MAIN_BUS) * L.QUAD_BLOCK_BYTES);
    interleave(input + <usize>(g * 4 * L.PLANAR_BLOCK_BYTES), x);
    if (flags & (L.F_IN_GAIN | (63 * L.F_BIQUAD0))) filterQuad(quad, x, flags);
    dynamicsQuad(quad, x, post, pre, accL, accL + <usize>L.QUAD_BLOCK_BYTES, meters + <usize>(g * 16), flags);
    if (sends > 0) sendsQuad(quad, post, pre, aux, sends, flags);
  }
  reduceBuses(acc, out, buses);
}
