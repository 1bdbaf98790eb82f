// Layered layout of a picture with elkjs (Eclipse Layout Kernel, "layered" = Sugiyama): tiers become ELK
// partitions so supplier lots, batches, finished lots and customers line up in columns left to right,
// edge crossings are minimised and edge labels get their own space. Rendering is our own SVG.
// ELK runs in a Web Worker (its prebuilt worker script, shipped as a static asset: the main thread stays
// responsive during a layout, and the bundler never has to transform ELK's 1.5 MB of generated code).
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { approx } from '../format';
import type { Picture, PictureEdge, PictureNode } from './model';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode extends PictureNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends PictureEdge {
  id: string;
  points: Point[];
  label: string;
  labelAt?: Point;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

let elk: InstanceType<typeof ELK> | undefined;
/** Start the layout worker ahead of the first picture (it loads ELK once). */
export function warmLayout(): void {
  elk ??= new ELK({ workerUrl });
}
const CHAR = 7.8; // px per character at the node font size (12.5 px bold sans-serif, conservative)
export const NODE_H = 44;

const widthOf = (n: PictureNode) =>
  Math.min(290, Math.max(110, 24 + CHAR * Math.max(Math.min(n.label.length, 34), n.sub.length)));

function graphOf(p: Picture, partitions: boolean): ElkNode {
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.partitioning.activate': String(partitions),
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '16',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.inline': 'true',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.edgeRouting': 'POLYLINE',
    },
    children: p.nodes.map((n) => ({
      id: n.key,
      width: widthOf(n),
      height: NODE_H,
      layoutOptions: { 'elk.partitioning.partition': String(n.tier) },
    })),
    edges: p.edges.map(
      (e, i): ElkExtendedEdge => ({
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        labels: [
          { id: `l${i}`, text: approx(e.qty, e.unit), width: 6.5 * approx(e.qty, e.unit).length, height: 12 },
        ],
      }),
    ),
  };
}

/** Lay the picture out (tiers as partitions; without them if ELK refuses, e.g. a rework cycle across tiers). */
export async function layoutPicture(p: Picture): Promise<Layout> {
  warmLayout();
  const engine = elk!;
  let out: ElkNode;
  try {
    out = await engine.layout(graphOf(p, true));
  } catch {
    out = await engine.layout(graphOf(p, false));
  }
  const byKey = new Map(p.nodes.map((n) => [n.key, n]));
  const nodes: PlacedNode[] = (out.children ?? []).map((c) => ({
    ...byKey.get(c.id)!,
    x: c.x ?? 0,
    y: c.y ?? 0,
    width: c.width ?? 0,
    height: c.height ?? 0,
  }));
  const edges: PlacedEdge[] = (out.edges ?? []).map((e) => {
    const src = p.edges[Number(e.id.slice(1))]!;
    const s = (e as ElkExtendedEdge).sections?.[0];
    const points = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] : [];
    const l = e.labels?.[0];
    return {
      ...src,
      id: e.id,
      points,
      label: approx(src.qty, src.unit),
      ...(l && l.x !== undefined && l.y !== undefined
        ? { labelAt: { x: l.x + (l.width ?? 0) / 2, y: l.y + 10 } }
        : {}),
    };
  });
  return { width: out.width ?? 0, height: out.height ?? 0, nodes, edges };
}
