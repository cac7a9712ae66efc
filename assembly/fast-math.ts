// The benchmark's polynomial ln / exp (shared/bench README, "Polynomials"), four lanes at a time, with the
// same float32 operations in the same order as the native reference, so results match it bit for bit.
import {
  CONSTS,
  K_EXP_BIAS,
  K_EXP_C,
  K_EXP_HI,
  K_EXP_LO,
  K_LN2,
  K_LN_C,
  K_LOG2E,
  K_EXP_127,
  K_ONE,
  MASKS,
  M_MANTISSA,
  M_ONE_BITS,
} from './consts';

@inline
function k(offset: i32): v128 {
  return v128.load(CONSTS + <usize>offset);
}

/** ln(x) for x > 0 normal; max abs error 3.0e-6. */
@inline
export function fastLn(x: v128): v128 {
  // The exponent field needs no & 255: x is positive, so its sign bit is clear.
  const e = f32x4.sub(f32x4.convert_i32x4_s(i32x4.shr_u(x, 23)), k(K_EXP_127));
  const m = v128.or(v128.and(x, v128.load(MASKS + M_MANTISSA)), v128.load(MASKS + M_ONE_BITS));
  const t = f32x4.sub(m, k(K_ONE));
  let p = f32x4.mul(t, k(K_LN_C + 80));
  p = f32x4.mul(t, f32x4.add(k(K_LN_C + 64), p));
  p = f32x4.mul(t, f32x4.add(k(K_LN_C + 48), p));
  p = f32x4.mul(t, f32x4.add(k(K_LN_C + 32), p));
  p = f32x4.mul(t, f32x4.add(k(K_LN_C + 16), p));
  p = f32x4.mul(t, f32x4.add(k(K_LN_C), p));
  return f32x4.add(p, f32x4.mul(e, k(K_LN2)));
}

/** e^x, max relative error 1.0e-6. */
@inline
export function fastExp(x: v128): v128 {
  let y = f32x4.mul(x, k(K_LOG2E));
  y = f32x4.pmax(y, k(K_EXP_LO)); // y < −126 ? −126 : y
  y = f32x4.pmin(y, k(K_EXP_HI)); // y > 126 ? 126 : y
  const n = f32x4.floor(y);
  const f = f32x4.sub(y, n);
  let p = f32x4.mul(f, k(K_EXP_C + 80));
  p = f32x4.mul(f, f32x4.add(k(K_EXP_C + 64), p));
  p = f32x4.mul(f, f32x4.add(k(K_EXP_C + 48), p));
  p = f32x4.mul(f, f32x4.add(k(K_EXP_C + 32), p));
  p = f32x4.mul(f, f32x4.add(k(K_EXP_C + 16), p));
  p = f32x4.add(k(K_EXP_C), p);
  // n + 2^23 + 127 is exact and holds n + 127 in its low mantissa bits; << 23 moves them into the exponent.
  const scale = i32x4.shl(f32x4.add(n, k(K_EXP_BIAS)), 23);
  return f32x4.mul(p, scale);
}
