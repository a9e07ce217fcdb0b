/**
 * The RFM summary of the CLV models, computed in SQL from the store's valid orders — the same
 * numbers as the pure `summarizeTransactions` (lifetimes' summary_data_from_transaction_data)
 * would give on those orders, without moving the orders out of the engine:
 *
 * - an order counts when the shop's valid-order rule says so (COD-aware: by default paid or
 *   delivered, not refunded in full), for its value net of refunds — the orders the analytics count;
 * - its day is the calendar day in the shop's time zone (plain arithmetic on the epoch when the
 *   zone kept one UTC offset over the shop's orders, `AT TIME ZONE` otherwise);
 * - days are floored to periods (days, or Monday-start weeks); per customer frequency = distinct
 *   periods − 1, recency = last − first period, T = period of `until` − first period, both in
 *   the model unit, and monetary_value = mean value of the repeat periods (0 without any).
 *
 * One row per customer with a valid order on or before `until` goes into a temporary table,
 * numbered by customer id (`idx`), so that predictions can be joined back without sending ids
 * to JavaScript and back. With `holdoutUntil` the same statement adds lifetimes'
 * calibration_and_holdout_data columns: distinct purchase periods after `until` and their mean value.
 * Temporary tables live on one connection: call inside `engine.transaction` on PostgreSQL.
 */

import { DEFAULT_VALID_ORDER_RULE, type ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import type {
  CalibrationHoldout,
  HoldoutData,
  Period,
  RfmSummary,
  TimeUnit,
  TransactionLog,
} from '../../domain/clv/index.js';
import { periodDays, periodOf, UNIT_DAYS } from '../../domain/clv/summary.js';
import { NurtureError } from '../../errors.js';
import { ordersFixedOffset } from '../analytics/common.js';
import { orderValueSql, validOrderSql } from '../analytics/model-sql.js';
import { localDaySql, sqlInteger, sqlNumber } from '../analytics/sql.js';
import type { Dialect, SqlEngine } from '../engine.js';
import { readNumberColumns } from './columns.js';

/** The temporary table of the summary (one row per customer, `idx` = 0 … n − 1 by customer id). */
export const SUMMARY_TABLE = 'clv_summary';

export interface StoreSummaryOptions {
  /** Last day of the observation (inclusive), days since 1970-01-01 in the shop's calendar. */
  until: number;
  /** The shop's IANA time zone (validated by the caller: it is inlined into SQL). */
  timeZone: string;
  unit?: TimeUnit;
  period?: Period;
  validOrders?: ValidOrderRule;
  /** Also count each customer's purchases after `until`, up to this day (inclusive). */
  holdoutUntil?: number;
}

interface Resolved {
  until: number;
  /** SQL: days since 1970-01-01 of the order aliased `o` in the shop's calendar (see `orderDaySql`). */
  day: string;
  unit: TimeUnit;
  period: Period;
  rule: ValidOrderRule;
  holdoutUntil: number | null;
}

function resolve(o: StoreSummaryOptions, day: string): Resolved {
  if (!Number.isInteger(o.until)) throw new NurtureError('invalid_input', 'until must be a whole day');
  const holdoutUntil = o.holdoutUntil ?? null;
  if (holdoutUntil !== null && !(Number.isInteger(holdoutUntil) && holdoutUntil > o.until)) {
    throw new NurtureError('invalid_input', 'the holdout must end after the calibration period');
  }
  return {
    until: o.until,
    day,
    unit: o.unit ?? 'day',
    period: o.period ?? 'day',
    rule: o.validOrders ?? DEFAULT_VALID_ORDER_RULE,
    holdoutUntil,
  };
}

/**
 * SQL: days since 1970-01-01 of the order aliased `o`, in the shop's calendar. When the zone kept
 * one offset over the shop's orders the day is plain arithmetic on the epoch (several times faster
 * on millions of orders than a time-zone conversion per row); otherwise `AT TIME ZONE`.
 */
export async function orderDaySql(engine: SqlEngine, shopId: string, timeZone: string): Promise<string> {
  const offset = await ordersFixedOffset(engine, shopId, timeZone);
  if (offset === null) return `(${localDaySql('o.created_at', timeZone)} - DATE '1970-01-01')`;
  return `CAST(FLOOR((EXTRACT(EPOCH FROM o.created_at) + ${sqlInteger(offset)}) / 86400) AS INTEGER)`;
}

/** SQL: the period index of a day expression (see `periodOf` in the domain). */
function periodSql(period: Period, day: string): string {
  return period === 'day' ? day : `CAST(FLOOR((${day} + 3) / 7.0) AS INTEGER)`;
}

/** SQL: the first day of a period expression (see `periodStartDay`). */
function periodStartSql(period: Period, p: string): string {
  return period === 'day' ? p : `(${p} * 7 - 3)`;
}

/** The valid orders of the shop with their day and value, as a derived table `v(customer_id, d, value)`. */
function validDaysSql(r: Resolved): string {
  return `(SELECT o.customer_id, ${r.day} AS d, ${orderValueSql(r.rule, 'o')} AS value
    FROM orders o WHERE o.shop_id = $1 AND ${validOrderSql(r.rule, 'o')})`;
}

/** Per customer and distinct period within (from, to]: the period's summed value. */
function periodsSql(r: Resolved, from: number | null, to: number): string {
  const after = from === null ? '' : `AND v.d > ${sqlInteger(from)}`;
  return `(SELECT v.customer_id, ${periodSql(r.period, 'v.d')} AS p, SUM(v.value) AS value
    FROM ${validDaysSql(r)} v WHERE v.d <= ${sqlInteger(to)} ${after}
    GROUP BY v.customer_id, ${periodSql(r.period, 'v.d')})`;
}

/**
 * Calibration statistics per customer: distinct periods k, first and last period, and the value
 * of the repeat periods (all periods but the first; DECIMAL, so the difference is exact).
 * DuckDB groups the orders once, by customer, into lists (faster on millions of orders than
 * grouping by customer and period first); PostgreSQL groups by period, then customer.
 */
function calibrationSql(r: Resolved, dialect: Dialect): string {
  if (dialect === 'postgres') {
    return `(SELECT cp.customer_id, COUNT(*) AS k, MIN(cp.p) AS first_p, MAX(cp.p) AS last_p,
        SUM(cp.value) - (array_agg(cp.value ORDER BY cp.p))[1] AS repeat_value
      FROM ${periodsSql(r, null, r.until)} cp GROUP BY cp.customer_id)`;
  }
  const p = periodSql(r.period, 'v.d');
  // Most customers have one order per period: then the first period is one order (arg_min), and
  // only the others filter their lists (DuckDB evaluates a CASE branch on its rows only).
  return `(SELECT b.customer_id, b.k, b.first_p, b.last_p,
      CASE WHEN b.k = 1 THEN 0 WHEN b.n = b.k THEN b.total - b.first_value
        ELSE b.total - list_sum(list_filter(b.vs, lambda x, i: b.ps[i] = b.first_p)) END AS repeat_value
    FROM (SELECT a.*, CASE WHEN a.first_p = a.last_p THEN 1 ELSE len(list_distinct(a.ps)) END AS k
      FROM (SELECT v.customer_id, COUNT(*) AS n, list(${p}) AS ps, list(v.value) AS vs, MIN(${p}) AS first_p,
          MAX(${p}) AS last_p, SUM(v.value) AS total, arg_min(v.value, ${p}) AS first_value
        FROM ${validDaysSql(r)} v WHERE v.d <= ${sqlInteger(r.until)} GROUP BY v.customer_id) a) b)`;
}

function holdoutSql(r: Resolved, holdoutUntil: number): string {
  return `(SELECT hp.customer_id, COUNT(*) AS k, SUM(hp.value) AS value
    FROM ${periodsSql(r, r.until, holdoutUntil)} hp GROUP BY hp.customer_id)`;
}

const scaleOf = (r: Resolved): number => periodDays(r.period) / UNIT_DAYS[r.unit];

/**
 * Fills the summary table for a shop. Returns the number of customers summarised.
 * @throws NurtureError invalid_input on an impossible window
 */
export async function buildSummaryTable(
  engine: SqlEngine,
  shopId: string,
  options: StoreSummaryOptions,
): Promise<number> {
  const r = resolve(options, await orderDaySql(engine, shopId, options.timeZone));
  await engine.run(
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${SUMMARY_TABLE} (idx BIGINT, customer_id VARCHAR,
      frequency INTEGER, recency DOUBLE PRECISION, t_age DOUBLE PRECISION, monetary_value DOUBLE PRECISION,
      first_day INTEGER, holdout_frequency INTEGER, holdout_value DOUBLE PRECISION)`,
  );
  await engine.run(`DELETE FROM ${SUMMARY_TABLE}`);
  const scale = sqlNumber(scaleOf(r));
  const endP = sqlInteger(periodOf(r.until, r.period));
  const hold = r.holdoutUntil === null ? null : holdoutSql(r, r.holdoutUntil);
  await engine.run(
    `INSERT INTO ${SUMMARY_TABLE} (idx, customer_id, frequency, recency, t_age, monetary_value, first_day,
       holdout_frequency, holdout_value)
     SELECT ROW_NUMBER() OVER (ORDER BY c.customer_id) - 1, c.customer_id, c.k - 1,
       (c.last_p - c.first_p) * ${scale}, (${endP} - c.first_p) * ${scale},
       CASE WHEN c.k > 1 THEN CAST(c.repeat_value AS DOUBLE PRECISION) / (c.k - 1) ELSE 0 END,
       ${periodStartSql(r.period, 'c.first_p')},
       ${hold === null ? '0' : 'COALESCE(h.k, 0)'},
       ${hold === null ? '0' : 'CASE WHEN h.k > 0 THEN CAST(h.value AS DOUBLE PRECISION) / h.k ELSE 0 END'}
     FROM ${calibrationSql(r, engine.dialect)} c ${hold === null ? '' : `LEFT JOIN ${hold} h ON h.customer_id = c.customer_id`}`,
    [shopId],
  );
  const [row] = await engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${SUMMARY_TABLE}`);
  return Number(row?.n ?? 0);
}

const SUMMARY_COLUMNS = ['frequency', 'recency', 't_age', 'monetary_value', 'first_day'] as const;
const HOLDOUT_COLUMNS = ['holdout_frequency', 'holdout_value'] as const;

/** Reads the summary table (filled by `buildSummaryTable` with the same options) in `idx` order. */
export async function readSummaryTable(
  engine: SqlEngine,
  options: StoreSummaryOptions,
): Promise<{ summary: RfmSummary; holdout: HoldoutData | null }> {
  const r = resolve(options, '');
  const names = r.holdoutUntil === null ? SUMMARY_COLUMNS : [...SUMMARY_COLUMNS, ...HOLDOUT_COLUMNS];
  const select = names.map((c) => `CAST(${c} AS DOUBLE PRECISION) AS ${c}`).join(', ');
  const cols = await readNumberColumns(engine, `SELECT ${select} FROM ${SUMMARY_TABLE} ORDER BY idx`, names);
  const [frequency, recency, T, monetaryValue, firstDay] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const n = frequency.length;
  const summary: RfmSummary = {
    unit: r.unit,
    period: r.period,
    until: r.until,
    customer: Int32Array.from({ length: n }, (_, i) => i),
    frequency,
    recency,
    T,
    monetaryValue,
    firstDay: Int32Array.from(firstDay),
  };
  if (r.holdoutUntil === null) return { summary, holdout: null };
  const duration = (periodOf(r.holdoutUntil, r.period) - periodOf(r.until, r.period)) * scaleOf(r);
  return {
    summary,
    holdout: { frequency: cols[5] as Float64Array, monetaryValue: cols[6] as Float64Array, duration },
  };
}

/** The customer id of every summary row, in `idx` order. */
export async function readSummaryCustomerIds(engine: SqlEngine): Promise<string[]> {
  const rows = await engine.all<{ customer_id: string }>(
    `SELECT customer_id FROM ${SUMMARY_TABLE} ORDER BY idx`,
  );
  return rows.map((row) => row.customer_id);
}

/** Builds and reads the summary as of `until`: lifetimes' summary_data_from_transaction_data. */
export async function summarizeStore(
  engine: SqlEngine,
  shopId: string,
  options: Omit<StoreSummaryOptions, 'holdoutUntil'>,
): Promise<RfmSummary> {
  await buildSummaryTable(engine, shopId, options);
  return (await readSummaryTable(engine, options)).summary;
}

export interface StoreSplitOptions extends Omit<StoreSummaryOptions, 'until' | 'holdoutUntil'> {
  /** Last day of the calibration period (inclusive). */
  calibrationEnd: number;
  /** Last day of the holdout period (inclusive). */
  observationEnd: number;
}

/** lifetimes' calibration_and_holdout_data, in SQL (rows aligned with the summary table). */
export async function calibrationHoldoutFromStore(
  engine: SqlEngine,
  shopId: string,
  options: StoreSplitOptions,
): Promise<CalibrationHoldout> {
  const summaryOptions: StoreSummaryOptions = {
    ...options,
    until: options.calibrationEnd,
    holdoutUntil: options.observationEnd,
  };
  await buildSummaryTable(engine, shopId, summaryOptions);
  const { summary, holdout } = await readSummaryTable(engine, summaryOptions);
  return { calibration: summary, holdout: holdout as HoldoutData };
}

/**
 * The distinct purchase days, up to `until`, of the customers in the summary table, as a
 * transaction log indexed like the summary (customer = idx): what the weekly tracking of the
 * validation report counts.
 */
export async function summaryPurchaseLog(
  engine: SqlEngine,
  shopId: string,
  options: Omit<StoreSummaryOptions, 'holdoutUntil'>,
): Promise<TransactionLog> {
  const r = resolve(options, await orderDaySql(engine, shopId, options.timeZone));
  const [count] = await engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${SUMMARY_TABLE}`);
  const [customer, day] = (await readNumberColumns(
    engine,
    `SELECT CAST(s.idx AS DOUBLE PRECISION) AS customer, CAST(v.d AS DOUBLE PRECISION) AS day
     FROM (SELECT DISTINCT vd.customer_id, vd.d FROM ${validDaysSql(r)} vd WHERE vd.d <= ${sqlInteger(r.until)}) v
     JOIN ${SUMMARY_TABLE} s ON s.customer_id = v.customer_id`,
    ['customer', 'day'],
    [shopId],
  )) as [Float64Array, Float64Array];
  return {
    customer: Int32Array.from(customer),
    day: Int32Array.from(day),
    customerCount: Number(count?.n ?? 0),
  };
}
