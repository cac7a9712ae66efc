// The few WebAssembly JS-API pieces the strip kernel host uses, typed here because the project's libs
// (ES2023 + @types/node) declare no WebAssembly values.

/** A compiled module; opaque to the host. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` × 64 KiB; returns the previous size in pages. Detaches views of the old buffer. */
  grow(pages: number): number;
}

export interface WasmGlobal {
  readonly value: unknown;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, unknown>) => WasmInstance;
}

export const WASM_PAGE_BYTES = 65536;

const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiles synchronously (the kernel is small; the worker compiles it once at start). */
export function compileModule(bytes: Uint8Array): WasmModule {
  return new api.Module(bytes);
}

/** A new instance, with its own linear memory. */
export function instantiate(module: WasmModule): WasmInstance {
  return new api.Instance(module, {});
}
