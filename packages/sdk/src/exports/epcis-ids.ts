/**
 * GS1 identifiers of the EPCIS export: Digital Link URIs for lots (01 + 10), serialised items (01 + 21),
 * logistic units (00), parties (417) and locations (414 + 254) whenever `@lotgraph/gs1`'s parser accepts them
 * back, lotgraph URNs otherwise; the CBV master data (names, addresses) of what a document mentions; and the
 * document types and small helpers export and import share.
 *
 * @module
 */
import { formatDigitalLink, parseDigitalLink } from '@lotgraph/gs1';
import type { Location, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';

/** One EPCIS event as exported (a JSON object). */
export type EpcisEvent = Record<string, unknown> & { type: string; eventID: string; eventTime: string };

/** An EPCIS 2.0 document. */
export interface EpcisDocument {
  '@context': unknown[];
  type: 'EPCISDocument';
  schemaVersion: '2.0';
  creationDate: string;
  epcisHeader?: { epcisMasterData: { vocabularyList: EpcisVocabulary[] } };
  epcisBody: { eventList: EpcisEvent[] };
}

/** A command the importer will run (`lg[command](input)`, or the registry name in `lg.batch`). */
export interface ImportCommand {
  command:
    | 'receive'
    | 'produce'
    | 'ship'
    | 'split'
    | 'merge'
    | 'repack'
    | 'commissionSerials'
    | 'setSerialState'
    | 'pack'
    | 'unpack'
    | 'moveUnit';
  input: Record<string, unknown>;
}

// UN/ECE Recommendation 20 codes (what EPCIS `uom` admits). A unit without one gets no `uom`: quantities are
// always in the product's base unit, which the product's master data declares.
export const UOM: Record<string, string> = {
  kg: 'KGM',
  g: 'GRM',
  t: 'TNE',
  l: 'LTR',
  ml: 'MLT',
  m: 'MTR',
  pc: 'H87',
};
/** Our unit of each UN/ECE code in {@link UOM}. */
export const UNIT_OF: Record<string, string> = Object.fromEntries(
  Object.entries(UOM).map(([k, v]) => [v, k]),
);

/** A lotgraph URN (`urn:lotgraph:{kind}:{id}`), for what has no GS1 identifier. */
export const urn = (kind: string, id: string) => `urn:lotgraph:${kind}:${encodeURIComponent(id)}`;

/** A VALIDATION_FAILED error naming the document field. */
export function bad(field: string, message: string, value?: unknown): LotgraphError {
  return new LotgraphError(ErrorCodes.VALIDATION_FAILED, `${field}: ${message}`, { field, value });
}

/** The id of a `urn:lotgraph:{kind}:` URI (VALIDATION_FAILED naming `field` otherwise). */
export const fromUrn = (kind: string, u: unknown, field: string): string => {
  const prefix = `urn:lotgraph:${kind}:`;
  if (typeof u !== 'string' || !u.startsWith(prefix)) throw bad(field, `expected a ${prefix}… identifier`, u);
  return decodeURIComponent(u.slice(prefix.length));
};

/** One vocabulary of the header's master data: elements with their attributes. */
export interface EpcisVocabulary {
  type: string;
  vocabularyElementList: { id: string; attributes: { id: string; attribute: string }[] }[];
}

/** A GS1 Digital Link URI of these elements, or `undefined` when our own parser would not accept it back. */
function digitalLink(elements: { ai: string; value: string }[]): string | undefined {
  try {
    const uri = formatDigitalLink(elements);
    const parsed = parseDigitalLink(uri);
    const same = elements.every((e) => parsed.elements.some((p) => p.ai === e.ai && p.value === e.value));
    return parsed.valid && same ? uri : undefined;
  } catch {
    return undefined;
  }
}

/** The GS1 elements of a Digital Link URI, when it is one our parser accepts. */
export function dlElements(uri: string): Map<string, string> | undefined {
  if (!uri.startsWith('https://id.gs1.org/')) return undefined;
  const parsed = parseDigitalLink(uri);
  return parsed.valid ? new Map(parsed.elements.map((e) => [e.ai, e.value])) : undefined;
}

/**
 * The instance identifier of a serialised item: GS1 Digital Link `https://id.gs1.org/01/{GTIN-14}/21/{serial}`
 * (EPCIS 2.0 admits Digital Link URIs as EPCs; an SGTIN URN would need the GS1 company prefix length, which
 * lotgraph does not know), or `urn:lotgraph:serial:{gtin}:{serial}` when the parser would not accept it.
 */
export function serialEpc(gtin: string, serial: string): string {
  return (
    digitalLink([
      { ai: '01', value: gtin },
      { ai: '21', value: serial },
    ]) ?? `urn:lotgraph:serial:${encodeURIComponent(gtin)}:${encodeURIComponent(serial)}`
  );
}

/** The instance identifier of a logistic unit: `https://id.gs1.org/00/{SSCC}` (or `urn:lotgraph:unit:{id}`). */
export function unitEpc(sscc: string): string {
  return digitalLink([{ ai: '00', value: sscc }]) ?? urn('unit', sscc);
}

/** What an instance identifier names: a serialised item, a logistic unit, or `undefined` (neither). */
export function parseEpc(
  uri: unknown,
): { kind: 'serial'; gtin: string; serial: string } | { kind: 'unit'; sscc: string } | undefined {
  if (typeof uri !== 'string') return undefined;
  const el = dlElements(uri);
  if (el) {
    const gtin = el.get('01');
    const serial = el.get('21');
    const sscc = el.get('00');
    if (gtin !== undefined && serial !== undefined && el.size === 2) return { kind: 'serial', gtin, serial };
    if (sscc !== undefined && el.size === 1) return { kind: 'unit', sscc };
    return undefined;
  }
  const s = /^urn:lotgraph:serial:([^:]+):([^:]+)$/.exec(uri);
  if (s) return { kind: 'serial', gtin: decodeURIComponent(s[1]!), serial: decodeURIComponent(s[2]!) };
  const u = /^urn:lotgraph:unit:([^:]+)$/.exec(uri);
  if (u) return { kind: 'unit', sscc: decodeURIComponent(u[1]!) };
  return undefined;
}

const classCache = new Map<string, string>();
export function epcClass(product: Product | undefined, productId: string, lotId: string): string {
  const key = `${product?.gtin ?? ''}\u0000${productId}\u0000${lotId}`;
  let uri = classCache.get(key);
  if (uri === undefined) {
    uri =
      (product?.gtin
        ? digitalLink([
            { ai: '01', value: product.gtin.padStart(14, '0') },
            { ai: '10', value: lotId },
          ])
        : undefined) ?? `urn:lotgraph:class:${encodeURIComponent(productId)}:${encodeURIComponent(lotId)}`;
    if (classCache.size > 100_000) classCache.clear();
    classCache.set(key, uri);
  }
  return uri;
}

/** Identifiers of parties and locations: Digital Link (417 / 414 + 254) when a GLN allows, else lotgraph URNs. */
export function masterIds(parties: readonly Party[], locations: readonly Location[]) {
  const glnCount = new Map<string, number>();
  for (const l of locations) if (l.gln) glnCount.set(l.gln, (glnCount.get(l.gln) ?? 0) + 1);
  const party = new Map<string, string>();
  for (const p of parties)
    party.set(p.id, (p.gln ? digitalLink([{ ai: '417', value: p.gln }]) : undefined) ?? urn('party', p.id));
  const location = new Map<string, string>();
  for (const l of locations)
    location.set(
      l.id,
      (l.gln
        ? (digitalLink([
            { ai: '414', value: l.gln },
            { ai: '254', value: l.id },
          ]) ?? (glnCount.get(l.gln) === 1 ? digitalLink([{ ai: '414', value: l.gln }]) : undefined))
        : undefined) ?? urn('location', l.id),
    );
  return {
    party: (id: string) => party.get(id) ?? urn('party', id),
    location: (id: string) => location.get(id) ?? urn('location', id),
  };
}

const MDA = 'urn:epcglobal:cbv:mda#';

/** CBV master data of the products (by GTIN), parties and locations an export mentions. */
export function masterDataVocabularies(
  products: Product[],
  parties: Party[],
  locations: Location[],
  ids: ReturnType<typeof masterIds>,
  partyById: Map<string, Party>,
): EpcisVocabulary[] {
  const attrs = (pairs: [string, string | undefined][]) =>
    pairs.filter((p): p is [string, string] => !!p[1]).map(([id, attribute]) => ({ id, attribute }));
  const out: EpcisVocabulary[] = [];
  const classes = products
    .filter((p) => p.gtin)
    .map((p) => ({
      id: `https://id.gs1.org/01/${p.gtin!.padStart(14, '0')}`,
      attributes: attrs([
        [`${MDA}descriptionShort`, p.name],
        ['urn:lotgraph:ns:productId', p.id],
      ]),
    }));
  if (classes.length)
    out.push({ type: 'urn:epcglobal:epcis:vtype:EPCClass', vocabularyElementList: classes });
  if (locations.length)
    out.push({
      type: 'urn:epcglobal:epcis:vtype:BusinessLocation',
      vocabularyElementList: locations.map((l) => ({
        id: ids.location(l.id),
        attributes: attrs([
          [`${MDA}name`, [l.name, l.site, l.zone, l.bin].filter(Boolean).join(' / ')],
          [`${MDA}streetAddressOne`, partyById.get(l.site)?.address],
        ]),
      })),
    });
  if (parties.length)
    out.push({
      type: 'urn:epcglobal:epcis:vtype:Party',
      vocabularyElementList: parties.map((p) => ({
        id: ids.party(p.id),
        attributes: attrs([
          [`${MDA}name`, p.name],
          [`${MDA}streetAddressOne`, p.address],
        ]),
      })),
    });
  return out;
}
