/**
 * Reads of the live recommendations: one customer's lists, a product's pair rules and bundles,
 * the popular lists, and the export of every customer's list. Each checks the product's state
 * now (stock, status, exclusion), since the catalogue may have changed since the recompute.
 */
import type { SqlEngine, SqlValue } from '../engine.js';
import type { Store } from '../store.js';

/** A stored list entry with its product. */
export interface StoredItem {
  rank: number;
  sku: string;
  title: string;
  category: string | null;
  price: number | null;
  imageUrl: string | null;
  score: number;
  reason: string;
  reasonSku: string | null;
  reasonTitle: string | null;
  reasonDays: number | null;
  reasonCategory: string | null;
  partnerShopId: string | null;
}

export interface ItemRow extends Record<string, unknown> {
  rank: number;
  sku: string;
  title: string;
  category: string | null;
  price: number | string | null;
  image_url: string | null;
  score: number;
  reason: string;
  reason_sku: string | null;
  reason_title: string | null;
  reason_days: number | null;
  reason_category: string | null;
  partner_shop_id: string | null;
}

export const itemOf = (r: ItemRow): StoredItem => ({
  rank: Number(r.rank),
  sku: r.sku,
  title: r.title,
  category: r.category,
  price: r.price === null ? null : Number(r.price),
  imageUrl: r.image_url,
  score: Number(r.score),
  reason: r.reason,
  reasonSku: r.reason_sku,
  reasonTitle: r.reason_title,
  reasonDays: r.reason_days === null ? null : Number(r.reason_days),
  reasonCategory: r.reason_category,
  partnerShopId: r.partner_shop_id === '' ? null : r.partner_shop_id,
});

/** SQL: the product aliased `p` may be recommended now. */
export const AVAILABLE = `(p.inventory_qty IS NULL OR p.inventory_qty > 0) AND (p.status IS NULL OR p.status = 'active')
  AND (p.published IS NULL OR p.published)
  AND NOT EXISTS (SELECT 1 FROM rec_exclusions x WHERE x.shop_id = p.shop_id AND x.sku = p.sku)`;

export const byCustomer = (db: SqlEngine, ref: string) =>
  db.dialect === 'duckdb'
    ? `r.lookup_hash = hash(${ref}) AND r.customer_id = ${ref}`
    : `r.customer_id = ${ref}`;

/** The run of a scope: when, on how much, and whether the shop counts as small. */
export interface RecRun {
  computedAt: Date;
  asOf: Date;
  customers: number;
  orders: number;
  lines: number;
  small: boolean;
  weights: string;
}

export async function readRun(store: Store, shopId: string, scope = 'live'): Promise<RecRun | undefined> {
  const [r] = await store.engine.all<{
    computed_at: Date;
    as_of: Date;
    customers: number;
    orders: number;
    lines: number;
    small: boolean;
    weights: string;
  }>('SELECT * FROM rec_runs WHERE shop_id = $1 AND scope = $2', [shopId, scope]);
  if (r === undefined) return undefined;
  return {
    computedAt: new Date(r.computed_at),
    asOf: new Date(r.as_of),
    customers: Number(r.customers),
    orders: Number(r.orders),
    lines: Number(r.lines),
    small: r.small,
    weights: r.weights,
  };
}

export async function writeRun(store: Store, shopId: string, scope: string, run: RecRun): Promise<void> {
  await store.engine.run('DELETE FROM rec_runs WHERE shop_id = $1 AND scope = $2', [shopId, scope]);
  await store.engine.run(
    `INSERT INTO rec_runs (shop_id, scope, computed_at, as_of, customers, orders, lines, small, weights)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [shopId, scope, run.computedAt, run.asOf, run.customers, run.orders, run.lines, run.small, run.weights],
  );
}

/** The products the customer bought within `days` before `asOf` that are not replenishable. */
export async function recentNonReplenishable(
  store: Store,
  shopId: string,
  customerId: string,
  since: Date,
): Promise<string[]> {
  const rows = await store.engine.all<{ sku: string }>(
    `SELECT DISTINCT l.sku FROM rec_lines l
     JOIN rec_products p ON p.shop_id = l.shop_id AND p.scope = l.scope AND p.sku = l.sku
     WHERE l.shop_id = $1 AND l.scope = 'live' AND l.customer_id = $2 AND l.t >= $3 AND NOT p.replenishable`,
    [shopId, customerId, since.getTime() / 86_400_000],
  );
  return rows.map((r) => r.sku);
}

export type PopularKind = 'bought' | 'viewed' | 'trending';

/** A popular list (category '' = the whole shop), products available now. */
export async function popularList(
  store: Store,
  shopId: string,
  kind: PopularKind,
  category: string,
  limit: number,
  scope = 'live',
): Promise<(StoredItem & { events: number })[]> {
  const rows = await store.engine.all<ItemRow & { events: number }>(
    `SELECT r.rank, r.sku, p.title, p.category, p.price, p.image_url, r.score, r.events,
       '${kind === 'bought' ? 'popular' : kind}' AS reason, NULL AS reason_sku, NULL AS reason_title,
       CAST(NULL AS DOUBLE PRECISION) AS reason_days, NULLIF(r.category, '') AS reason_category, NULL AS partner_shop_id
     FROM rec_popular r JOIN products p ON p.shop_id = r.shop_id AND p.sku = r.sku
     WHERE r.shop_id = $1 AND r.scope = $2 AND r.kind = $3 AND r.category = $4 AND ${AVAILABLE}
     ORDER BY r.rank LIMIT ${Math.floor(limit)}`,
    [shopId, scope, kind, category],
  );
  return rows.map((r) => ({ ...itemOf(r), events: Number(r.events) }));
}

/** A pair rule a → b of the live scope, with b's product. */
export interface StoredPair extends StoredItem {
  together: number;
  support: number;
  confidence: number;
  lift: number;
  shrunk: boolean;
}

/** The products bought in the same order as `sku` (rules sku → other), best first. */
export async function pairsOf(
  store: Store,
  shopId: string,
  sku: string,
  limit: number,
): Promise<StoredPair[]> {
  const rows = await store.engine.all<
    ItemRow & { together: number; support: number; confidence: number; lift: number; shrunk: boolean }
  >(
    `SELECT CAST(ROW_NUMBER() OVER (ORDER BY r.score DESC, r.other_sku) AS INTEGER) AS rank, r.other_sku AS sku,
       p.title, p.category, p.price, p.image_url, r.score, 'together' AS reason, r.sku AS reason_sku,
       q.title AS reason_title, CAST(NULL AS DOUBLE PRECISION) AS reason_days, NULL AS reason_category,
       NULL AS partner_shop_id, r.together, r.support, r.confidence, r.lift, r.shrunk
     FROM rec_pairs r JOIN products p ON p.shop_id = r.shop_id AND p.sku = r.other_sku
     LEFT JOIN products q ON q.shop_id = r.shop_id AND q.sku = r.sku
     WHERE r.shop_id = $1 AND r.scope = 'live' AND r.kind = 'order' AND r.sku = $2 AND ${AVAILABLE}
     ORDER BY r.score DESC, r.other_sku LIMIT ${Math.floor(limit)}`,
    [shopId, sku],
  );
  return rows.map((r) => ({
    ...itemOf(r),
    together: Number(r.together),
    support: Number(r.support),
    confidence: Number(r.confidence),
    lift: Number(r.lift),
    shrunk: r.shrunk,
  }));
}

/** A bundle: a triple bought together that contains `sku`, the strongest first. */
export async function bundlesOf(
  store: Store,
  shopId: string,
  sku: string,
  limit: number,
): Promise<{ skus: string[]; together: number; support: number; confidence: number; lift: number }[]> {
  const rows = await store.engine.all<{
    sku_a: string;
    sku_b: string;
    sku_c: string;
    together: number;
    support: number;
    confidence: number;
    lift: number;
  }>(
    `SELECT sku_a, sku_b, sku_c, together, support, confidence, lift FROM rec_bundles
     WHERE shop_id = $1 AND scope = 'live' AND (sku_a = $2 OR sku_b = $2 OR sku_c = $2)
     ORDER BY together DESC, lift DESC, sku_a, sku_b, sku_c LIMIT ${Math.floor(limit)}`,
    [shopId, sku],
  );
  return rows.map((r) => ({
    skus: [r.sku_a, r.sku_b, r.sku_c],
    together: Number(r.together),
    support: Number(r.support),
    confidence: Number(r.confidence),
    lift: Number(r.lift),
  }));
}

/** Title, price and availability of some of the shop's products. */
export async function productsBySku(
  store: Store,
  shopId: string,
  skus: readonly string[],
): Promise<
  Map<string, { title: string; price: number | null; available: boolean; imageUrl: string | null }>
> {
  if (skus.length === 0) return new Map();
  const params: SqlValue[] = [shopId, ...skus];
  const rows = await store.engine.all<{
    sku: string;
    title: string;
    price: number | null;
    image_url: string | null;
    available: boolean;
  }>(
    `SELECT p.sku, p.title, p.price, p.image_url, (${AVAILABLE}) AS available FROM products p
     WHERE p.shop_id = $1 AND p.sku IN (${skus.map((_, i) => `$${i + 2}`).join(', ')})`,
    params,
  );
  return new Map(
    rows.map((r) => [
      r.sku,
      {
        title: r.title,
        price: r.price === null ? null : Number(r.price),
        available: r.available,
        imageUrl: r.image_url,
      },
    ]),
  );
}

/** One row of the export of every customer's personal list. */
export interface ExportRow {
  customerId: string;
  externalId: string;
  rank: number;
  sku: string;
  score: number;
  reason: string;
  reasonSku: string | null;
  reasonTitle: string | null;
  reasonDays: number | null;
  reasonCategory: string | null;
}

/**
 * Every customer's (or one customer's) live personal list, with the customer's first external
 * identity as SOURCE:ID (by the time it was recorded, then kind and value), ordered by customer.
 */
export async function exportPersonal(
  store: Store,
  shopId: string,
  limit: number,
  customerId?: string,
): Promise<ExportRow[]> {
  const params: SqlValue[] = [shopId];
  let one = '';
  if (customerId !== undefined) {
    params.push(customerId);
    one = ` AND ${byCustomer(store.engine, '$2')}`;
  }
  const rows = await store.engine.all<{
    customer_id: string;
    external_id: string | null;
    rank: number;
    sku: string;
    score: number;
    reason: string;
    reason_sku: string | null;
    reason_title: string | null;
    reason_days: number | null;
    reason_category: string | null;
  }>(
    `WITH ext AS (
       SELECT customer_id, SUBSTR(kind, 10) || ':' || value AS external_id,
         ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY created_at, kind, value) AS rn
       FROM customer_identities WHERE shop_id = $1 AND kind LIKE 'external:%'
     )
     SELECT r.customer_id, e.external_id, r.rank, r.sku, r.score, r.reason, r.reason_sku, q.title AS reason_title,
       r.reason_days, r.reason_category
     FROM rec_personal r
     JOIN products p ON p.shop_id = r.shop_id AND p.sku = r.sku
     LEFT JOIN products q ON q.shop_id = r.shop_id AND q.sku = r.reason_sku
     LEFT JOIN ext e ON e.customer_id = r.customer_id AND e.rn = 1
     WHERE r.shop_id = $1 AND r.scope = 'live' AND r.list = 'personal' AND r.rank <= ${Math.floor(limit)}${one}
       AND ${AVAILABLE}
     ORDER BY r.customer_id, r.rank`,
    params,
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    externalId: r.external_id ?? '',
    rank: Number(r.rank),
    sku: r.sku,
    score: Number(r.score),
    reason: r.reason,
    reasonSku: r.reason_sku,
    reasonTitle: r.reason_title,
    reasonDays: r.reason_days === null ? null : Number(r.reason_days),
    reasonCategory: r.reason_category,
  }));
}

/**
 * The live personal lists of several customers at once (the first `limit` available items
 * each), for a batch of messages: one query.
 */
export async function listsOfCustomers(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
  limit: number,
): Promise<Map<string, StoredItem[]>> {
  const out = new Map<string, StoredItem[]>();
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return out;
  const refs = ids.map((_, i) => `$${i + 2}`);
  const hash =
    store.dialect === 'duckdb' ? ` AND r.lookup_hash IN (${refs.map((r) => `hash(${r})`).join(', ')})` : '';
  const rows = await store.engine.all<ItemRow & { customer_id: string }>(
    `SELECT r.customer_id, r.rank, r.sku, p.title, p.category, p.price, p.image_url, r.score, r.reason, r.reason_sku,
       q.title AS reason_title, r.reason_days, r.reason_category, r.partner_shop_id
     FROM rec_personal r
     JOIN products p ON p.shop_id = r.shop_id AND p.sku = r.sku
     LEFT JOIN products q ON q.shop_id = r.shop_id AND q.sku = r.reason_sku
     WHERE r.shop_id = $1 AND r.scope = 'live' AND r.list = 'personal'${hash} AND r.customer_id IN (${refs.join(', ')})
       AND ${AVAILABLE}
     ORDER BY r.customer_id, r.rank`,
    [shopId, ...ids],
  );
  for (const r of rows) {
    const list = out.get(r.customer_id) ?? [];
    if (list.length < limit) list.push(itemOf(r));
    out.set(r.customer_id, list);
  }
  return out;
}
