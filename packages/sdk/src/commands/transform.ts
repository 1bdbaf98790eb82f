import { fromSteps } from '../domain/quantity.js';
import type { Lot, Product } from '../domain/schemas.js';
import { ErrorCodes, fieldError, isLotgraphError, LotgraphError } from '../errors.js';
import type { CommandSpec, DecideContext } from '../ledger/command.js';
import type { InputLine, LotFacts, OutputLine } from '../ledger/events.js';
import {
  addDays,
  assertUsable,
  baseQuantity,
  lotFacts,
  requireLocation,
  requireLot,
  requireProduct,
  StockTaker,
} from './lookups.js';
import { type ConsumeLine, MergeInput, ProduceInput, RepackInput, SplitInput } from './schemas.js';

type Path = (string | number)[];

/** Validate and convert consumed inputs: lot exists, usable, enough stock (summed per lot × location). */
async function consume(
  ctx: DecideContext,
  lines: ConsumeLine[],
  path: (i: number) => Path,
): Promise<{ lines: InputLine[]; lots: Lot[]; products: Product[]; steps: bigint[] }> {
  const taker = new StockTaker(ctx.store);
  const out: InputLine[] = [];
  const lots: Lot[] = [];
  const products: Product[] = [];
  const steps: bigint[] = [];
  for (const [i, l] of lines.entries()) {
    const p = path(i);
    const lot = await requireLot(ctx.store, l.lotId, [...p, 'lotId']);
    await requireLocation(ctx.store, l.locationId, [...p, 'locationId']);
    const product = await requireProduct(ctx.store, lot.productId, [...p, 'lotId']);
    await assertUsable(ctx.store, lot, l.locationId, ctx.day, [...p, 'lotId']);
    const q = baseQuantity(l.quantity, l.unit, product, [...p, 'quantity']);
    await taker.take(lot, product, l.locationId, q.steps, [...p, 'quantity']);
    out.push({ lotId: lot.id, productId: product.id, locationId: l.locationId, quantity: q.decimal });
    lots.push(lot);
    products.push(product);
    steps.push(q.steps);
  }
  return { lines: out, lots, products, steps };
}

interface OutputSpec {
  lotId: string;
  productId: string;
  locationId: string;
  quantity: string;
  unit?: string | undefined;
  byProduct?: boolean | undefined;
  attrs: Partial<Omit<LotFacts, 'id' | 'productId'>>;
}

/** Validate outputs: product and location exist; an existing lot must be of the same product. */
async function makeOutputs(
  ctx: DecideContext,
  specs: OutputSpec[],
  path: (i: number) => Path,
): Promise<OutputLine[]> {
  const out: OutputLine[] = [];
  const seen = new Set<string>();
  for (const [i, o] of specs.entries()) {
    const p = path(i);
    const product = await requireProduct(ctx.store, o.productId, [...p, 'productId']);
    await requireLocation(ctx.store, o.locationId, [...p, 'locationId']);
    const q = baseQuantity(o.quantity, o.unit, product, [...p, 'quantity']);
    const existing = await ctx.store.getLot(o.lotId);
    if (existing && existing.productId !== product.id) {
      throw fieldError(
        [...p, 'lotId'],
        `lot "${o.lotId}" exists for product "${existing.productId}"`,
        o.lotId,
      );
    }
    const attrs = { ...o.attrs };
    if (!existing && attrs.expiry === undefined && product.shelfLifeDays !== undefined) {
      attrs.productionDate ??= ctx.day;
      attrs.expiry = addDays(attrs.productionDate, product.shelfLifeDays);
    }
    const line: OutputLine = {
      lot: existing ? lotFacts(existing.id, existing.productId, {}) : lotFacts(o.lotId, product.id, attrs),
      newLot: !existing && !seen.has(o.lotId),
      locationId: o.locationId,
      quantity: q.decimal,
    };
    if (o.byProduct) line.byProduct = true;
    seen.add(o.lotId);
    out.push(line);
  }
  return out;
}

const attrsOf = (o: Record<string, unknown>): OutputSpec['attrs'] => {
  const a: Record<string, unknown> = {};
  for (const k of [
    'supplierLotNumber',
    'originCountry',
    'productionDate',
    'expiry',
    'bestBefore',
    'certifications',
    'attributes',
  ]) {
    if (o[k] !== undefined) a[k] = o[k];
  }
  return a as OutputSpec['attrs'];
};

/** Attributes a derived lot inherits from its source lot (split / repack / merge). */
const inherited = (lot: Lot): OutputSpec['attrs'] => {
  const a: OutputSpec['attrs'] = { certifications: lot.certifications, attributes: lot.attributes };
  if (lot.supplierId !== undefined) a.supplierId = lot.supplierId;
  if (lot.supplierLotNumber !== undefined) a.supplierLotNumber = lot.supplierLotNumber;
  if (lot.originCountry !== undefined) a.originCountry = lot.originCountry;
  if (lot.productionDate !== undefined) a.productionDate = lot.productionDate;
  if (lot.expiry !== undefined) a.expiry = lot.expiry;
  if (lot.bestBefore !== undefined) a.bestBefore = lot.bestBefore;
  return a;
};

/** `produce`: a production order consuming input lots (partially) into one or more output lots and by-products. */
export const produceCommand: CommandSpec<typeof ProduceInput, 'produced'> = {
  name: 'produce',
  type: 'produced',
  schema: ProduceInput,
  async decide(input, ctx) {
    const inputs = await consume(ctx, input.inputs, (i) => ['inputs', i]);
    const outputs = await makeOutputs(
      ctx,
      input.outputs.map((o) => ({ ...o, attrs: attrsOf(o) })),
      (i) => ['outputs', i],
    );
    return { orderId: input.orderId, inputs: inputs.lines, outputs };
  },
};

/** `split`: part or all of a lot becomes new lots of the same product (lineage kept). */
export const splitCommand: CommandSpec<typeof SplitInput, 'transformed'> = {
  name: 'split',
  type: 'transformed',
  schema: SplitInput,
  async decide(input, ctx) {
    const lot = await requireLot(ctx.store, input.lotId, ['lotId']);
    const product = await requireProduct(ctx.store, lot.productId, ['lotId']);
    let total = 0n;
    for (const [i, o] of input.outputs.entries()) {
      total += baseQuantity(o.quantity, o.unit, product, ['outputs', i, 'quantity']).steps;
      if (o.lotId === lot.id)
        throw fieldError(['outputs', i, 'lotId'], 'must differ from the lot being split', o.lotId);
    }
    const inputs = await consume(
      ctx,
      [{ lotId: lot.id, locationId: input.locationId, quantity: fromSteps(total, product.decimals) }],
      () => [],
    ).catch((e: unknown) => {
      // The quantity taken is the sum of the outputs: name that field.
      if (isLotgraphError(e, ErrorCodes.INSUFFICIENT_STOCK)) {
        throw new LotgraphError(e.code, e.message.replace(/^quantity:/, 'outputs:'), {
          ...e.details,
          field: 'outputs',
        });
      }
      throw e;
    });
    const outputs = await makeOutputs(
      ctx,
      input.outputs.map((o) => ({
        lotId: o.lotId,
        productId: lot.productId,
        locationId: o.locationId ?? input.locationId,
        quantity: o.quantity,
        unit: o.unit,
        attrs: { ...inherited(lot), ...attrsOf(o) },
      })),
      (i) => ['outputs', i],
    );
    return {
      transformation: 'split',
      ...(input.orderId !== undefined ? { orderId: input.orderId } : {}),
      inputs: inputs.lines,
      outputs,
    };
  },
};

/** `merge`: several lots of one product become one lot holding their summed quantity (lineage kept). */
export const mergeCommand: CommandSpec<typeof MergeInput, 'transformed'> = {
  name: 'merge',
  type: 'transformed',
  schema: MergeInput,
  async decide(input, ctx) {
    const inputs = await consume(ctx, input.inputs, (i) => ['inputs', i]);
    const productId = inputs.products[0]!.id;
    inputs.products.forEach((p, i) => {
      if (p.id !== productId)
        throw fieldError(
          ['inputs', i, 'lotId'],
          `is product "${p.id}", the merge is of "${productId}"`,
          input.inputs[i]!.lotId,
        );
    });
    inputs.lots.forEach((l, i) => {
      if (l.id === input.output.lotId)
        throw fieldError(['inputs', i, 'lotId'], 'must differ from the output lot', l.id);
    });
    const total = inputs.steps.reduce((a, b) => a + b, 0n);
    // The merged lot expires with its earliest-expiring input (conservative).
    const expiries = inputs.lots
      .map((l) => l.expiry)
      .filter((x): x is string => x !== undefined)
      .sort();
    const base: OutputSpec['attrs'] = expiries.length ? { expiry: expiries[0]! } : {};
    const outputs = await makeOutputs(
      ctx,
      [
        {
          lotId: input.output.lotId,
          productId,
          locationId: input.output.locationId,
          quantity: fromSteps(total, inputs.products[0]!.decimals),
          attrs: { ...base, ...attrsOf(input.output) },
        },
      ],
      () => ['output'],
    );
    return {
      transformation: 'merge',
      ...(input.orderId !== undefined ? { orderId: input.orderId } : {}),
      inputs: inputs.lines,
      outputs,
    };
  },
};

/** `repack`: a quantity of a lot becomes a lot of a (possibly different) packaged product (lineage kept). */
export const repackCommand: CommandSpec<typeof RepackInput, 'transformed'> = {
  name: 'repack',
  type: 'transformed',
  schema: RepackInput,
  async decide(input, ctx) {
    const inputs = await consume(ctx, [input.input], () => ['input']);
    const src = inputs.lots[0]!;
    if (input.output.lotId === src.id)
      throw fieldError(['output', 'lotId'], 'must differ from the input lot', input.output.lotId);
    const outputs = await makeOutputs(
      ctx,
      [
        {
          lotId: input.output.lotId,
          productId: input.output.productId ?? src.productId,
          locationId: input.output.locationId,
          quantity: input.output.quantity,
          unit: input.output.unit,
          attrs: { ...inherited(src), ...attrsOf(input.output) },
        },
      ],
      () => ['output'],
    );
    return {
      transformation: 'repack',
      ...(input.orderId !== undefined ? { orderId: input.orderId } : {}),
      inputs: inputs.lines,
      outputs,
    };
  },
};
