import { ApiError } from '../api';

/** A loading line, announced politely to screen readers. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

/** An error shown where it happened, with the service's code and the field it names. */
export function ErrorBox({ error, where }: { error: Error; where: string }) {
  const e = error instanceof ApiError ? error : undefined;
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{where} failed.</strong> {error.message}
      {e && (
        <span className="muted">
          {' '}
          ({e.code}
          {e.field ? `, field ${e.field}` : ''})
        </span>
      )}
    </div>
  );
}

export function Badge({
  kind,
  children,
}: {
  kind: 'ok' | 'warn' | 'bad' | 'info';
  children: React.ReactNode;
}) {
  return <span className={`badge ${kind}`}>{children}</span>;
}

/** The badge colour of each QC verdict. */
export const VERDICT_KIND = {
  conforming: 'ok',
  nonconforming: 'bad',
  incomplete: 'warn',
  no_specification: 'info',
} as const;
