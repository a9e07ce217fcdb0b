/** What a shop's tables hold, counted (the import and demo reports) or dumped whole (tests). */
import type { Row } from '../engine.js';
import type { Store } from '../store.js';

/** Counts of what a shop holds (see shopSummary). */
export interface StoreSummary {
  customers: number;
  buyers: number;
  orders: number;
  orderLines: number;
  revenue: number;
  products: number;
  events: number;
  feedback: number;
  merges: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  ordersByStatus: Record<string, number>;
}

/** Counts of what a shop holds: customers, buyers, orders and their revenue, products, events. */
export async function shopSummary(store: Store, shopId: string): Promise<StoreSummary> {
  const [c] = await store.engine.all<{ customers: number }>(
    'SELECT COUNT(*) AS customers FROM customers WHERE shop_id = $1 AND merged_into IS NULL',
    [shopId],
  );
  const [o] = await store.engine.all<{
    orders: number;
    buyers: number;
    revenue: number | null;
    first_at: Date | null;
    last_at: Date | null;
  }>(
    `SELECT COUNT(*) AS orders, COUNT(DISTINCT customer_id) AS buyers,
       SUM(CASE WHEN status IN ('paid', 'delivered') THEN total - refunded ELSE 0 END) AS revenue,
       MIN(created_at) AS first_at, MAX(created_at) AS last_at
     FROM orders WHERE shop_id = $1`,
    [shopId],
  );
  const count = async (table: string) =>
    (
      await store.engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE shop_id = $1`, [shopId])
    )[0]?.n ?? 0;
  const statuses = await store.engine.all<{ status: string; n: number }>(
    'SELECT status, COUNT(*) AS n FROM orders WHERE shop_id = $1 GROUP BY status ORDER BY status',
    [shopId],
  );
  return {
    customers: Number(c?.customers ?? 0),
    buyers: Number(o?.buyers ?? 0),
    orders: Number(o?.orders ?? 0),
    orderLines: Number(await count('order_lines')),
    revenue: Number(o?.revenue ?? 0),
    products: Number(await count('products')),
    events: Number(await count('events')),
    feedback: Number(await count('feedback')),
    merges: Number(await count('customer_merges')),
    firstOrderAt: o?.first_at ?? null,
    lastOrderAt: o?.last_at ?? null,
    ordersByStatus: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
  };
}

/** A consistent dump of a shop's tables (tests use it to prove a re-import changed nothing). */
export async function shopSnapshot(store: Store, shopId: string): Promise<Record<string, Row[]>> {
  const tables: Record<string, string> = {
    customers: 'customer_id',
    customer_identities: 'kind, value',
    customer_tags: 'customer_id, tag',
    customer_merges: 'merge_id',
    products: 'sku',
    orders: 'order_id',
    order_lines: 'order_id, line_no',
    events: 'event_id',
    feedback: 'feedback_id',
  };
  const out: Record<string, Row[]> = {};
  for (const [table, order] of Object.entries(tables))
    out[table] = await store.engine.all(`SELECT * FROM ${table} WHERE shop_id = $1 ORDER BY ${order}`, [
      shopId,
    ]);
  return out;
}
