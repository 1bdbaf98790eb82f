/**
 * The logistic-unit commands: `pack` (aggregation, nested), `unpack` (disaggregation) and `moveUnit` (a
 * unit and everything in it, by one SSCC scan). Shipping a unit is `ship({ units: [sscc] })`.
 *
 * @module
 */
import {
  baseQuantity,
  custodyCount,
  requireLocation,
  requireLot,
  requireProduct,
  StockTaker,
} from '../commands/lookups.js';
import { fromSteps } from '../domain/quantity.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { Store } from '../store/port.js';
import type { LogisticUnitRecord } from '../store/serial-port.js';
import { inCustody } from './commands.js';
import { MoveUnitInput, PackInput, UnpackInput } from './schemas.js';
import type { UnitLotLine, UnitSnapshot } from './serial-types.js';
import { groupSerials, requireSerials, requireUnit, unitAncestors, unitTree } from './unit-tree.js';

async function decimalsOfLot(store: Store, lotId: string, path: (string | number)[]) {
  const lot = await requireLot(store, lotId, path);
  return requireProduct(store, lot.productId, path);
}

/** The unit as a snapshot with `lots` (steps per lot) written as decimal lines. */
async function snapshot(
  store: Store,
  u: { id: string; kind: string; locationId: string; parentId?: string; createdSeq?: number },
  lots: Map<string, bigint>,
): Promise<UnitSnapshot> {
  const lines: UnitLotLine[] = [];
  for (const [lotId, steps] of lots) {
    if (steps === 0n) continue;
    const product = await decimalsOfLot(store, lotId, ['lots']);
    lines.push({ lotId, productId: product.id, quantity: fromSteps(steps, product.decimals) });
  }
  const s: UnitSnapshot = {
    id: u.id,
    kind: u.kind,
    locationId: u.locationId,
    createdSeq: u.createdSeq ?? 0,
    lots: lines,
  };
  if (u.parentId !== undefined) s.parentId = u.parentId;
  return s;
}

/** `pack`: serials, loose lot quantities and units into a logistic unit (created when new). */
export const packCommand: CommandSpec<typeof PackInput, 'unitPacked'> = {
  name: 'pack',
  type: 'unitPacked',
  schema: PackInput,
  async decide(input, { store }) {
    const unit = (await store.getUnits([input.unitId]))[0];
    if (unit && unit.state !== 'active')
      throw fieldError(['unitId'], `unit ${unit.id} is ${unit.state}; it cannot be packed`, input.unitId);
    if (unit && input.kind !== undefined && input.kind !== unit.kind)
      throw fieldError(['kind'], `unit ${unit.id} is a ${unit.kind}`, input.kind);
    const kind = input.kind ?? unit?.kind;
    if (kind === undefined) throw fieldError(['kind'], 'is required for a new unit', undefined);
    const serials = input.serials ? await requireSerials(store, input.serials, ['serials']) : [];
    const children: LogisticUnitRecord[] = [];
    for (const [i, id] of (input.units ?? []).entries())
      children.push(await requireUnit(store, id, ['units', i]));
    const locationId =
      input.locationId ?? unit?.locationId ?? serials[0]?.locationId ?? children[0]?.locationId;
    if (locationId === undefined) throw fieldError(['locationId'], 'is required for a new unit', undefined);
    if (unit && unit.locationId !== locationId)
      throw fieldError(['locationId'], `unit ${unit.id} is at "${unit.locationId}"`, input.locationId);
    await requireLocation(store, locationId, ['locationId']);
    for (const [i, s] of serials.entries()) {
      if (!inCustody(s.state))
        throw fieldError(['serials', i], `serial "${s.serial}" is ${s.state}, not with us`, s.serial);
      if (s.locationId !== locationId)
        throw fieldError(
          ['serials', i],
          `serial "${s.serial}" is at "${s.locationId}", not "${locationId}"`,
          s.serial,
        );
      if (s.unitId === input.unitId)
        throw fieldError(['serials', i], `serial "${s.serial}" is already in unit ${input.unitId}`, s.serial);
    }
    const above = await unitAncestors(store, unit?.parentId);
    for (const [i, c] of children.entries()) {
      const path = ['units', i];
      if (c.id === input.unitId || above.includes(c.id))
        throw fieldError(path, `unit ${c.id} cannot be packed inside itself`, c.id);
      if (c.state !== 'active') throw fieldError(path, `unit ${c.id} is ${c.state}`, c.id);
      if (c.locationId !== locationId)
        throw fieldError(path, `unit ${c.id} is at "${c.locationId}", not "${locationId}"`, c.id);
      if (c.parentId === input.unitId)
        throw fieldError(path, `unit ${c.id} is already in unit ${input.unitId}`, c.id);
    }
    if (new Set(input.units ?? []).size !== (input.units ?? []).length)
      throw fieldError(['units'], 'a unit is named twice', input.units);
    // Loose quantities: what is packed at a location never exceeds the lot's stock there.
    const lots = new Map((unit?.lots ?? []).map((l) => [l.lotId, l.quantity] as const));
    const lines: UnitLotLine[] = [];
    const adding = new Map<string, bigint>();
    // Loose quantities already packed at the location, per lot (read once for every line).
    const packedAt = new Map<string, bigint>();
    if (input.lots?.length)
      for (const u of await store.listUnits({ locationId, state: 'active' }))
        for (const x of u.lots) packedAt.set(x.lotId, (packedAt.get(x.lotId) ?? 0n) + x.quantity);
    for (const [i, l] of (input.lots ?? []).entries()) {
      const path = ['lots', i, 'quantity'];
      const product = await decimalsOfLot(store, l.lotId, ['lots', i, 'lotId']);
      const q = baseQuantity(l.quantity, l.unit, product, path);
      const add = (adding.get(l.lotId) ?? 0n) + q.steps;
      adding.set(l.lotId, add);
      const packed = packedAt.get(l.lotId) ?? 0n;
      const serialSteps =
        BigInt(await custodyCount(store, l.lotId, locationId)) * 10n ** BigInt(product.decimals);
      const onHand = await store.getStock(l.lotId, locationId);
      if (packed + serialSteps + add > onHand)
        throw new LotgraphError(
          ErrorCodes.INSUFFICIENT_STOCK,
          `lots.${i}.quantity: lot "${l.lotId}" at "${locationId}" has ${fromSteps(onHand, product.decimals)} ${product.unit} on hand, ${fromSteps(packed + serialSteps, product.decimals)} of it already packed or serialised`,
          {
            field: `lots.${i}.quantity`,
            lotId: l.lotId,
            locationId,
            onHand: fromSteps(onHand, product.decimals),
          },
        );
      lots.set(l.lotId, (lots.get(l.lotId) ?? 0n) + q.steps);
      lines.push({ lotId: l.lotId, productId: product.id, quantity: q.decimal });
    }
    const base = {
      id: input.unitId,
      kind,
      locationId,
      ...(unit?.parentId !== undefined ? { parentId: unit.parentId } : {}),
    };
    return {
      unitId: input.unitId,
      created: !unit,
      serials: await groupSerials(store, serials),
      units: children.map((c) => c.id),
      lots: lines,
      unit: await snapshot(store, unit ? { ...base, createdSeq: unit.createdSeq } : base, lots),
    };
  },
};

/** `unpack`: contents out of a unit; `all: true` empties it and retires it (out of its parent too). */
export const unpackCommand: CommandSpec<typeof UnpackInput, 'unitUnpacked'> = {
  name: 'unpack',
  type: 'unitUnpacked',
  schema: UnpackInput,
  async decide(input, { store }) {
    const unit = await requireUnit(store, input.unitId, ['unitId']);
    if (unit.state !== 'active')
      throw fieldError(['unitId'], `unit ${unit.id} is ${unit.state}`, input.unitId);
    const all = input.all === true;
    const serials = all
      ? await store.listSerials({ unitIds: [unit.id] })
      : input.serials
        ? await requireSerials(store, input.serials, ['serials'])
        : [];
    serials.forEach((s, i) => {
      if (s.unitId !== unit.id)
        throw fieldError(['serials', i], `serial "${s.serial}" is not in unit ${unit.id}`, s.serial);
    });
    const children = all ? await store.listUnits({ parentIds: [unit.id] }) : [];
    if (!all)
      for (const [i, id] of (input.units ?? []).entries()) {
        const c = await requireUnit(store, id, ['units', i]);
        if (c.parentId !== unit.id)
          throw fieldError(['units', i], `unit ${c.id} is not in unit ${unit.id}`, c.id);
        children.push(c);
      }
    const lots = new Map(unit.lots.map((l) => [l.lotId, l.quantity] as const));
    const lines: UnitLotLine[] = [];
    if (all) {
      for (const l of unit.lots) {
        const product = await decimalsOfLot(store, l.lotId, ['unitId']);
        lines.push({
          lotId: l.lotId,
          productId: product.id,
          quantity: fromSteps(l.quantity, product.decimals),
        });
      }
      lots.clear();
    } else
      for (const [i, l] of (input.lots ?? []).entries()) {
        const product = await decimalsOfLot(store, l.lotId, ['lots', i, 'lotId']);
        const q = baseQuantity(l.quantity, l.unit, product, ['lots', i, 'quantity']);
        const packed = lots.get(l.lotId) ?? 0n;
        if (q.steps > packed)
          throw fieldError(
            ['lots', i, 'quantity'],
            `unit ${unit.id} holds ${fromSteps(packed, product.decimals)} ${product.unit} of lot "${l.lotId}"`,
            l.quantity,
          );
        lots.set(l.lotId, packed - q.steps);
        lines.push({ lotId: l.lotId, productId: product.id, quantity: q.decimal });
      }
    const base = {
      id: unit.id,
      kind: unit.kind,
      locationId: unit.locationId as string,
      createdSeq: unit.createdSeq,
      ...(!all && unit.parentId !== undefined ? { parentId: unit.parentId } : {}),
    };
    return {
      unitId: unit.id,
      all,
      serials: await groupSerials(store, serials),
      units: children.map((c) => c.id),
      lots: lines,
      unit: await snapshot(store, base, lots),
    };
  },
};

/** `moveUnit`: a unit (taken out of its parent, if any) and everything nested in it to another location. */
export const moveUnitCommand: CommandSpec<typeof MoveUnitInput, 'unitMoved'> = {
  name: 'moveUnit',
  type: 'unitMoved',
  schema: MoveUnitInput,
  async decide(input, { store }) {
    const unit = await requireUnit(store, input.unitId, ['unitId']);
    if (unit.state !== 'active')
      throw fieldError(['unitId'], `unit ${unit.id} is ${unit.state}`, input.unitId);
    await requireLocation(store, input.toLocationId, ['toLocationId']);
    const from = unit.locationId as string;
    if (from === input.toLocationId)
      throw fieldError(['toLocationId'], `unit ${unit.id} is already at "${from}"`, input.toLocationId);
    const tree = await unitTree(store, unit);
    const serials = tree.serials.filter((s) => inCustody(s.state));
    const lines = await unitStock(store, tree.units, serials, from, ['unitId']);
    return {
      unitId: unit.id,
      fromLocationId: from,
      toLocationId: input.toLocationId,
      ...(unit.parentId !== undefined ? { detachedFrom: unit.parentId } : {}),
      units: tree.units.map((u) => u.id),
      serials: await groupSerials(store, serials),
      lines,
    };
  },
};

/**
 * The stock a set of units and serials stands for at `locationId`, per lot (loose quantities + one base
 * unit per serial), checked against on-hand stock there.
 */
export async function unitStock(
  store: Store,
  units: readonly LogisticUnitRecord[],
  serials: readonly { lotId: string }[],
  locationId: string,
  path: (string | number)[],
): Promise<UnitLotLine[]> {
  const steps = new Map<string, bigint>();
  for (const u of units) for (const l of u.lots) steps.set(l.lotId, (steps.get(l.lotId) ?? 0n) + l.quantity);
  const perSerial = new Map<string, number>();
  for (const s of serials) perSerial.set(s.lotId, (perSerial.get(s.lotId) ?? 0) + 1);
  for (const lotId of perSerial.keys()) if (!steps.has(lotId)) steps.set(lotId, 0n);
  const taker = new StockTaker(store, { serials: 'take' });
  const out: UnitLotLine[] = [];
  for (const [lotId, loose] of steps) {
    const lot = await requireLot(store, lotId, path);
    const product = await requireProduct(store, lot.productId, path);
    const total = loose + BigInt(perSerial.get(lotId) ?? 0) * 10n ** BigInt(product.decimals);
    if (total === 0n) continue;
    await taker.take(lot, product, locationId, total, path);
    out.push({ lotId, productId: product.id, quantity: fromSteps(total, product.decimals) });
  }
  return out;
}
