// Heads of the per-node lists of appended edges: a bitset plus a small open-addressing table.

import { blockAlloc } from './allocator';
import { gi, release, si } from './cells';
import { hasIn, hasOut, heads, mask } from './state';

// ---- append-list heads ----------------------------------------------------------------------------

export function tField(d: i32, f: i32): usize {
  return heads + <usize>(d * 20 + f * 4);
}

export function hashSlot(v: i32, shift: i32): i32 {
  return <i32>((<u32>v * 0x9e3779b1) >>> <u32>shift);
}

export function headGet(d: i32, v: i32): i32 {
  const bits = d === 0 ? hasOut : hasIn;
  if ((load<u32>(bits + ((<usize>(v >>> 5)) << 2)) & (1 << (v & 31))) === 0) return -1;
  const keys = load<usize>(tField(d, 0));
  const mask = load<i32>(tField(d, 2)) - 1;
  let i = hashSlot(v, load<i32>(tField(d, 4)));
  let k = gi(keys, i);
  while (k !== v) {
    if (k === -1) return -1;
    i = (i + 1) & mask;
    k = gi(keys, i);
  }
  return gi(load<usize>(tField(d, 1)), i);
}

export function headSet(d: i32, v: i32, e: i32): void {
  let cap = load<i32>(tField(d, 2));
  if ((load<i32>(tField(d, 3)) + 1) * 2 > cap) {
    headsGrow(d, cap < 1024 ? 1024 : cap * 2);
    cap = load<i32>(tField(d, 2));
  }
  const keys = load<usize>(tField(d, 0));
  const vals = load<usize>(tField(d, 1));
  let i = hashSlot(v, load<i32>(tField(d, 4)));
  while (true) {
    const k = gi(keys, i);
    if (k === v) break;
    if (k === -1) {
      si(keys, i, v);
      store<i32>(tField(d, 3), load<i32>(tField(d, 3)) + 1);
      break;
    }
    i = (i + 1) & (cap - 1);
  }
  si(vals, i, e);
  const bits = d === 0 ? hasOut : hasIn;
  const p = bits + ((<usize>(v >>> 5)) << 2);
  store<u32>(p, load<u32>(p) | (1 << (v & 31)));
}

export function headsGrow(d: i32, cap: i32): void {
  const oldKeys = load<usize>(tField(d, 0));
  const oldVals = load<usize>(tField(d, 1));
  const oldCap = load<i32>(tField(d, 2));
  const keys = blockAlloc((<usize>cap) << 2);
  const vals = blockAlloc((<usize>cap) << 2);
  memory.fill(keys, 0xff, (<usize>cap) << 2);
  const shift = 32 - <i32>ctz(<u32>cap);
  for (let j = 0; j < oldCap; j++) {
    const k = gi(oldKeys, j);
    if (k === -1) continue;
    let i = hashSlot(k, shift);
    while (gi(keys, i) !== -1) i = (i + 1) & (cap - 1);
    si(keys, i, k);
    si(vals, i, gi(oldVals, j));
  }
  release(oldKeys);
  release(oldVals);
  store<usize>(tField(d, 0), keys);
  store<usize>(tField(d, 1), vals);
  store<i32>(tField(d, 2), cap);
  store<i32>(tField(d, 4), shift);
}

export function headsClear(d: i32): void {
  const cap = load<i32>(tField(d, 2));
  if (cap > 0) memory.fill(load<usize>(tField(d, 0)), 0xff, (<usize>cap) << 2);
  store<i32>(tField(d, 3), 0);
}
