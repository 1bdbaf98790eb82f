import { useEffect, useRef, useState } from 'react';
import { enc, getJson, type LotRecord, type Movement, postJson, type SearchResult } from '../api';
import { day, qty, when } from '../format';
import { href, useLoad } from '../hooks';
import { Badge, ErrorBox, Loading, VERDICT_KIND } from './common';
import { invalidateGenealogy } from './Genealogy';

/** The search box: lot id, supplier lot number, GTIN, or a pasted GS1 scan. */
export function SearchBox({ initial = '' }: { initial?: string }) {
  const [q, setQ] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setQ(initial), [initial]);
  return (
    <search>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) location.hash = `#/search?q=${enc(q.trim())}`;
          else input.current?.focus();
        }}
      >
        <label htmlFor="q">Lot, supplier lot, GTIN or GS1 scan</label>
        <input
          id="q"
          ref={input}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="(01)09506000130026(10)SES260312-653(17)270106"
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

const MATCH: Record<string, string> = {
  lot: 'lot number',
  supplierLot: 'supplier lot',
  gtin: 'GTIN',
  partial: 'partial match',
};

export function Search({ q }: { q: string }) {
  const [res] = useLoad(`search:${q}`, () => getJson<SearchResult>(`/search?q=${enc(q)}`));
  return (
    <>
      <SearchBox initial={q} />
      {res.state === 'loading' && <Loading what="matching lots" />}
      {res.state === 'error' && <ErrorBox error={res.error} where="The search" />}
      {res.state === 'ok' && (
        <>
          {res.data.scan && (
            <section className="card" aria-label="Scan">
              <h3>
                GS1 scan{' '}
                <Badge kind={res.data.scan.valid ? 'ok' : 'bad'}>
                  {res.data.scan.valid ? 'valid' : 'invalid'}
                </Badge>
              </h3>
              <dl className="ais">
                {res.data.scan.elements.map((el) => (
                  <div key={el.ai + el.value}>
                    <dt>
                      ({el.ai}) {el.title}
                    </dt>
                    <dd className="mono">{el.display ?? el.value}</dd>
                  </div>
                ))}
              </dl>
              {res.data.scan.unknownGtin && <p className="warn-text">No product has this GTIN.</p>}
            </section>
          )}
          {res.data.lots.length === 0 && (
            <p className="empty" role="status">
              No lot matches “{q}”.
            </p>
          )}
          {res.data.lots.length > 1 && (
            <table className="grid" aria-label="Matching lots">
              <thead>
                <tr>
                  <th>Lot</th>
                  <th>Product</th>
                  <th>Supplier lot</th>
                  <th>Expiry</th>
                  <th>Matched on</th>
                </tr>
              </thead>
              <tbody>
                {res.data.lots.map((l) => (
                  <tr key={l.id}>
                    <td>
                      <a href={href('lot', l.id)} className="mono">
                        {l.id}
                      </a>
                    </td>
                    <td>{l.productName}</td>
                    <td className="mono">{l.supplierLotNumber ?? '—'}</td>
                    <td>{day(l.expiry)}</td>
                    <td>{MATCH[l.match]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {res.data.lots.length === 1 && <LotView lotId={res.data.lots[0]!.id} />}
        </>
      )}
    </>
  );
}

export function LotView({ lotId }: { lotId: string }) {
  const [rec] = useLoad(`lot:${lotId}`, () => getJson<LotRecord>(`/lots/${enc(lotId)}/record`));
  if (rec.state === 'loading') return <Loading what={`lot ${lotId}`} />;
  if (rec.state === 'error') return <ErrorBox error={rec.error} where={`Loading lot ${lotId}`} />;
  const r = rec.data;
  const unit = r.product?.unit ?? '';
  const activeHolds = r.holds.filter((h) => h.status === 'active');
  const onHand = r.massBalance.onHand;
  return (
    <article className="lot" aria-labelledby="lot-title" data-testid="lot-record">
      <header className="row">
        <h2 id="lot-title">
          <span className="mono">{r.lot.id}</span> · {r.product?.name ?? r.lot.productId}
        </h2>
        {activeHolds.length > 0 ? <Badge kind="bad">on hold</Badge> : <Badge kind="ok">free</Badge>}
        <Badge kind={VERDICT_KIND[r.verdict.verdict]}>QC {r.verdict.verdict.replace('_', ' ')}</Badge>
        {r.verdict.decision && (
          <Badge kind={r.verdict.decision.decision === 'release' ? 'ok' : 'bad'}>
            {r.verdict.decision.decision}d by {r.verdict.decision.approver}
          </Badge>
        )}
        <span className="spacer" />
        <a className="button" href={href('genealogy', r.lot.id)}>
          Genealogy picture
        </a>
        <a className="button secondary" href={href('quality', r.lot.id)}>
          Quality
        </a>
      </header>
      <div className="cols">
        <section className="card" aria-label="Lot">
          <h3>Lot</h3>
          <dl className="facts">
            <dt>Product</dt>
            <dd>
              {r.product?.name} <span className="muted mono">{r.product?.gtin}</span>
            </dd>
            <dt>Origin</dt>
            <dd>
              {r.lot.origin}
              {r.supplier ? ` from ${r.supplier.name}` : ''}
            </dd>
            <dt>Supplier lot</dt>
            <dd className="mono">{r.lot.supplierLotNumber ?? '—'}</dd>
            <dt>Produced / received</dt>
            <dd>{day(r.lot.productionDate ?? r.lot.createdAt)}</dd>
            <dt>Expiry</dt>
            <dd>{day(r.lot.expiry ?? r.lot.bestBefore)}</dd>
            <dt>On hand</dt>
            <dd>{qty(onHand, unit)}</dd>
            {r.product?.allergens && r.product.allergens.length > 0 && (
              <>
                <dt>Allergens</dt>
                <dd>{r.product.allergens.join(', ')}</dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-label="Stock by location">
          <h3>Stock by location</h3>
          {r.stock.length === 0 ? (
            <p className="empty">No stock left.</p>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th>Location</th>
                  <th className="num">On hand</th>
                </tr>
              </thead>
              <tbody>
                {r.stock.map((s) => (
                  <tr key={s.locationId}>
                    <td>
                      {s.locationId} <span className="muted">{s.zone}</span>{' '}
                      {s.quarantine && <Badge kind="warn">quarantine</Badge>}
                    </td>
                    <td className="num">{qty(s.quantity, s.unit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Mass balance</h3>
          <p className="muted">
            in {qty(r.massBalance.received === '0' ? r.massBalance.produced : r.massBalance.received, unit)} ·
            consumed {qty(r.massBalance.consumed, unit)} · shipped {qty(r.massBalance.shipped, unit)} ·
            adjusted {qty(r.massBalance.adjusted, unit)} · balance{' '}
            <Badge kind={Number(r.massBalance.balance) === 0 ? 'ok' : 'bad'}>
              {qty(r.massBalance.balance, unit)}
            </Badge>
          </p>
        </section>
        <section className="card" aria-label="Holds and documents">
          <h3>Holds</h3>
          {r.holds.length === 0 ? (
            <p className="empty">Never held.</p>
          ) : (
            <ul className="plain">
              {r.holds.map((h) => (
                <li key={h.id}>
                  <Badge kind={h.status === 'active' ? 'bad' : 'info'}>{h.status}</Badge> {h.reasonCode}
                  {h.note ? ` — ${h.note}` : ''} <span className="muted">since {when(h.placedAt)}</span>
                </li>
              ))}
            </ul>
          )}
          <h3>Documents</h3>
          {r.documents.length === 0 ? (
            <p className="empty">No documents.</p>
          ) : (
            <ul className="plain">
              {r.documents.map((d) => (
                <li key={d.id}>
                  <a href={`/documents/${enc(d.id)}`} download={d.id}>
                    {d.title}
                  </a>{' '}
                  <span className="muted">
                    {d.kind}, {d.byteLength} bytes
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href={`/lots/${enc(r.lot.id)}/coa.pdf`} download={`CoA-${r.lot.id}.pdf`}>
              Certificate of analysis (PDF)
            </a>
          </p>
        </section>
      </div>
      <OpenRecall lotId={r.lot.id} />
      <Movements lotId={r.lot.id} unit={unit} />
    </article>
  );
}

function Movements({ lotId, unit }: { lotId: string; unit: string }) {
  const [mv] = useLoad(`mv:${lotId}`, () => getJson<Movement[]>(`/lots/${enc(lotId)}/movements`));
  return (
    <section className="card" aria-labelledby="mv-title">
      <h3 id="mv-title">Movement history</h3>
      {mv.state === 'loading' && <Loading what="movements" />}
      {mv.state === 'error' && <ErrorBox error={mv.error} where="Loading the movements" />}
      {mv.state === 'ok' && (
        <div className="scroll-y">
          <table className="grid" data-testid="movements">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th className="num">Quantity</th>
                <th>Location</th>
                <th>Reference</th>
              </tr>
            </thead>
            <tbody>
              {mv.data.map((m) => (
                <tr key={`${m.seq}-${m.kind}-${m.ref ?? ''}`}>
                  <td>{when(m.eventTime)}</td>
                  <td>{m.kind}</td>
                  <td className="num">{m.quantity ? qty(m.quantity, unit) : ''}</td>
                  <td>
                    {m.from && m.kind === 'moved' ? `${m.from[0]} → ` : ''}
                    {m.locationId ?? ''}
                  </td>
                  <td className="mono">
                    {m.ref ?? ''}
                    {m.customerId ? ` → ${m.customerId}` : ''}
                    {m.into ? ` → ${m.into.join(', ')}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Open a recall (or a drill) of this lot and go to its dashboard. */
function OpenRecall({ lotId }: { lotId: string }) {
  const [drill, setDrill] = useState(true);
  const [classification, setClassification] = useState<'I' | 'II' | 'III'>('II');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  return (
    <form
      className="card inline-form"
      aria-label="Open a recall"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const recallId = `${drill ? 'DRILL' : 'RC'}-${Date.now().toString(36).toUpperCase()}`;
        try {
          await postJson('/recalls', {
            recallId,
            lots: [lotId],
            reason: reason.trim() || `${drill ? 'Mock recall' : 'Recall'} of lot ${lotId}`,
            classification,
            drill,
          });
          invalidateGenealogy();
          location.hash = href('recall', recallId);
        } catch (err) {
          setError(err as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>Recall from this lot</h3>
      <label>
        <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.target.checked)} /> Drill (mock
        recall: no holds, nothing sent)
      </label>
      <label>
        Class{' '}
        <select
          value={classification}
          onChange={(e) => setClassification(e.target.value as 'I' | 'II' | 'III')}
        >
          <option value="I">I (most serious)</option>
          <option value="II">II</option>
          <option value="III">III</option>
        </select>
      </label>
      <label className="grow">
        Reason{' '}
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. undeclared peanut"
        />
      </label>
      <button type="submit" disabled={busy} data-testid="open-recall">
        {busy ? 'Opening…' : drill ? 'Open drill' : 'Open recall'}
      </button>
      {error && <ErrorBox error={error} where="Opening the recall" />}
    </form>
  );
}
