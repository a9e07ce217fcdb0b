/** Helpers of the referral and feedback suites: a shop whose orders arrive through the import path. */
import { afterOrders } from '../../src/app/after-orders.js';
import type { AppContext } from '../../src/app/context.js';
import { checkTrackingBatch, writeCalls } from '../../src/app/tracking.js';
import type { CustomerInput, OrderInput } from '../../src/domain/model/index.js';
import { customer, type OrderSpec, order } from '../analytics/fixtures.js';

export const SHOP = 'referrals';
export const DAY = 86_400_000;

/** Customers and orders as an import batch writes them, then the after-orders pipeline, in one transaction. */
export async function arrive(
  ctx: AppContext,
  what: { customers?: CustomerInput[]; orders?: (OrderSpec & { tags?: string[] })[] },
): Promise<string[]> {
  await ctx.store.ensureShop({ shopId: SHOP });
  return ctx.store.transaction(async (tx) => {
    const r = await tx.importBatch(
      SHOP,
      {
        customers: what.customers ?? [],
        orders: (what.orders ?? []).map((o): OrderInput => ({ ...order(o), tags: o.tags ?? [] })),
        events: [],
      },
      ctx.newId('imp'),
      ctx.clock.now(),
    );
    await tx.resolveReferrals(SHOP, r.referrals);
    await afterOrders(ctx, SHOP, r.customerIds, tx);
    return r.customerIds;
  });
}

/** Storefront calls (track/identify) as the widget sends them, written by the tracking intake. */
export async function storefront(ctx: AppContext, calls: unknown[]): Promise<void> {
  await ctx.store.ensureShop({ shopId: SHOP });
  const checked = checkTrackingBatch(calls, 'Asia/Ho_Chi_Minh', ctx.clock.now());
  if (checked.rejected.length > 0) throw new Error(JSON.stringify(checked.rejected));
  await writeCalls(ctx, SHOP, checked.events, checked.identifies);
}

/** The customer id of a phone number. */
export async function customerIdOf(ctx: AppContext, phone: string): Promise<string> {
  const c = await ctx.store.findCustomerByKey(SHOP, 'phone', phone);
  if (!c) throw new Error(`no customer with phone ${phone}`);
  return c.customerId;
}

export { customer };
