import { refreshCustomerStats } from '../store/analytics/customer-stats.js';
import { type RefreshMembershipResult, refreshMembership } from '../store/segments/index.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';

export interface AfterOrdersResult {
  customers: number;
  /** Customers whose stats row changed. */
  statsChanged: number;
  membership: RefreshMembershipResult;
}

/**
 * What follows new or changed orders (or merges) of some customers, in this order: their
 * per-customer stats, then their segment membership (entries and exits are the campaign
 * triggers). Loyalty and flow triggers join here. The one pipeline behind imports, store
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
  const membership = await refreshMembership(store.engine, shopId, {
    customerIds: ids,
    asOf: ctx.clock.now(),
  });
  ctx.log.debug(
    { shopId, customers: ids.length, entered: membership.entered, exited: membership.exited },
    'after orders',
  );
  return { customers: ids.length, statsChanged: stats.changed, membership };
}
