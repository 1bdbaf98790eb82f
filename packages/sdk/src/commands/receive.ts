import { convertToSteps, fromSteps } from '../domain/quantity.js';
import { normaliseGtin, type Product } from '../domain/schemas.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { CommandSpec, FollowUp } from '../ledger/command.js';
import { commissionSerialsCommand } from '../serials/commands.js';
import { packCommand } from '../serials/unit-commands.js';
import { addDays, lotFacts, requireLocation, requireParty, requireProduct } from './lookups.js';
import { readScan, type ScanFacts } from './scan.js';
import { ReceiveInput } from './schemas.js';

function mismatch(field: string, given: unknown, scanned: unknown): LotgraphError {
  return new LotgraphError(
    ErrorCodes.GS1_MISMATCH,
    `${field}: "${String(given)}" does not match the scanned barcode ("${String(scanned)}")`,
    { field, value: given, scanned },
  );
}

/** `receive`: goods receipt of a supplier lot into a location, from fields or a GS1 scan. */
export const receiveCommand: CommandSpec<typeof ReceiveInput, 'received'> = {
  name: 'receive',
  type: 'received',
  schema: ReceiveInput,
  async decide(input, { store, day }) {
    let scan: ScanFacts = {};
    let product: Product | undefined;
    if (input.scan !== undefined) {
      scan = readScan(input.scan, day);
      if (scan.gtin) {
        const gtin = normaliseGtin(scan.gtin);
        product = await store.findProductByGtin(gtin);
        if (input.productId !== undefined) {
          if (product && product.id !== input.productId)
            throw mismatch('productId', input.productId, `GTIN ${gtin} = ${product.id}`);
          if (!product) {
            const given = await requireProduct(store, input.productId, ['productId']);
            throw mismatch(
              'productId',
              input.productId,
              `GTIN ${gtin} (product has ${given.gtin ?? 'no GTIN'})`,
            );
          }
        }
        if (!product) {
          throw new LotgraphError(ErrorCodes.PRODUCT_NOT_FOUND, `scan: no product has GTIN ${gtin}`, {
            field: 'scan',
            gtin,
          });
        }
      }
      for (const [field, scanned] of [
        ['supplierLotNumber', scan.batch],
        ['expiry', scan.expiry],
        ['bestBefore', scan.bestBefore],
        ['productionDate', scan.productionDate],
      ] as const) {
        const given = input[field];
        if (given !== undefined && scanned !== undefined && given !== scanned)
          throw mismatch(field, given, scanned);
      }
    }
    if (!product) {
      if (input.productId === undefined)
        throw fieldError(['productId'], 'is required (the scan carries no GTIN)');
      product = await requireProduct(store, input.productId, ['productId']);
    }
    await requireLocation(store, input.locationId, ['locationId']);
    if (input.supplierId !== undefined)
      await requireParty(store, input.supplierId, ['supplierId'], 'supplier');

    let steps: bigint | undefined;
    if (input.quantity !== undefined)
      steps = convertToSteps(input.quantity, input.unit, product, ['quantity']);
    if (scan.quantity) {
      const scanned = convertToSteps(scan.quantity.value, scan.quantity.unit, product, ['scan']);
      if (steps !== undefined && steps !== scanned) {
        throw mismatch(
          'quantity',
          `${input.quantity} ${input.unit ?? product.unit}`,
          `${scan.quantity.value} ${scan.quantity.unit}`,
        );
      }
      steps = scanned;
    }
    // Serials: from the input or a scanned (21); one base unit each.
    let serials = input.serials;
    if (scan.serial !== undefined) {
      if (serials !== undefined && (serials.length !== 1 || serials[0] !== scan.serial))
        throw mismatch('serials', serials.join(', '), scan.serial);
      serials = [scan.serial];
    }
    if (serials !== undefined) {
      if (!product.gtin)
        throw fieldError(
          ['serials'],
          `product "${product.id}" has no GTIN; serials are GTIN + serial number`,
        );
      const one = 10n ** BigInt(product.decimals);
      const count = BigInt(serials.length) * one;
      if (steps === undefined) steps = count;
      else if (steps !== count)
        throw fieldError(
          ['serials'],
          `${serials.length} serials for ${fromSteps(steps, product.decimals)} ${product.unit} (one ${product.unit} each)`,
          serials.length,
        );
    }
    const unitId = input.unitId ?? scan.sscc;
    if (input.unitId !== undefined && scan.sscc !== undefined && input.unitId !== scan.sscc)
      throw mismatch('unitId', input.unitId, scan.sscc);
    if (steps === undefined) throw fieldError(['quantity'], 'is required (the scan carries no net quantity)');
    const unitKind =
      unitId === undefined
        ? undefined
        : (input.unitKind ?? (await store.getUnits([unitId]))[0]?.kind ?? 'pallet');

    const supplierLotNumber = input.supplierLotNumber ?? scan.batch;
    const lotId = input.lotId ?? scan.batch;
    if (lotId === undefined)
      throw fieldError(['lotId'], 'is required (the scan carries no batch/lot, AI 10)');

    const existing = await store.getLot(lotId);
    if (existing) {
      if (existing.productId !== product.id) {
        throw fieldError(
          ['lotId'],
          `lot "${lotId}" exists for product "${existing.productId}", not "${product.id}"`,
          lotId,
        );
      }
      // More of an existing lot: the label must agree with what we know of the lot.
      for (const [field, given] of [
        ['supplierLotNumber', input.supplierLotNumber ?? scan.batch],
        ['expiry', input.expiry ?? scan.expiry],
        ['bestBefore', input.bestBefore ?? scan.bestBefore],
      ] as const) {
        const known = existing[field];
        if (given !== undefined && known !== undefined && given !== known) {
          throw fieldError(
            [input[field] !== undefined ? field : 'scan'],
            `lot "${lotId}" has ${field} ${known}`,
            given,
          );
        }
      }
      if (input.supplierId !== undefined && existing.supplierId !== input.supplierId) {
        throw fieldError(
          ['supplierId'],
          `lot "${lotId}" was received from "${existing.supplierId ?? '(none)'}"`,
          input.supplierId,
        );
      }
    }
    const productionDate = input.productionDate ?? scan.productionDate;
    let expiry = input.expiry ?? scan.expiry;
    if (expiry === undefined && productionDate !== undefined && product.shelfLifeDays !== undefined) {
      expiry = addDays(productionDate, product.shelfLifeDays);
    }
    const lot = existing
      ? lotFacts(existing.id, existing.productId, {
          supplierId: existing.supplierId,
          supplierLotNumber: existing.supplierLotNumber,
        })
      : lotFacts(lotId, product.id, {
          supplierId: input.supplierId,
          supplierLotNumber,
          originCountry: input.originCountry,
          productionDate,
          expiry,
          bestBefore: input.bestBefore ?? scan.bestBefore,
          certifications: input.certifications,
          attributes: input.attributes,
        });
    return {
      lot,
      newLot: !existing,
      locationId: input.locationId,
      quantity: fromSteps(steps, product.decimals),
      ...(input.receiptId !== undefined ? { receiptId: input.receiptId } : {}),
      ...(input.scan !== undefined ? { scan: input.scan } : {}),
      ...(serials !== undefined ? { serials } : {}),
      ...(unitId !== undefined ? { unitId, unitKind } : {}),
    };
  },
  followUps(payload, input, key) {
    const out: FollowUp[] = [];
    const meta = input.eventTime !== undefined ? { eventTime: input.eventTime } : {};
    if (payload.unitId !== undefined)
      out.push({
        spec: packCommand as unknown as FollowUp['spec'],
        input: {
          unitId: payload.unitId,
          kind: payload.unitKind,
          locationId: payload.locationId,
          // Serialised items go in by serial (below); loose stock as a lot quantity.
          ...(payload.serials ? {} : { lots: [{ lotId: payload.lot.id, quantity: payload.quantity }] }),
          idempotencyKey: `${key}/pack`,
          ...meta,
        },
      });
    if (payload.serials !== undefined)
      out.push({
        spec: commissionSerialsCommand as unknown as FollowUp['spec'],
        input: {
          lotId: payload.lot.id,
          locationId: payload.locationId,
          serials: payload.serials,
          ...(payload.unitId !== undefined ? { unitId: payload.unitId } : {}),
          idempotencyKey: `${key}/serials`,
          ...meta,
        },
      });
    return out;
  },
};
