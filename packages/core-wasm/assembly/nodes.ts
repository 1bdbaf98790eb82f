// Nodes: growing the per-node arrays.

import { blockAlloc } from './allocator';
import { grownCapacity, resize, si } from './cells';
import { aux, fOff, hasIn, hasOut, kinds, lvlBits, mBase, n, ncap, queue, rOff, seen } from './state';

// ---- nodes --------------------------------------------------------------------------------------

export function ensureAux(): void {
  if (aux === 0) aux = blockAlloc((<usize>ncap) << 2);
}

export function ensureNodes(need: i32): void {
  if (need <= ncap) return;
  const cap = grownCapacity(ncap, need, 16);
  const old = <usize>ncap;
  const c = <usize>cap;
  kinds = resize(kinds, c);
  fOff = resize(fOff, (c + 1) << 2);
  rOff = resize(rOff, (c + 1) << 2);
  if (old === 0) {
    si(fOff, 0, 0);
    si(rOff, 0, 0);
  }
  const oldWords = (old + 31) >>> 5;
  const words = (c + 31) >>> 5;
  seen = resize(seen, words << 2);
  memory.fill(seen + (oldWords << 2), 0, (words - oldWords) << 2);
  if (lvlBits !== 0) {
    lvlBits = resize(lvlBits, words << 2);
    memory.fill(lvlBits + (oldWords << 2), 0, (words - oldWords) << 2);
  }
  queue = resize(queue, (c + 1) << 2); // + 1: absorb() writes one slot past the last new node
  if (aux !== 0) aux = resize(aux, c << 2);
  if (hasOut !== 0) {
    hasOut = resize(hasOut, words << 2);
    memory.fill(hasOut + (oldWords << 2), 0, (words - oldWords) << 2);
    hasIn = resize(hasIn, words << 2);
    memory.fill(hasIn + (oldWords << 2), 0, (words - oldWords) << 2);
  }
  ncap = cap;
}

/** Adds `count` nodes (kind 0 until the caller writes their kinds); returns the first new id. */
export function addNodes(count: i32): i32 {
  const first = n;
  ensureNodes(n + count);
  memory.fill(kinds + <usize>first, 0, <usize>count);
  for (let i = first; i < first + count; i++) {
    si(fOff, i + 1, mBase);
    si(rOff, i + 1, mBase);
  }
  n = first + count;
  return first;
}
