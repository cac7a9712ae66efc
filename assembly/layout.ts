// Memory layout shared with the TypeScript host (src/engine/strip-kernel/): byte offsets inside one quad record.
// A quad is 4 strips (lanes); every field is one v128 holding that field for the 4 lanes (structure of arrays),
// so the kernel reads each parameter with one aligned load at a constant offset.
// The host reads these values from the module's exported globals, so this file is the only definition.

export const FRAMES: i32 = 64;
/** Bytes of one lane-interleaved block (64 frames × 4 lanes × f32): scratch, key and accumulator buffers. */
export const QUAD_BLOCK_BYTES: i32 = 1024;
/** Bytes of one planar f32 block (one strip's input, one output bus). */
export const PLANAR_BLOCK_BYTES: i32 = 256;
export const BIQUAD_SLOTS: i32 = 6;
export const MAX_SENDS: i32 = 8;

// Input gain (smoothed; its sign is the polarity).
export const IN_GAIN_TARGET: i32 = 0;
export const IN_GAIN: i32 = 16;
// Biquad slot s: b0, b1, b2, a1, a2 at BIQUAD + s·BIQUAD_STRIDE + 0, 16, 32, 48, 64 (normalised, a0 = 1).
export const BIQUAD: i32 = 32;
export const BIQUAD_STRIDE: i32 = 80;
// Biquad slot s state (TDF-II): z1 at BIQUAD_STATE + s·32, z2 16 bytes further.
export const BIQUAD_STATE: i32 = 512;
// Gate / expander: gain change = slope·(L − threshold), clamped to [−range, 0], one pole in dB.
export const GATE_THRESHOLD: i32 = 704;
export const GATE_SLOPE: i32 = 720;
export const GATE_NEG_RANGE: i32 = 736;
export const GATE_OPEN: i32 = 752;
export const GATE_CLOSE: i32 = 768;
export const GATE_GAIN_DB: i32 = 784;
// Compressor: soft-knee gain computer in dB, attack/release one pole, makeup, dry/wet.
export const COMP_THRESHOLD: i32 = 800;
export const COMP_SLOPE: i32 = 816; // 1/R − 1
export const COMP_HALF_KNEE: i32 = 832;
export const COMP_NEG_HALF_KNEE: i32 = 848;
export const COMP_INV_2KNEE: i32 = 864;
export const COMP_MAKEUP: i32 = 880;
export const COMP_ATTACK: i32 = 896;
export const COMP_RELEASE: i32 = 912;
export const COMP_WET: i32 = 928;
export const COMP_DRY: i32 = 944;
export const COMP_GAIN_DB: i32 = 960;
/** i32 lanes: all ones where the lane's dynamics are active (used only with F_DYN_MASK). */
export const DYN_LANES: i32 = 976;
export const FADER_TARGET: i32 = 992;
export const FADER: i32 = 1008;
export const PAN_L_TARGET: i32 = 1024;
export const PAN_R_TARGET: i32 = 1040;
export const PAN_L: i32 = 1056;
export const PAN_R: i32 = 1072;
/** One-pole smoothing coefficient k (g += (target − g)·k) of input gain, fader, pan and sends. */
export const SMOOTH: i32 = 1088;
// Send j: target at SEND_TARGET + 16j, current at SEND + 16j, pre-fader lane mask at SEND_PRE + 16j.
export const SEND_TARGET: i32 = 1104;
export const SEND: i32 = 1232;
export const SEND_PRE: i32 = 1360;
// i32 metadata: stage flags, main bus pair index, key buffer address (lane-interleaved), send slot bits.
export const META_FLAGS: i32 = 1488;
export const META_MAIN_BUS: i32 = 1492;
export const META_KEY: i32 = 1496;
export const META_SENDS: i32 = 1500;
export const QUAD_BYTES: i32 = 1504;

// Stage flags (META_FLAGS): a stage whose flag is clear is skipped for the whole quad.
export const F_IN_GAIN: i32 = 1 << 0;
/** Biquad slot s is enabled by F_BIQUAD0 << s. */
export const F_BIQUAD0: i32 = 1 << 1;
export const F_GATE: i32 = 1 << 7;
export const F_GATE_KEY: i32 = 1 << 8;
export const F_COMP: i32 = 1 << 9;
export const F_COMP_MIX: i32 = 1 << 10;
export const F_DYN_MASK: i32 = 1 << 11;
export const F_PAN_SMOOTH: i32 = 1 << 12;
export const F_SEND_PRE: i32 = 1 << 13;
