// Send pass: each enabled send slot glides its gain (one pole per sample) and adds signal × gain into its
// aux bus's lane accumulator. Four slots run together when they can, so their four smoothing recursions
// overlap instead of each waiting on its own.
import * as L from './layout';

@inline
function smooth(g: v128, target: v128, k: v128): v128 {
  return f32x4.add(g, f32x4.mul(f32x4.sub(target, g), k));
}

/** Source of send `j` at byte offset `i`: pre-fader in the lanes whose tap is pre, else post-fader. */
@inline
function tap(quad: usize, j: i32, post: usize, pre: usize, i: usize, flags: i32): v128 {
  const v = v128.load(post + i);
  if (!(flags & L.F_SEND_PRE)) return v;
  return v128.bitselect(v128.load(pre + i), v, v128.load(quad + <usize>(L.SEND_PRE + j * 16)));
}

function sendFour(quad: usize, j: i32, post: usize, pre: usize, acc: usize, flags: i32): void {
  const k = v128.load(quad + <usize>L.SMOOTH);
  const t = quad + <usize>(L.SEND_TARGET + j * 16);
  const s = quad + <usize>(L.SEND + j * 16);
  let g0 = v128.load(s, 0), g1 = v128.load(s, 16), g2 = v128.load(s, 32), g3 = v128.load(s, 48);
  const a0 = acc + <usize>(j * L.QUAD_BLOCK_BYTES);
  const a1 = a0 + <usize>L.QUAD_BLOCK_BYTES;
  const a2 = a1 + <usize>L.QUAD_BLOCK_BYTES;
  const a3 = a2 + <usize>L.QUAD_BLOCK_BYTES;
  for (let i: usize = 0; i < <usize>L.QUAD_BLOCK_BYTES; i += 16) {
    g0 = smooth(g0, v128.load(t, 0), k);
    g1 = smooth(g1, v128.load(t, 16), k);
    g2 = smooth(g2, v128.load(t, 32), k);
    g3 = smooth(g3, v128.load(t, 48), k);
    if (flags & L.F_SEND_PRE) {
      v128.store(a0 + i, f32x4.add(v128.load(a0 + i), f32x4.mul(tap(quad, j, post, pre, i, flags), g0)));
      v128.store(a1 + i, f32x4.add(v128.load(a1 + i), f32x4.mul(tap(quad, j + 1, post, pre, i, flags), g1)));
      v128.store(a2 + i, f32x4.add(v128.load(a2 + i), f32x4.mul(tap(quad, j + 2, post, pre, i, flags), g2)));
      v128.store(a3 + i, f32x4.add(v128.load(a3 + i), f32x4.mul(tap(quad, j + 3, post, pre, i, flags), g3)));
    } else {
      const v = v128.load(post + i);
      v128.store(a0 + i, f32x4.add(v128.load(a0 + i), f32x4.mul(v, g0)));
      v128.store(a1 + i, f32x4.add(v128.load(a1 + i), f32x4.mul(v, g1)));
      v128.store(a2 + i, f32x4.add(v128.load(a2 + i), f32x4.mul(v, g2)));
      v128.store(a3 + i, f32x4.add(v128.load(a3 + i), f32x4.mul(v, g3)));
    }
  }
  v128.store(s, g0, 0);
  v128.store(s, g1, 16);
  v128.store(s, g2, 32);
  v128.store(s, g3, 48);
}

function sendOne(quad: usize, j: i32, post: usize, pre: usize, acc: usize, flags: i32): void {
  const k = v128.load(quad + <usize>L.SMOOTH);
  const target = v128.load(quad + <usize>(L.SEND_TARGET + j * 16));
  const s = quad + <usize>(L.SEND + j * 16);
  let g = v128.load(s);
  const a = acc + <usize>(j * L.QUAD_BLOCK_BYTES);
  for (let i: usize = 0; i < <usize>L.QUAD_BLOCK_BYTES; i += 16) {
    g = smooth(g, target, k);
    v128.store(a + i, f32x4.add(v128.load(a + i), f32x4.mul(tap(quad, j, post, pre, i, flags), g)));
  }
  v128.store(s, g);
}

/** Runs the send slots 0 … sends−1 whose bit is set in the quad's send mask; `acc` is aux 0's accumulator. */
export function sendsQuad(quad: usize, post: usize, pre: usize, acc: usize, sends: i32, flags: i32): void {
  const mask = load<i32>(quad + <usize>L.META_SENDS);
  let j = 0;
  while (j < sends) {
    if (j + 4 <= sends && ((mask >>> j) & 15) == 15) {
      sendFour(quad, j, post, pre, acc, flags);
      j += 4;
    } else {
      if ((mask >>> j) & 1) sendOne(quad, j, post, pre, acc, flags);
      j++;
    }
  }
}
