/** Marketing costs per channel and month, which the acquisition-cost metrics read. */
import type { MarketingCost } from '../../domain/model/index.js';
import type { Store } from '../store.js';

/** Sets the cost of each (channel, month), overwriting a cost already stored (one transaction). */
export async function upsertMarketingCosts(
  store: Store,
  shopId: string,
  costs: readonly MarketingCost[],
): Promise<void> {
  await store.transaction(async (tx) => {
    for (const c of costs)
      await tx.engine.run(
        `INSERT INTO marketing_costs (shop_id, channel, month, amount) VALUES ($1, $2, $3, CAST($4 AS DECIMAL(18,2)))
         ON CONFLICT (shop_id, channel, month) DO UPDATE SET amount = excluded.amount`,
        [shopId, c.channel, c.month, c.amount],
      );
  });
}
