// Typed view of the strip kernel's exports. The quad record layout and the stage flags are defined once,
// in assembly/layout.ts, and exported by the module as globals; this reads them and checks their shape.
import type { WasmInstance, WasmMemory } from './wasm-api.js';

const LAYOUT_NAMES = [
  'FRAMES',
  'QUAD_BLOCK_BYTES',
  'PLANAR_BLOCK_BYTES',
  'BIQUAD_SLOTS',
  'MAX_SENDS',
  'IN_GAIN_TARGET',
  'IN_GAIN',
  'BIQUAD',
  'BIQUAD_STRIDE',
  'BIQUAD_STATE',
  'GATE_THRESHOLD',
  'GATE_SLOPE',
  'GATE_NEG_RANGE',
  'GATE_OPEN',
  'GATE_CLOSE',
  'GATE_GAIN_DB',
  'COMP_THRESHOLD',
  'COMP_SLOPE',
  'COMP_HALF_KNEE',
  'COMP_NEG_HALF_KNEE',
  'COMP_INV_2KNEE',
  'COMP_MAKEUP',
  'COMP_ATTACK',
  'COMP_RELEASE',
  'COMP_WET',
  'COMP_DRY',
  'COMP_GAIN_DB',
  'DYN_LANES',
  'FADER_TARGET',
  'FADER',
  'PAN_L_TARGET',
  'PAN_R_TARGET',
  'PAN_L',
  'PAN_R',
  'SMOOTH',
  'SEND_TARGET',
  'SEND',
  'SEND_PRE',
  'META_FLAGS',
  'META_MAIN_BUS',
  'META_KEY',
  'META_SENDS',
  'QUAD_BYTES',
  'F_IN_GAIN',
  'F_BIQUAD0',
  'F_GATE',
  'F_GATE_KEY',
  'F_COMP',
  'F_COMP_MIX',
  'F_DYN_MASK',
  'F_PAN_SMOOTH',
  'F_SEND_PRE',
] as const;

export type KernelLayout = Readonly<Record<(typeof LAYOUT_NAMES)[number], number>>;

export type ProcessBlock = (
  quads: number,
  quadCount: number,
  input: number,
  scratch: number,
  acc: number,
  out: number,
  meters: number,
  mainPairs: number,
  sends: number,
) => void;

export interface KernelExports {
  readonly memory: WasmMemory;
  readonly layout: KernelLayout;
  readonly heapBase: () => number;
  readonly processBlock: ProcessBlock;
}

export type KernelExportsResult = { ok: true; kernel: KernelExports } | { ok: false; error: string };

function isGlobal(v: unknown): v is { value: unknown } {
  return typeof v === 'object' && v !== null && 'value' in v;
}

/** Checks that the instance is a strip kernel of the expected shape. */
export function readKernelExports(instance: WasmInstance): KernelExportsResult {
  const e = instance.exports;
  const layout: Record<string, number> = {};
  for (const name of LAYOUT_NAMES) {
    const g = e[name];
    if (!isGlobal(g) || typeof g.value !== 'number') return { ok: false, error: `missing export ${name}` };
    layout[name] = g.value;
  }
  const { memory, heapBase, processBlock } = e;
  if (typeof heapBase !== 'function' || typeof processBlock !== 'function') {
    return { ok: false, error: 'missing function exports heapBase/processBlock' };
  }
  if (typeof memory !== 'object' || memory === null || !('buffer' in memory)) {
    return { ok: false, error: 'missing memory export' };
  }
  return {
    ok: true,
    kernel: {
      memory: memory as WasmMemory,
      layout: layout as KernelLayout,
      heapBase: heapBase as () => number,
      processBlock: processBlock as ProcessBlock,
    },
  };
}
