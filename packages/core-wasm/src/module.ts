// The one place that turns the wasm bytes into instances: compiled once per process (asynchronously, as
// browsers require for anything but tiny modules), one instance — and so one linear memory — per graph.
import wasmBytes from '../build/genealogy.wasm';
import type { CoreExports } from './exports.generated.js';

export type { CoreExports } from './exports.generated.js';

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles the genealogy module once and caches it; later calls return the same promise. */
export function loadGenealogyModule(): Promise<WebAssembly.Module> {
  if (!compiled) {
    compiled = WebAssembly.compile(wasmBytes as Uint8Array<ArrayBuffer>);
    compiled.catch(() => {
      compiled = undefined; // let a later call retry
    });
  }
  return compiled;
}

/** A fresh instance (own memory) of the cached module. */
export async function instantiateCore(): Promise<CoreExports> {
  const module = await loadGenealogyModule();
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`genealogy core aborted at ${line}:${column}`);
      },
    },
  });
  return instance.exports as unknown as CoreExports;
}
