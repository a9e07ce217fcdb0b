import { refreshCustomerStats } from '../store/analytics/customer-stats.js';
import { noteStaleCustomers, takeStaleCustomers } from '../store/customers/stale.js';
import { enqueueJob } from '../store/jobs/index.js';
import { type RefreshMembershipResult, refreshMembership } from '../store/segments/index.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { recordCouponRedemptions } from './coupon-redemptions.js';
import { applyOrderPoints, type LoyaltyPassResult } from './loyalty/earn.js';
import { processReferrals } from './referral-program.js';

export interface AfterOrdersResult {
  customers: number;
  /** Customers whose stats row changed. */
  statsChanged: number;
  membership: RefreshMembershipResult;
  /** The loyalty ledger's pass over their orders (docs/loyalty.md). */
  loyalty: LoyaltyPassResult;
}

/**
 * What follows new or changed orders (or merges) of some customers, in this order: their
 * per-customer stats, then their segment membership (entries and exits are the campaign
 * triggers), then their points and tiers (earned, approved on delivery, reversed; tier changes
 * are events the flows trigger on). The one pipeline behind imports, store
 * webhooks, the demo and the jobs; pass `store` to run inside the caller's transaction.
 */
export async function afterOrders(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[],
  store: Store = ctx.store,
): Promise<AfterOrdersResult> {
  const ids = [...new Set(customerIds)];
  const stats = await refreshCustomerStats(store.engine, shopId, { customerIds: ids });
  await recordCouponRedemptions(ctx, shopId, ids, store);
  await processReferrals(ctx, shopId, ids, store);
  const membership = await refreshMembership(store.engine, shopId, {
    customerIds: ids,
    asOf: ctx.clock.now(),
  });
  const loyalty = await applyOrderPoints(ctx, shopId, ids, store);
  ctx.log.debug(
    { shopId, customers: ids.length, entered: membership.entered, exited: membership.exited, ...loyalty },
    'after orders',
  );
  return { customers: ids.length, statsChanged: stats.changed, membership, loyalty };
}

/** The job kind that brings noted customers' stats and segments up to date (see `deferAfterOrders`). */
export const AFTER_ORDERS_JOB = 'after-orders';

/** How long noted customers wait at most for their after-orders job: one job per shop and window. */
const AFTER_ORDERS_WINDOW_MS = 1000;

/**
 * The after-orders pipeline for later, for paths that write one order at a time (store webhooks):
 * the customers are noted and one job per shop and second takes all of them at once, which costs
 * about what one customer alone would. Call in the transaction that wrote the orders.
 */
export async function deferAfterOrders(
  ctx: AppContext,
  shopId: string,
  customerIds: readonly string[],
  store: Store = ctx.store,
): Promise<void> {
  if (customerIds.length === 0) return;
  const now = ctx.clock.now();
  await noteStaleCustomers(store, shopId, customerIds, now);
  const window = Math.floor(now.getTime() / AFTER_ORDERS_WINDOW_MS) + 1;
  await enqueueJob(
    store,
    {
      shopId,
      kind: AFTER_ORDERS_JOB,
      runAt: new Date(window * AFTER_ORDERS_WINDOW_MS),
      dedupeKey: `${AFTER_ORDERS_JOB}:${window}`,
    },
    now,
  );
}

/** The `after-orders` job: every noted customer of the shop, in one transaction. */
export function runDeferredAfterOrders(ctx: AppContext, shopId: string): Promise<AfterOrdersResult> {
  return ctx.store.transaction(async (tx) =>
    afterOrders(ctx, shopId, await takeStaleCustomers(tx, shopId), tx),
  );
}
