/** Helpers of the coupon suites: a shop whose orders arrive through the import path. */
import { afterOrders } from '../../src/app/after-orders.js';
import type { AppContext } from '../../src/app/context.js';
import { CODE_ALPHABET, type RandomInt } from '../../src/domain/coupons/index.js';
import { seededRandom } from '../../src/domain/ids.js';
import type { CustomerInput, OrderInput } from '../../src/domain/model/index.js';
import { customer, type OrderSpec, order } from '../analytics/fixtures.js';

export const SHOP = 'coupons';

/** A seeded random source for codes. */
export function seeded(seed: number): RandomInt {
  const next = seededRandom(seed);
  return (bound) => Math.floor(next() * bound);
}

/**
 * A random source that spells the given codes' random parts one after another (the characters
 * of `7KQ4-M2XP` without the dashes), for collisions on purpose.
 */
export function scripted(...codes: string[]): RandomInt {
  const chars = codes.join('').replaceAll('-', '').split('');
  let i = 0;
  return () => {
    const c = chars[i++ % chars.length]!;
    return CODE_ALPHABET.indexOf(c);
  };
}

/**
 * Writes customers and orders as an import batch does, then the after-orders pipeline (stats,
 * coupon redemptions, segments) for the customers touched, in one transaction.
 */
export async function arrive(
  ctx: AppContext,
  what: { customers?: CustomerInput[]; orders?: OrderSpec[] },
): Promise<string[]> {
  await ctx.store.ensureShop({ shopId: SHOP });
  return ctx.store.transaction(async (tx) => {
    const r = await tx.importBatch(
      SHOP,
      {
        customers: what.customers ?? [],
        orders: (what.orders ?? []).map((o): OrderInput => order(o)),
        events: [],
      },
      ctx.newId('imp'),
      ctx.clock.now(),
    );
    await afterOrders(ctx, SHOP, r.customerIds, tx);
    return r.customerIds;
  });
}

/** The customer id of a phone number. */
export async function customerIdOf(ctx: AppContext, phone: string): Promise<string> {
  const c = await ctx.store.findCustomerByKey(SHOP, 'phone', phone);
  if (!c) throw new Error(`no customer with phone ${phone}`);
  return c.customerId;
}

export { customer };
