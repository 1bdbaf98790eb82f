/**
 * UN/EDIFACT syntax (ISO 9735, syntax version 3 as EANCOM uses it): the service string advice (UNA),
 * release-character escaping, and splitting an interchange into segments, elements and components.
 *
 * @module
 */
import { ValidationError } from '@lotgraph/sdk';

/** The separators of an interchange (the UNA segment); defaults are EANCOM's `:+.? '`. */
export interface Separators {
  component: string;
  element: string;
  decimal: string;
  release: string;
  segment: string;
}

/** The default separators: component `:`, element `+`, decimal `.`, release `?`, segment `'`. */
export const DEFAULT_SEPARATORS: Separators = {
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  segment: "'",
};

/** One segment as read: its tag, its elements (each a list of components, unescaped) and where it stood. */
export interface Segment {
  tag: string;
  elements: string[][];
  /** 1-based position of the segment in the interchange (UNA not counted). */
  index: number;
  /** Character offset of the segment's first character. */
  offset: number;
}

/**
 * A problem in an EDIFACT document, naming the segment (tag and 1-based position in the interchange) and
 * the element / component position (1-based, as EANCOM's guides count). It is a `ValidationError`
 * (code `VALIDATION_FAILED`) whose issue path is `[tag, segmentIndex, element, component]`.
 */
export class EdifactError extends ValidationError {
  /** Tag of the segment, e.g. `LIN`. */
  readonly segment: string;
  /** 1-based position of the segment in the interchange (0: the document as a whole). */
  readonly segmentIndex: number;
  /** 1-based element position in the segment (0: the segment as a whole). */
  readonly element: number;
  /** 1-based component position in the element (0: the element as a whole). */
  readonly component: number;

  constructor(segment: string, segmentIndex: number, element: number, component: number, message: string) {
    const where = `segment ${segmentIndex} (${segment})${element ? `, element ${element}` : ''}${component ? `, component ${component}` : ''}`;
    super(
      [
        {
          code: 'custom',
          path: [segment, segmentIndex, element, component],
          message: `${where}: ${message}`,
        },
      ],
      'edifact',
    );
    this.name = 'EdifactError';
    this.segment = segment;
    this.segmentIndex = segmentIndex;
    this.element = element;
    this.component = component;
  }
}

/** Escape the separators and the release character in a data value. */
export function escapeValue(value: string, sep: Separators = DEFAULT_SEPARATORS): string {
  let out = '';
  for (const ch of value) {
    if (ch === sep.component || ch === sep.element || ch === sep.release || ch === sep.segment)
      out += sep.release;
    out += ch;
  }
  return out;
}

/** Format one segment: trailing empty components and elements are dropped, values escaped. */
export function formatSegment(
  tag: string,
  elements: readonly (string | readonly string[])[],
  sep: Separators = DEFAULT_SEPARATORS,
): string {
  const els = elements.map((e) => {
    const comps = (typeof e === 'string' ? [e] : [...e]).map((c) => escapeValue(c, sep));
    while (comps.length > 0 && comps[comps.length - 1] === '') comps.pop();
    return comps.join(sep.component);
  });
  while (els.length > 0 && els[els.length - 1] === '') els.pop();
  return `${tag}${els.length ? sep.element : ''}${els.join(sep.element)}${sep.segment}`;
}

/** The UNA segment for a set of separators. */
export function formatUna(sep: Separators = DEFAULT_SEPARATORS): string {
  return `UNA${sep.component}${sep.element}${sep.decimal}${sep.release} ${sep.segment}`;
}

/**
 * Split an interchange into segments. Reads the UNA when present (else the defaults), honours the release
 * character, ignores line breaks between segments, and throws {@link EdifactError} for a dangling release
 * character, an unterminated segment or a bad tag.
 */
export function parseSegments(text: string): { separators: Separators; segments: Segment[] } {
  if (typeof text !== 'string')
    throw new EdifactError('UNA', 0, 0, 0, 'expected the interchange as a string');
  let sep = DEFAULT_SEPARATORS;
  let pos = 0;
  if (text.startsWith('UNA')) {
    if (text.length < 9) throw new EdifactError('UNA', 0, 0, 0, 'UNA must be 9 characters');
    const s = text.slice(3, 9);
    sep = { component: s[0]!, element: s[1]!, decimal: s[2]!, release: s[3]!, segment: s[5]! };
    if (new Set([sep.component, sep.element, sep.release, sep.segment]).size !== 4)
      throw new EdifactError('UNA', 0, 0, 0, 'separators must differ from each other');
    pos = 9;
  }
  const segments: Segment[] = [];
  while (pos < text.length) {
    while (pos < text.length && (text[pos] === '\r' || text[pos] === '\n')) pos++;
    if (pos >= text.length) break;
    const start = pos;
    const index = segments.length + 1;
    const elements: string[][] = [[]];
    let cur = '';
    let tag: string | undefined;
    let done = false;
    while (pos < text.length) {
      const ch = text[pos]!;
      if (ch === sep.release) {
        if (pos + 1 >= text.length)
          throw new EdifactError(
            tag ?? '???',
            index,
            elements.length - 1,
            0,
            'release character at end of input',
          );
        cur += text[pos + 1];
        pos += 2;
        continue;
      }
      pos++;
      if (ch === sep.segment || ch === sep.element || ch === sep.component) {
        if (tag === undefined) {
          if (ch === sep.component || !/^[A-Z][A-Z0-9]{2}$/.test(cur))
            throw new EdifactError(
              cur.slice(0, 3) || '???',
              index,
              0,
              0,
              `bad segment tag "${cur.slice(0, 10)}"`,
            );
          tag = cur;
          elements.pop();
        } else elements[elements.length - 1]!.push(cur);
        cur = '';
        if (ch === sep.element) elements.push([]);
        if (ch === sep.segment) {
          done = true;
          break;
        }
        continue;
      }
      cur += ch;
    }
    if (!done)
      throw new EdifactError(tag ?? (cur.slice(0, 3) || '???'), index, 0, 0, 'segment is not terminated');
    segments.push({ tag: tag as string, elements, index, offset: start });
  }
  return { separators: sep, segments };
}
