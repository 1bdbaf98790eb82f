/**
 * Exact Online connector: batch numbers (`inventory/BatchNumbers`) and the stock movements of batches
 * (`inventory/StockBatchNumbers`) over its REST API (OData v2 JSON, `d.results` / `d.__next` paging, at
 * most 60 records a page). Pull only: Exact books stock through its own documents (goods receipts,
 * deliveries), which lotgraph does not create. Written from Exact's published API shapes; no live Exact
 * division was reachable when it was written (see the README).
 *
 * @module
 */
import { z } from 'zod';
import { DeliveryError, parseWith } from '../message.js';
import type { ErpBatch, ErpConnector, ErpMovement, PullCursor } from './contract.js';
import {
  getPage,
  type HttpOptions,
  odataDateTime,
  odataDay,
  odataDecimal,
  odataInstant,
  odataString,
} from './odata.js';

/** Options of {@link exactConnector}. */
export interface ExactOptions extends HttpOptions {
  /** The API root up to the division, e.g. `https://start.exactonline.nl/api/v1/123456`. */
  baseUrl: string;
}

const Options = z.object({ baseUrl: z.string().url() }).passthrough();
const N = 'exact';

/** StockTransactionType codes that take stock out (deliveries, returns to supplier, issues, transfers out). */
export const EXACT_OUTGOING = new Set([120, 122, 124, 125, 131, 133, 141, 148, 150, 155, 165, 166, 196]);

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function batchFrom(r: Record<string, unknown>): ErpBatch {
  const material = str(r.ItemCode);
  const batch = str(r.BatchNumber);
  if (!material || !batch)
    throw new DeliveryError(N, 'BatchNumbers record without ItemCode or BatchNumber', { retryable: false });
  const expiry = odataDay(r.ExpiryDate, 'ExpiryDate', N);
  return {
    material,
    batch,
    ...(expiry ? { expiry } : {}),
    changedAt:
      odataInstant(r.Modified, 'Modified', N) ??
      odataInstant(r.Created, 'Created', N) ??
      '1970-01-01T00:00:00.000Z',
  };
}

function movementFrom(r: Record<string, unknown>): ErpMovement {
  const batch = str(r.BatchNumber);
  const material = str(r.ItemCode);
  const id = str(r.ID);
  if (!batch || !material || !id)
    throw new DeliveryError(N, 'StockBatchNumbers record without ID, ItemCode or BatchNumber', {
      retryable: false,
    });
  const qty = odataDecimal(r.Quantity, 'Quantity', N);
  const type = Number(r.StockTransactionType);
  const created = odataInstant(r.Created, 'Created', N) ?? '1970-01-01T00:00:00.000Z';
  return {
    key: id,
    kind: qty.negative || EXACT_OUTGOING.has(type) ? 'issue' : 'receipt',
    material,
    batch,
    location: String(r.StorageLocationCode || r.WarehouseCode || ''),
    quantity: qty.value,
    movementType: String(r.StockTransactionType ?? ''),
    postedAt: created.slice(0, 10),
    changedAt: created,
  };
}

/**
 * A connector for Exact Online's REST API (pull only).
 *
 * @example
 * ```ts
 * const exact = exactConnector({ baseUrl: 'https://start.exactonline.nl/api/v1/123456',
 *   headers: { authorization: `Bearer ${accessToken}` } });
 * ```
 */
export function exactConnector(options: ExactOptions): ErpConnector {
  parseWith(Options, options, 'exactConnector');
  const base = options.baseUrl.replace(/\/+$/, '');
  const url = (path: string, params: Record<string, string>) =>
    `${base}/${path}?${Object.entries(params)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&')}`;
  return {
    name: N,
    async pullBatches(cursor: PullCursor) {
      const u =
        cursor.page ??
        url('inventory/BatchNumbers', {
          $select: 'ID,BatchNumber,ExpiryDate,ItemCode,Created,Modified',
          $orderby: 'Modified',
          ...(cursor.since ? { $filter: `Modified gt ${odataDateTime(cursor.since)}` } : {}),
        });
      const page = await getPage(N, u, options);
      return { items: page.results.map(batchFrom), ...(page.next ? { next: page.next } : {}) };
    },
    async pullMovements(cursor: PullCursor) {
      const u =
        cursor.page ??
        url('inventory/StockBatchNumbers', {
          $select:
            'ID,BatchNumber,ItemCode,Quantity,StockTransactionType,WarehouseCode,StorageLocationCode,Created',
          $orderby: 'Created',
          ...(cursor.since ? { $filter: `Created gt ${odataDateTime(cursor.since)}` } : {}),
        });
      const page = await getPage(N, u, options);
      return { items: page.results.map(movementFrom), ...(page.next ? { next: page.next } : {}) };
    },
    async getBatch(material, batch) {
      const page = await getPage(
        N,
        url('inventory/BatchNumbers', {
          $select: 'ID,BatchNumber,ExpiryDate,ItemCode,Created,Modified',
          $filter: `ItemCode eq ${odataString(material)} and BatchNumber eq ${odataString(batch)}`,
        }),
        options,
      );
      const r = page.results[0];
      return r ? batchFrom(r) : undefined;
    },
  };
}
