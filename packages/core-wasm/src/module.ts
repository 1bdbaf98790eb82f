// The one place that turns the wasm bytes into instances: compiled once per process (asynchronously, as
// browsers require for anything but tiny modules), one instance — and so one linear memory — per graph.
import wasmBytes from '../build/genealogy.wasm';

/** The raw exports of `assembly/index.ts` (see that file for the calling protocol). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  stageCapacity(): number;
  stagePtr(): number;
  maskPtr(): number;
  countsPtr(): number;
  nodeCount(): number;
  baseEdgeCount(): number;
  appendedEdgeCount(): number;
  kindsPtr(): number;
  fOffPtr(): number;
  fAdjPtr(): number;
  rOffPtr(): number;
  rAdjPtr(): number;
  rQtyPtr(): number;
  appSrcPtr(): number;
  appDstPtr(): number;
  appQtyPtr(): number;
  appNextOutPtr(): number;
  appNextInPtr(): number;
  appendedHead(direction: number, node: number): number;
  queuePtr(): number;
  levelsPtr(): number;
  levelCount(): number;
  sharePtr(): number;
  resultKindsPtr(): number;
  addNodes(count: number): number;
  buildBegin(edges: number, hasQty: number): void;
  buildFinish(): number;
  buildRequantify(len: number): void;
  qtyMode(): number;
  qtyAt(ptr: number, index: number): number;
  qtyDecode(ptr: number, start: number, len: number): void;
  buildCount(len: number): void;
  buildAlloc(): void;
  buildPlace(len: number): void;
  appendEdges(len: number): void;
  compact(): void;
  queryBegin(): void;
  querySeed(len: number): void;
  closure(direction: number, maxDepth: number, useMask: number): number;
  closureFrom(nRoots: number, direction: number, maxDepth: number, useMask: number): number;
  scope(): number;
  scopeFrom(nRoots: number): number;
  exposure(): number;
  path(from: number, to: number): number;
}

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
