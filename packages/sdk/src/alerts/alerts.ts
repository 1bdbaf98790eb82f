/**
 * Alerts over stock (expiring, expired on hand, low stock), and the HMAC used to sign webhooks
 * (`./webhook.ts`).
 *
 * @module
 */
import { isExpiredOn } from '../domain/dates.js';
import { fromSteps, toSteps } from '../domain/quantity.js';
import { fieldError } from '../errors.js';
import { sha256 } from '../ledger/sha256.js';
import type { Store } from '../store/port.js';
import type { LowStockItem, StockAlert } from './alert-types.js';

export type { LowStockItem, StockAlert } from './alert-types.js';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
const checkDate = (date: string, field: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(day(date)))
    throw fieldError([field], 'expected YYYY-MM-DD', date);
};

async function balancesWithLots(store: Store) {
  const stock = await store.listStock();
  const lots = new Map((await store.getLots([...new Set(stock.map((s) => s.lotId))])).map((l) => [l.id, l]));
  const products = new Map((await store.listProducts()).map((p) => [p.id, p]));
  return stock.map((s) => ({ s, lot: lots.get(s.lotId), product: products.get(s.productId) }));
}

/** Lots on hand that expire within `withinDays` of `date` (not yet expired), soonest first. */
export async function expiring(
  store: Store,
  opts: { withinDays: number; date: string },
): Promise<StockAlert[]> {
  checkDate(opts.date, 'date');
  if (!Number.isInteger(opts.withinDays) || opts.withinDays < 0)
    throw fieldError(['withinDays'], 'expected a non-negative integer', opts.withinDays);
  const out: StockAlert[] = [];
  for (const { s, lot, product } of await balancesWithLots(store)) {
    if (!lot?.expiry || isExpiredOn(lot.expiry, opts.date)) continue;
    const d = day(lot.expiry) - day(opts.date);
    if (d > opts.withinDays) continue;
    out.push({
      lotId: s.lotId,
      productId: s.productId,
      locationId: s.locationId,
      quantity: fromSteps(s.quantity, product?.decimals ?? 0),
      unit: product?.unit ?? '',
      expiry: lot.expiry,
      daysToExpiry: d,
    });
  }
  return out.sort((a, b) => a.daysToExpiry! - b.daysToExpiry! || (a.lotId < b.lotId ? -1 : 1));
}

/** Lots still on hand that are expired on `date` (DESIGN.md §4's predicate). */
export async function expiredOnHand(store: Store, date: string): Promise<StockAlert[]> {
  checkDate(date, 'date');
  const out: StockAlert[] = [];
  for (const { s, lot, product } of await balancesWithLots(store)) {
    if (!lot?.expiry || !isExpiredOn(lot.expiry, date)) continue;
    out.push({
      lotId: s.lotId,
      productId: s.productId,
      locationId: s.locationId,
      quantity: fromSteps(s.quantity, product?.decimals ?? 0),
      unit: product?.unit ?? '',
      expiry: lot.expiry,
      daysToExpiry: day(lot.expiry) - day(date),
    });
  }
  return out.sort((a, b) => a.daysToExpiry! - b.daysToExpiry! || (a.lotId < b.lotId ? -1 : 1));
}

/** Products whose total on hand (optionally at one location) is below a threshold, in the product's unit. */
export async function lowStock(
  store: Store,
  opts: { thresholds: Record<string, string>; locationId?: string },
): Promise<LowStockItem[]> {
  const out = [];
  for (const [productId, threshold] of Object.entries(opts.thresholds)) {
    const product = await store.getProduct(productId);
    if (!product)
      throw fieldError(['thresholds', productId], `product "${productId}" does not exist`, productId);
    const t = toSteps(threshold, product.decimals, ['thresholds', productId]);
    const rows = await store.listStock({
      productId,
      ...(opts.locationId !== undefined ? { locationId: opts.locationId } : {}),
    });
    const total = rows.reduce((a, r) => a + r.quantity, 0n);
    if (total < t)
      out.push({
        productId,
        onHand: fromSteps(total, product.decimals),
        threshold: fromSteps(t, product.decimals),
        unit: product.unit,
        lots: new Set(rows.map((r) => r.lotId)).size,
      });
  }
  return out;
}

/** HMAC-SHA256 (RFC 2104) of `message` with `key`, hex. */
export function hmacSha256Hex(key: string | Uint8Array, message: string | Uint8Array): string {
  const enc = new TextEncoder();
  let k = typeof key === 'string' ? enc.encode(key) : key;
  if (k.length > 64) k = sha256(k);
  const block = new Uint8Array(64);
  block.set(k);
  const ipad = block.map((b) => b ^ 0x36);
  const opad = block.map((b) => b ^ 0x5c);
  const msg = typeof message === 'string' ? enc.encode(message) : message;
  const inner = new Uint8Array(64 + msg.length);
  inner.set(ipad);
  inner.set(msg, 64);
  const ih = sha256(inner);
  const outer = new Uint8Array(64 + 32);
  outer.set(opad);
  outer.set(ih, 64);
  return Array.from(sha256(outer), (b) => b.toString(16).padStart(2, '0')).join('');
}
