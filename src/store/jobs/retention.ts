import type { Store } from '../store.js';

export interface PruneOutcome {
  jobs: number;
  deliveries: number;
}

/**
 * Forgets what no longer serves: a shop's jobs done before `before` and its store webhook
 * deliveries received before it that are not waiting to be processed. Under webhook load the job
 * table grows by a few rows a second (a batch job per half second, an after-orders job per
 * second), and DuckDB finds due jobs by scanning it; failed jobs are kept for the seller to see.
 * A delivery is kept long enough to recognise a platform's retries (Shopify: 48 hours).
 */
export async function pruneShopHistory(store: Store, shopId: string, before: Date): Promise<PruneOutcome> {
  const jobs = await store.engine.all<{ job_id: string }>(
    `DELETE FROM jobs WHERE shop_id = $1 AND state = 'done' AND finished_at < $2 RETURNING job_id`,
    [shopId, before],
  );
  const deliveries = await store.engine.all<{ delivery_id: string }>(
    `DELETE FROM webhook_deliveries WHERE shop_id = $1 AND received_at < $2
       AND delivery_id NOT IN (SELECT delivery_id FROM pending_deliveries WHERE shop_id = $1)
     RETURNING delivery_id`,
    [shopId, before],
  );
  return { jobs: jobs.length, deliveries: deliveries.length };
}
