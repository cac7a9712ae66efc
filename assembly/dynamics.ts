// Dynamics and main-output pass over one quad's filtered block: level detector (fast ln), gate/expander,
// compressor, gain (fast exp), fader, pan into the main pair's accumulators, peak meter. Writes the
// post-fader signal (and, when some send taps pre-fader, the pre-fader signal) for the send pass.
// The gate → compressor → gain sequence is the benchmark strip's, operation for operation.
import * as L from './layout';
import { CONSTS, K_DB_PER_NEPER, K_LEVEL_EPS, K_NEPER_PER_DB, K_ONE, K_ZERO } from './consts';
import { fastExp, fastLn } from './fast-math';

@inline
function q(quad: usize, offset: i32): v128 {
  return v128.load(quad + <usize>offset);
}
@inline
function k(offset: i32): v128 {
  return v128.load(CONSTS + <usize>offset);
}
/** Level in dB of a lane-interleaved sample: 20·log10(|x| + 1e-9). */
@inline
function levelDb(x: v128): v128 {
  return f32x4.mul(k(K_DB_PER_NEPER), fastLn(f32x4.add(f32x4.abs(x), k(K_LEVEL_EPS))));
}

/**
 * `x`: filtered block; `post`/`pre`: where the post- and pre-fader signals go; `accL`/`accR`: the main pair's
 * lane accumulators; `meter`: 4 f32 peaks. Returns nothing: state goes back into the quad record.
 */
export function dynamicsQuad(
  quad: usize,
  x: usize,
  post: usize,
  pre: usize,
  accL: usize,
  accR: usize,
  meter: usize,
  flags: i32,
): void {
  const key = <usize>load<i32>(quad + <usize>L.META_KEY);
  let gG = q(quad, L.GATE_GAIN_DB);
  let gC = q(quad, L.COMP_GAIN_DB);
  let fader = q(quad, L.FADER);
  let panL = q(quad, L.PAN_L);
  let panR = q(quad, L.PAN_R);
  let peak = k(K_ZERO);
  const dynamics = flags & (L.F_GATE | L.F_COMP);
  for (let i: usize = 0; i < <usize>L.QUAD_BLOCK_BYTES; i += 16) {
    const xi = v128.load(x + i);
    let wet = xi; // the signal after dynamics, before the fader
    if (dynamics) {
      const level = levelDb(xi);
      let sumDb = k(K_ZERO);
      if (flags & L.F_GATE) {
        const gateLevel = flags & L.F_GATE_KEY ? levelDb(v128.load(key + i)) : level;
        let tg = f32x4.mul(q(quad, L.GATE_SLOPE), f32x4.sub(gateLevel, q(quad, L.GATE_THRESHOLD)));
        tg = f32x4.pmax(tg, q(quad, L.GATE_NEG_RANGE)); // tg < −range ? −range : tg
        tg = f32x4.pmin(tg, k(K_ZERO)); // tg > 0 ? 0 : tg
        // Opening (gain rising) uses the open coefficient.
        const a = v128.bitselect(q(quad, L.GATE_OPEN), q(quad, L.GATE_CLOSE), f32x4.gt(tg, gG));
        gG = f32x4.add(tg, f32x4.mul(a, f32x4.sub(gG, tg)));
        sumDb = gG;
      }
      let gain: v128;
      if (flags & L.F_COMP) {
        // Detector: the level of the gated signal.
        const over = f32x4.sub(f32x4.add(level, gG), q(quad, L.COMP_THRESHOLD));
        const o = f32x4.add(over, q(quad, L.COMP_HALF_KNEE));
        const slope = q(quad, L.COMP_SLOPE);
        const knee = f32x4.mul(f32x4.mul(f32x4.mul(slope, o), o), q(quad, L.COMP_INV_2KNEE));
        let tc = v128.bitselect(f32x4.mul(slope, over), knee, f32x4.ge(over, q(quad, L.COMP_HALF_KNEE)));
        tc = v128.andnot(tc, f32x4.le(over, q(quad, L.COMP_NEG_HALF_KNEE))); // 0 below the knee
        const a = v128.bitselect(q(quad, L.COMP_ATTACK), q(quad, L.COMP_RELEASE), f32x4.lt(tc, gC));
        gC = f32x4.add(tc, f32x4.mul(a, f32x4.sub(gC, tc)));
        if (flags & L.F_COMP_MIX) {
          // Parallel compression: gated · (dry + wet · compressor gain).
          const comp = fastExp(f32x4.mul(f32x4.add(gC, q(quad, L.COMP_MAKEUP)), k(K_NEPER_PER_DB)));
          const mix = f32x4.add(q(quad, L.COMP_DRY), f32x4.mul(q(quad, L.COMP_WET), comp));
          gain = f32x4.mul(fastExp(f32x4.mul(sumDb, k(K_NEPER_PER_DB))), mix);
        } else {
          sumDb = f32x4.add(f32x4.add(sumDb, gC), q(quad, L.COMP_MAKEUP));
          gain = fastExp(f32x4.mul(sumDb, k(K_NEPER_PER_DB)));
        }
      } else {
        gain = fastExp(f32x4.mul(sumDb, k(K_NEPER_PER_DB)));
      }
      // Lanes with dynamics off get exactly unity (the polynomial exp(0) is 0.99999977).
      if (flags & L.F_DYN_MASK) gain = v128.bitselect(gain, k(K_ONE), q(quad, L.DYN_LANES));
      wet = f32x4.mul(xi, gain);
    }
    fader = f32x4.add(fader, f32x4.mul(f32x4.sub(q(quad, L.FADER_TARGET), fader), q(quad, L.SMOOTH)));
    const v = f32x4.mul(wet, fader);
    if (flags & L.F_PAN_SMOOTH) {
      panL = f32x4.add(panL, f32x4.mul(f32x4.sub(q(quad, L.PAN_L_TARGET), panL), q(quad, L.SMOOTH)));
      panR = f32x4.add(panR, f32x4.mul(f32x4.sub(q(quad, L.PAN_R_TARGET), panR), q(quad, L.SMOOTH)));
    }
    v128.store(accL + i, f32x4.add(v128.load(accL + i), f32x4.mul(v, panL)));
    v128.store(accR + i, f32x4.add(v128.load(accR + i), f32x4.mul(v, panR)));
    peak = f32x4.pmax(peak, f32x4.abs(v)); // |v| > peak ? |v| : peak
    v128.store(post + i, v);
    if (flags & L.F_SEND_PRE) v128.store(pre + i, wet);
  }
  v128.store(quad + <usize>L.GATE_GAIN_DB, gG);
  v128.store(quad + <usize>L.COMP_GAIN_DB, gC);
  v128.store(quad + <usize>L.FADER, fader);
  v128.store(quad + <usize>L.PAN_L, panL);
  v128.store(quad + <usize>L.PAN_R, panR);
  v128.store(meter, peak);
}
