/**
 * Coupon redemptions recognised from orders: called by the after-orders pipeline with the
 * customers whose orders arrived or changed (an import, a store webhook, the jobs), it looks at
 * their orders' discount codes and marks the matching coupons redeemed, and releases a redemption
 * whose order was cancelled, refused at delivery (COD) or returned. Idempotent: running it again
 * over the same orders changes nothing.
 */

import { DEFAULT_ANALYTICS_CONFIG } from '../domain/analytics/config.js';
import { decideRedemption, type SkippedUse } from '../domain/coupons/index.js';
import type { OrderStatus } from '../domain/model/index.js';
import { shopHasCoupons } from '../store/coupons/index.js';
import { type CouponEvent, couponUsesOf, writeRedemption } from '../store/coupons/redemptions.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';

export interface CouponRedemptionResult {
  /** Coupons newly redeemed, by which order. */
  redeemed: { code: string; orderId: string; customerId: string; status: OrderStatus }[];
  /** Redemptions released, with the status of the order that released them. */
  released: { code: string; orderId: string; status: OrderStatus }[];
  /**
   * Orders that carry a coupon's code without redeeming it, and why: the coupon belongs to
   * another customer, the order was placed after it expired, or another order redeemed it first
   * (single use). Reported on every pass; they change nothing.
   */
  skipped: SkippedUse[];
}

/**
 * Redeems and releases the shop's coupons named by the orders of `customerIds`. Whether an order
 * keeps its coupon follows the analytics' valid-order rule (the same one the customer stats use):
 * pending or valid keeps it; cancelled, failed delivery, returned or refunded in full releases
 * it. Pass `store` to run inside the caller's transaction.
 */
export async function recordCouponRedemptions(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[],
  store: Store = ctx.store,
): Promise<CouponRedemptionResult> {
  const result: CouponRedemptionResult = { redeemed: [], released: [], skipped: [] };
  if (customerIds.length === 0 || !(await shopHasCoupons(store, shopId))) return result;
  const now = ctx.clock.now();
  const entries = await couponUsesOf(store, shopId, customerIds, DEFAULT_ANALYTICS_CONFIG.validOrders);
  for (const { coupon, uses } of entries) {
    const decision = decideRedemption(coupon, uses, now);
    result.skipped.push(...decision.skipped);
    if (decision.released) result.released.push({ code: coupon.code, ...decision.released });
    if (decision.redeemed) result.redeemed.push({ code: coupon.code, ...decision.redeemed });
    if (!decision.next) continue;
    const events: CouponEvent[] = [];
    if (decision.released)
      events.push({
        at: now,
        action: 'released',
        orderId: decision.released.orderId,
        orderStatus: decision.released.status,
      });
    if (decision.redeemed)
      events.push({
        at: now,
        action: 'redeemed',
        orderId: decision.redeemed.orderId,
        orderStatus: decision.redeemed.status,
      });
    await writeRedemption(store, shopId, coupon.code, decision.next, events);
  }
  if (result.redeemed.length + result.released.length > 0)
    ctx.log.debug(
      { shopId, redeemed: result.redeemed.length, released: result.released.length },
      'coupon redemptions',
    );
  return result;
}
