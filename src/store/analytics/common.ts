import { assertTimeZone } from '../../domain/analytics/calendar.js';
import type { CustomerFeatures, RfmGroup } from '../../domain/analytics/types.js';
import { fixedOffsetSeconds } from '../../domain/time.js';
import { NurtureError } from '../../errors.js';
import type { SqlEngine } from '../engine.js';
import { type StagingTable, stage } from '../staging.js';

/** The shop's time zone (validated: it is inlined into SQL). */
export async function shopTimeZone(engine: SqlEngine, shopId: string): Promise<string> {
  const rows = await engine.all<{ timezone: string }>('SELECT timezone FROM shops WHERE shop_id = $1', [
    shopId,
  ]);
  const tz = rows[0]?.timezone;
  if (tz === undefined) throw new NurtureError('not_found', `no shop '${shopId}' in this database`);
  return assertTimeZone(tz);
}

/**
 * The UTC offset (seconds) the shop's zone kept over the whole span of its orders, or null when
 * it changed (daylight saving time). With one offset, a local day is plain arithmetic on the
 * epoch, several times cheaper on millions of rows than a time-zone conversion each. A shop
 * without orders has no day to compute, and gets 0.
 */
export async function ordersFixedOffset(
  engine: SqlEngine,
  shopId: string,
  timeZone: string,
): Promise<number | null> {
  const [span] = await engine.all<{ first: Date | null; last: Date | null }>(
    'SELECT MIN(created_at) AS first, MAX(created_at) AS last FROM orders WHERE shop_id = $1',
    [shopId],
  );
  if (!span?.first || !span.last) return 0;
  return fixedOffsetSeconds(timeZone, span.first.getTime(), span.last.getTime());
}

/** Columns of customer_stats that `refreshCustomerStats` owns (the rest are scores). */
export const STAT_COLUMNS = [
  'shop_id',
  'customer_id',
  'referred',
  'orders',
  'revenue',
  'first_order_at',
  'last_order_at',
  'first_order_date',
  'last_order_date',
  'first_order_value',
  'max_order_value',
  'aov',
  'avg_gap_days',
  'category_count',
  'categories',
  'upsold',
] as const;

/** Columns of customer_stats that `recomputeScores` owns. */
export const SCORE_COLUMNS = [
  'computed_as_of',
  'recency_days',
  'referrals',
  'decline_streak',
  'r',
  'f',
  'm',
  'fm',
  'rfm_group',
  'lifecycle',
  'value_group',
] as const;

/**
 * Creates (once per connection) and empties a temporary table with the stats columns of
 * customer_stats (STAT_COLUMNS, not the scores). Temporary tables live on one connection, so
 * callers run inside `engine.transaction`. Only the stats columns: DuckDB's append costs per
 * column, NULL or not (at 1M rows, 1.7 CPU s into all 27 columns, 0.9 into 7 of them).
 */
export async function prepareStatsTable(engine: SqlEngine, name: string): Promise<void> {
  await engine.run(
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${name} AS SELECT ${STAT_COLUMNS.join(', ')} FROM customer_stats WHERE 1 = 0`,
  );
  await engine.run(`DELETE FROM ${name}`);
}

const STAGE_CUSTOMER_IDS: StagingTable = {
  name: 'analytics_customer_ids',
  columns: [{ name: 'customer_id', type: 'text' }],
};

/** Loads a set of customer ids into a temporary table and returns its name. */
export async function stageCustomerIds(engine: SqlEngine, ids: readonly string[]): Promise<string> {
  await stage(engine, STAGE_CUSTOMER_IDS, [[...new Set(ids)]]);
  return STAGE_CUSTOMER_IDS.name;
}

/** A customer_stats row as the database returns it. */
export type CustomerStatsRow = {
  customer_id: string;
  referred: boolean;
  orders: number;
  revenue: number;
  first_order_at: Date | null;
  last_order_at: Date | null;
  first_order_date: string | null;
  last_order_date: string | null;
  first_order_value: number | null;
  max_order_value: number | null;
  aov: number | null;
  avg_gap_days: number | null;
  category_count: number;
  categories: string | null;
  upsold: boolean;
  computed_as_of: Date | null;
  recency_days: number | null;
  referrals: number | null;
  decline_streak: number | null;
  r: number | null;
  f: number | null;
  m: number | null;
  fm: number | null;
  rfm_group: string | null;
  lifecycle: string | null;
  value_group: string | null;
};

const num = (v: number | null): number | null => (v === null ? null : Number(v));

/** The classifiers' view of a scored customer_stats row. */
export function featuresOf(row: CustomerStatsRow): CustomerFeatures {
  return {
    orders: Number(row.orders),
    revenue: Number(row.revenue),
    aov: num(row.aov),
    recencyDays: num(row.recency_days),
    avgGapDays: num(row.avg_gap_days),
    firstOrderValue: num(row.first_order_value),
    maxOrderValue: num(row.max_order_value),
    categoryCount: Number(row.category_count),
    referrals: Number(row.referrals ?? 0),
    declineStreak: Number(row.decline_streak ?? 0),
    r: num(row.r),
    f: num(row.f),
    m: num(row.m),
    fm: num(row.fm),
    referred: row.referred,
    upsold: row.upsold,
    rfmGroup: (row.rfm_group ?? 'prospects') as RfmGroup,
  };
}

/** Categories as stored: sorted, joined with '|'. */
export const CATEGORY_SEPARATOR = '|';

/** The stored categories as a list. */
export function splitCategories(categories: string | null): string[] {
  return categories ? categories.split(CATEGORY_SEPARATOR) : [];
}
