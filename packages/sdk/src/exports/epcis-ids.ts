/**
 * GS1 identifiers of the EPCIS export: Digital Link URIs for lots (01 + 10), parties (417) and locations
 * (414 + 254) whenever `@lotgraph/gs1`'s parser accepts them back, lotgraph URNs otherwise; and the CBV master
 * data (names, addresses) of what a document mentions.
 *
 * @module
 */
import { formatDigitalLink, parseDigitalLink } from '@lotgraph/gs1';
import type { Location, Party, Product } from '../domain/schemas.js';

/** A lotgraph URN (`urn:lotgraph:{kind}:{id}`), for what has no GS1 identifier. */
export const urn = (kind: string, id: string) => `urn:lotgraph:${kind}:${encodeURIComponent(id)}`;

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
