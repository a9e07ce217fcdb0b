/**
 * The customers' list (dashboard and API): which customers match a search and a segment query, a
 * page at a time in id order, then the page's rows with their stats and predictions.
 *
 * Bounded at a million customers: a phone or an e-mail is looked up among the identity keys
 * (PostgreSQL: the key's primary-key index; DuckDB: one scan of the key column), never compared
 * to every customer's text; a name is a prefix of the lower-cased name (PostgreSQL: the
 * expression indexes of migration 021; DuckDB: a scan of the name columns); every read has a LIMIT.
 * A page's rows are then read by id, the way each engine finds them by index (`shopRowsSql`).
 */
import type { CustomerMatch } from '../../domain/customer-search.js';
import type { ResolvedQuery } from '../../domain/segments/ast.js';
import { tuneForBulk } from '../bulk.js';
import type { Row, SqlValue } from '../engine.js';
import { compileQuery, customersFrom, SqlParams } from '../segments/compile-sql.js';
import { INLINE_IDS, shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';

/** One row of the customers' list. */
export interface CustomerListItem {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  orders: number;
  revenue: number;
  aov: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  lifecycle: string | null;
  valueGroup: string | null;
  rfmGroup: string | null;
  /** Predicted CLV and P(alive) of the latest `predict` run; null before one. */
  predictedClv: number | null;
  pAlive: number | null;
}

export interface CustomerFilter {
  match?: CustomerMatch | undefined;
  /** A segment query, already resolved for the shop (its as-of and time zone). */
  segment?: ResolvedQuery | undefined;
}

/** Identity keys at most this many per search (a short phone prefix can match many). */
const MAX_KEY_MATCHES = 1000;

/**
 * Ids of the live customers that match, after `after` in id order, at most `limit`. A search by
 * phone or e-mail first finds the few customers holding such keys, then the segment query (if
 * any) runs over them only.
 */
export async function matchingCustomerIds(
  store: Store,
  shopId: string,
  filter: CustomerFilter,
  page: { after?: string | undefined; limit: number },
): Promise<string[]> {
  const { match } = filter;
  let holders: string[] | undefined;
  if (match && match.kind !== 'name') {
    // Without a segment query the page is the first holders (a few more, should some be merged away).
    const enough = filter.segment ? MAX_KEY_MATCHES : Math.min(MAX_KEY_MATCHES, page.limit * 2);
    holders = await keyHolders(store, shopId, match, page.after, enough);
    if (holders.length === 0) return [];
  }
  const params = new SqlParams(shopId);
  const scope = holders ? { scope: { ids: holders } } : {};
  const fromWhere = filter.segment
    ? compileQuery(filter.segment, params, scope).fromWhere
    : customersFrom(new Set(), params, scope);
  const where = [`c.customer_id > ${params.add(page.after ?? '', 'VARCHAR')}`];
  if (match?.kind === 'name') {
    const prefix = params.add(`${escapeLike(match.prefix)}%`, 'VARCHAR');
    where.push(
      `(lower(coalesce(c.last_name, '') || ' ' || coalesce(c.first_name, '')) LIKE ${prefix} ESCAPE '\\'
        OR lower(coalesce(c.first_name, '')) LIKE ${prefix} ESCAPE '\\')`,
    );
  }
  const limit = params.add(page.limit, 'BIGINT');
  const sql = `SELECT c.customer_id\n${fromWhere}\n  AND ${where.join(' AND ')}\nORDER BY c.customer_id LIMIT ${limit}`;
  const rows = await store.engine.transaction(async (tx) => {
    // A segment query's semi-joins read whole tables (see segments.ts allOverShop).
    if (filter.segment) await tuneForBulk(tx);
    return tx.all<{ customer_id: string }>(sql, params.values);
  });
  return rows.map((r) => r.customer_id);
}

/** The customers holding a phone or e-mail key (exact, a range or a prefix), in id order. */
async function keyHolders(
  store: Store,
  shopId: string,
  match: Exclude<CustomerMatch, { kind: 'name' }>,
  after: string | undefined,
  limit: number,
): Promise<string[]> {
  const params: SqlValue[] = [shopId, after ?? '', limit];
  const add = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  let test: string;
  switch (match.kind) {
    case 'phone':
      test = `kind = 'phone' AND value = ${add(match.value)}`;
      break;
    case 'email':
      test = `kind = 'email' AND value = ${add(match.value)}`;
      break;
    case 'phone-range':
      test = `kind = 'phone' AND value >= ${add(match.from)} AND value < ${add(match.below)}`;
      break;
    case 'email-prefix':
      test = `kind = 'email' AND value LIKE ${add(`${escapeLike(match.prefix)}%`)} ESCAPE '\\'`;
      break;
  }
  const rows = await store.engine.all<{ customer_id: string }>(
    `SELECT DISTINCT customer_id FROM customer_identities
     WHERE shop_id = $1 AND ${test} AND customer_id > $2
     ORDER BY customer_id LIMIT CAST($3 AS BIGINT)`,
    params,
  );
  return rows.map((r) => r.customer_id);
}

/** `%`, `_` and `\` typed by a seller match themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const LIST_COLUMNS_SQL = `c.customer_id, c.first_name, c.last_name, c.phone, c.email, c.city,
  st.orders, CAST(st.revenue AS DOUBLE PRECISION) AS revenue, CAST(st.aov AS DOUBLE PRECISION) AS aov,
  st.first_order_at, st.last_order_at, st.lifecycle, st.value_group, st.rfm_group,
  CAST(p.predicted_clv AS DOUBLE PRECISION) AS predicted_clv, CAST(p.p_alive AS DOUBLE PRECISION) AS p_alive`;

type ListRow = Row & {
  customer_id: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  orders: number | null;
  revenue: number | null;
  aov: number | null;
  first_order_at: Date | null;
  last_order_at: Date | null;
  lifecycle: string | null;
  value_group: string | null;
  rfm_group: string | null;
  predicted_clv: number | null;
  p_alive: number | null;
};

/**
 * The list rows of these customers (at most `INLINE_IDS`), in id order: each table read by id
 * through its index (customers) or lookup hash (stats, predictions), then joined.
 */
export async function customerListRows(
  store: Store,
  shopId: string,
  ids: readonly string[],
): Promise<CustomerListItem[]> {
  if (ids.length === 0) return [];
  if (ids.length > INLINE_IDS) throw new Error(`customerListRows: at most ${INLINE_IDS} ids`);
  const params: SqlValue[] = [shopId];
  const scope = { kind: 'inline', ids } as const;
  const people = shopRowsSql(
    store.dialect,
    'customers',
    'shop_id, customer_id, first_name, last_name, phone, email, city',
    'customer_id',
    scope,
    params,
  );
  const stats = shopRowsSql(
    store.dialect,
    'customer_stats',
    'shop_id, customer_id, orders, revenue, aov, first_order_at, last_order_at, lifecycle, value_group, rfm_group',
    'customer_id',
    scope,
    params,
  );
  const predictions = shopRowsSql(
    store.dialect,
    'customer_predictions',
    'shop_id, customer_id, predicted_clv, p_alive',
    'customer_id',
    scope,
    params,
  );
  const rows = await store.engine.all<ListRow>(
    `SELECT ${LIST_COLUMNS_SQL}
     FROM ${people} c
     LEFT JOIN ${stats} st ON st.customer_id = c.customer_id
     LEFT JOIN ${predictions} p ON p.customer_id = c.customer_id
     ORDER BY c.customer_id`,
    params,
  );
  return rows.map(toListItem);
}

/**
 * The list rows of the live customers whose ids lie in [from, to], in id order: a range of the
 * key, read in bulk (the export's batches; by-id lookups of each row would take a minute at
 * 100,000 customers on DuckDB).
 */
export async function customerListRowsBetween(
  store: Store,
  shopId: string,
  from: string,
  to: string,
): Promise<CustomerListItem[]> {
  const rows = await store.engine.all<ListRow>(
    `SELECT ${LIST_COLUMNS_SQL}
     FROM customers c
     LEFT JOIN customer_stats st ON st.shop_id = c.shop_id AND st.customer_id = c.customer_id
     LEFT JOIN customer_predictions p ON p.shop_id = c.shop_id AND p.customer_id = c.customer_id
     WHERE c.shop_id = $1 AND c.merged_into IS NULL AND c.customer_id >= $2 AND c.customer_id <= $3
     ORDER BY c.customer_id`,
    [shopId, from, to],
  );
  return rows.map(toListItem);
}

function toListItem(r: ListRow): CustomerListItem {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    customerId: r.customer_id,
    firstName: r.first_name,
    lastName: r.last_name,
    phone: r.phone,
    email: r.email,
    city: r.city,
    orders: Number(r.orders ?? 0),
    revenue: Number(r.revenue ?? 0),
    aov: num(r.aov),
    firstOrderAt: r.first_order_at,
    lastOrderAt: r.last_order_at,
    lifecycle: r.lifecycle,
    valueGroup: r.value_group,
    rfmGroup: r.rfm_group,
    predictedClv: num(r.predicted_clv),
    pAlive: num(r.p_alive),
  };
}
