/**
 * Per-customer predictions of the CLV models in `customer_predictions` (one row per customer, a
 * table of its own so that refreshing customer_stats never wipes them; segments join it by
 * customer_id) and one row per run in `prediction_runs` (the fitted parameters as JSON).
 *
 * Writing replaces the shop's predictions as a whole: scores are appended as columns of numbers
 * into a temporary table keyed by the summary's `idx`, then joined to the summary table
 * (src/store/clv/store-summary.ts) for the customer ids and the RFM statistics. The first run
 * inserts; later runs update the rows in place, insert new buyers and delete customers who no
 * longer have a valid order. Call inside `engine.transaction`, after `buildSummaryTable` for the
 * same as-of day.
 */
import type { NextOrderNote, TransactionModelName } from '../../domain/clv/index.js';
import { sqlInteger } from '../analytics/sql.js';
import type { SqlEngine, SqlValue } from '../engine.js';
import { lookupHashInsert } from '../lookup-hash.js';
import { appendNumberColumns, prepareNumberTable } from './columns.js';
import { SUMMARY_TABLE } from './store-summary.js';

/** The temporary table of the scores, one row per summary row. */
export const SCORES_TABLE = 'clv_scores';

const SCORE_COLUMNS = [
  'idx',
  'p_alive',
  'e30',
  'e90',
  'e365',
  'next_days',
  'note',
  'orders_low',
  'orders_high',
  'avg_value',
  'clv',
  'clv_ci_low',
  'clv_ci_high',
  'clv_range_low',
  'clv_range_high',
] as const;

/** Scores of the summary rows, row i for `idx` = i. Spend columns are null without a spend model. */
export interface PredictionColumns {
  pAlive: Float64Array;
  expected30: Float64Array;
  expected90: Float64Array;
  expected365: Float64Array;
  /** Predictive interval of the customer's orders in the next 365 days. */
  ordersLow: Float64Array;
  ordersHigh: Float64Array;
  /** The shop total's predictive interval of orders in 365 days. */
  ordersTotal: { low: number; high: number };
  /** Days from the as-of day to the expected next order (median wait of an active customer). */
  nextOrderDays: Float64Array;
  /** 0: the date holds; 1: lapsed, 2: beyond a year (NEXT_ORDER_NOTES): no date. */
  nextOrderNote: Float64Array;
  expectedAvgValue: Float64Array | null;
  clv: Float64Array | null;
  /** Confidence interval of the expected CLV, from parameter uncertainty (null without a covariance). */
  clvCiLow: Float64Array | null;
  clvCiHigh: Float64Array | null;
  /** Predictive range of CLV (see predict-shop.ts, clvRange). */
  clvRangeLow: Float64Array | null;
  clvRangeHigh: Float64Array | null;
}

/** One fit, as `prediction_runs` keeps it. */
export interface PredictionRun {
  runId: string;
  model: TransactionModelName;
  /** The end of the as-of day in the shop's time zone. */
  predictedAsOf: Date;
  /** Parameters and settings of the run (stored as JSON). */
  params: Record<string, unknown>;
  logLikelihood: number;
  customers: number;
  createdAt: Date;
}

function scoreData(columns: PredictionColumns): Float64Array[] {
  const n = columns.pAlive.length;
  const absent = (c: Float64Array | null): Float64Array => c ?? new Float64Array(n).fill(Number.NaN);
  return [
    Float64Array.from({ length: n }, (_, i) => i),
    columns.pAlive,
    columns.expected30,
    columns.expected90,
    columns.expected365,
    columns.nextOrderDays,
    columns.nextOrderNote,
    columns.ordersLow,
    columns.ordersHigh,
    absent(columns.expectedAvgValue),
    absent(columns.clv),
    absent(columns.clvCiLow),
    absent(columns.clvCiHigh),
    absent(columns.clvRangeLow),
    absent(columns.clvRangeHigh),
  ];
}

/** Temporary table of the summary rows that already have a stored prediction. */
const KNOWN_TABLE = 'clv_known';

/** Columns of customer_predictions after the key, and their values from summary `s` and scores `p`. */
function valueColumns(until: number): [string, string][] {
  return [
    ['model', '$2'],
    ['predicted_as_of', '$3'],
    ['frequency', 's.frequency'],
    ['recency', 's.recency'],
    ['t_age', 's.t_age'],
    ['monetary_value', 's.monetary_value'],
    ['p_alive', 'p.p_alive'],
    ['churn_probability', '1 - p.p_alive'],
    ['expected_purchases_30', 'p.e30'],
    ['expected_purchases_90', 'p.e90'],
    ['expected_purchases_365', 'p.e365'],
    [
      'expected_next_order_date',
      `CASE WHEN p.note = 0 AND p.next_days >= 0
        THEN DATE '1970-01-01' + CAST(${sqlInteger(until)} + ROUND(p.next_days) AS INTEGER) END`,
    ],
    ['next_order_note', "CASE p.note WHEN 1 THEN 'lapsed' WHEN 2 THEN 'beyond_year' END"],
    ['orders_365_low', 'CAST(p.orders_low AS INTEGER)'],
    ['orders_365_high', 'CAST(p.orders_high AS INTEGER)'],
    ['expected_avg_value', 'p.avg_value'],
    ['predicted_clv', 'p.clv'],
    ['predicted_clv_ci_low', 'p.clv_ci_low'],
    ['predicted_clv_ci_high', 'p.clv_ci_high'],
    ['predicted_clv_range_low', 'p.clv_range_low'],
    ['predicted_clv_range_high', 'p.clv_range_high'],
  ];
}

const SCORED = `${SUMMARY_TABLE} s JOIN ${SCORES_TABLE} p ON p.idx = CAST(s.idx AS DOUBLE PRECISION)`;

/** Inserts the scored rows (all, or those matching `where`). */
async function insertScored(
  engine: SqlEngine,
  params: readonly SqlValue[],
  until: number,
  where = '',
): Promise<void> {
  const cols = valueColumns(until);
  const hash = lookupHashInsert(engine.dialect, 's.customer_id');
  await engine.run(
    `INSERT INTO customer_predictions (shop_id, customer_id, ${cols.map(([c]) => c).join(', ')}${hash.column})
     SELECT $1, s.customer_id, ${cols.map(([, v]) => v).join(', ')}${hash.value} FROM ${SCORED} ${where}`,
    params,
  );
}

/**
 * Replaces predictions that exist: rows are updated in place (on DuckDB, deleting and inserting a
 * million keyed rows costs minutes, updating them seconds), customers without a valid order any
 * more are deleted, new ones inserted.
 */
async function replaceScored(
  engine: SqlEngine,
  params: readonly SqlValue[],
  until: number,
  existing: number,
): Promise<void> {
  await engine.run(`CREATE TEMPORARY TABLE IF NOT EXISTS ${KNOWN_TABLE} (idx BIGINT)`);
  await engine.run(`DELETE FROM ${KNOWN_TABLE}`);
  await engine.run(
    `INSERT INTO ${KNOWN_TABLE} SELECT s.idx FROM ${SUMMARY_TABLE} s
     JOIN customer_predictions c ON c.shop_id = $1 AND c.customer_id = s.customer_id`,
    [params[0] as SqlValue],
  );
  const known = await countOf(engine, `SELECT COUNT(*) AS n FROM ${KNOWN_TABLE}`);
  if (known < existing) {
    await engine.run(
      `DELETE FROM customer_predictions WHERE shop_id = $1
       AND customer_id NOT IN (SELECT customer_id FROM ${SUMMARY_TABLE})`,
      [params[0] as SqlValue],
    );
  }
  if (known > 0) {
    const cols = valueColumns(until);
    await engine.run(
      `UPDATE customer_predictions SET ${cols.map(([c, v]) => `${c} = ${v}`).join(', ')}
       FROM ${SCORED} WHERE customer_predictions.shop_id = $1 AND customer_predictions.customer_id = s.customer_id`,
      params,
    );
  }
  const rows = await countOf(engine, `SELECT COUNT(*) AS n FROM ${SUMMARY_TABLE}`);
  if (known < rows) {
    await insertScored(engine, params, until, `WHERE s.idx NOT IN (SELECT idx FROM ${KNOWN_TABLE})`);
  }
}

async function countOf(engine: SqlEngine, sql: string, params: readonly SqlValue[] = []): Promise<number> {
  const [row] = await engine.all<{ n: number }>(sql, params);
  return Number(row?.n ?? 0);
}

/**
 * Replaces the shop's predictions with `columns` (aligned with the summary table) and records
 * the run. `until` is the as-of day (days since 1970-01-01). Returns the rows the shop now has.
 */
export async function writePredictions(
  engine: SqlEngine,
  shopId: string,
  run: PredictionRun,
  until: number,
  columns: PredictionColumns,
): Promise<number> {
  await prepareNumberTable(engine, SCORES_TABLE, SCORE_COLUMNS);
  await appendNumberColumns(engine, SCORES_TABLE, SCORE_COLUMNS, scoreData(columns));
  const params: SqlValue[] = [shopId, run.model, run.predictedAsOf];
  const existing = await countOf(
    engine,
    'SELECT COUNT(*) AS n FROM customer_predictions WHERE shop_id = $1',
    [shopId],
  );
  if (existing === 0) await insertScored(engine, params, until);
  else await replaceScored(engine, params, until, existing);
  await engine.run(
    `INSERT INTO prediction_runs (shop_id, run_id, model, predicted_as_of, params, log_likelihood, customers,
       created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      shopId,
      run.runId,
      run.model,
      run.predictedAsOf,
      JSON.stringify(run.params),
      run.logLikelihood,
      run.customers,
      run.createdAt,
    ],
  );
  return countOf(engine, 'SELECT COUNT(*) AS n FROM customer_predictions WHERE shop_id = $1', [shopId]);
}

/** A customer's prediction as stored. */
export interface CustomerPredictionRecord {
  customerId: string;
  model: string;
  predictedAsOf: Date;
  frequency: number;
  recency: number;
  tAge: number;
  monetaryValue: number;
  pAlive: number;
  churnProbability: number;
  expectedPurchases30: number;
  expectedPurchases90: number;
  expectedPurchases365: number;
  /** 'YYYY-MM-DD', or null when no next order is expected (see `nextOrderNote`). */
  expectedNextOrderDate: string | null;
  /** Why there is no date: 'lapsed' (P(alive) < 0.5) or 'beyond_year'; null with a date. */
  nextOrderNote: NextOrderNote | null;
  /** Predictive 90 % interval of the customer's orders in the next 365 days. */
  orders365Low: number;
  orders365High: number;
  expectedAvgValue: number | null;
  predictedClv: number | null;
  /** Confidence interval of the expected CLV (parameter uncertainty only). */
  predictedClvCiLow: number | null;
  predictedClvCiHigh: number | null;
  /** Predictive range of CLV: the CLV of the predictive range of orders. */
  predictedClvRangeLow: number | null;
  predictedClvRangeHigh: number | null;
}

type PredictionRow = {
  customer_id: string;
  model: string;
  predicted_as_of: Date;
  frequency: number;
  recency: number;
  t_age: number;
  monetary_value: number;
  p_alive: number;
  churn_probability: number;
  expected_purchases_30: number;
  expected_purchases_90: number;
  expected_purchases_365: number;
  expected_next_order_date: string | null;
  next_order_note: NextOrderNote | null;
  orders_365_low: number;
  orders_365_high: number;
  expected_avg_value: number | null;
  predicted_clv: number | null;
  predicted_clv_ci_low: number | null;
  predicted_clv_ci_high: number | null;
  predicted_clv_range_low: number | null;
  predicted_clv_range_high: number | null;
};

const orNull = (v: number | null): number | null => (v === null ? null : Number(v));

function recordOf(r: PredictionRow): CustomerPredictionRecord {
  return {
    customerId: r.customer_id,
    model: r.model,
    predictedAsOf: r.predicted_as_of,
    frequency: Number(r.frequency),
    recency: Number(r.recency),
    tAge: Number(r.t_age),
    monetaryValue: Number(r.monetary_value),
    pAlive: Number(r.p_alive),
    churnProbability: Number(r.churn_probability),
    expectedPurchases30: Number(r.expected_purchases_30),
    expectedPurchases90: Number(r.expected_purchases_90),
    expectedPurchases365: Number(r.expected_purchases_365),
    expectedNextOrderDate: r.expected_next_order_date,
    nextOrderNote: r.next_order_note,
    orders365Low: Number(r.orders_365_low),
    orders365High: Number(r.orders_365_high),
    expectedAvgValue: orNull(r.expected_avg_value),
    predictedClv: orNull(r.predicted_clv),
    predictedClvCiLow: orNull(r.predicted_clv_ci_low),
    predictedClvCiHigh: orNull(r.predicted_clv_ci_high),
    predictedClvRangeLow: orNull(r.predicted_clv_range_low),
    predictedClvRangeHigh: orNull(r.predicted_clv_range_high),
  };
}

/** The shop's predictions (all, or those of some customers), by customer id. */
export async function readPredictions(
  engine: SqlEngine,
  shopId: string,
  customerId?: string,
): Promise<CustomerPredictionRecord[]> {
  const rows = await engine.all<PredictionRow>(
    `SELECT * FROM customer_predictions WHERE shop_id = $1 AND ($2 = '' OR customer_id = $2) ORDER BY customer_id`,
    [shopId, customerId ?? ''],
  );
  return rows.map(recordOf);
}

/** The shop's most recent prediction run. */
export async function latestPredictionRun(
  engine: SqlEngine,
  shopId: string,
): Promise<PredictionRun | undefined> {
  const rows = await engine.all<{
    run_id: string;
    model: TransactionModelName;
    predicted_as_of: Date;
    params: string;
    log_likelihood: number;
    customers: number;
    created_at: Date;
  }>('SELECT * FROM prediction_runs WHERE shop_id = $1 ORDER BY run_id DESC LIMIT 1', [shopId]);
  const r = rows[0];
  return (
    r && {
      runId: r.run_id,
      model: r.model,
      predictedAsOf: r.predicted_as_of,
      params: JSON.parse(r.params) as Record<string, unknown>,
      logLikelihood: Number(r.log_likelihood),
      customers: Number(r.customers),
      createdAt: r.created_at,
    }
  );
}
