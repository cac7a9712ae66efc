// Filter pass over one quad's lane-interleaved block, in place: smoothed input gain (its sign is the
// polarity), then up to 6 TDF-II biquads. All enabled slots run in one per-sample loop, so their recursions
// overlap in the CPU instead of each slot waiting on its own feedback loop.
import * as L from './layout';

@inline
function q(quad: usize, offset: i32): v128 {
  return v128.load(quad + <usize>offset);
}

export function filterQuad(quad: usize, x: usize, flags: i32): void {
  const k = q(quad, L.SMOOTH);
  const gainT = q(quad, L.IN_GAIN_TARGET);
  let gain = q(quad, L.IN_GAIN);
  // The slot states live in locals for the whole block (registers or stack slots, never re-read via memory).
  let z10 = q(quad, L.BIQUAD_STATE + 0), z20 = q(quad, L.BIQUAD_STATE + 16);
  let z11 = q(quad, L.BIQUAD_STATE + 32), z21 = q(quad, L.BIQUAD_STATE + 48);
  let z12 = q(quad, L.BIQUAD_STATE + 64), z22 = q(quad, L.BIQUAD_STATE + 80);
  let z13 = q(quad, L.BIQUAD_STATE + 96), z23 = q(quad, L.BIQUAD_STATE + 112);
  let z14 = q(quad, L.BIQUAD_STATE + 128), z24 = q(quad, L.BIQUAD_STATE + 144);
  let z15 = q(quad, L.BIQUAD_STATE + 160), z25 = q(quad, L.BIQUAD_STATE + 176);
  const end = x + <usize>L.QUAD_BLOCK_BYTES;
  for (let p = x; p < end; p += 16) {
    let v = v128.load(p);
    if (flags & L.F_IN_GAIN) {
      gain = f32x4.add(gain, f32x4.mul(f32x4.sub(gainT, gain), k));
      v = f32x4.mul(v, gain);
    }
    // y = b0·x + z1;  z1 = (b1·x − a1·y) + z2;  z2 = b2·x − a2·y
    if (flags & (L.F_BIQUAD0 << 0)) {
      const c = quad + <usize>(L.BIQUAD + 0 * L.BIQUAD_STRIDE);
      const y = f32x4.add(f32x4.mul(v128.load(c), v), z10);
      z10 = f32x4.add(f32x4.sub(f32x4.mul(v128.load(c, 16), v), f32x4.mul(v128.load(c, 48), y)), z20);
      z20 = f32x4.sub(f32x4.mul(v128.load(c, 32), v), f32x4.mul(v128.load(c, 64), y));
      v = y;
    }
    if (flags & (L.F_BIQUAD0 << 1)) {
      const c = quad + <usize>(L.BIQUAD + 1 * L.BIQUAD_STRIDE);
      const y = f32x4.add(f32x4.mul(v128.load(c), v), z11);
      z11 = f32x4.add(f32x4.sub(f32x4.mul(v128.load(c, 16), v), f32x4.mul(v128.load(c, 48), y)), z21);
      z21 = f32x4.sub(f32x4.mul(v128.load(c, 32), v), f32x4.mul(v128.load(c, 64), y));
      v = y;
    }
    if (flags & (L.F_BIQUAD0 << 2)) {
      const c = quad + <usize>(L.BIQUAD + 2 * L.BIQUAD_STRIDE);
      const y = f32x4.add(f32x4.mul(v128.load(c), v), z12);
      z12 = f32x4.add(f32x4.sub(f32x4.mul(v128.load(c, 16), v), f32x4.mul(v128.load(c, 48), y)), z22);
      z22 = f32x4.sub(f32x4.mul(v128.load(c, 32), v), f32x4.mul(v128.load(c, 64), y));
      v = y;
    }
    if (flags & (L.F_BIQUAD0 << 3)) {
      const c = quad + <usize>(L.BIQUAD + 3 * L.BIQUAD_STRIDE);
      const y = f32x4.add(f32x4.mul(v128.load(c), v), z13);
      z13 = f32x4.add(f32x4.sub(f32x4.mul(v128.load(c, 16), v), f32x4.mul(v128.load(c, 48), y)), z23);
      z23 = f32x4.sub(f32x4.mul(v128.load(c, 32), v), f32x4.mul(v128.load(c, 64), y));
      v = y;
    }
    if (flags & (L.F_BIQUAD0 << 4)) {
      const c = quad + <usize>(L.BIQUAD + 4 * L.BIQUAD_STRIDE);
      const y = f32x4.add(f32x4.mul(v128.load(c), v), z14);
      z14 = f32x4.add(f32x4.sub(f32x4.mul(v128.load(c, 16), v), f32x4.mul(v128.load(c, 48), y)), z24);
      z24 = f32x4.sub(f32x4.mul(v128.load(c, 32), v), f32x4.mul(v128.load(c, 64), y));
      v = y;
    }
    if (flags & (L.F_BIQUAD0 << 5)) {
      const c = quad + <usize>(L.BIQUAD + 5 * L.BIQUAD_STRIDE);
      const y = f32x4.add(f32x4.mul(v128.load(c), v), z15);
      z15 = f32x4.add(f32x4.sub(f32x4.mul(v128.load(c, 16), v), f32x4.mul(v128.load(c, 48), y)), z25);
      z25 = f32x4.sub(f32x4.mul(v128.load(c, 32), v), f32x4.mul(v128.load(c, 64), y));
      v = y;
    }
    v128.store(p, v);
  }
  v128.store(quad + <usize>L.IN_GAIN, gain);
  const s = quad + <usize>L.BIQUAD_STATE;
  v128.store(s, z10, 0);
  v128.store(s, z20, 16);
  v128.store(s, z11, 32);
  v128.store(s, z21, 48);
  v128.store(s, z12, 64);
  v128.store(s, z22, 80);
  v128.store(s, z13, 96);
  v128.store(s, z23, 112);
  v128.store(s, z14, 128);
  v128.store(s, z24, 144);
  v128.store(s, z15, 160);
  v128.store(s, z25, 176);
}
