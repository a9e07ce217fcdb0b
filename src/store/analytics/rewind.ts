import type { SqlEngine } from '../engine.js';

/**
 * Makes a shop's tables read as they were at `asOf`, for a report of a past date computed in a
 * scratch transaction (`Store.scratch`), never anywhere else: whatever came later — orders and
 * their lines, events, feedback, customers not known yet — is deleted, and comes back when the
 * transaction rolls back. Then segment queries, which read those tables as they are, answer as of
 * that date. Run it after the as-of stats are written: the customers known then are those that
 * customer_stats holds (`recomputeShop` with `statsAsOf`).
 */
export async function rewindForReport(engine: SqlEngine, shopId: string, asOf: Date): Promise<void> {
  const later = [shopId, asOf];
  await engine.run(
    `DELETE FROM order_lines WHERE shop_id = $1
       AND order_id IN (SELECT order_id FROM orders WHERE shop_id = $1 AND created_at > $2)`,
    later,
  );
  await engine.run('DELETE FROM orders WHERE shop_id = $1 AND created_at > $2', later);
  await engine.run('DELETE FROM events WHERE shop_id = $1 AND occurred_at > $2', later);
  await engine.run('DELETE FROM feedback WHERE shop_id = $1 AND created_at > $2', later);
  await engine.run(
    `DELETE FROM customers WHERE shop_id = $1 AND merged_into IS NULL
       AND customer_id NOT IN (SELECT customer_id FROM customer_stats WHERE shop_id = $1)`,
    [shopId],
  );
}
