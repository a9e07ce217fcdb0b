import {
  ALL_NEEDS,
  type RecordNeeds,
  type SegmentCustomer,
  type SegmentPredictions,
  type SegmentStats,
} from '../../domain/segments/index.js';
import type {
  SegmentDue,
  SegmentEvent,
  SegmentFeedback,
  SegmentOrder,
  SegmentOrderLine,
} from '../../domain/segments/record.js';
import { assertNever } from '../../errors.js';
import type { SqlEngine, SqlValue } from '../engine.js';
import { type IdScope, scopeSql, shopRowsSql } from './scope.js';

/** A customer's current stay in a segment, as read with the records (`loadRefreshInputs`). */
export interface SegmentStay {
  segmentId: string;
  customerId: string;
  enteredAt: Date;
}

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
  return (await loadRecords(engine, shopId, scope, needs, false)).customers;
}

/**
 * What a per-customer refresh reads: the customers' records (as `loadSegmentCustomers`) and their
 * current stays in every segment, in as few statements as the engines allow (each statement costs
 * DuckDB milliseconds of planning, and PostgreSQL a round trip): one for the customers with their
 * stats and predictions, one for everything kept as rows per customer, one for the order lines
 * when a query reads them.
 */
export async function loadRefreshInputs(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  needs: RecordNeeds,
): Promise<{ customers: SegmentCustomer[]; stays: SegmentStay[] }> {
  return loadRecords(engine, shopId, scope, needs, true);
}

async function loadRecords(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  needs: RecordNeeds,
  withStays: boolean,
): Promise<{ customers: SegmentCustomer[]; stays: SegmentStay[] }> {
  const withLines = needs.orders && needs.lines;
  if (engine.dialect === 'postgres') {
    // Three reads at once on pooled connections (queued on one inside a transaction): the wall
    // time of the slowest instead of three round trips.
    const [base, details, lines] = await Promise.all([
      loadBase(engine, shopId, scope, needs),
      loadDetails(engine, shopId, scope, needs, withStays),
      withLines ? loadLines(engine, shopId, scope, 'of-customers') : noLines(),
    ]);
    return { customers: assemble(base, details, lines), stays: details.stays };
  }
  // DuckDB has one connection: the reads in turn, the lines by the ids of the orders just read.
  // (Reads on connections of their own, at once, were measured slower: 26-30 ms against 13 ms.)
  const base = await loadBase(engine, shopId, scope, needs);
  if (base.length === 0 && !withStays) return { customers: [], stays: [] };
  const details = await loadDetails(engine, shopId, scope, needs, withStays);
  const lines =
    withLines && details.orderIds.length > 0
      ? await loadLines(engine, shopId, scope, details.orderIds)
      : await noLines();
  return { customers: assemble(base, details, lines), stays: details.stays };
}

const noLines = async () => new Map<string, SegmentOrderLine[]>();

function assemble(
  base: readonly Base[],
  details: Details,
  lines: ReadonlyMap<string, SegmentOrderLine[]>,
): SegmentCustomer[] {
  return base.map((c) => ({
    ...c,
    tags: details.tags.get(c.customerId) ?? [],
    orders: (details.orders.get(c.customerId) ?? []).map((o) => ({
      ...o,
      lines: lines.get(o.orderId) ?? [],
    })),
    events: details.events.get(c.customerId) ?? [],
    feedback: details.feedback.get(c.customerId) ?? [],
    replenishment: details.replenishment.get(c.customerId) ?? [],
  }));
}

type Base = Omit<SegmentCustomer, 'tags' | 'orders' | 'events' | 'feedback' | 'replenishment'>;

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

/*
 * Every lookup names its columns, also inside the fence of `shopRowsSql`: DuckDB fetches each
 * column of a looked-up row on its own, and a `*` there fetches them all (at 1M customers, a
 * customer_stats row cost 2.8 ms with its 28 columns, 2.1 ms with the 15 read here; a customers
 * row 2.2 ms against 0.7 ms with 4).
 */
const STATS_READ = `shop_id, customer_id, orders, revenue, aov, first_order_date, last_order_date, avg_gap_days, r, f, m,
       rfm_group, lifecycle, value_group, referrals`;
const STATS_COLUMNS = `s.customer_id AS stats_id, s.orders, s.revenue, s.aov, s.first_order_date, s.last_order_date,
       s.avg_gap_days, s.r, s.f, s.m, s.rfm_group, s.lifecycle, s.value_group, s.referrals`;
const PREDICTIONS_READ =
  'shop_id, customer_id, p_alive, predicted_clv, churn_probability, expected_next_order_date';
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
    needs.stats ? `LEFT JOIN ${rowsOf('customer_stats', STATS_READ)} s ON s.customer_id = c.customer_id` : '',
    needs.predictions
      ? `LEFT JOIN ${rowsOf('customer_predictions', PREDICTIONS_READ)} p ON p.customer_id = c.customer_id`
      : '',
  ].join('\n     ');
  const rows = await engine.all<BaseRow>(
    `SELECT c.customer_id, c.created_at, c.city, c.source, c.phone, c.email,
       c.accepts_email, c.accepts_sms, c.accepts_zalo, c.accepts_messenger, c.referred_by IS NOT NULL AS referred,
       ${needs.stats ? STATS_COLUMNS : NO_STATS_COLUMNS}, ${needs.predictions ? PREDICTION_COLUMNS : NO_PREDICTION_COLUMNS}
     FROM ${customers} c
     ${joins}
     WHERE c.merged_into IS NULL`,
    params,
  );
  rows.sort((a, b) => compareText(a.customer_id, b.customer_id));
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

type OrderHead = Omit<SegmentOrder, 'lines'>;

/** Everything kept as rows per customer, read by `loadDetails`, grouped by customer. */
interface Details {
  tags: Map<string, string[]>;
  orders: Map<string, OrderHead[]>;
  /** The ids of the orders read, in order (their lines are read next when needed). */
  orderIds: string[];
  events: Map<string, SegmentEvent[]>;
  feedback: Map<string, SegmentFeedback[]>;
  replenishment: Map<string, SegmentDue[]>;
  stays: SegmentStay[];
}

/**
 * One row of the details statement. `item_id` is the tag, order, event, feedback or segment id;
 * `label` the order status, event name or feedback kind; `detail` the event properties;
 * `amount` the order total or feedback score, `amount2` the refunded amount; `item_at` the instant.
 */
type DetailRow = {
  kind: 'tag' | 'order' | 'event' | 'feedback' | 'due' | 'stay';
  customer_id: string;
  item_id: string;
  label: string | null;
  detail: string | null;
  amount: number | null;
  amount2: number | null;
  item_at: Date | null;
};

/**
 * Tags, orders, events, feedback and (`withStays`) segment stays of the customers in scope, as one
 * UNION ALL of keyed lookups, sorted the way each list is kept: tags by name, the rest by instant
 * then id.
 */
async function loadDetails(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  needs: RecordNeeds,
  withStays: boolean,
): Promise<Details> {
  const params: SqlValue[] = [shopId];
  const rowsOf = (table: string, columns: string) =>
    shopRowsSql(engine.dialect, table, columns, 'customer_id', scope, params);
  // Every branch names its columns: the first one names the union's, and any branch may be first.
  const row = (kind: DetailRow['kind'], values: string[], from: string) => {
    const columns = ['item_id', 'label', 'detail', 'amount', 'amount2', 'item_at'];
    return `SELECT '${kind}' AS kind, customer_id, ${values.map((v, i) => `${v} AS ${columns[i]}`).join(', ')} FROM ${from}`;
  };
  const text = 'CAST(NULL AS VARCHAR)';
  const number = 'CAST(NULL AS DOUBLE PRECISION)';
  const asNumber = (column: string) => `CAST(${column} AS DOUBLE PRECISION)`;
  const parts: string[] = [];
  if (needs.tags)
    parts.push(
      row(
        'tag',
        ['tag', text, text, number, number, 'CAST(NULL AS TIMESTAMPTZ)'],
        `${rowsOf('customer_tags', 'shop_id, customer_id, tag')} t`,
      ),
    );
  if (needs.orders)
    parts.push(
      row(
        'order',
        ['order_id', 'status', text, asNumber('total'), asNumber('refunded'), 'created_at'],
        `${rowsOf('orders', 'shop_id, customer_id, order_id, status, total, refunded, created_at')} o`,
      ),
    );
  if (needs.events)
    parts.push(
      row(
        'event',
        ['event_id', 'name', 'properties', number, number, 'occurred_at'],
        `${rowsOf('events', 'shop_id, customer_id, event_id, name, occurred_at, properties')} e WHERE customer_id IS NOT NULL`,
      ),
    );
  if (needs.feedback)
    parts.push(
      row(
        'feedback',
        ['feedback_id', 'f.kind', text, asNumber('score'), number, 'created_at'],
        `${rowsOf('feedback', 'shop_id, customer_id, feedback_id, kind, score, created_at')} f`,
      ),
    );
  if (needs.replenishment)
    parts.push(
      row(
        'due',
        ['sku', 'due_day', text, number, number, 'last_purchase_at'],
        `${rowsOf('customer_replenishment', 'shop_id, customer_id, sku, due_day, last_purchase_at')} d`,
      ),
    );
  if (withStays)
    parts.push(
      row(
        'stay',
        ['segment_id', text, text, number, number, 'entered_at'],
        `${rowsOf('segment_members', 'shop_id, customer_id, segment_id, entered_at')} m`,
      ),
    );
  const details: Details = {
    tags: new Map(),
    orders: new Map(),
    orderIds: [],
    events: new Map(),
    feedback: new Map(),
    replenishment: new Map(),
    stays: [],
  };
  if (parts.length === 0) return details;
  const rows = await engine.all<DetailRow>(parts.join('\n     UNION ALL '), params);
  for (const r of rows.sort(byDetailOrder)) addDetail(details, r);
  return details;
}

/**
 * The order each list is kept in: by customer, then instant, then id (tags: by name). Sorted here
 * rather than by the statement: DuckDB's sort costs milliseconds even for a dozen rows, more than
 * the lookups themselves.
 */
function byDetailOrder(a: DetailRow, b: DetailRow): number {
  return (
    compareText(a.kind, b.kind) ||
    compareText(a.customer_id, b.customer_id) ||
    (a.item_at?.getTime() ?? 0) - (b.item_at?.getTime() ?? 0) ||
    compareText(a.item_id, b.item_id)
  );
}

/** Text order by code unit: cheap, and the same for every list this store sorts in memory. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function addDetail(details: Details, r: DetailRow): void {
  const at = r.item_at ?? new Date(Number.NaN);
  switch (r.kind) {
    case 'tag':
      push(details.tags, r.customer_id, r.item_id);
      return;
    case 'order':
      details.orderIds.push(r.item_id);
      push(details.orders, r.customer_id, {
        orderId: r.item_id,
        status: r.label ?? '',
        total: Number(r.amount),
        refunded: Number(r.amount2),
        createdAt: at,
      });
      return;
    case 'event':
      push(details.events, r.customer_id, {
        name: r.label ?? '',
        occurredAt: at,
        properties: parseProperties(r.detail),
      });
      return;
    case 'feedback':
      push(details.feedback, r.customer_id, {
        feedbackId: r.item_id,
        kind: r.label ?? '',
        score: num(r.amount),
        createdAt: at,
      });
      return;
    case 'due':
      push(details.replenishment, r.customer_id, {
        sku: r.item_id,
        dueDay: r.label ?? '',
        lastPurchaseAt: at,
      });
      return;
    case 'stay':
      details.stays.push({ segmentId: r.item_id, customerId: r.customer_id, enteredAt: at });
      return;
    default:
      assertNever(r.kind, 'detail kind');
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Orders at most this many have their lines read by order id (no join with orders). */
const LINES_BY_ORDER_ID = 500;

/**
 * The lines of some orders, by order id (DuckDB's index on it), or of all orders of the customers
 * in scope (`'of-customers'`, without reading the orders first), grouped by order.
 */
async function loadLines(
  engine: SqlEngine,
  shopId: string,
  scope: IdScope,
  orderIds: readonly string[] | 'of-customers',
): Promise<Map<string, SegmentOrderLine[]>> {
  if (orderIds !== 'of-customers' && orderIds.length === 0) return new Map();
  const params: SqlValue[] = [shopId];
  const columns = 'shop_id, order_id, line_no, sku, category';
  const lines =
    orderIds !== 'of-customers' && orderIds.length <= LINES_BY_ORDER_ID
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
  const rows = await engine.all<{
    order_id: string;
    line_no: number;
    sku: string | null;
    category: string | null;
  }>(`SELECT l.order_id, l.line_no, l.sku, l.category FROM ${lines} l`, params);
  // Sorted here, not by the statement (see `byDetailOrder`).
  rows.sort((a, b) => compareText(a.order_id, b.order_id) || Number(a.line_no) - Number(b.line_no));
  const out = new Map<string, SegmentOrderLine[]>();
  for (const r of rows) push(out, r.order_id, { sku: r.sku, category: r.category });
  return out;
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
