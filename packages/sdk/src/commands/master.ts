import { parseFactor } from '../domain/quantity.js';
import { normaliseGtin, type Product } from '../domain/schemas.js';
import { fieldError } from '../errors.js';
import type { CommandSpec } from '../ledger/runner.js';
import { DefineLocationInput, DefinePartyInput, DefineProductInput } from './schemas.js';

const stripMeta = <T extends { idempotencyKey?: unknown; eventTime?: unknown; actor?: unknown }>(v: T) => {
  const { idempotencyKey: _k, eventTime: _t, actor: _a, ...rest } = v;
  return rest;
};

/** `defineProduct`: create or update a product. Its unit and decimals can never change once defined. */
export const defineProductCommand: CommandSpec<typeof DefineProductInput, 'productDefined'> = {
  name: 'defineProduct',
  type: 'productDefined',
  schema: DefineProductInput,
  async decide(input, { store }) {
    const product: Product = stripMeta(input);
    if (product.gtin) product.gtin = normaliseGtin(product.gtin);
    product.conversions.forEach((c, i) => {
      try {
        parseFactor(c.factor);
      } catch {
        throw fieldError(['conversions', i, 'factor'], 'must be greater than zero', c.factor);
      }
    });
    const cur = await store.getProduct(product.id);
    if (cur && (cur.unit !== product.unit || cur.decimals !== product.decimals)) {
      const field = cur.unit !== product.unit ? 'unit' : 'decimals';
      throw fieldError(
        [field],
        `cannot change once the product is defined (is ${cur[field]})`,
        product[field],
      );
    }
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
  async decide(input) {
    return { party: stripMeta(input) };
  },
};

/** `defineLocation`: create or update a storage location. */
export const defineLocationCommand: CommandSpec<typeof DefineLocationInput, 'locationDefined'> = {
  name: 'defineLocation',
  type: 'locationDefined',
  schema: DefineLocationInput,
  async decide(input) {
    return { location: stripMeta(input) };
  },
};
