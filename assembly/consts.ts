// Splatted constants kept in linear memory: the kernel loads them (one aligned load, foldable into the
// arithmetic instruction) instead of materialising v128.const inside the per-sample loops.

// Byte offsets into CONSTS (16 bytes per constant).
export const K_ZERO: i32 = 0;
export const K_ONE: i32 = 16;
export const K_DB_PER_NEPER: i32 = 32; // 20 / ln 10
export const K_NEPER_PER_DB: i32 = 48; // ln 10 / 20
export const K_LEVEL_EPS: i32 = 64;
export const K_LN2: i32 = 80;
export const K_LOG2E: i32 = 96;
export const K_EXP_LO: i32 = 112; // −126
export const K_EXP_HI: i32 = 128; // 126
export const K_EXP_BIAS: i32 = 144; // 2^23 + 127: adding it to an integer-valued float puts n + 127 in the low bits
export const K_EXP_127: i32 = 160;
export const K_LN_C: i32 = 176; // 6 fast_ln polynomial coefficients, 176 … 256
export const K_EXP_C: i32 = 272; // 6 fast_exp polynomial coefficients, 272 … 352
export const CONSTS: usize = memory.data<f32>(
  [
    0, 0, 0, 0, 1, 1, 1, 1, 8.6858896, 8.6858896, 8.6858896, 8.6858896, 0.11512925, 0.11512925, 0.11512925,
    0.11512925, 1e-9, 1e-9, 1e-9, 1e-9, 0.69314718, 0.69314718, 0.69314718, 0.69314718, 1.44269504, 1.44269504,
    1.44269504, 1.44269504, -126, -126, -126, -126, 126, 126, 126, 126, 8388735, 8388735, 8388735, 8388735, 127,
    127, 127, 127, 0.999876615, 0.999876615, 0.999876615, 0.999876615, -0.497609239, -0.497609239, -0.497609239,
    -0.497609239, 0.316694909, 0.316694909, 0.316694909, 0.316694909, -0.192254802, -0.192254802, -0.192254802,
    -0.192254802, 0.084504442, 0.084504442, 0.084504442, 0.084504442, -0.0180677834, -0.0180677834,
    -0.0180677834, -0.0180677834, 0.99999977, 0.99999977, 0.99999977, 0.99999977, 0.693156777, 0.693156777,
    0.693156777, 0.693156777, 0.240131692, 0.240131692, 0.240131692, 0.240131692, 0.0558765569, 0.0558765569,
    0.0558765569, 0.0558765569, 0.00894058253, 0.00894058253, 0.00894058253, 0.00894058253, 0.00189437942,
    0.00189437942, 0.00189437942, 0.00189437942,
  ],
  16,
);

// Integer lane constants, in their own table.
export const M_MANTISSA: i32 = 0; // 0x007FFFFF
export const M_ONE_BITS: i32 = 16; // 0x3F800000, the bits of 1.0f
export const MASKS: usize = memory.data<i32>(
  [0x7fffff, 0x7fffff, 0x7fffff, 0x7fffff, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000],
  16,
);
