// Constants and the graph's state: node and edge arrays, quantity encoding, append buffer, query and exposure scratch. Every other module reads and writes these globals.

import { blockAlloc } from './allocator';

export const STAGE: i32 = 16384;
export const INT_MAX: i32 = 0x7fffffff;
export const TOLERANCE: f64 = 1e-12;
export const MAX_ITERATIONS: i32 = 1000;

// Fixed areas: staging for inputs (src i32 | dst i32 | qty f64), kind mask, counts per kind.
export const stage: usize = blockAlloc(<usize>STAGE * 16);
export const mask: usize = blockAlloc(256);
export const counts: usize = blockAlloc(1024);
// Three more count tables: scope() counts into four in turn, so consecutive nodes of one kind do not wait
// on each other's increment.
export const counts4: usize = blockAlloc(3 * 1024);

// Nodes.
export let n: i32 = 0;
export let ncap: i32 = 0;
export let kinds: usize = 0; // u8[ncap]
export let fOff: usize = 0; // i32[ncap+1]
export let rOff: usize = 0; // i32[ncap+1]
export let seen: usize = 0; // u32[ceil(ncap/32)] visited bits, all zero between queries
export let lvlBits: usize = 0; // u32[ceil(ncap/32)] level-sorting bits, all zero between uses (on first use)
export let queue: usize = 0; // i32[ncap] BFS queue = query result; path output
export let okind: usize = 0; // u8[okcap] kind per result slot (scope), grown on demand
export let okcap: i32 = 0;
export let levels: usize = 0; // i32[lvcap] end of each BFS level in the queue
export let lvcap: i32 = 0;
export let nlevels: i32 = 0;
export let aux: usize = 0; // i32[ncap] per node: BFS parent (path), queue position (exposure), cursor (compact);
// allocated on first use, so a graph that is only traced does not pay for it
export let hasOut: usize = 0; // u32 bitset: node has appended out-edges (allocated on first append)
export let hasIn: usize = 0;
// Head tables, one per direction (0 out, 1 in): open addressing, node → newest appended edge.
// Fields at heads + 20·d: keys ptr, values ptr, capacity (power of 2), count, hash shift.
export const heads: usize = blockAlloc(40);
memory.fill(heads, 0, 40);

// Compacted edges.
export let mBase: i32 = 0;
export let fAdj: usize = 0; // i32[mBase]
export let rAdj: usize = 0; // i32[mBase]
export let rQty: usize = 0; // [mBase] in the encoding `qmode`; 0 (nothing) while no quantity is known

// Quantity encodings, always lossless (a value that an encoding cannot give back bit for bit moves every
// stored quantity to a wider one, so the choice depends only on the values, never on their order):
//   QNONE  no quantity known: nothing stored, every quantity reads as NaN (unknown)
//   QDEC   every known quantity is the double nearest to m / 10^k with m < 2^29 - 1 and k ≤ 7, i.e. a
//          decimal of at most 9 significant digits and 7 places (kilograms to the gram, litres to the ml,
//          1e-6 trace amounts, a million units): 4 bytes, k in the top 3 bits, m below; decoded by one
//          correctly rounded division, which gives back exactly the double the caller passed
//   QF32   otherwise, when every known quantity is exactly a float32 (binary fractions such as 2^-10,
//          integers up to 2^24): 4 bytes
//   QF64   anything else: 8 bytes
// Unknown quantities (NaN) are NaN in QF32/QF64 and the reserved word 0xFFFFFFFF in QDEC.
export const QNONE: i32 = 0;
export const QF32: i32 = 1;
export const QDEC: i32 = 2;
export const QF64: i32 = 3;
export const QNAN: u32 = 0xffffffff;
export const MANT: u32 = 0x1fffffff;
export const POW10: usize = memory.data<f64>([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]);
export let qmode: i32 = QNONE;
// What the stored quantities (plus those being classified) allow: any known, all float32, all decimal.
export let qKnown = false;
export let qAllF32 = true;
export let qAllDec = true;
export let qLastK: i32 = 3;

// Append buffer.
export let na: i32 = 0;
export let acap: i32 = 0;
export let appSrc: usize = 0;
export let appDst: usize = 0;
export let appQty: usize = 0;
export let appNextOut: usize = 0;
export let appNextIn: usize = 0;

// Queries.
export let qlen: i32 = 0;
export let nroots: i32 = 0;

// Exposure scratch (allocated on first use).
export let xcap: i32 = 0;
export let xIdx: usize = 0;
export let xLow: usize = 0;
export let xStack: usize = 0;
export let xIt: usize = 0;
export let xOrder: usize = 0;
export let xShare: usize = 0;
export let xTmp: usize = 0;
export let xFrame: usize = 0;
