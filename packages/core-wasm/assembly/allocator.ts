// A small block allocator over linear memory that grows memory by exactly what it needs.
// (The TLSF allocator of the AssemblyScript runtime doubles memory on every growth, which for a graph of
// 70 MB means 128+ MB held for ever, since wasm memory never shrinks.) The graph has a few dozen big
// blocks, so a sorted table of free regions with first fit and coalescing is plenty.

const ALIGN: usize = 16;
const HEADER: usize = 16; // block size (bytes, header included) at the block start
const MIN_SPLIT: usize = 64;
const MAX_FREE: i32 = 512;

let ready = false;
let heapTop: usize = 0; // end of the used part of memory
let freeTab: usize = 0; // [address u32, size u32] × MAX_FREE, sorted by address
let freeCount: i32 = 0;

function init(): void {
  ready = true;
  freeTab = (__heap_base + ALIGN - 1) & ~(ALIGN - 1);
  heapTop = freeTab + ((<usize>MAX_FREE) << 3);
  ensureMemory(heapTop);
}

function ensureMemory(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end <= have) return;
  const pages = <i32>((end - have + 0xffff) >>> 16);
  if (memory.grow(pages) < 0) unreachable(); // out of memory
}

function fAddr(i: i32): usize {
  return load<u32>(freeTab + ((<usize>i) << 3));
}
function fSize(i: i32): usize {
  return load<u32>(freeTab + ((<usize>i) << 3) + 4);
}
function fSet(i: i32, addr: usize, size: usize): void {
  store<u32>(freeTab + ((<usize>i) << 3), <u32>addr);
  store<u32>(freeTab + ((<usize>i) << 3) + 4, <u32>size);
}
function fRemove(i: i32): void {
  memory.copy(
    freeTab + ((<usize>i) << 3),
    freeTab + ((<usize>(i + 1)) << 3),
    (<usize>(freeCount - i - 1)) << 3,
  );
  freeCount--;
}
function fInsert(i: i32, addr: usize, size: usize): void {
  memory.copy(freeTab + ((<usize>(i + 1)) << 3), freeTab + ((<usize>i) << 3), (<usize>(freeCount - i)) << 3);
  fSet(i, addr, size);
  freeCount++;
}
function blockBytes(size: usize): usize {
  return ((size + ALIGN - 1) & ~(ALIGN - 1)) + HEADER;
}

/** Allocates `size` bytes (16-byte aligned, uninitialised). */
export function blockAlloc(size: usize): usize {
  if (!ready) init();
  let need = blockBytes(size);
  for (let i = 0; i < freeCount; i++) {
    const a = fAddr(i);
    const s = fSize(i);
    if (s < need) continue;
    if (s - need >= MIN_SPLIT) fSet(i, a + need, s - need);
    else {
      need = s;
      fRemove(i);
    }
    store<usize>(a, need);
    return a + HEADER;
  }
  let a = heapTop;
  if (freeCount > 0 && fAddr(freeCount - 1) + fSize(freeCount - 1) === heapTop) {
    a = fAddr(freeCount - 1);
    fRemove(freeCount - 1);
  }
  heapTop = a + need;
  ensureMemory(heapTop);
  store<usize>(a, need);
  return a + HEADER;
}

/** Frees a block from blockAlloc/blockRealloc (0 is ignored). */
export function blockFree(p: usize): void {
  if (p === 0) return;
  let a = p - HEADER;
  let s = load<usize>(a);
  let i = 0;
  while (i < freeCount && fAddr(i) < a) i++;
  // merge with the previous free region
  if (i > 0 && fAddr(i - 1) + fSize(i - 1) === a) {
    i--;
    a = fAddr(i);
    s += fSize(i);
    fRemove(i);
  }
  // merge with the next free region
  if (i < freeCount && a + s === fAddr(i)) {
    s += fSize(i);
    fRemove(i);
  }
  if (a + s === heapTop) {
    heapTop = a; // give the tail back to the top (memory itself never shrinks)
    return;
  }
  if (freeCount < MAX_FREE) fInsert(i, a, s); // else: leak it rather than fail
}

/**
 * Grows or keeps a block. In place when it can: at the top of memory, into a following free region, or —
 * moving the contents down — into a preceding free region. Only then does it move to a new block.
 */
export function blockRealloc(p: usize, size: usize): usize {
  if (p === 0) return blockAlloc(size);
  const a = p - HEADER;
  const s = load<usize>(a);
  const need = blockBytes(size);
  if (need <= s) return p;
  let next = -1;
  let prev = -1;
  for (let i = 0; i < freeCount; i++) {
    const fa = fAddr(i);
    if (fa + fSize(i) === a) prev = i;
    else if (fa === a + s) next = i;
  }
  // forward only (top of memory, or a following free region)
  const hi = next >= 0 ? fAddr(next) + fSize(next) : a + s;
  if (hi === heapTop || hi - a >= need) return place(p, a, hi, next, -1, need);
  // also backwards
  if (prev >= 0) {
    const lo = fAddr(prev);
    if (hi === heapTop || hi - lo >= need) return place(p, lo, hi, next, prev, need);
  }
  const q = blockAlloc(size);
  memory.copy(q, p, s - HEADER);
  blockFree(p);
  return q;
}

// Turns [lo, hi) (the block at p plus the free regions next/prev) into one block of `need` bytes at lo.
function place(p: usize, lo: usize, hi: usize, next: i32, prev: i32, need: usize): usize {
  const s = load<usize>(p - HEADER);
  if (next > prev) {
    if (next >= 0) fRemove(next);
    if (prev >= 0) fRemove(prev);
  } else {
    if (prev >= 0) fRemove(prev);
    if (next >= 0) fRemove(next);
  }
  if (hi === heapTop && hi - lo < need) {
    heapTop = lo + need;
    ensureMemory(heapTop);
    hi = heapTop;
  }
  if (lo !== p - HEADER) memory.copy(lo + HEADER, p, s - HEADER);
  const rest = hi - lo - need;
  if (rest >= MIN_SPLIT) {
    store<usize>(lo, need);
    store<usize>(lo + need, rest);
    blockFree(lo + need + HEADER);
  } else {
    store<usize>(lo, hi - lo);
  }
  return lo + HEADER;
}
