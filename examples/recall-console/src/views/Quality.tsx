import { useState } from 'react';
import { enc, getJson, type LotRecord, postJson } from '../api';
import { when } from '../format';
import { href, useLoad } from '../hooks';
import { Badge, ErrorBox, Loading, VERDICT_KIND } from './common';
import { invalidateGenealogy } from './Genealogy';

const KIND = { pass: 'ok', fail: 'bad', missing: 'warn' } as const;

function limits(l: { min?: string; max?: string; expected?: string; unit?: string }): string {
  if (l.expected !== undefined) return l.expected;
  const u = l.unit ? ` ${l.unit}` : '';
  if (l.min !== undefined && l.max !== undefined) return `${l.min} – ${l.max}${u}`;
  if (l.min !== undefined) return `≥ ${l.min}${u}`;
  return `≤ ${l.max}${u}`;
}

export function Quality({ lotId }: { lotId: string }) {
  const [rec, reload] = useLoad(`quality:${lotId}`, () => getJson<LotRecord>(`/lots/${enc(lotId)}/record`));
  if (rec.state === 'loading') return <Loading what={`quality of ${lotId}`} />;
  if (rec.state === 'error') return <ErrorBox error={rec.error} where={`Loading lot ${lotId}`} />;
  const { verdict: v, holds, product } = rec.data;
  const qcHolds = holds.filter((h) => h.status === 'active');
  return (
    <article aria-labelledby="q-title" data-testid="quality">
      <header className="row">
        <h2 id="q-title">
          Quality of <span className="mono">{lotId}</span> · {product?.name}
        </h2>
        <Badge kind={VERDICT_KIND[v.verdict]}>{v.verdict.replace('_', ' ')}</Badge>
        {v.decision && (
          <Badge kind={v.decision.decision === 'release' ? 'ok' : 'bad'}>
            {v.decision.decision}d by {v.decision.approver} {when(v.decision.at)}
            {v.decision.override ? ' (concession)' : ''}
          </Badge>
        )}
        {qcHolds.length > 0 && <Badge kind="bad">{qcHolds.length} active hold(s)</Badge>}
        <span className="spacer" />
        <a
          className="button"
          href={`/lots/${enc(lotId)}/coa.pdf`}
          download={`CoA-${lotId}.pdf`}
          data-testid="coa"
        >
          Certificate of analysis (PDF)
        </a>
        <a className="button secondary" href={href('lot', lotId)}>
          Lot record
        </a>
      </header>
      <section className="card" aria-labelledby="spec-title">
        <h3 id="spec-title">Results against the specification</h3>
        {v.lines.length === 0 ? (
          <p className="empty">No specification for {product?.name ?? v.productId}.</p>
        ) : (
          <table className="grid" data-testid="spec">
            <thead>
              <tr>
                <th>Test</th>
                <th>Method</th>
                <th>Specification</th>
                <th>Result</th>
                <th>Verdict</th>
                <th>Tested</th>
              </tr>
            </thead>
            <tbody>
              {v.lines.map((l) => (
                <tr key={l.code}>
                  <td>
                    {l.name} <span className="muted mono">{l.code}</span>
                  </td>
                  <td>{l.method ?? '—'}</td>
                  <td>{limits(l)}</td>
                  <td className="mono">{l.value ?? '—'}</td>
                  <td>
                    <Badge kind={KIND[l.result]}>{l.result}</Badge>
                  </td>
                  <td>
                    {when(l.testedAt)} {l.lab ? <span className="muted">{l.lab}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <div className="cols">
        {v.lines.length > 0 && (
          <RecordResult lotId={lotId} codes={v.lines.map((l) => l.code)} onDone={reload} />
        )}
        <Decide lotId={lotId} conforming={v.verdict === 'conforming'} onDone={reload} />
      </div>
    </article>
  );
}

function useSubmit(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  /** Run a command; true when it succeeded (the view then reloads), false when its error is shown. */
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDone();
      return true;
    } catch (e) {
      setError(e as Error);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

function RecordResult({ lotId, codes, onDone }: { lotId: string; codes: string[]; onDone: () => void }) {
  const [testCode, setCode] = useState(codes[0] ?? '');
  const [value, setValue] = useState('');
  const [lab, setLab] = useState('');
  const { busy, error, run } = useSubmit(onDone);
  return (
    <form
      className="card stack-form"
      aria-labelledby="rr-title"
      onSubmit={(e) => {
        e.preventDefault();
        run(() =>
          postJson('/quality/results', {
            resultId: `QR-${Date.now().toString(36).toUpperCase()}`,
            lotId,
            testCode,
            value: value.trim(),
            ...(lab.trim() ? { lab: lab.trim() } : {}),
          }),
        ).then((ok) => ok && setValue(''));
      }}
    >
      <h3 id="rr-title">Record a result</h3>
      <label>
        Test
        <select value={testCode} onChange={(e) => setCode(e.target.value)}>
          {codes.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Value
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="36.5 or absent in 25 g"
        />
      </label>
      <label>
        Lab
        <input value={lab} onChange={(e) => setLab(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Record result'}
      </button>
      {error && <ErrorBox error={error} where="Recording the result" />}
    </form>
  );
}

function Decide({ lotId, conforming, onDone }: { lotId: string; conforming: boolean; onDone: () => void }) {
  const [approver, setApprover] = useState('');
  const [note, setNote] = useState('');
  const [override, setOverride] = useState(false);
  const { busy, error, run } = useSubmit(onDone);
  // A decision lifts (release) QC holds: the genealogy's hold marks are reloaded on the next picture.
  const submit = (decision: 'release' | 'reject') =>
    run(() =>
      postJson('/quality/decisions', {
        lotId,
        decision,
        approver: approver.trim(),
        override,
        ...(note.trim() ? { note: note.trim() } : {}),
      }).then(invalidateGenealogy),
    );
  return (
    <form
      className="card stack-form"
      aria-labelledby="dq-title"
      onSubmit={(e) => {
        e.preventDefault();
        submit('release');
      }}
    >
      <h3 id="dq-title">Release or reject</h3>
      <label>
        Approver
        <input value={approver} onChange={(e) => setApprover(e.target.value)} placeholder="qa.manager" />
      </label>
      <label>
        Note
        <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {!conforming && (
        <label>
          <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />{' '}
          Concession: release although not conforming (a note is required)
        </label>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          Release
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => submit('reject')}>
          Reject
        </button>
      </div>
      {error && <ErrorBox error={error} where="The decision" />}
    </form>
  );
}
