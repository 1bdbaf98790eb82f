/**
 * HTML for e-mail templates: the `html` tag escapes every interpolated value unless it is already
 * {@link SafeHtml} (the result of another `html` call), so a lot id like `<script>` arrives as text.
 *
 * @module
 */

/** HTML that is safe to insert as is (made only by {@link html} or {@link trustedHtml}). */
export class SafeHtml {
  /** The markup. */
  readonly value: string;
  /** @internal use {@link html} */
  constructor(value: string) {
    this.value = value;
  }
  /** The markup. */
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const piece = (v: unknown): string => {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(String(v));
};

/**
 * Tagged template for HTML: interpolations are escaped; arrays are joined; nested `html` is kept.
 *
 * @example
 * ```ts
 * html`<p>Lot ${lotId}</p>`.value; // lotId "<b>" → "<p>Lot &lt;b&gt;</p>"
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Mark markup you produced yourself (e.g. from a sanitiser) as safe. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
