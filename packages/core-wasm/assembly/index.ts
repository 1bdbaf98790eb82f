// The genealogy core. One instance = one graph; all state lives in module globals and raw memory blocks
// (./allocator.ts), addressed with load/store. No managed objects, so no GC and no runtime allocator.
//
// Calling protocol (the TS side, src/graph.ts, owns it):
//   bulk build:   addNodes(n) → write kinds at kindsPtr()+first; buildBegin(m, hasQty); per staged chunk
//                 buildCount(len) (degrees); buildAlloc(); per staged chunk buildPlace(len) (edges and
//                 quantities); if buildFinish() returns 1, per staged chunk buildRequantify(len)
//   append:       per staged chunk appendEdges(len) (re-encodes stored quantities first if the chunk needs
//                 a wider encoding); compact() when the buffer is large
//   query:        queryBegin(); per staged chunk of roots querySeed(len); then closure/scope/exposure —
//                 or, for at most stageCapacity() roots, closureFrom/scopeFrom(nRoots, …) in one call;
//                 path(from, to) stands alone
//   results:      nodes in queuePtr() (path too), level ends in levelsPtr() (levelCount() of them: the
//                 nodes at depth d are queue[levels[d-1] .. levels[d])), kinds in resultKindsPtr(),
//                 shares in sharePtr()
// Inputs are validated by the TS side before they are staged: nothing here checks ids again.
//
// Edges point input → output. Forward CSR (fOff/fAdj) lists out-edges, reverse CSR (rOff/rAdj/rQty)
// in-edges; quantities are stored once, in reverse order, in the narrowest lossless encoding (see qmode). Appended edges sit in a buffer threaded by
// per-node linked lists (next arrays) that every traversal reads after the CSR range. The list heads are
// found through a bitset ("has appended edges", n/8 bytes) and a small hash table sized by the buffer, so
// appending costs nothing per node of the graph.
// "Visited" is a bitset (n/8 bytes, small enough to stay in cache) that every query clears again by walking
// its own result, so a query costs O(nodes and edges touched), never O(n). A breadth-first level that is
// large and dense is put in id order before it is expanded (through a second bitset), so the offset and
// adjacency arrays are read front to back instead of at random: that is what makes recalls of
// heavy-hitter lots (a tenth of the graph) fast. Per-query scratch other than the queue grows with the
// largest result asked for, not with the graph.

//
// Files by concern: state (globals), cells (typed memory access, quantity encodings), accessors,
// nodes, build, heads, append (and compaction), queries (closure, scope, path), exposure. This entry file
// only names the module's exports.

export {
  alloc,
  appDstPtr,
  appendedEdgeCount,
  appendedHead,
  appNextInPtr,
  appNextOutPtr,
  appQtyPtr,
  appSrcPtr,
  baseEdgeCount,
  countsPtr,
  fAdjPtr,
  fOffPtr,
  free,
  kindsPtr,
  levelCount,
  levelsPtr,
  maskPtr,
  nodeCount,
  qtyAt,
  qtyDecode,
  qtyMode,
  queuePtr,
  rAdjPtr,
  resultKindsPtr,
  rOffPtr,
  rQtyPtr,
  sharePtr,
  stageCapacity,
  stagePtr,
} from './accessors';
export { appendEdges, compact } from './append';
export { buildAlloc, buildBegin, buildCount, buildFinish, buildPlace, buildRequantify } from './build';
export { exposure } from './exposure';
export { addNodes } from './nodes';
export { closure, closureFrom, path, queryBegin, querySeed, scope, scopeFrom } from './queries';
