// The page: load the snapshot, then trace client-side in WebAssembly and render a readable tree.
import { GenealogyGraph } from '@lotgraph/core-wasm';

interface Nodes {
  seq: number;
  kinds: number[];
  refs: string[];
  labels: string[];
  units: string[];
}
const KIND = ['lot', 'delivery', 'customer'] as const;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const [bytes, nodes] = await Promise.all([
  fetch('./data/genealogy.bin').then((r) => r.arrayBuffer()),
  fetch('./data/nodes.json').then((r) => r.json() as Promise<Nodes>),
]);
const graph = await GenealogyGraph.fromBytes(new Uint8Array(bytes));
const idOf = new Map<string, number>();
nodes.refs.forEach((ref, i) => {
  if (nodes.kinds[i] === 0) idOf.set(ref, i);
});
$('meta').textContent =
  `${graph.nodeCount.toLocaleString()} nodes, ${graph.edgeCount.toLocaleString()} edges (ledger seq ${nodes.seq}), ${(bytes.byteLength / 1e6).toFixed(2)} MB snapshot — every trace below runs in this tab.`;
const list = $('lot-list');
for (const ref of idOf.keys()) {
  const o = document.createElement('option');
  o.value = ref;
  list.append(o);
}

function roots(): number[] {
  const ids: number[] = [];
  for (const raw of ($('lots') as HTMLInputElement).value.split(',')) {
    const ref = raw.trim();
    if (!ref) continue;
    const id = idOf.get(ref);
    if (id === undefined) throw new Error(`unknown lot "${ref}"`);
    ids.push(id);
  }
  if (ids.length === 0) throw new Error('enter a lot id');
  return ids;
}

function label(id: number): HTMLElement {
  const span = document.createElement('span');
  const kind = KIND[nodes.kinds[id] as 0 | 1 | 2] ?? 'lot';
  span.className = kind;
  span.textContent = `${kind === 'delivery' ? 'delivery ' : ''}${nodes.refs[id]}${nodes.labels[id] ? ` — ${nodes.labels[id]}` : ''}`;
  span.dataset.node = String(id);
  return span;
}

/** Tree of the first visit of each node (breadth-first parents), edges annotated with their quantity. */
function render(start: number[], dir: 'forward' | 'backward', reached: Set<number>) {
  const root = document.createElement('ul');
  root.className = 'tree';
  const seen = new Set<number>();
  const build = (id: number, ul: HTMLUListElement, qty: number | undefined, unit: string, depth: number) => {
    const li = document.createElement('li');
    li.append(label(id));
    if (qty !== undefined && Number.isFinite(qty)) {
      const q = document.createElement('span');
      q.className = 'qty';
      q.textContent = `${Number(qty.toFixed(3)).toLocaleString()} ${unit}`;
      li.append(q);
    }
    ul.append(li);
    if (seen.has(id) || depth > 12) return;
    seen.add(id);
    const nb = dir === 'forward' ? graph.successors(id) : graph.predecessors(id);
    const child = document.createElement('ul');
    for (let i = 0; i < nb.nodes.length; i++) {
      const n = nb.nodes[i]!;
      if (!reached.has(n)) continue;
      const unitOf = dir === 'forward' ? nodes.units[id] : nodes.units[n];
      build(n, child, nb.qty[i], unitOf ?? '', depth + 1);
    }
    if (child.childElementCount) li.append(child);
  };
  for (const r of start) build(r, root, undefined, '', 0);
  $('result').replaceChildren(root);
}

function run(kind: 'forward' | 'backward' | 'scope') {
  $('error').textContent = '';
  try {
    const ids = roots();
    const t0 = performance.now();
    let reached: Int32Array;
    let counts: [number, number, number];
    if (kind === 'scope') {
      const s = graph.recallScope(ids);
      reached = s.nodes;
      counts = [s.countByKind[0]!, s.countByKind[1]!, s.countByKind[2]!];
    } else {
      reached = kind === 'forward' ? graph.forward(ids) : graph.backward(ids);
      counts = [0, 0, 0];
      for (const n of reached) counts[nodes.kinds[n] as 0 | 1 | 2]++;
    }
    const ms = performance.now() - t0;
    $('count-lots').textContent = String(counts[0]);
    $('count-deliveries').textContent = String(counts[1]);
    $('count-customers').textContent = String(counts[2]);
    $('time').textContent = `${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms`;
    render(ids, kind === 'backward' ? 'backward' : 'forward', new Set(reached));
    document.body.dataset.done = `${kind}:${ids.join(',')}`;
  } catch (e) {
    $('error').textContent = (e as Error).message;
  }
}
$('forward').addEventListener('click', () => run('forward'));
$('backward').addEventListener('click', () => run('backward'));
$('scope').addEventListener('click', () => run('scope'));
document.body.dataset.ready = 'true';
