import { ErrorCodes, LotgraphError } from '../errors.js';
import type { ProjectionContext } from './types.js';

/** Decimal places of a product's base unit (every quantity projected is converted with them). */
export async function decimalsOf(ctx: ProjectionContext, productId: string): Promise<number> {
  const p = await ctx.product(productId);
  if (!p) {
    throw new LotgraphError(ErrorCodes.PRODUCT_NOT_FOUND, `product "${productId}" is not defined`, {
      productId,
    });
  }
  return p.decimals;
}
