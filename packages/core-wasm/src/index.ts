// The whole public surface of @lotgraph/core-wasm.

/** Exposure iteration limits (tolerance and iterations per cycle). */
export { DEFAULT_COMPACT_THRESHOLD, EXPOSURE_MAX_ITERATIONS, EXPOSURE_TOLERANCE } from './constants.js';
/** Typed error thrown for every bad input, with a stable `code` and the `argument` at fault. */
export { GenealogyError, type GenealogyErrorCode } from './errors.js';
/** The genealogy graph: build, append, trace, recall scope, exposure, path, snapshots. */
export { GenealogyGraph } from './graph.js';
/** Compile the WebAssembly module ahead of the first graph (optional; `create` does it on demand). */
export { loadGenealogyModule } from './module.js';
/** Snapshot format identifiers (magic "LGGR" as a little-endian u32, and the format version). */
export { SNAPSHOT_MAGIC, SNAPSHOT_VERSION } from './snapshot.js';
/** Input, option and result shapes. */
export type {
  Closure,
  Exposure,
  GraphInput,
  GraphOptions,
  Neighbours,
  RecallScope,
  TraverseOptions,
} from './types.js';
