import { isExpiredOn } from '../domain/dates.js';
import { convertToSteps, fromSteps } from '../domain/quantity.js';
import type { Location, Lot, Party, PartyRole, Product } from '../domain/schemas.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { LotFacts } from '../ledger/events.js';
import type { Store } from '../store/port.js';

type Path = (string | number)[];
const at = (path: Path) => path.join('.');

/** The product, or PRODUCT_NOT_FOUND naming the field. */
export async function requireProduct(store: Store, id: string, path: Path): Promise<Product> {
  const p = await store.getProduct(id);
  if (!p) {
    throw new LotgraphError(ErrorCodes.PRODUCT_NOT_FOUND, `${at(path)}: product "${id}" is not defined`, {
      field: at(path),
      value: id,
    });
  }
  return p;
}

/** The lot, or LOT_NOT_FOUND naming the field. */
export async function requireLot(store: Store, id: string, path: Path): Promise<Lot> {
  const l = await store.getLot(id);
  if (!l)
    throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `${at(path)}: lot "${id}" does not exist`, {
      field: at(path),
      value: id,
    });
  return l;
}

/** The location, or LOCATION_NOT_FOUND naming the field. */
export async function requireLocation(store: Store, id: string, path: Path): Promise<Location> {
  const l = await store.getLocation(id);
  if (!l) {
    throw new LotgraphError(ErrorCodes.LOCATION_NOT_FOUND, `${at(path)}: location "${id}" is not defined`, {
      field: at(path),
      value: id,
    });
  }
  return l;
}

/** The party (optionally checked for a role), or PARTY_NOT_FOUND / VALIDATION_FAILED naming the field. */
export async function requireParty(store: Store, id: string, path: Path, role?: PartyRole): Promise<Party> {
  const p = await store.getParty(id);
  if (!p)
    throw new LotgraphError(ErrorCodes.PARTY_NOT_FOUND, `${at(path)}: party "${id}" is not defined`, {
      field: at(path),
      value: id,
    });
  if (role && !p.roles.includes(role)) throw fieldError(path, `party "${id}" is not a ${role}`, id);
  return p;
}

/** Throw LOT_ON_HOLD / LOT_EXPIRED when the lot may not be used at `locationId` on `day`. */
export async function assertUsable(
  store: Store,
  lot: Lot,
  locationId: string,
  day: string,
  path: Path,
): Promise<void> {
  const holds = await store.listHolds({ lotId: lot.id, status: 'active' });
  const hold = holds.find((h) => h.locationId === undefined || h.locationId === locationId);
  if (hold) {
    throw new LotgraphError(
      ErrorCodes.LOT_ON_HOLD,
      `${at(path)}: lot "${lot.id}" is on hold (${hold.reasonCode})`,
      {
        field: at(path),
        lotId: lot.id,
        holdId: hold.id,
        reasonCode: hold.reasonCode,
      },
    );
  }
  if (isExpiredOn(lot.expiry, day)) {
    throw new LotgraphError(
      ErrorCodes.LOT_EXPIRED,
      `${at(path)}: lot "${lot.id}" expired on ${lot.expiry} (day ${day})`,
      {
        field: at(path),
        lotId: lot.id,
        expiry: lot.expiry,
        day,
      },
    );
  }
}

/**
 * Serials of a lot in our custody at a location: exactly those placed there (a serial leaving custody —
 * shipped, destroyed, sampled, decommissioned — loses its location; one coming back gets one).
 */
export async function custodyCount(store: Store, lotId: string, locationId: string): Promise<number> {
  return store.countSerials({ lotId, locationId });
}

/**
 * Tracks the stock a command takes from each lot × location so several lines on the same stock are checked
 * together (the store's guard is the final word; this gives errors a field path).
 */
export class StockTaker {
  private taken = new Map<string, bigint>();
  /**
   * `serials: 'take'` for commands that name the serialised items they take (by serial or SSCC); others
   * may take only a serialised lot's stock that is not serialised.
   */
  constructor(
    private readonly store: Store,
    private readonly options: { serials?: 'take' | 'leave' } = {},
  ) {}

  async take(lot: Lot, product: Product, locationId: string, steps: bigint, path: Path): Promise<void> {
    const k = `${lot.id}\u0000${locationId}`;
    const already = this.taken.get(k) ?? 0n;
    const onHand = await this.store.getStock(lot.id, locationId);
    if (lot.serialised && this.options.serials !== 'take') {
      const serialised =
        BigInt(await custodyCount(this.store, lot.id, locationId)) * 10n ** BigInt(product.decimals);
      if (serialised > 0n && already + steps > onHand - serialised)
        throw new LotgraphError(
          ErrorCodes.INSUFFICIENT_STOCK,
          `${at(path)}: lot "${lot.id}" at "${locationId}" has ${fromSteps(onHand - serialised - already, product.decimals)} ${product.unit} not serialised (${fromSteps(serialised, product.decimals)} ${product.unit} are serialised items: take them by serial or SSCC), ${fromSteps(steps, product.decimals)} requested`,
          {
            field: at(path),
            lotId: lot.id,
            locationId,
            onHand: fromSteps(onHand, product.decimals),
            serialised: fromSteps(serialised, product.decimals),
            requested: fromSteps(already + steps, product.decimals),
          },
        );
    }
    if (already + steps > onHand) {
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `${at(path)}: lot "${lot.id}" at "${locationId}" has ${fromSteps(onHand - already, product.decimals)} ${product.unit}, ${fromSteps(steps, product.decimals)} requested`,
        {
          field: at(path),
          lotId: lot.id,
          locationId,
          onHand: fromSteps(onHand, product.decimals),
          requested: fromSteps(already + steps, product.decimals),
        },
      );
    }
    this.taken.set(k, already + steps);
  }
}

/** Convert a caller quantity (with optional unit) to the product's base unit, as a canonical decimal string. */
export function baseQuantity(
  value: string,
  unit: string | undefined,
  product: Product,
  path: Path,
): { steps: bigint; decimal: string } {
  const steps = convertToSteps(value, unit, product, path);
  return { steps, decimal: fromSteps(steps, product.decimals) };
}

/** Lot facts from a caller's attribute fields (drops undefined). */
export function lotFacts(
  id: string,
  productId: string,
  attrs: Partial<Omit<LotFacts, 'id' | 'productId'>>,
): LotFacts {
  const f: LotFacts = { id, productId };
  for (const k of [
    'supplierId',
    'supplierLotNumber',
    'originCountry',
    'productionDate',
    'expiry',
    'bestBefore',
    'certifications',
    'attributes',
  ] as const) {
    const v = attrs[k];
    if (v !== undefined) (f as unknown as Record<string, unknown>)[k] = v;
  }
  return f;
}

/** `day` + n days, `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
