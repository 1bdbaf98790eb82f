import { useState } from 'react';
import { type Evidence, enc, getJson, postJson, type RecallListItem, type ScopeCustomer } from '../api';
import { day, hours, pct, qty, when } from '../format';
import { href, useLoad } from '../hooks';
import { Badge, ErrorBox, Loading } from './common';

export function RecallList() {
  const [list] = useLoad('recalls', () => getJson<RecallListItem[]>('/recalls'));
  return (
    <section aria-labelledby="rl-title">
      <h2 id="rl-title">Recalls and drills</h2>
      <p className="muted">Open a recall or a drill from a lot's record (search for the lot first).</p>
      {list.state === 'loading' && <Loading what="recalls" />}
      {list.state === 'error' && <ErrorBox error={list.error} where="Loading the recalls" />}
      {list.state === 'ok' &&
        (list.data.length === 0 ? (
          <p className="empty">No recall yet.</p>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th>Case</th>
                <th>Opened</th>
                <th>Reason</th>
                <th className="num">Lots</th>
                <th className="num">Customers</th>
                <th>Notified / acknowledged</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((r) => (
                <tr key={r.recallId}>
                  <td>
                    <a href={href('recall', r.recallId)} className="mono">
                      {r.recallId}
                    </a>{' '}
                    {r.drill ? (
                      <Badge kind="info">drill</Badge>
                    ) : (
                      <Badge kind="bad">class {r.classification}</Badge>
                    )}
                  </td>
                  <td>{when(r.openedAt)}</td>
                  <td>{r.reason}</td>
                  <td className="num">{r.counts.lots}</td>
                  <td className="num">{r.counts.customers}</td>
                  <td>
                    <Progress value={r.notified} max={r.counts.customers} label="notified" /> {r.acknowledged}{' '}
                    acknowledged
                  </td>
                  <td>{r.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  const share = max === 0 ? 1 : value / max;
  return (
    <span className="progress" role="img" aria-label={`${value} of ${max} ${label}`}>
      <span className="bar">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>{' '}
      {value}/{max}
    </span>
  );
}

/** Elapsed time against a target: a gauge that turns red past it. */
function Clock({
  label,
  elapsed,
  target,
  done,
}: {
  label: string;
  elapsed: number;
  target: number;
  done: boolean;
}) {
  const over = elapsed > target;
  return (
    <div className={`kpi ${over ? 'bad' : done ? 'ok' : 'warn'}`}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{hours(elapsed)}</div>
      <div className="bar" aria-hidden="true">
        <span style={{ width: `${Math.min(100, (elapsed / target) * 100)}%` }} />
      </div>
      <div className="kpi-note">
        target {target} h — {over ? 'missed' : done ? 'met' : 'running'}
      </div>
    </div>
  );
}

export function RecallDashboard({ recallId }: { recallId: string }) {
  const [ev, reload] = useLoad(`recall:${recallId}`, () => getJson<Evidence>(`/recalls/${enc(recallId)}`));
  if (ev.state === 'loading') return <Loading what={`recall ${recallId}`} />;
  if (ev.state === 'error') return <ErrorBox error={ev.error} where={`Loading recall ${recallId}`} />;
  const e = ev.data;
  const t = e.timeline;
  const eff = e.effectiveness;
  const status = new Map<string, { notified?: string; acknowledged?: string }>();
  for (const s of e.steps) {
    if (!s.customerId) continue;
    const v = status.get(s.customerId) ?? {};
    if (s.type === 'notified') v.notified = s.at;
    if (s.type === 'acknowledged') v.acknowledged = s.at;
    status.set(s.customerId, v);
  }
  const elapsedH = ((t.closedAt ? Date.parse(t.closedAt) : Date.now()) - Date.parse(t.openedAt)) / 3_600_000;
  const base = `/recalls/${enc(e.recallId)}`;
  return (
    <article aria-labelledby="rc-title" data-testid="recall-dashboard">
      <header className="row">
        <h2 id="rc-title">
          <span className="mono">{e.recallId}</span>
        </h2>
        {e.drill ? (
          <Badge kind="info">drill — nothing sent, no holds</Badge>
        ) : (
          <Badge kind="bad">recall</Badge>
        )}
        <Badge kind="warn">class {e.classification}</Badge>
        <Badge kind={e.status === 'open' ? 'warn' : 'ok'}>{e.status}</Badge>
        <span className="spacer" />
        <a
          className="button"
          href={`${base}/report.pdf`}
          download={`${e.recallId}.pdf`}
          data-testid="report-pdf"
        >
          Report (PDF)
        </a>
        <a
          className="button secondary"
          href={`${base}/notifications.csv`}
          download={`${e.recallId}-notifications.csv`}
        >
          Notification list (CSV)
        </a>
        <a
          className="button secondary"
          href={`${base}/evidence.json`}
          download={`${e.recallId}-evidence.json`}
        >
          Evidence (JSON)
        </a>
      </header>
      <p>{e.reason}</p>
      <div className="kpis">
        <div className="kpi">
          <div className="kpi-label">Scope</div>
          <div className="kpi-value">{e.scope.counts.lots} lots</div>
          <div className="kpi-note">
            {e.scope.counts.deliveries} deliveries · {e.scope.counts.customers} customers
          </div>
        </div>
        <div className={`kpi ${e.scope.onHand.length > 0 ? 'warn' : 'ok'}`}>
          <div className="kpi-label">Stock to block</div>
          <div className="kpi-value">{e.scope.onHand.length} balances</div>
          <div className="kpi-note">{totals(e.scope.onHand)}</div>
        </div>
        <Clock label="Customer list produced" elapsed={t.hoursToList} target={t.targetHours} done />
        <Clock label="Elapsed since opening" elapsed={elapsedH} target={24} done={e.status === 'closed'} />
        <div className={`kpi ${eff.met ? 'ok' : 'warn'}`} data-testid="effectiveness">
          <div className="kpi-label">Effectiveness (level {eff.level})</div>
          <div className="kpi-value">{pct(eff.consigneesReachedShare)}</div>
          <div className="kpi-note">
            {eff.notified} notified · {eff.acknowledged} acknowledged of {eff.consignees}; required{' '}
            {pct(eff.requiredShare)}; quantity accounted {pct(eff.quantityAccountedShare)}
          </div>
        </div>
      </div>
      <section className="card" aria-labelledby="cust-title">
        <h3 id="cust-title">
          Customers <Progress value={eff.notified} max={eff.consignees} label="notified" />{' '}
          <Progress value={eff.acknowledged} max={eff.consignees} label="acknowledged" />
        </h3>
        <table className="grid" data-testid="customers">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Received</th>
              <th className="num">Attributed ({e.scope.attributedUnit})</th>
              <th>Last delivery</th>
              <th>Status</th>
              <th>Action</th>
            </tr>
          </thead>
          <tbody>
            {e.scope.customers.map((c) => (
              <CustomerRow
                key={c.customerId}
                recallId={e.recallId}
                customer={c}
                status={status.get(c.customerId) ?? {}}
                closed={e.status === 'closed'}
                onChange={reload}
              />
            ))}
          </tbody>
        </table>
      </section>
      <details className="card">
        <summary>
          <strong>Deliveries ({e.scope.deliveries.length})</strong>{' '}
          <span className="muted">
            — every shipment line of an affected lot, with the attributed suspect quantity
          </span>
        </summary>
        <div className="scroll-y">
          <table className="grid" data-testid="deliveries">
            <thead>
              <tr>
                <th>Shipment / line</th>
                <th>Shipped</th>
                <th>Lot</th>
                <th>Customer</th>
                <th className="num">Quantity</th>
                <th className="num">Attributed ({e.scope.attributedUnit})</th>
              </tr>
            </thead>
            <tbody>
              {e.scope.deliveries.map((d) => (
                <tr key={`${d.shipmentId}/${d.lineNo}`}>
                  <td className="mono">
                    {d.shipmentId}/{d.lineNo}
                  </td>
                  <td>{when(d.shippedAt)}</td>
                  <td className="mono">{d.lotId}</td>
                  <td className="mono">{d.customerId}</td>
                  <td className="num">{qty(d.quantity, d.unit)}</td>
                  <td className="num">{qty(d.attributed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <div className="cols">
        <section className="card" aria-labelledby="lots-title">
          <h3 id="lots-title">Affected lots</h3>
          <div className="scroll-y">
            <table className="grid">
              <thead>
                <tr>
                  <th>Lot</th>
                  <th>Product</th>
                  <th className="num">Depth</th>
                  <th className="num">Attributed</th>
                  <th>Expiry</th>
                </tr>
              </thead>
              <tbody>
                {e.scope.lots.map((l) => (
                  <tr key={l.lotId}>
                    <td>
                      <a className="mono" href={href('genealogy', l.lotId)}>
                        {l.lotId}
                      </a>
                      {e.scope.suspectLots.includes(l.lotId) && <Badge kind="bad">suspect</Badge>}
                    </td>
                    <td>{l.productId}</td>
                    <td className="num">{l.depth}</td>
                    <td className="num">{qty(l.attributed, e.scope.attributedUnit)}</td>
                    <td>{day(l.expiry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card" aria-labelledby="block-title">
          <h3 id="block-title">Stock to block</h3>
          {e.scope.onHand.length === 0 ? (
            <p className="empty">No affected stock on hand.</p>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th>Lot</th>
                  <th>Location</th>
                  <th className="num">On hand</th>
                </tr>
              </thead>
              <tbody>
                {e.scope.onHand.map((s) => (
                  <tr key={`${s.lotId}@${s.locationId}`}>
                    <td className="mono">{s.lotId}</td>
                    <td>{s.locationId}</td>
                    <td className="num">{qty(s.quantity, s.unit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Mass balances (tolerance {pct(e.tolerance)})</h3>
          <div className="scroll-y">
            <table className="grid">
              <thead>
                <tr>
                  <th>Lot</th>
                  <th className="num">In</th>
                  <th className="num">Out</th>
                  <th className="num">On hand</th>
                  <th className="num">Variance</th>
                </tr>
              </thead>
              <tbody>
                {e.massBalance.map((b) => (
                  <tr key={b.lotId}>
                    <td className="mono">{b.lotId}</td>
                    <td className="num">{qty(sum(b.received, b.produced, b.returned), b.unit)}</td>
                    <td className="num">{qty(sum(b.consumed, b.shipped), b.unit)}</td>
                    <td className="num">{qty(b.onHand, b.unit)}</td>
                    <td className="num">
                      <Badge kind={b.withinTolerance ? 'ok' : 'bad'}>{b.variancePercent.toFixed(2)} %</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      <p className="muted">
        Opened {when(t.openedAt)}; scope computed in {t.scopeMs} ms; list within {t.targetHours} h:{' '}
        {t.metTarget ? 'yes' : 'no'}; FSMA 204 records within 24 h: {t.within24h ? 'yes' : 'no'}.
      </p>
    </article>
  );
}

/** Display-only sum of decimal strings (exact enough for a table cell: same decimals each). */
function sum(...xs: string[]): string {
  const d = Math.max(...xs.map((x) => (x.split('.')[1] ?? '').length));
  const steps = xs.reduce((s, x) => {
    const [i = '0', f = ''] = x.replace('-', '').split('.');
    const v = BigInt(i + f.padEnd(d, '0'));
    return s + (x.startsWith('-') ? -v : v);
  }, 0n);
  const neg = steps < 0n;
  const a = (neg ? -steps : steps).toString().padStart(d + 1, '0');
  return `${neg ? '-' : ''}${d ? `${a.slice(0, -d)}.${a.slice(-d)}` : a}`;
}

function totals(rows: { quantity: string; unit: string }[]): string {
  const by = new Map<string, string[]>();
  for (const r of rows) by.set(r.unit, [...(by.get(r.unit) ?? []), r.quantity]);
  return [...by].map(([u, qs]) => qty(sum(...qs), u)).join(' + ') || 'nothing on hand';
}

function CustomerRow({
  recallId,
  customer: c,
  status,
  closed,
  onChange,
}: {
  recallId: string;
  customer: ScopeCustomer;
  status: { notified?: string; acknowledged?: string };
  closed: boolean;
  onChange: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [note, setNote] = useState('');
  const [amounts, setAmounts] = useState(() =>
    Object.fromEntries(c.quantities.map((q) => [q.productId, { returned: '0', destroyed: q.quantity }])),
  );
  const act = async (what: 'notifications' | 'acknowledgements', body: object) => {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/recalls/${enc(recallId)}/${what}`, { customerId: c.customerId, ...body });
      setOpen(false);
      onChange();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <tr data-customer={c.customerId}>
        <td>
          {c.name} <span className="muted mono">{c.customerId}</span>
          <div className="muted">{c.contacts[0]?.email ?? c.contacts[0]?.phone ?? ''}</div>
        </td>
        <td>{c.quantities.map((q) => `${qty(q.quantity, q.unit)} ${q.productId}`).join(' + ')}</td>
        <td className="num">{qty(c.attributed)}</td>
        <td>{day(c.lastShippedAt)}</td>
        <td>
          {status.acknowledged ? (
            <Badge kind="ok">acknowledged</Badge>
          ) : status.notified ? (
            <Badge kind="warn">notified</Badge>
          ) : (
            <Badge kind="info">to notify</Badge>
          )}
        </td>
        <td className="actions">
          {!closed && !status.notified && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => act('notifications', { channel: 'email', contact: c.contacts[0]?.email })}
            >
              Notify
            </button>
          )}
          {!closed && !status.acknowledged && (
            <button type="button" disabled={busy} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
              Acknowledge…
            </button>
          )}
        </td>
      </tr>
      {(open || error) && (
        <tr className="subform">
          <td colSpan={6}>
            {open && (
              <form
                className="inline-form"
                aria-label={`Acknowledgement of ${c.name}`}
                onSubmit={(ev) => {
                  ev.preventDefault();
                  act('acknowledgements', {
                    quantities: c.quantities.map((q) => ({
                      productId: q.productId,
                      ...amounts[q.productId],
                    })),
                    ...(note.trim() ? { note: note.trim() } : {}),
                  });
                }}
              >
                {c.quantities.map((q) => (
                  <fieldset key={q.productId}>
                    <legend>
                      {q.productId} (received {qty(q.quantity, q.unit)})
                    </legend>
                    {(['returned', 'destroyed'] as const).map((k) => (
                      <label key={k}>
                        {k}{' '}
                        <input
                          inputMode="decimal"
                          size={7}
                          value={amounts[q.productId]?.[k] ?? '0'}
                          onChange={(ev) =>
                            setAmounts((a) => ({
                              ...a,
                              [q.productId]: {
                                ...(a[q.productId] ?? { returned: '0', destroyed: '0' }),
                                [k]: ev.target.value,
                              },
                            }))
                          }
                        />
                      </label>
                    ))}
                  </fieldset>
                ))}
                <label className="grow">
                  Note <input value={note} onChange={(ev) => setNote(ev.target.value)} />
                </label>
                <button type="submit" disabled={busy} data-testid="ack-submit">
                  {busy ? 'Saving…' : 'Record acknowledgement'}
                </button>
              </form>
            )}
            {error && <ErrorBox error={error} where={`Recording for ${c.name}`} />}
          </td>
        </tr>
      )}
    </>
  );
}
