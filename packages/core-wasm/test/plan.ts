// Random genealogies for the property tests, and a way to build the same graph in wasm and in the
// reference oracle — at once, or in pieces through addNodes/addEdges.
import fc from 'fast-check';
import { GenealogyGraph } from '../src/index.js';
import { ReferenceGraph } from '../src/reference.js';

export interface Edge {
  s: number;
  d: number;
  q: number; // NaN = unknown
}

export interface Plan {
  kinds: number[];
  edges: Edge[];
  /** Nodes given to create(); the rest come through addNodes. */
  initialNodes: number;
  /** Sizes of the addEdges calls after create (the remainder goes in the last call). */
  pieces: number[];
  compactThreshold: number | undefined;
}

// Every family the core encodes differently: integers and halves (float32), decimals such as kilograms
// to the gram and trace amounts (32-bit decimal words), arbitrary doubles (float64).
const quantity = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 << 25 }).map((i) => i / 2) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map((i) => i / 1000) },
  { weight: 1, arbitrary: fc.constantFrom(1e-6, 1e-7, 1e6, 536_870_910, 536_870_911, 0.1 + 0.2) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
);

interface PlanShape {
  minNodes: number;
  maxNodes: number;
  minEdgesPerNode: number;
  maxEdgesPerNode: number;
  maxPiece: number;
  maxThreshold: number;
}

function plans(shape: PlanShape): fc.Arbitrary<Plan> {
  return fc.integer({ min: shape.minNodes, max: shape.maxNodes }).chain((n) =>
    fc.record({
      kinds: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
      edges: fc.array(
        fc.record({
          s: fc.nat(n - 1),
          d: fc.nat(n - 1),
          // Whole batches are known or unknown in the API; here per edge, grouped when building.
          q: fc.oneof({ weight: 4, arbitrary: quantity }, { weight: 1, arbitrary: fc.constant(Number.NaN) }),
        }),
        { minLength: n * shape.minEdgesPerNode, maxLength: n * shape.maxEdgesPerNode },
      ),
      initialNodes: fc.integer({ min: 0, max: n }),
      pieces: fc.array(fc.integer({ min: 1, max: shape.maxPiece }), { maxLength: 6 }),
      compactThreshold: fc.option(fc.integer({ min: 1, max: shape.maxThreshold }), { nil: undefined }),
    }),
  );
}

/** Small graphs (so cycles, self-loops, duplicate edges and isolated nodes are common). */
export const planArb = (maxNodes = 20): fc.Arbitrary<Plan> =>
  plans({ minNodes: 1, maxNodes, minEdgesPerNode: 0, maxEdgesPerNode: 3, maxPiece: 6, maxThreshold: 8 });

/**
 * Bigger, denser graphs (150–400 nodes, 2–4 out-edges each): breadth-first levels pass the core's
 * small-level threshold (64 nodes), so the gathered expansion is exercised too. (Id-sorted levels need
 * 2,048 nodes: test/large.test.ts.)
 */
export const widePlanArb = (): fc.Arbitrary<Plan> =>
  plans({
    minNodes: 150,
    maxNodes: 400,
    minEdgesPerNode: 2,
    maxEdgesPerNode: 4,
    maxPiece: 400,
    maxThreshold: 300,
  });

/** Roots: 1–4 ids (duplicates allowed). */
export const rootsArb = (n: number) => fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 4 });

/** Splits a run of edges into addEdges calls where quantities are all known or all unknown. */
function* calls(edges: Edge[], pieces: number[]): Generator<Edge[]> {
  let i = 0;
  let p = 0;
  while (i < edges.length) {
    const size = pieces[p++] ?? edges.length;
    const chunk = edges.slice(i, i + size);
    i += chunk.length;
    // keep each call homogeneous in known/unknown quantity
    let start = 0;
    for (let j = 1; j <= chunk.length; j++) {
      if (j === chunk.length || Number.isNaN(chunk[j]!.q) !== Number.isNaN(chunk[start]!.q)) {
        yield chunk.slice(start, j);
        start = j;
      }
    }
  }
}

const qtyOf = (edges: Edge[]) => (Number.isNaN(edges[0]?.q ?? 0) ? undefined : edges.map((e) => e.q));

/** Builds the plan's graph in pieces: create (first nodes + the edges among them), addNodes, addEdges. */
export async function buildInPieces(
  plan: Plan,
): Promise<{ graph: GenealogyGraph; reference: ReferenceGraph }> {
  const n0 = plan.initialNodes;
  const early = plan.edges.filter((e) => e.s < n0 && e.d < n0);
  const late = plan.edges.filter((e) => !(e.s < n0 && e.d < n0));
  // create() takes all-known or all-unknown quantities; an early edge with unknown qty goes late instead.
  const allKnown = early.every((e) => !Number.isNaN(e.q));
  const atCreate = allKnown ? early : early.filter((e) => Number.isNaN(e.q));
  const rest = allKnown ? late : [...early.filter((e) => !Number.isNaN(e.q)), ...late];
  const opts = plan.compactThreshold === undefined ? {} : { compactThreshold: plan.compactThreshold };
  const graph = await GenealogyGraph.create(
    {
      kinds: Uint8Array.from(plan.kinds.slice(0, n0)),
      src: Int32Array.from(atCreate, (e) => e.s),
      dst: Int32Array.from(atCreate, (e) => e.d),
      ...(allKnown && atCreate.length > 0 ? { qty: Float64Array.from(atCreate, (e) => e.q) } : {}),
    },
    opts,
  );
  const reference = new ReferenceGraph(
    plan.kinds.slice(0, n0),
    atCreate.map((e) => e.s),
    atCreate.map((e) => e.d),
    atCreate.map((e) => e.q),
  );
  if (plan.kinds.length > n0) {
    graph.addNodes(plan.kinds.slice(n0));
    reference.addNodes(plan.kinds.slice(n0));
  }
  for (const call of calls(rest, plan.pieces)) {
    const qty = qtyOf(call);
    graph.addEdges(
      call.map((e) => e.s),
      call.map((e) => e.d),
      qty,
    );
    reference.addEdges(
      call.map((e) => e.s),
      call.map((e) => e.d),
      call.map((e) => e.q),
    );
  }
  return { graph, reference };
}

/** Builds the plan's graph in one create() call (quantities: all given, unknown ones as 0 is NOT the same,
 * so this is only used on plans whose quantities are all known or all unknown). */
export async function buildAtOnce(plan: Plan): Promise<GenealogyGraph> {
  const known = plan.edges.every((e) => !Number.isNaN(e.q));
  return GenealogyGraph.create({
    kinds: Uint8Array.from(plan.kinds),
    src: Int32Array.from(plan.edges, (e) => e.s),
    dst: Int32Array.from(plan.edges, (e) => e.d),
    ...(known ? { qty: Float64Array.from(plan.edges, (e) => e.q) } : {}),
  });
}

/** Closure as a sorted list of [node, depth] pairs, for comparison with the reference map. */
export function pairs(nodes: ArrayLike<number>, depth: ArrayLike<number>): [number, number][] {
  return Array.from(nodes, (v, i) => [v, depth[i]!] as [number, number]).sort((a, b) => a[0] - b[0]);
}

export function sortedEntries(m: Map<number, number>): [number, number][] {
  return [...m].sort((a, b) => a[0] - b[0]);
}

/** A multiset of (node, qty) edges, sorted, with NaN spelled out so toEqual compares it plainly. */
export function edgeMultiset(nodes: ArrayLike<number>, qty: ArrayLike<number>): string[] {
  return Array.from(nodes, (v, i) => `${v}:${qty[i]}`).sort();
}
