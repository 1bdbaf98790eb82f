import { parseFactor } from '../domain/quantity.js';
import { normaliseGtin, type Product } from '../domain/schemas.js';
import { fieldError } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import { DefineLocationInput, DefinePartyInput, DefineProductInput } from './schemas.js';

const stripMeta = <T extends { idempotencyKey?: unknown; eventTime?: unknown; actor?: unknown }>(v: T) => {
  const { idempotencyKey: _k, eventTime: _t, actor: _a, ...rest } = v;
  return rest;
};

/**
 * A redefinition replaces the record, but an identifier that is set (GTIN, GLN) is never dropped by
 * omission — scans and EPCIS documents resolve by it. `null` removes it explicitly.
 */
function keepIdentifier<R extends { gtin?: string | null; gln?: string | null }>(
  record: R,
  key: 'gtin' | 'gln',
  current: string | undefined,
  what: string,
): R & { gtin?: string; gln?: string } {
  const value = record[key];
  if (value === undefined && current !== undefined) {
    throw fieldError(
      [key],
      `${what} already has ${key} ${current}; a redefinition must repeat it (or pass ${key}: null to remove it)`,
    );
  }
  const out = { ...record };
  if (value === null) delete out[key];
  return out as R & { gtin?: string; gln?: string };
}

/** `defineProduct`: create or update a product. Its unit and decimals can never change once defined. */
export const defineProductCommand: CommandSpec<typeof DefineProductInput, 'productDefined'> = {
  name: 'defineProduct',
  type: 'productDefined',
  schema: DefineProductInput,
  async decide(input, { store }) {
    const cur = await store.getProduct(input.id);
    if (cur && (cur.unit !== input.unit || cur.decimals !== input.decimals)) {
      const field = cur.unit !== input.unit ? 'unit' : 'decimals';
      throw fieldError([field], `cannot change once the product is defined (is ${cur[field]})`, input[field]);
    }
    const product: Product = keepIdentifier(stripMeta(input), 'gtin', cur?.gtin, `product "${input.id}"`);
    if (product.gtin) product.gtin = normaliseGtin(product.gtin);
    product.conversions.forEach((c, i) => {
      try {
        parseFactor(c.factor);
      } catch {
        throw fieldError(['conversions', i, 'factor'], 'must be greater than zero', c.factor);
      }
    });
    if (product.gtin) {
      const other = await store.findProductByGtin(product.gtin);
      if (other && other.id !== product.id)
        throw fieldError(['gtin'], `is already used by product "${other.id}"`, product.gtin);
    }
    return { product };
  },
};

/** `defineParty`: create or update a supplier / customer / own site. */
export const definePartyCommand: CommandSpec<typeof DefinePartyInput, 'partyDefined'> = {
  name: 'defineParty',
  type: 'partyDefined',
  schema: DefinePartyInput,
  async decide(input, { store }) {
    const cur = await store.getParty(input.id);
    return { party: keepIdentifier(stripMeta(input), 'gln', cur?.gln, `party "${input.id}"`) };
  },
};

/** `defineLocation`: create or update a storage location. */
export const defineLocationCommand: CommandSpec<typeof DefineLocationInput, 'locationDefined'> = {
  name: 'defineLocation',
  type: 'locationDefined',
  schema: DefineLocationInput,
  async decide(input, { store }) {
    const cur = await store.getLocation(input.id);
    return { location: keepIdentifier(stripMeta(input), 'gln', cur?.gln, `location "${input.id}"`) };
  },
};
