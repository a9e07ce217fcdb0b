/**
 * One customer's recommendations as the API serves them, in a few point reads, each cheap on
 * both engines (issue 18: ≤ 20 ms at a million customers):
 * 1. the customer (does it exist, its marketing consent) with the live run;
 * 2. its list rows (personal and cross-shop) alone;
 * 3. the products those rows name (and their reasons name), with whether each is available now.
 * The lists are put together here. One statement joining all of it cost DuckDB 50 ms of CPU at a
 * million customers: it scanned the customers table for the consent join and built hash tables
 * of the whole catalogue twice, where each read alone is a lookup of a few rows.
 */
import type { SqlEngine, SqlValue } from '../engine.js';
import { shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';
import { byCustomer, type ItemRow, itemOf, type StoredItem } from './read.js';

/** What a customer's read returns; undefined when the customer does not exist. */
export interface CustomerLists {
  /** The live run's time (undefined: never computed) and whether the shop counts as small. */
  run: { computedAt: Date; small: boolean } | undefined;
  personal: StoredItem[];
  crossShop: StoredItem[];
}

interface HeadRow extends Record<string, unknown> {
  computed_at: Date | string | null;
  small: boolean | null;
  consent: boolean;
}

interface ListRow extends Record<string, unknown> {
  list: 'personal' | 'cross_shop';
  rank: number;
  sku: string;
  partner_shop_id: string;
  score: number;
  reason: string;
  reason_sku: string | null;
  reason_days: number | null;
  reason_category: string | null;
}

interface ProductRow extends Record<string, unknown> {
  shop_id: string;
  sku: string;
  title: string;
  category: string | null;
  price: number | string | null;
  image_url: string | null;
  available: boolean;
}

/** The product aliased p is in stock and on sale (read.ts's AVAILABLE without the exclusions). */
const AVAILABLE_NOW = `(p.inventory_qty IS NULL OR p.inventory_qty > 0) AND (p.status IS NULL OR p.status = 'active')
  AND (p.published IS NULL OR p.published)`;

const CONSENT = `(COALESCE(cu.accepts_email, FALSE) OR COALESCE(cu.accepts_sms, FALSE) OR COALESCE(cu.accepts_zalo, FALSE)
  OR COALESCE(cu.accepts_messenger, FALSE))`;

/** The customer's list rows, any order; on DuckDB found by lookup_hash (written in order, so zone maps skip). */
function listRows(db: SqlEngine, shopId: string, customerId: string): Promise<ListRow[]> {
  return db.all<ListRow>(
    `SELECT r.list, r.rank, r.sku, r.partner_shop_id, r.score, r.reason, r.reason_sku, r.reason_days, r.reason_category
     FROM rec_personal r WHERE r.shop_id = $1 AND r.scope = 'live' AND ${byCustomer(db, '$2')}`,
    [shopId, customerId],
  );
}

/** The shops the seller linked to `shopId` (cross-shop lists are shown only for those). */
async function linkedShops(db: SqlEngine, shopId: string): Promise<Set<string>> {
  const rows = await db.all<{ partner_shop_id: string }>(
    'SELECT partner_shop_id FROM shop_links WHERE shop_id = $1',
    [shopId],
  );
  return new Set(rows.map((r) => r.partner_shop_id));
}

/**
 * Parameter references for `values` (appended to `params`), padded to a power of two by repeating
 * the last, so that a handful of statement texts serve every list length and stay prepared.
 */
function paddedRefs(values: readonly string[], params: SqlValue[]): string {
  let size = 8;
  while (size < values.length) size *= 2;
  const refs: string[] = [];
  for (let i = 0; i < size; i++) {
    params.push(values[Math.min(i, values.length - 1)] ?? null);
    refs.push(`$${params.length}`);
  }
  return refs.join(', ');
}

/**
 * SQL: `column` is one of `refs`. DuckDB gets `list_contains`: an IN list of parameters becomes
 * a join (a mark join over the whole catalogue, twice the cost of the list function's filter).
 */
const oneOf = (db: SqlEngine, column: string, refs: string) =>
  db.dialect === 'duckdb' ? `list_contains([${refs}], ${column})` : `${column} IN (${refs})`;

const key = (shopId: string, sku: string) => `${shopId}\u0000${sku}`;

/**
 * The products named (any of `shops` × any of `skus`), keyed by shop and SKU, with whether each
 * may be recommended now. The seller's exclusions come as rows of their own (title NULL) rather
 * than as a NOT EXISTS, which DuckDB plans as a join of its own.
 */
async function productsOf(
  db: SqlEngine,
  shops: readonly string[],
  skus: readonly string[],
): Promise<Map<string, ProductRow>> {
  const params: SqlValue[] = [];
  const shopRefs = paddedRefs(shops, params);
  const skuRefs = paddedRefs(skus, params);
  const shop = (alias: string) => oneOf(db, `${alias}.shop_id`, shopRefs);
  const sku = (alias: string) => oneOf(db, `${alias}.sku`, skuRefs);
  const rows = await db.all<ProductRow & { excluded: boolean }>(
    `SELECT p.shop_id, p.sku, p.title, p.category, p.price, p.image_url, (${AVAILABLE_NOW}) AS available,
       FALSE AS excluded
     FROM products p WHERE ${shop('p')} AND ${sku('p')}
     UNION ALL
     SELECT x.shop_id, x.sku, NULL, NULL, NULL, NULL, FALSE, TRUE FROM rec_exclusions x WHERE ${shop('x')} AND ${sku('x')}`,
    params,
  );
  const out = new Map<string, ProductRow>();
  for (const r of rows) if (!r.excluded) out.set(key(r.shop_id, r.sku), r);
  for (const r of rows) {
    const p = out.get(key(r.shop_id, r.sku));
    if (r.excluded && p !== undefined) p.available = false;
  }
  return out;
}

/** The rows whose product is available now, with it, best first. */
function listOf(
  rows: readonly ListRow[],
  shopId: string,
  products: ReadonlyMap<string, ProductRow>,
): StoredItem[] {
  const items: ItemRow[] = [];
  for (const r of rows) {
    const p = products.get(key(r.list === 'cross_shop' ? r.partner_shop_id : shopId, r.sku));
    if (p === undefined || !p.available) continue;
    const why = r.reason_sku === null ? undefined : products.get(key(shopId, r.reason_sku));
    items.push({
      ...r,
      title: p.title,
      category: p.category,
      price: p.price,
      image_url: p.image_url,
      reason_title: why?.title ?? null,
    });
  }
  return items.sort((a, b) => Number(a.rank) - Number(b.rank)).map(itemOf);
}

/** The customer's lists (each best first, products available now) with the run. */
export async function customerLists(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<CustomerLists | undefined> {
  const db = store.engine;
  // The customer by its id alone (on DuckDB its ART index, behind shopRowsSql's fence), shop checked on the row.
  const params: SqlValue[] = [shopId];
  const customer = shopRowsSql(
    db.dialect,
    'customers',
    '*',
    'customer_id',
    { kind: 'inline', ids: [customerId] },
    params,
  );
  const [head] = await db.all<HeadRow>(
    `SELECT rr.computed_at, rr.small, ${CONSENT} AS consent
     FROM ${customer} cu LEFT JOIN rec_runs rr ON rr.shop_id = cu.shop_id AND rr.scope = 'live'`,
    params,
  );
  if (head === undefined) return undefined;
  let rows = await listRows(db, shopId, customerId);
  // Cross-shop products only for a consenting customer and a partner the seller still links.
  if (!head.consent) rows = rows.filter((r) => r.list === 'personal');
  if (rows.some((r) => r.list === 'cross_shop')) {
    const linked = await linkedShops(db, shopId);
    rows = rows.filter((r) => r.list === 'personal' || linked.has(r.partner_shop_id));
  }
  const shops = new Set([shopId]);
  const skus = new Set<string>();
  for (const r of rows) {
    if (r.list === 'cross_shop') shops.add(r.partner_shop_id);
    skus.add(r.sku);
    if (r.reason_sku !== null) skus.add(r.reason_sku);
  }
  const products = skus.size === 0 ? new Map() : await productsOf(db, [...shops], [...skus]);
  return {
    run:
      head.computed_at === null
        ? undefined
        : { computedAt: new Date(head.computed_at), small: head.small === true },
    personal: listOf(
      rows.filter((r) => r.list === 'personal'),
      shopId,
      products,
    ),
    crossShop: listOf(
      rows.filter((r) => r.list === 'cross_shop'),
      shopId,
      products,
    ),
  };
}
