/**
 * Shipping by SSCC and serial scan: what `ship({ units, serials })` takes — every lot and serial inside the
 * scanned units (nested), and serials picked on their own — as shipment lines per lot and location.
 *
 * @module
 */
import { assertUsable, requireLot, requireProduct } from '../commands/lookups.js';
import { fromSteps } from '../domain/quantity.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { EventPayloads } from '../ledger/events.js';
import type { Store } from '../store/port.js';
import { readAhead } from '../store/prefetch.js';
import type { LogisticUnitRecord, SerialRecord } from '../store/serial-port.js';
import { inCustody } from './commands.js';
import { requireSerials, requireUnit, unitTree } from './unit-tree.js';

type Line = Omit<EventPayloads['shipped']['lines'][number], 'lineNo'>;

/** What the scanned units and serials add to a `shipped` event. */
export interface SerialisedShipment {
  lines: Line[];
  units: string[];
  nestedUnits: string[];
  detached: string[];
  pickedSerials: { gtin: string; serials: string[] }[];
}

/**
 * The lines, units and serials of a shipment by SSCC (`units`) and serial (`serials`). `taken` is the
 * stock the command's other lines already take per `lotId\0locationId` (updated here).
 */
export async function shipSerialised(
  store: Store,
  input: { units?: readonly string[]; serials?: readonly { gtin: string; serial: string }[] },
  day: string,
  taken: Map<string, bigint>,
): Promise<SerialisedShipment> {
  const shippedUnits = new Map<string, LogisticUnitRecord>();
  const roots: LogisticUnitRecord[] = [];
  const serialsOut: { s: SerialRecord; path: (string | number)[] }[] = [];
  const loose = new Map<string, { lotId: string; locationId: string; steps: bigint }>();
  const detached: string[] = [];
  for (const [i, id] of (input.units ?? []).entries()) {
    const path = ['units', i];
    const u = await requireUnit(store, id, path);
    if (u.state !== 'active') throw fieldError(path, `unit ${u.id} is ${u.state}`, id);
    if (shippedUnits.has(u.id)) throw fieldError(path, `unit ${u.id} is already in this shipment`, id);
    const tree = await unitTree(store, u);
    for (const x of tree.units) {
      if (shippedUnits.has(x.id)) throw fieldError(path, `unit ${x.id} is in this shipment twice`, id);
      shippedUnits.set(x.id, x);
      for (const l of x.lots) {
        const k = `${l.lotId}\u0000${u.locationId}`;
        const row = loose.get(k) ?? { lotId: l.lotId, locationId: u.locationId as string, steps: 0n };
        row.steps += l.quantity;
        loose.set(k, row);
      }
    }
    for (const s of tree.serials) if (inCustody(s.state)) serialsOut.push({ s, path });
    roots.push(u);
    if (u.parentId !== undefined) detached.push(u.id);
  }
  const picked = new Map<string, { gtin: string; serials: string[] }>();
  if (input.serials?.length) {
    const rows = await requireSerials(store, input.serials, ['serials']);
    for (const [i, s] of rows.entries()) {
      const path = ['serials', i];
      if (!inCustody(s.state))
        throw fieldError(path, `serial "${s.serial}" is ${s.state}, not with us`, s.serial);
      if (s.unitId !== undefined && shippedUnits.has(s.unitId))
        throw fieldError(path, `serial "${s.serial}" is in unit ${s.unitId}, shipped whole`, s.serial);
      if (s.unitId !== undefined) {
        const g = picked.get(s.gtin) ?? { gtin: s.gtin, serials: [] };
        picked.set(s.gtin, g);
        g.serials.push(s.serial);
      }
      serialsOut.push({ s, path });
    }
  }
  // Lines per lot × location: loose quantities + one base unit per serial.
  const lines = new Map<
    string,
    { lotId: string; locationId: string; steps: bigint; serials: string[]; gtin?: string }
  >();
  for (const row of loose.values()) lines.set(`${row.lotId}\u0000${row.locationId}`, { ...row, serials: [] });
  for (const { s, path } of serialsOut) {
    const k = `${s.lotId}\u0000${s.locationId}`;
    const line = lines.get(k) ?? {
      lotId: s.lotId,
      locationId: s.locationId as string,
      steps: 0n,
      serials: [],
    };
    lines.set(k, line);
    if (line.gtin !== undefined && line.gtin !== s.gtin)
      throw fieldError(
        path,
        `lot "${s.lotId}" has serials under two GTINs (${line.gtin}, ${s.gtin})`,
        s.serial,
      );
    line.gtin = s.gtin;
    line.serials.push(s.serial);
  }
  // The lots inside the units were not named by the input: fetch them all at once, not four reads per lot.
  await readAhead(store, [...new Set([...lines.values()].map((l) => l.lotId))]);
  const out: Line[] = [];
  for (const [k, line] of lines) {
    const path = ['units'];
    const lot = await requireLot(store, line.lotId, path);
    const product = await requireProduct(store, lot.productId, path);
    await assertUsable(store, lot, line.locationId, day, path);
    const steps = line.steps + BigInt(line.serials.length) * 10n ** BigInt(product.decimals);
    const onHand = await store.getStock(lot.id, line.locationId);
    const reserved = (await store.listReservations({ lotId: lot.id, status: 'active' }))
      .filter((r) => r.locationId === line.locationId)
      .reduce((a, r) => a + r.quantity, 0n);
    const before = taken.get(k) ?? 0n;
    if (before + steps > onHand - reserved)
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `units: lot "${lot.id}" at "${line.locationId}" has ${fromSteps(onHand - reserved - before, product.decimals)} ${product.unit} free to ship, the scanned units and serials hold ${fromSteps(steps, product.decimals)}`,
        {
          field: 'units',
          lotId: lot.id,
          locationId: line.locationId,
          onHand: fromSteps(onHand, product.decimals),
        },
      );
    taken.set(k, before + steps);
    out.push({
      lotId: lot.id,
      productId: product.id,
      locationId: line.locationId,
      quantity: fromSteps(steps, product.decimals),
      ...(line.serials.length > 0 ? { gtin: line.gtin as string, serials: line.serials } : {}),
    });
  }
  const rootIds = new Set(roots.map((r) => r.id));
  return {
    lines: out,
    units: roots.map((r) => r.id),
    nestedUnits: [...shippedUnits.keys()].filter((id) => !rootIds.has(id)),
    detached,
    pickedSerials: [...picked.values()],
  };
}
