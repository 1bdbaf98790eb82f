/** Display helpers: quantities keep their exact decimal strings; only grouping is added. */
export function qty(q: string | undefined, unit?: string): string {
  if (q === undefined) return '—';
  const neg = q.startsWith('-');
  const [i = '0', f] = (neg ? q.slice(1) : q).split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '−' : ''}${grouped}${f ? `.${f}` : ''}${unit ? ` ${unit}` : ''}`;
}

/** A float quantity (genealogy edges), rounded for a label. */
export function approx(n: number, unit?: string): string {
  if (!Number.isFinite(n)) return '';
  const s =
    n >= 1e6
      ? `${(n / 1e6).toFixed(1)}M`
      : n >= 1e4
        ? `${(n / 1e3).toFixed(1)}k`
        : n >= 100
          ? String(Math.round(n))
          : n >= 1
            ? n.toFixed(1).replace(/\.0$/, '')
            : n === 0
              ? '0'
              : n.toPrecision(2);
  return unit ? `${s} ${unit}` : s;
}

export const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '—');
export const when = (iso: string | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—');
export const pct = (share: number) => `${Math.round(share * 1000) / 10} %`;
export const hours = (h: number) => (h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`);
