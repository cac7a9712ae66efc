// Reads the compiled strip kernel from disk (the only I/O of the strip kernel). `npm run build:wasm`
// writes it to dist/wasm/strip-kernel.wasm; this file sits three levels below the repository root both as
// source (src/engine/strip-kernel/) and compiled (dist/engine/strip-kernel/), so one relative URL serves both.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileModule, type WasmModule } from './wasm-api.js';

export const STRIP_KERNEL_WASM = fileURLToPath(
  new URL('../../../dist/wasm/strip-kernel.wasm', import.meta.url),
);

export type LoadKernelResult = { ok: true; module: WasmModule } | { ok: false; error: string };

let cached: WasmModule | undefined;

/** The compiled kernel module (compiled once per thread, then shared by every bank of that thread). */
export function loadStripKernel(path: string = STRIP_KERNEL_WASM): LoadKernelResult {
  if (cached !== undefined && path === STRIP_KERNEL_WASM) return { ok: true, module: cached };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `cannot read ${path} (run \`npm run build:wasm\`): ${why}` };
  }
  try {
    const module = compileModule(bytes);
    if (path === STRIP_KERNEL_WASM) cached = module;
    return { ok: true, module };
  } catch (err) {
    return { ok: false, error: `invalid wasm ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
}
