/**
 * The serial commands: `commissionSerials` (a list, a numbered range or generated serials for stock of a
 * lot) and `setSerialState` (destroyed, sample, decommissioned, dispensed, returned, re-activated).
 *
 * @module
 */
import { custodyCount, requireLocation, requireLot, requireProduct } from '../commands/lookups.js';
import { fromSteps } from '../domain/quantity.js';
import { normaliseGtin } from '../domain/schemas.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventPayloads } from '../ledger/events.js';
import type { Store } from '../store/port.js';
import type { SerialRecord, SerialState } from '../store/serial-port.js';
import { CommissionSerialsInput, SetSerialStateInput } from './schemas.js';
import type { SerialRange } from './serial-types.js';
import { requireSerials, requireUnit } from './unit-tree.js';

/** In our custody: counted in stock. */
export const inCustody = (s: SerialState) => s === 'active' || s === 'returned';

/** The serial numbers of a range, in order. */
export function expandRange(r: SerialRange): string[] {
  const out = new Array<string>(r.count);
  for (let i = 0; i < r.count; i++) out[i] = `${r.prefix}${String(r.start + i).padStart(r.width, '0')}`;
  return out;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `count` random serials of `length` characters (look-alike-free alphabet), none stored yet for `gtin`. */
async function generateSerials(store: Store, gtin: string, count: number, length: number): Promise<string[]> {
  const out = new Set<string>();
  const bytes = new Uint8Array(length);
  while (out.size < count) {
    const fresh: string[] = [];
    while (out.size + fresh.length < count) {
      globalThis.crypto.getRandomValues(bytes);
      let s = '';
      for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
      if (!out.has(s)) fresh.push(s);
    }
    const taken = new Set((await existing(store, gtin, fresh)).map((r) => r.serial));
    for (const s of fresh) if (!taken.has(s)) out.add(s);
  }
  return [...out];
}

/** Stored serials of `gtin` among `serials` (read in chunks). */
async function existing(store: Store, gtin: string, serials: readonly string[]): Promise<SerialRecord[]> {
  const out: SerialRecord[] = [];
  for (let i = 0; i < serials.length; i += 10_000)
    out.push(...(await store.getSerials(serials.slice(i, i + 10_000).map((serial) => ({ gtin, serial })))));
  return out;
}

/**
 * `commissionSerials`: serial numbers for stock of a lot at a location. The lot's product needs a GTIN; no
 * serial may exist already; the lot's serials in custody there never exceed its on-hand stock (one base
 * unit each).
 */
export const commissionSerialsCommand: CommandSpec<typeof CommissionSerialsInput, 'serialsCommissioned'> = {
  name: 'commissionSerials',
  type: 'serialsCommissioned',
  schema: CommissionSerialsInput,
  async decide(input, { store }) {
    const lot = await requireLot(store, input.lotId, ['lotId']);
    const product = await requireProduct(store, lot.productId, ['lotId']);
    if (!product.gtin)
      throw fieldError(
        ['lotId'],
        `product "${product.id}" of lot "${lot.id}" has no GTIN; serials are GTIN + serial number`,
        input.lotId,
      );
    const gtin = normaliseGtin(product.gtin);
    await requireLocation(store, input.locationId, ['locationId']);
    let serials: string[] | undefined;
    let range: SerialRange | undefined;
    if (input.serials) {
      const seen = new Set<string>();
      input.serials.forEach((s, i) => {
        if (seen.has(s)) throw fieldError(['serials', i], `serial "${s}" is listed twice`, s);
        seen.add(s);
      });
      serials = input.serials;
    } else if (input.range) {
      range = { ...input.range };
      const last = `${range.prefix}${String(range.start + range.count - 1).padStart(range.width, '0')}`;
      if (last.length > 20 || range.start + range.count - 1 > Number.MAX_SAFE_INTEGER)
        throw fieldError(['range'], `the range ends at "${last}", longer than 20 characters`, input.range);
    } else if (input.generate) {
      serials = await generateSerials(store, gtin, input.generate.count, input.generate.length);
    }
    const list = serials ?? expandRange(range as SerialRange);
    const taken = await existing(store, gtin, list);
    if (taken[0])
      throw new LotgraphError(
        ErrorCodes.SERIAL_EXISTS,
        `serials: serial "${taken[0].serial}" of GTIN ${gtin} is already commissioned (lot "${taken[0].lotId}")`,
        { field: 'serials', gtin, serial: taken[0].serial, lotId: taken[0].lotId, count: taken.length },
      );
    const unitSteps = 10n ** BigInt(product.decimals);
    const onHand = await store.getStock(lot.id, input.locationId);
    const already = await custodyCount(store, lot.id, input.locationId);
    if (BigInt(already + list.length) * unitSteps > onHand)
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `serials: lot "${lot.id}" at "${input.locationId}" has ${fromSteps(onHand, product.decimals)} ${product.unit} on hand and ${already} serials; ${list.length} more would exceed it (one ${product.unit} each)`,
        {
          field: 'serials',
          lotId: lot.id,
          locationId: input.locationId,
          onHand: fromSteps(onHand, product.decimals),
          serialsInCustody: already,
          requested: list.length,
        },
      );
    if (input.unitId !== undefined) {
      const u = await requireUnit(store, input.unitId, ['unitId']);
      if (u.state !== 'active') throw fieldError(['unitId'], `unit ${u.id} is ${u.state}`, input.unitId);
      if (u.locationId !== input.locationId)
        throw fieldError(
          ['unitId'],
          `unit ${u.id} is at "${u.locationId}", not "${input.locationId}"`,
          input.unitId,
        );
    }
    return {
      lotId: lot.id,
      productId: product.id,
      gtin,
      locationId: input.locationId,
      ...(input.unitId !== undefined ? { unitId: input.unitId } : {}),
      count: list.length,
      ...(serials ? { serials } : { range: range as SerialRange }),
    };
  },
};

type Change = EventPayloads['serialsStateChanged'];

/** Which states a serial may move to from which (and whether stock changes: -1 out of, +1 back into custody). */
function transition(from: SerialState, to: SerialState): -1 | 0 | 1 | undefined {
  if (to === 'destroyed' || to === 'sample' || to === 'decommissioned') {
    if (inCustody(from)) return -1;
    return from === 'shipped' && to !== 'sample' ? 0 : undefined;
  }
  if (to === 'dispensed') return from === 'shipped' ? 0 : undefined;
  if (to === 'returned') return from === 'shipped' || from === 'dispensed' ? 1 : undefined;
  if (to === 'active') return from === 'returned' ? 0 : undefined;
  return undefined;
}

/** `setSerialState`: serials change state; stock follows them in and out of our custody. */
export const setSerialStateCommand: CommandSpec<typeof SetSerialStateInput, 'serialsStateChanged'> = {
  name: 'setSerialState',
  type: 'serialsStateChanged',
  schema: SetSerialStateInput,
  async decide(input, { store }) {
    const rows = await requireSerials(store, input.serials, ['serials']);
    if (input.locationId !== undefined) await requireLocation(store, input.locationId, ['locationId']);
    const groups = new Map<string, Change['groups'][number]>();
    const stock = new Map<
      string,
      { lotId: string; productId: string; locationId: string; steps: bigint; d: number }
    >();
    for (const [i, r] of rows.entries()) {
      const effect = transition(r.state, input.state);
      if (effect === undefined)
        throw fieldError(
          ['serials', i],
          `serial "${r.serial}" is ${r.state}; it cannot become ${input.state}`,
          r.serial,
        );
      const lot = await requireLot(store, r.lotId, ['serials', i]);
      const product = await requireProduct(store, lot.productId, ['serials', i]);
      const k = `${r.state}\u0000${r.gtin}\u0000${r.lotId}`;
      const g = groups.get(k) ?? {
        from: r.state,
        gtin: r.gtin,
        lotId: r.lotId,
        productId: product.id,
        serials: [],
      };
      groups.set(k, g);
      g.serials.push(r.serial);
      if (effect !== 0) {
        const locationId = effect < 0 ? (r.locationId as string) : (input.locationId as string);
        const sk = `${r.lotId}\u0000${locationId}`;
        const s = stock.get(sk) ?? {
          lotId: r.lotId,
          productId: product.id,
          locationId,
          steps: 0n,
          d: product.decimals,
        };
        s.steps += BigInt(effect) * 10n ** BigInt(product.decimals);
        stock.set(sk, s);
      }
    }
    for (const s of stock.values()) {
      if (s.steps >= 0n) continue;
      const onHand = await store.getStock(s.lotId, s.locationId);
      if (onHand + s.steps < 0n)
        throw new LotgraphError(
          ErrorCodes.INSUFFICIENT_STOCK,
          `serials: lot "${s.lotId}" at "${s.locationId}" has ${fromSteps(onHand, s.d)} on hand, ${fromSteps(-s.steps, s.d)} serialised units leave`,
          { field: 'serials', lotId: s.lotId, locationId: s.locationId, onHand: fromSteps(onHand, s.d) },
        );
    }
    return {
      state: input.state,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.locationId !== undefined ? { locationId: input.locationId } : {}),
      groups: [...groups.values()],
      stock: [...stock.values()].map((s) => ({
        lotId: s.lotId,
        productId: s.productId,
        locationId: s.locationId,
        delta: fromSteps(s.steps, s.d),
      })),
    };
  },
};
