/**
 * What `nurture recommend evaluate` reads after recomputing the `eval` scope: the held-out
 * orders' products per customer, the training baskets, and the recommender's lists.
 */
import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import type { Basket } from '../../domain/recommend/baselines.js';
import { validOrderSql } from '../analytics/model-sql.js';
import type { Store } from '../store.js';
import { sampleSql } from './personal.js';
import type { Holdout } from './recompute.js';

const VALID = validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o');

/**
 * The held-out (customer, sku) pairs of customers with training history: orders from the split
 * (up to asOf), or each customer's last valid order.
 */
export async function heldOut(
  store: Store,
  shopId: string,
  holdout: Exclude<Holdout, { kind: 'none' }>,
  asOf: Date,
  sample: number,
): Promise<{ customerId: string; sku: string }[]> {
  const test =
    holdout.kind === 'split'
      ? 'o.created_at >= $3 AND o.created_at < $2'
      : `o.created_at < $2 AND o.order_id IN (SELECT order_id FROM (
           SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.created_at DESC, o.order_id DESC) AS rn
           FROM orders o WHERE o.shop_id = $1 AND ${VALID}) x WHERE rn = 1)`;
  return (
    await store.engine.all<{ customer_id: string; sku: string }>(
      `SELECT DISTINCT o.customer_id, l.sku FROM orders o
       JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
       WHERE o.shop_id = $1 AND ${VALID} AND l.sku IS NOT NULL AND ${test} AND ${sampleSql('o.customer_id', sample)}
         AND EXISTS (SELECT 1 FROM rec_lines t WHERE t.shop_id = $1 AND t.scope = 'eval' AND t.customer_id = o.customer_id)
       ORDER BY o.customer_id, l.sku`,
      holdout.kind === 'split' ? [shopId, asOf, holdout.at] : [shopId, asOf],
    )
  ).map((r) => ({ customerId: r.customer_id, sku: r.sku }));
}

/** Training baskets of the eval scope, by customer (all customers, or a sample). */
export async function trainingBaskets(
  store: Store,
  shopId: string,
  sample: number,
): Promise<Map<string, Basket[]>> {
  const rows = await store.engine.all<{ customer_id: string; order_id: string; t: number; sku: string }>(
    `SELECT customer_id, order_id, t, sku FROM rec_lines WHERE shop_id = $1 AND scope = 'eval'
       AND ${sampleSql('customer_id', sample)}
     ORDER BY customer_id, t, order_id, sku`,
    [shopId],
  );
  const out = new Map<string, Basket[]>();
  let last = '';
  for (const r of rows) {
    const list = out.get(r.customer_id) ?? [];
    const key = `${r.customer_id}\u0000${r.order_id}`;
    const current = list[list.length - 1];
    if (key === last && current !== undefined) (current.skus as string[]).push(r.sku);
    else list.push({ t: Number(r.t), skus: [r.sku] });
    last = key;
    out.set(r.customer_id, list);
  }
  return out;
}

/** Number of distinct customers in the eval scope's training lines. */
export async function trainingCustomers(store: Store, shopId: string): Promise<number> {
  const [r] = await store.engine.all<{ n: number | bigint }>(
    `SELECT COUNT(DISTINCT customer_id) AS n FROM rec_lines WHERE shop_id = $1 AND scope = 'eval'`,
    [shopId],
  );
  return Number(r?.n ?? 0);
}

/** The global popularity baseline: SKUs by distinct training buyers. */
export async function popularByBuyers(store: Store, shopId: string, limit: number): Promise<string[]> {
  const rows = await store.engine.all<{ sku: string }>(
    `SELECT sku FROM rec_lines WHERE shop_id = $1 AND scope = 'eval' GROUP BY sku
     ORDER BY COUNT(DISTINCT customer_id) DESC, sku LIMIT ${Math.floor(limit)}`,
    [shopId],
  );
  return rows.map((r) => r.sku);
}

/** The recommender's eval-scope lists of the sampled customers, best first. */
export async function evalLists(
  store: Store,
  shopId: string,
  sample: number,
): Promise<Map<string, string[]>> {
  const rows = await store.engine.all<{ customer_id: string; sku: string }>(
    `SELECT customer_id, sku FROM rec_personal WHERE shop_id = $1 AND scope = 'eval' AND list = 'personal'
       AND ${sampleSql('customer_id', sample)}
     ORDER BY customer_id, rank`,
    [shopId],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.customer_id) ?? [];
    list.push(r.sku);
    out.set(r.customer_id, list);
  }
  return out;
}
