import type { Store } from '../store.js';

/** Notes customers whose derived state (stats, segments) must follow their changed orders. */
export async function noteStaleCustomers(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
  at: Date,
): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  await store.engine.load(
    'stale_customers',
    [
      { name: 'shop_id', type: 'text' },
      { name: 'customer_id', type: 'text' },
      { name: 'noted_at', type: 'timestamp' },
    ],
    [ids.map(() => shopId), ids, ids.map(() => at)],
  );
}

/** Takes every noted customer of a shop (they are removed: call inside the transaction that refreshes them). */
export async function takeStaleCustomers(store: Store, shopId: string): Promise<string[]> {
  const rows = await store.engine.all<{ customer_id: string }>(
    'DELETE FROM stale_customers WHERE shop_id = $1 RETURNING customer_id',
    [shopId],
  );
  return [...new Set(rows.map((r) => r.customer_id))];
}
