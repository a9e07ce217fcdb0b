import {
  ALL_NEEDS,
  type RecordNeeds,
  type SegmentCustomer,
  type SegmentPredictions,
  type SegmentStats,
} from '../../domain/segments/index.js';
import type {
  SegmentEvent,
  SegmentFeedback,
  SegmentOrder,
  SegmentOrderLine,
} from '../../domain/segments/record.js';
import type { SqlEngine, SqlValue } from '../engine.js';
import { type IdScope, scopeSql, shopRowsSql } from './scope.js';

/**
 * Reads customers as the in-memory segment evaluator sees them: live customers with their stats,
 * predictions, tags, orders and lines, events and feedback. `needs` skips the parts no query
 * reads (a per-customer refresh reads only what its segments test): a record loaded without a
 * part is only fit for the queries whose needs left it out.
 */
export async function loadSegmentCustomers(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  needs: RecordNeeds = ALL_NEEDS,
): Promise<SegmentCustomer[]> {
  const base = await loadBase(engine, shopId, scope, needs);
  if (base.length === 0) return [];
  const tags = needs.tags ? await loadTags(engine, shopId, scope) : new Map<string, string[]>();
  const orders = needs.orders
    ? await loadOrders(engine, shopId, scope, needs.lines)
    : new Map<string, SegmentOrder[]>();
  const events = needs.events ? await loadEvents(engine, shopId, scope) : new Map<string, SegmentEvent[]>();
  const feedback = needs.feedback
    ? await loadFeedback(engine, shopId, scope)
    : new Map<string, SegmentFeedback[]>();
  return base.map((c) => ({
    ...c,
    tags: tags.get(c.customerId) ?? [],
    orders: orders.get(c.customerId) ?? [],
    events: events.get(c.customerId) ?? [],
    feedback: feedback.get(c.customerId) ?? [],
  }));
}

type Base = Omit<SegmentCustomer, 'tags' | 'orders' | 'events' | 'feedback'>;

/** A base row; the stats and prediction columns are there when they were asked for. */
type BaseRow = {
  customer_id: string;
  created_at: Date;
  city: string | null;
  source: string;
  phone: string | null;
  email: string | null;
  accepts_email: boolean | null;
  accepts_sms: boolean | null;
  accepts_zalo: boolean | null;
  accepts_messenger: boolean | null;
  referred: boolean;
  stats_id: string | null;
  orders: number | null;
  revenue: number | null;
  aov: number | null;
  first_order_date: string | null;
  last_order_date: string | null;
  avg_gap_days: number | null;
  r: number | null;
  f: number | null;
  m: number | null;
  rfm_group: string | null;
  lifecycle: string | null;
  value_group: string | null;
  referrals: number | null;
  prediction_id: string | null;
  p_alive: number | null;
  predicted_clv: number | null;
  churn_probability: number | null;
  expected_next_order_date: string | null;
};

const num = (v: number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

const STATS_COLUMNS = `s.customer_id AS stats_id, s.orders, s.revenue, s.aov, s.first_order_date, s.last_order_date,
       s.avg_gap_days, s.r, s.f, s.m, s.rfm_group, s.lifecycle, s.value_group, s.referrals`;
const NO_STATS_COLUMNS = `NULL AS stats_id`;
const PREDICTION_COLUMNS =
  'p.customer_id AS prediction_id, p.p_alive, p.predicted_clv, p.churn_probability, p.expected_next_order_date';
const NO_PREDICTION_COLUMNS = 'NULL AS prediction_id';

async function loadBase(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  needs: RecordNeeds,
): Promise<Base[]> {
  const params: SqlValue[] = [shopId];
  const rowsOf = (table: string, columns: string) =>
    shopRowsSql(engine.dialect, table, columns, 'customer_id', scope, params);
  const customers = rowsOf(
    'customers',
    `shop_id, customer_id, created_at, city, source, phone, email, accepts_email, accepts_sms, accepts_zalo,
       accepts_messenger, referred_by, merged_into`,
  );
  const joins = [
    needs.stats ? `LEFT JOIN ${rowsOf('customer_stats', '*')} s ON s.customer_id = c.customer_id` : '',
    needs.predictions
      ? `LEFT JOIN ${rowsOf('customer_predictions', '*')} p ON p.customer_id = c.customer_id`
      : '',
  ].join('\n     ');
  const rows = await engine.all<BaseRow>(
    `SELECT c.customer_id, c.created_at, c.city, c.source, c.phone, c.email,
       c.accepts_email, c.accepts_sms, c.accepts_zalo, c.accepts_messenger, c.referred_by IS NOT NULL AS referred,
       ${needs.stats ? STATS_COLUMNS : NO_STATS_COLUMNS}, ${needs.predictions ? PREDICTION_COLUMNS : NO_PREDICTION_COLUMNS}
     FROM ${customers} c
     ${joins}
     WHERE c.merged_into IS NULL
     ORDER BY c.customer_id`,
    params,
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    createdAt: r.created_at,
    city: r.city,
    source: r.source,
    phone: r.phone,
    email: r.email,
    consent: {
      email: r.accepts_email,
      sms: r.accepts_sms,
      zalo: r.accepts_zalo,
      messenger: r.accepts_messenger,
    },
    referred: Boolean(r.referred),
    stats: r.stats_id === null ? null : statsOf(r),
    predictions: r.prediction_id === null ? null : predictionsOf(r),
  }));
}

function statsOf(r: BaseRow): SegmentStats {
  return {
    orders: Number(r.orders ?? 0),
    revenue: Number(r.revenue ?? 0),
    aov: num(r.aov),
    firstOrderDate: r.first_order_date,
    lastOrderDate: r.last_order_date,
    avgGapDays: num(r.avg_gap_days),
    r: num(r.r),
    f: num(r.f),
    m: num(r.m),
    rfmGroup: r.rfm_group,
    lifecycle: r.lifecycle,
    valueGroup: r.value_group,
    referrals: num(r.referrals),
  };
}

function predictionsOf(r: BaseRow): SegmentPredictions {
  return {
    pAlive: num(r.p_alive),
    predictedClv: num(r.predicted_clv),
    churnProbability: num(r.churn_probability),
    expectedNextOrderDate: r.expected_next_order_date,
  };
}

function group<R extends { customer_id: string }, T>(
  rows: readonly R[],
  map: (row: R) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    let list = out.get(row.customer_id);
    if (!list) {
      list = [];
      out.set(row.customer_id, list);
    }
    list.push(map(row));
  }
  return out;
}

async function loadTags(engine: SqlEngine, shopId: string, scope: IdScope): Promise<Map<string, string[]>> {
  const params: SqlValue[] = [shopId];
  const tags = shopRowsSql(engine.dialect, 'customer_tags', '*', 'customer_id', scope, params);
  const rows = await engine.all<{ customer_id: string; tag: string }>(
    `SELECT customer_id, tag FROM ${tags} t ORDER BY customer_id, tag`,
    params,
  );
  return group(rows, (r) => r.tag);
}

async function loadOrders(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  withLines: boolean,
): Promise<Map<string, SegmentOrder[]>> {
  const params: SqlValue[] = [shopId];
  const orders = shopRowsSql(
    engine.dialect,
    'orders',
    'shop_id, customer_id, order_id, status, total, refunded, created_at',
    'customer_id',
    scope,
    params,
  );
  const rows = await engine.all<{
    customer_id: string;
    order_id: string;
    status: string;
    total: number;
    refunded: number;
    created_at: Date;
  }>(
    `SELECT o.customer_id, o.order_id, o.status, o.total, o.refunded, o.created_at FROM ${orders} o
     ORDER BY o.customer_id, o.created_at, o.order_id`,
    params,
  );
  const orderIds = rows.map((r) => r.order_id);
  const lines = withLines
    ? await loadLines(engine, shopId, scope, orderIds)
    : new Map<string, SegmentOrderLine[]>();
  return group(rows, (r) => ({
    orderId: r.order_id,
    status: r.status,
    total: Number(r.total),
    refunded: Number(r.refunded),
    createdAt: r.created_at,
    lines: lines.get(r.order_id) ?? [],
  }));
}

/** Orders at most this many have their lines read by order id (no join with orders). */
const LINES_BY_ORDER_ID = 500;

async function loadLines(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  orderIds: readonly string[],
): Promise<Map<string, SegmentOrderLine[]>> {
  if (orderIds.length === 0) return new Map();
  const params: SqlValue[] = [shopId];
  const columns = 'shop_id, order_id, line_no, sku, category';
  const lines =
    orderIds.length <= LINES_BY_ORDER_ID
      ? shopRowsSql(
          engine.dialect,
          'order_lines',
          columns,
          'order_id',
          { kind: 'inline', ids: orderIds },
          params,
        )
      : `(SELECT ${columns} FROM order_lines WHERE shop_id = $1 AND order_id IN
          (SELECT o.order_id FROM orders o WHERE o.shop_id = $1${scopeSql(scope, 'o.customer_id', params)}))`;
  const rows = await engine.all<{ order_id: string; sku: string | null; category: string | null }>(
    `SELECT l.order_id, l.sku, l.category FROM ${lines} l ORDER BY l.order_id, l.line_no`,
    params,
  );
  const out = new Map<string, SegmentOrderLine[]>();
  for (const r of rows) {
    let list = out.get(r.order_id);
    if (!list) {
      list = [];
      out.set(r.order_id, list);
    }
    list.push({ sku: r.sku, category: r.category });
  }
  return out;
}

async function loadEvents(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
): Promise<Map<string, SegmentEvent[]>> {
  const params: SqlValue[] = [shopId];
  const events = shopRowsSql(
    engine.dialect,
    'events',
    'shop_id, customer_id, event_id, name, occurred_at, properties',
    'customer_id',
    scope,
    params,
  );
  const rows = await engine.all<{
    customer_id: string;
    name: string;
    occurred_at: Date;
    properties: string | null;
  }>(
    `SELECT customer_id, name, occurred_at, properties FROM ${events} e
     WHERE customer_id IS NOT NULL ORDER BY customer_id, occurred_at, event_id`,
    params,
  );
  return group(rows, (r) => ({
    name: r.name,
    occurredAt: r.occurred_at,
    properties: parseProperties(r.properties),
  }));
}

function parseProperties(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function loadFeedback(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
): Promise<Map<string, SegmentFeedback[]>> {
  const params: SqlValue[] = [shopId];
  const feedback = shopRowsSql(
    engine.dialect,
    'feedback',
    'shop_id, customer_id, feedback_id, kind, score, created_at',
    'customer_id',
    scope,
    params,
  );
  const rows = await engine.all<{
    customer_id: string;
    feedback_id: string;
    kind: string;
    score: number | null;
    created_at: Date;
  }>(
    `SELECT customer_id, feedback_id, kind, score, created_at FROM ${feedback} f
     ORDER BY customer_id, created_at, feedback_id`,
    params,
  );
  return group(rows, (r) => ({
    feedbackId: r.feedback_id,
    kind: r.kind,
    score: num(r.score),
    createdAt: r.created_at,
  }));
}
