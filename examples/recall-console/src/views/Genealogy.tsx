import { useEffect, useMemo, useRef, useState } from 'react';
import { type GenealogyData, loadGenealogy, nodeOf } from '../graph/data';
import { type Layout, layoutPicture, NODE_H, type PlacedNode, warmLayout } from '../graph/layout';
import { buildPicture, expandStep, TIERS } from '../graph/model';
import { href, useLoad } from '../hooks';
import { ErrorBox, Loading } from './common';

/** Loaded genealogies by source folder; dropped when the service's data changes (see `invalidateGenealogy`). */
const cache = new Map<string, Promise<GenealogyData>>();

export function invalidateGenealogy(): void {
  for (const p of cache.values()) p.then((d) => d.graph.dispose()).catch(() => {});
  cache.clear();
}

function genealogy(base: string): Promise<GenealogyData> {
  warmLayout(); // the layout worker loads while the snapshot downloads
  let p = cache.get(base);
  if (!p) {
    p = loadGenealogy(base);
    cache.set(base, p);
    p.catch(() => cache.delete(base));
  }
  return p;
}

const TIER_CLASS = ['t-supplier', 't-batch', 't-finished', 't-customer'];

type PictureState =
  | { state: 'loading' }
  | { state: 'ok'; layout: Layout; stats: ReturnType<typeof buildPicture>['stats']; ms: number }
  | { state: 'error'; error: Error };

export function Genealogy({ lotId, base }: { lotId: string; base: string }) {
  const [version, setVersion] = useState(0);
  const [data] = useLoad(`genealogy:${base}:${version}`, () => genealogy(base));
  const [expanded, setExpanded] = useState<Map<string, number>>(new Map());
  const [picture, setPicture] = useState<PictureState>({ state: 'loading' });
  const lastExpanded = useRef<string | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  // Mounted afresh for each centre (keyed by lot in App): a new centre starts fully aggregated.
  const [startedAt] = useState(() => performance.now());

  useEffect(() => {
    if (data.state !== 'ok') return;
    let live = true;
    const t0 = performance.now();
    setPicture({ state: 'loading' });
    (async () => {
      const root = nodeOf(data.data, lotId);
      if (root === undefined) throw new Error(`lot "${lotId}" is not in the genealogy`);
      const p = buildPicture(data.data, root, { expanded });
      const layout = await layoutPicture(p);
      return { layout, stats: p.stats, ms: performance.now() - t0 };
    })().then(
      (r) => live && setPicture({ state: 'ok', ...r }),
      (error: Error) => live && setPicture({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [data, lotId, expanded]);

  // Mark the first paint of each picture (the tests and the bench read it).
  useEffect(() => {
    if (picture.state !== 'ok') {
      delete document.body.dataset.picture;
      return;
    }
    // Keep the reader oriented: the first picture scrolls to its centre lot; after an expansion, focus moves
    // to the group's first member shown (the aggregate that had focus is gone).
    const key = lastExpanded.current;
    const target = key
      ? canvas.current?.querySelector<SVGGElement>(
          `g.node[data-group="${CSS.escape(key)}"], g.node[data-key="${CSS.escape(key)}"]`,
        )
      : canvas.current?.querySelector<SVGGElement>('g.node.root');
    if (key) target?.focus();
    target?.scrollIntoView({ block: 'center', inline: 'center' });
    const id = requestAnimationFrame(() => {
      document.body.dataset.picture = lotId;
      document.body.dataset.pictureMs = (performance.now() - startedAt).toFixed(1);
      document.body.dataset.pictureAt = performance.now().toFixed(1);
    });
    return () => {
      cancelAnimationFrame(id);
      delete document.body.dataset.picture;
    };
  }, [picture, lotId, startedAt]);

  if (data.state === 'loading') return <Loading what="the genealogy" />;
  if (data.state === 'error') return <ErrorBox error={data.error} where="Loading the genealogy" />;

  return (
    <section className="genealogy" aria-labelledby="gen-title">
      <header className="row">
        <h2 id="gen-title">
          Genealogy of <span className="mono">{lotId}</span>
        </h2>
        <span className="muted" data-testid="gen-loaded">
          {data.data.refs.length.toLocaleString()} nodes loaded in {Math.round(data.data.loadMs)} ms (ledger
          seq {data.data.seq})
        </span>
        <span className="spacer" />
        <a className="button secondary" href={href('lot', lotId)}>
          Lot record
        </a>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            invalidateGenealogy();
            setVersion((v) => v + 1);
          }}
        >
          Reload
        </button>
      </header>
      <ul className="legend" aria-label="Legend">
        {TIERS.map((t, i) => (
          <li key={t}>
            <span className={`swatch ${TIER_CLASS[i]}`} aria-hidden="true" /> {t}
          </li>
        ))}
        <li>
          <span className="swatch held" aria-hidden="true" /> on hold
        </li>
        <li>
          <span className="swatch group" aria-hidden="true" /> aggregate: click to expand
        </li>
      </ul>
      {picture.state === 'loading' && <Loading what="the picture" />}
      {picture.state === 'error' && <ErrorBox error={picture.error} where="Drawing the genealogy" />}
      {picture.state === 'ok' && (
        <>
          <p className="muted" aria-live="polite" data-testid="gen-stats">
            {picture.stats.closure.toLocaleString()} nodes up- and downstream:{' '}
            {picture.stats.lots.toLocaleString()} lots, {picture.stats.customers.toLocaleString()} customers
            {picture.stats.aggregated ? ' — aggregated by product and customer' : ''}; drawn in{' '}
            {Math.round(picture.ms)} ms.
          </p>
          <GraphSvg
            ref={canvas}
            layout={picture.layout}
            onExpand={(k) => {
              lastExpanded.current = k;
              setExpanded((e) => expandStep(e, k));
            }}
            onCentre={(ref) => {
              location.hash = `${href('genealogy', ref)}${base === '/genealogy/' ? '' : `?snapshot=${encodeURIComponent(base)}`}`;
            }}
          />
        </>
      )}
    </section>
  );
}

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function GraphSvg({
  ref,
  layout,
  onExpand,
  onCentre,
}: {
  ref: React.Ref<HTMLDivElement>;
  layout: Layout;
  onExpand: (key: string) => void;
  onCentre: (ref: string) => void;
}) {
  const maxQty = useMemo(() => Math.max(1, ...layout.edges.map((e) => e.qty)), [layout]);
  const act = (n: PlacedNode) => {
    if (n.expand) onExpand(n.expand);
    else if (n.ref && !n.root) onCentre(n.ref);
  };
  const W = layout.width + 20;
  const H = layout.height + 20;
  return (
    <div className="graph-scroll" ref={ref}>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG drawing of focusable nodes; a <fieldset> cannot hold SVG */}
      <svg
        width={W}
        height={H}
        viewBox={`-10 -10 ${W} ${H}`}
        role="group"
        aria-label="Genealogy picture: supplier lots, batches, finished lots and customers"
        data-testid="genealogy-svg"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 8 8"
            refX="7"
            refY="4"
            markerWidth="8"
            markerHeight="8"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M0,0 L8,4 L0,8 z" className="arrow" />
          </marker>
        </defs>
        <g className="edges">
          {layout.edges.map((e) => (
            <g key={e.id}>
              <path
                d={pathOf(e.points)}
                className="edge"
                strokeWidth={1 + 3 * Math.sqrt(Math.max(0, e.qty) / maxQty)}
                markerEnd="url(#arrow)"
              />
              {e.labelAt && e.label && (
                <text x={e.labelAt.x} y={e.labelAt.y} className="edge-label" textAnchor="middle">
                  {e.label}
                </text>
              )}
            </g>
          ))}
        </g>
        <g className="nodes">
          {layout.nodes.map((n) => {
            const clickable = Boolean(n.expand) || (Boolean(n.ref) && !n.root);
            const cls = [
              'node',
              TIER_CLASS[n.tier],
              n.kind === 'group' ? 'group' : '',
              n.held > 0 ? 'held' : '',
              n.root ? 'root' : '',
              clickable ? 'clickable' : '',
            ].join(' ');
            const what = n.expand
              ? `${n.label}, ${n.sub}${n.held ? `, ${n.held} on hold` : ''}: press Enter to expand`
              : `${n.label}, ${n.sub}${n.held ? ', on hold' : ''}${n.root ? ' (centre)' : clickable ? ': press Enter to centre on it' : ''}`;
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: an SVG group cannot be a <button>; clickable nodes get role=button, tabIndex and Enter/Space
              <g
                key={n.key}
                className={cls}
                transform={`translate(${n.x},${n.y})`}
                role={clickable ? 'button' : 'img'}
                tabIndex={clickable ? 0 : -1}
                aria-label={what}
                data-key={n.key}
                data-ref={n.ref}
                data-group={n.group}
                onClick={clickable ? () => act(n) : undefined}
                onKeyDown={
                  clickable
                    ? (ev) => {
                        if (ev.key === 'Enter' || ev.key === ' ') {
                          ev.preventDefault();
                          act(n);
                        }
                      }
                    : undefined
                }
              >
                {n.kind === 'group' && (
                  <rect x={4} y={4} width={n.width} height={NODE_H} rx={6} className="stack" />
                )}
                <rect width={n.width} height={NODE_H} rx={6} />
                <text x={10} y={18} className="label">
                  {n.label.length > 34 ? `${n.label.slice(0, 33)}…` : n.label}
                </text>
                <text x={10} y={34} className="sub">
                  {n.sub}
                  {n.held > 0 ? (n.count > 1 ? ` · ${n.held} on hold` : ' · ON HOLD') : ''}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
