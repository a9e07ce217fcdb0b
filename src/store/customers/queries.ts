/**
 * Reads of one customer for the API and the dashboard: what the customer's page shows (stats,
 * groups, predictions, a timeline), and orders. The list and search are in directory.ts.
 */
import type { SqlValue } from '../engine.js';
import { paramRefs, shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';
import { customerRows } from './records.js';

/** The customer's stats row with groups, or undefined before any analysis. */
export async function customerStats(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<Record<string, unknown> | undefined> {
  const rows = await customerRows(
    store,
    shopId,
    customerId,
    'customer_stats',
    `orders, revenue, first_order_at, last_order_at, aov, avg_gap_days, recency_days, referrals, r, f, m,
       rfm_group, lifecycle, value_group, computed_as_of`,
  );
  return rows[0];
}

/** The customer's latest predictions, or undefined before `predict`. */
export async function customerPrediction(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<Record<string, unknown> | undefined> {
  const rows = await customerRows(
    store,
    shopId,
    customerId,
    'customer_predictions',
    `model, predicted_as_of, p_alive, churn_probability, expected_purchases_30, expected_purchases_90,
       expected_purchases_365, orders_365_low, orders_365_high, expected_next_order_date, next_order_note,
       expected_avg_value, predicted_clv, predicted_clv_range_low, predicted_clv_range_high,
       predicted_clv_ci_low, predicted_clv_ci_high`,
  );
  return rows[0];
}

export interface TimelineEntry {
  at: Date;
  kind: 'order' | 'event';
  id: string;
  name: string;
  status: string | null;
  total: number | null;
}

/** Where a page of a timeline ends: the next page starts after (older than) this entry. */
export interface TimelineCursor {
  at: Date;
  id: string;
}

/** Orders and storefront events, latest first; older than `before` when given. */
export async function customerTimeline(
  store: Store,
  shopId: string,
  customerId: string,
  limit: number,
  before?: TimelineCursor,
): Promise<TimelineEntry[]> {
  const params: SqlValue[] = [shopId];
  const one = { kind: 'inline', ids: [customerId] } as const;
  const orders = shopRowsSql(
    store.dialect,
    'orders',
    'shop_id, created_at, order_id, name, external_id, status, total',
    'customer_id',
    one,
    params,
  );
  const events = shopRowsSql(
    store.dialect,
    'events',
    'shop_id, occurred_at, event_id, name',
    'customer_id',
    one,
    params,
  );
  const older = before
    ? (([at, id]) =>
        `WHERE happened_at < CAST(${at} AS TIMESTAMPTZ) OR (happened_at = CAST(${at} AS TIMESTAMPTZ) AND id < ${id})`)(
        paramRefs([before.at, before.id], params),
      )
    : '';
  const rows = await store.engine.all<{
    happened_at: Date;
    kind: 'order' | 'event';
    id: string;
    name: string;
    status: string | null;
    total: number | null;
  }>(
    // The rows are found by index and gathered (MATERIALIZED) before the sort: under a top-N sort,
    // DuckDB pushes a filter on the sort key into the scans, and a second filter turns an index
    // lookup back into a scan of the shop (measured: 1.7 ms against 150 ms at 100,000 customers).
    `WITH o AS MATERIALIZED (SELECT * FROM ${orders} o), e AS MATERIALIZED (SELECT * FROM ${events} e)
     SELECT happened_at, kind, id, name, status, total FROM (
       SELECT created_at AS happened_at, 'order' AS kind, order_id AS id, coalesce(name, external_id) AS name,
         status, CAST(total AS DOUBLE PRECISION) AS total
       FROM o
       UNION ALL
       SELECT occurred_at AS happened_at, 'event' AS kind, event_id AS id, name, NULL AS status, NULL AS total
       FROM e
     ) t ${older} ORDER BY happened_at DESC, id DESC LIMIT CAST(${paramRefs([limit], params)[0]} AS BIGINT)`,
    params,
  );
  return rows.map(({ happened_at, ...r }) => ({
    at: happened_at,
    ...r,
    total: r.total === null ? null : Number(r.total),
  }));
}

/** A shop's orders (optionally one customer's), latest first, a page at a time. */
export async function listShopOrders(
  store: Store,
  shopId: string,
  filter: { customerId?: string | undefined; before?: string | undefined; limit: number },
): Promise<
  {
    orderId: string;
    source: string;
    externalId: string;
    name: string | null;
    customerId: string;
    status: string;
    total: number;
    refunded: number;
    createdAt: Date;
  }[]
> {
  const rows = await store.engine.all<{
    order_id: string;
    source: string;
    external_id: string;
    name: string | null;
    customer_id: string;
    status: string;
    total: number;
    refunded: number;
    created_at: Date;
  }>(
    `SELECT order_id, source, external_id, name, customer_id, status, total, refunded, created_at
     FROM orders WHERE shop_id = $1 AND ($2 = '' OR customer_id = $2) AND ($3 = '' OR order_id < $3)
     ORDER BY order_id DESC LIMIT $4`,
    [shopId, filter.customerId ?? '', filter.before ?? '', filter.limit],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    source: r.source,
    externalId: r.external_id,
    name: r.name,
    customerId: r.customer_id,
    status: r.status,
    total: Number(r.total),
    refunded: Number(r.refunded),
    createdAt: r.created_at,
  }));
}

/** One order with its lines. */
export async function getOrder(
  store: Store,
  shopId: string,
  orderId: string,
): Promise<{ order: Record<string, unknown>; lines: Record<string, unknown>[] } | undefined> {
  const orders = await store.engine.all(
    `SELECT order_id, source, external_id, name, customer_id, status, financial_status, fulfillment_status,
       payment_method, currency, CAST(subtotal AS DOUBLE PRECISION) AS subtotal,
       CAST(shipping AS DOUBLE PRECISION) AS shipping, CAST(discount AS DOUBLE PRECISION) AS discount,
       CAST(total AS DOUBLE PRECISION) AS total, CAST(refunded AS DOUBLE PRECISION) AS refunded,
       coupon_code, created_at, paid_at, cancelled_at
     FROM orders WHERE shop_id = $1 AND order_id = $2`,
    [shopId, orderId],
  );
  const order = orders[0];
  if (!order) return undefined;
  const lines = await store.engine.all(
    `SELECT line_no, sku, title, category, quantity, CAST(price AS DOUBLE PRECISION) AS price
     FROM order_lines WHERE shop_id = $1 AND order_id = $2 ORDER BY line_no`,
    [shopId, orderId],
  );
  return { order, lines };
}
