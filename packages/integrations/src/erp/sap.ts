/**
 * SAP S/4HANA connector: batch masters from `API_BATCH_SRV` (entity set `Batch`), goods movements from
 * `API_MATERIAL_DOCUMENT_SRV` (`A_MaterialDocumentHeader` with its `to_MaterialDocumentItem`), OData v2
 * JSON with server-driven paging (`d.__next`); pushes a lot as a batch master, a hold as the batch's
 * restricted-use flag, a movement as a material document. Written from SAP's published API shapes; no
 * live SAP system was reachable when it was written (see the README).
 *
 * @module
 */
import { z } from 'zod';
import { DeliveryError, parseWith } from '../message.js';
import type {
  ErpBatch,
  ErpConnector,
  ErpMovement,
  PullCursor,
  PushHold,
  PushLot,
  PushMovement,
} from './contract.js';
import {
  getPage,
  type HttpOptions,
  odataDateTime,
  odataDay,
  odataDecimal,
  odataInstant,
  odataString,
  request,
} from './odata.js';

/** Options of {@link sapConnector}. */
export interface SapOptions extends HttpOptions {
  /** The OData root, e.g. `https://my-s4.example.com/sap/opu/odata/sap`. */
  baseUrl: string;
  /** Default plant for pushes (`BatchIdentifyingPlant`, `Plant`). */
  plant?: string;
  /** `sap-client` query parameter, when the system needs one. */
  client?: string;
}

const Options = z
  .object({
    baseUrl: z.string().url(),
    plant: z.string().min(1).max(4).optional(),
    client: z
      .string()
      .regex(/^\d{3}$/)
      .optional(),
  })
  .passthrough();

const N = 'sap';
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const sapDate = (iso: string) => `/Date(${Date.parse(`${iso.slice(0, 10)}T00:00:00Z`)})/`;

function batchFrom(r: Record<string, unknown>): ErpBatch {
  const material = str(r.Material);
  const batch = str(r.Batch);
  if (!material || !batch)
    throw new DeliveryError(N, 'A_Batch without Material or Batch', { retryable: false });
  const expiry = odataDay(r.ShelfLifeExpirationDate, 'ShelfLifeExpirationDate', N);
  const made = odataDay(r.ManufactureDate, 'ManufactureDate', N);
  const changed =
    odataInstant(r.LastChangeDateTime, 'LastChangeDateTime', N) ??
    odataInstant(r.CreationDateTime, 'CreationDateTime', N);
  const out: ErpBatch = { material, batch, changedAt: changed ?? '1970-01-01T00:00:00.000Z' };
  if (str(r.Supplier)) out.supplier = r.Supplier as string;
  if (str(r.BatchBySupplier)) out.supplierBatch = r.BatchBySupplier as string;
  if (expiry) out.expiry = expiry;
  if (made) out.productionDate = made;
  if (str(r.CountryOfOrigin)) out.originCountry = r.CountryOfOrigin as string;
  return out;
}

/** `PT10H30M05S` → `10:30:05`. */
const sapTime = (v: unknown) => {
  const m = typeof v === 'string' ? /^PT(\d+)H(\d+)M(\d+)S$/.exec(v) : null;
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]!.padStart(2, '0')}:${m[3]!.padStart(2, '0')}` : '00:00:00';
};

function movementsFrom(h: Record<string, unknown>): ErpMovement[] {
  const day = odataDay(h.CreationDate, 'CreationDate', N) ?? odataDay(h.PostingDate, 'PostingDate', N);
  const changedAt = `${day ?? '1970-01-01'}T${sapTime(h.CreationTime)}.000Z`;
  const posted = odataDay(h.PostingDate, 'PostingDate', N) ?? day ?? '1970-01-01';
  const items = (h.to_MaterialDocumentItem as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(items))
    throw new DeliveryError(N, 'material document without to_MaterialDocumentItem (expand it)', {
      retryable: false,
    });
  const out: ErpMovement[] = [];
  for (const raw of items as Record<string, unknown>[]) {
    const batch = str(raw.Batch);
    if (!batch) continue; // not batch-managed: nothing to trace
    const qty = odataDecimal(raw.QuantityInEntryUnit, 'QuantityInEntryUnit', N);
    const debit = raw.DebitCreditCode === 'S';
    out.push({
      key: `${raw.MaterialDocumentYear}/${raw.MaterialDocument}/${raw.MaterialDocumentItem}`,
      kind: debit !== qty.negative ? 'receipt' : 'issue',
      material: String(raw.Material ?? ''),
      batch,
      location: String(raw.StorageLocation ?? raw.Plant ?? ''),
      quantity: qty.value,
      ...(str(raw.EntryUnit) ? { unit: raw.EntryUnit as string } : {}),
      movementType: String(raw.GoodsMovementType ?? ''),
      ...(str(raw.Supplier) ? { supplier: raw.Supplier as string } : {}),
      ...(str(raw.Plant) ? { plant: raw.Plant as string } : {}),
      postedAt: posted,
      changedAt,
    });
  }
  return out;
}

/**
 * A connector for SAP S/4HANA (Cloud or on-premise) over its OData v2 APIs.
 *
 * @example
 * ```ts
 * const sap = sapConnector({ baseUrl: 'https://s4.example.com/sap/opu/odata/sap', plant: '1010',
 *   headers: { authorization: `Basic ${btoa('USER:PASS')}` } });
 * ```
 */
export function sapConnector(options: SapOptions): ErpConnector {
  parseWith(Options, options, 'sapConnector');
  const base = options.baseUrl.replace(/\/+$/, '');
  const q = (params: Record<string, string>) => {
    const all = { ...params, $format: 'json', ...(options.client ? { 'sap-client': options.client } : {}) };
    return Object.entries(all)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
  };
  const batchKey = (material: string, plant: string, batch: string) =>
    `Batch(Material=${odataString(material)},BatchIdentifyingPlant=${odataString(plant)},Batch=${odataString(batch)})`;

  let csrf: { token: string; cookie: string } | undefined;
  const write = async (method: 'POST' | 'PATCH', path: string, body: unknown) => {
    if (!csrf) {
      const res = await request(
        N,
        `${base}/API_BATCH_SRV/?${q({})}`,
        { method: 'GET', headers: { 'x-csrf-token': 'fetch' } },
        options,
      );
      await res.arrayBuffer();
      csrf = {
        token: res.headers.get('x-csrf-token') ?? '',
        cookie: (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; '),
      };
    }
    try {
      await request(
        N,
        `${base}/${path}${path.includes('?') ? '&' : '?'}${q({})}`,
        {
          method,
          headers: {
            'content-type': 'application/json',
            'x-csrf-token': csrf.token,
            ...(csrf.cookie ? { cookie: csrf.cookie } : {}),
          },
          body: JSON.stringify(body),
        },
        options,
      );
    } catch (e) {
      // An expired token answers 403 "CSRF token validation failed": fetch a fresh one next time.
      if ((e as DeliveryError).details?.status === 403) csrf = undefined;
      throw e;
    }
  };
  const exists = async (url: string) => {
    try {
      const res = await request(N, url, { method: 'GET' }, { ...options, attempts: options.attempts ?? 5 });
      await res.arrayBuffer();
      return true;
    } catch (e) {
      if ((e as DeliveryError).details?.status === 404) return false;
      throw e;
    }
  };

  return {
    name: N,
    async pullBatches(cursor: PullCursor) {
      const url =
        cursor.page ??
        `${base}/API_BATCH_SRV/Batch?${q({
          $orderby: 'LastChangeDateTime',
          ...(cursor.since
            ? { $filter: `LastChangeDateTime gt datetimeoffset'${cursor.since.slice(0, 19)}Z'` }
            : {}),
        })}`;
      const page = await getPage(N, url, options);
      return { items: page.results.map(batchFrom), ...(page.next ? { next: page.next } : {}) };
    },
    async pullMovements(cursor: PullCursor) {
      // Material documents are immutable; the header's creation day is the high-water mark. `ge` on the
      // day re-reads that day's documents, which the engine's idempotency keys make harmless.
      const url =
        cursor.page ??
        `${base}/API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader?${q({
          $expand: 'to_MaterialDocumentItem',
          $orderby: 'CreationDate,CreationTime,MaterialDocumentYear,MaterialDocument',
          ...(cursor.since
            ? { $filter: `CreationDate ge ${odataDateTime(`${cursor.since.slice(0, 10)}T00:00:00`)}` }
            : {}),
        })}`;
      const page = await getPage(N, url, options);
      return { items: page.results.flatMap(movementsFrom), ...(page.next ? { next: page.next } : {}) };
    },
    async getBatch(material, batch, plant) {
      const p = plant ?? options.plant;
      if (!p) return undefined;
      try {
        const res = await request(
          N,
          `${base}/API_BATCH_SRV/${batchKey(material, p, batch)}?${q({})}`,
          { method: 'GET' },
          options,
        );
        const body = (await res.json()) as { d?: Record<string, unknown> };
        return body.d ? batchFrom(body.d) : undefined;
      } catch (e) {
        if ((e as DeliveryError).details?.status === 404) return undefined;
        throw e;
      }
    },
    async pushLot(lot: PushLot) {
      const plant = lot.plant ?? options.plant;
      if (!plant) throw new DeliveryError(N, 'pushLot needs a plant', { retryable: false, key: lot.key });
      if (await exists(`${base}/API_BATCH_SRV/${batchKey(lot.material, plant, lot.batch)}?${q({})}`)) return;
      await write('POST', 'API_BATCH_SRV/Batch', {
        Material: lot.material,
        BatchIdentifyingPlant: plant,
        Batch: lot.batch,
        ...(lot.expiry ? { ShelfLifeExpirationDate: sapDate(lot.expiry) } : {}),
        ...(lot.productionDate ? { ManufactureDate: sapDate(lot.productionDate) } : {}),
        ...(lot.supplierBatch ? { BatchBySupplier: lot.supplierBatch } : {}),
      });
    },
    async pushHold(hold: PushHold) {
      const plant = hold.plant ?? options.plant;
      if (!plant) throw new DeliveryError(N, 'pushHold needs a plant', { retryable: false, key: hold.key });
      await write('PATCH', `API_BATCH_SRV/${batchKey(hold.material, plant, hold.batch)}`, {
        MatlBatchIsInRstrcdUseStock: hold.held,
      });
    },
    async pushMovement(m: PushMovement) {
      const plant = m.plant ?? options.plant;
      if (!plant) throw new DeliveryError(N, 'pushMovement needs a plant', { retryable: false, key: m.key });
      // SAP has no idempotency key: the header text carries ours and is looked up before posting.
      const text = m.key.slice(0, 25);
      const found = await getPage(
        N,
        `${base}/API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader?${q({ $filter: `MaterialDocumentHeaderText eq ${odataString(text)}`, $top: '1' })}`,
        options,
      );
      if (found.results.length > 0) return;
      await write('POST', 'API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader', {
        PostingDate: sapDate(m.postedAt),
        DocumentDate: sapDate(m.postedAt),
        MaterialDocumentHeaderText: text,
        // 05 other goods receipt (movement type 501), 03 goods issue (movement type 201)
        GoodsMovementCode: m.kind === 'receipt' ? '05' : '03',
        to_MaterialDocumentItem: [
          {
            Material: m.material,
            Plant: plant,
            StorageLocation: m.location,
            Batch: m.batch,
            GoodsMovementType: m.kind === 'receipt' ? '501' : '201',
            EntryUnit: m.unit,
            QuantityInEntryUnit: m.quantity,
          },
        ],
      });
    },
  };
}
