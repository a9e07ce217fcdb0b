import {
  type AnalyticsConfig,
  type AnalyticsConfigInput,
  DEFAULT_ANALYTICS_CONFIG,
  resolveAnalyticsConfig,
} from '../../domain/analytics/config.js';
import { groupInfo, KPI_LABELS } from '../../domain/analytics/groups-catalog.js';
import { RFM_LEVELS } from '../../domain/analytics/rfm.js';
import {
  type AnalysisReport,
  type GroupModel,
  type GroupReport,
  type Kpis,
  LIFECYCLE_GROUPS,
  type MetricsResult,
  type Period,
  RFM_GROUPS,
  type RfmGrid,
  VALUE_GROUPS,
} from '../../domain/analytics/types.js';
import { valueParentOf } from '../../domain/analytics/value-groups.js';
import { NurtureError } from '../../errors.js';
import type { SqlEngine } from '../engine.js';
import type { Store } from '../store.js';
import { bestCustomers } from './best-customers.js';
import { cohortRetention } from './cohorts.js';
import { recomputeShop } from './full-recompute.js';
import { computeMetricsSets, emptyKpis, groupingOf } from './metrics.js';
import { validOrderSql } from './model-sql.js';
import { recomputeScores } from './scores.js';
import { transitionsOfBothModels } from './transitions.js';

export { bestCustomers, listCustomerRows } from './best-customers.js';
export { refreshCustomerStats } from './customer-stats.js';
export { type FullRecomputeResult, recomputeShop } from './full-recompute.js';
export { cohortRetention, computeMetrics, segmentKpis, transitions } from './metrics.js';
export { recomputeScores } from './scores.js';

const MS_PER_DAY = 86_400_000;

/** The moment, period and settings of an analysis. */
export interface AnalyzeOptions {
  /** The moment the report is for: recency, groups and "now" are counted to it. */
  asOf: Date;
  /** Start of the KPI period (default: `periodDays`, 365, before `to`). */
  from?: Date;
  /** End of the KPI period, exclusive (default: asOf). */
  to?: Date;
  config?: AnalyticsConfigInput;
  /**
   * Whether to rebuild customer_stats first. 'auto' (default): in full when the stored stats do
   * not match the shop (missing customers, different order counts, or a valid-order rule other
   * than the default the imports use); 'full': always; 'none': never; 'as-of': in full from the
   * orders and customers there were at `asOf` (a past date's report: the caller rolls it back).
   */
  refreshStats?: 'auto' | 'full' | 'none' | 'as-of';
}

/**
 * The whole analysis of a shop for the CLI and the HTML report: brings customer_stats up to date
 * if needed, recomputes the scores and groups as of `asOf`, then reads the KPIs (overall and per
 * group of each model), the RFM grid, the groups with their advice, the cohort matrix, the
 * transitions of both models over the last `transitionDays` and the best customers.
 */
export async function analyzeShop(
  store: Store,
  shopId: string,
  options: AnalyzeOptions,
): Promise<AnalysisReport> {
  const shop = await store.requireShop(shopId);
  const config = resolveAnalyticsConfig(options.config);
  const period = periodOf(options, config);
  const engine = store.engine;
  const mode = options.refreshStats ?? 'auto';
  const statsRefresh = mode === 'as-of' ? mode : await statsRefreshNeeded(engine, shopId, mode, config);
  // A full refresh recomputes stats and scores in one pass; otherwise only the scores.
  const { thresholds } =
    statsRefresh === 'none'
      ? await recomputeScores(engine, shopId, options.asOf, config)
      : await recomputeShop(engine, shopId, options.asOf, config, { statsAsOf: statsRefresh === 'as-of' });
  const [byRfm, byLifecycle, byValue, byReferred] = await computeMetricsSets(
    engine,
    shopId,
    { ...period, asOf: options.asOf, thresholds },
    config,
    [groupingOf('rfm_group'), groupingOf('lifecycle'), groupingOf('value_group'), groupingOf('referred')],
  );
  if (!byRfm || !byLifecycle || !byValue || !byReferred) throw new Error('metrics breakdowns missing');
  const sizes = await groupSizes(engine, shopId);
  const transitionsFrom = new Date(options.asOf.getTime() - config.transitionDays * MS_PER_DAY);
  // Stats as of `asOf` are exactly what classifying as of `asOf` gives (the same SQL and cutoff).
  const nothingAfterAsOf = statsRefresh === 'as-of' || (await storeEndsBy(engine, shopId, options.asOf));
  const moves = await transitionsOfBothModels(
    engine,
    shopId,
    transitionsFrom,
    options.asOf,
    config,
    nothingAfterAsOf ? { thresholds } : undefined,
  );
  const build = reportBuilder(byRfm.kpis, sizes);
  return {
    shop: { shopId: shop.shopId, name: shop.name, currency: shop.currency, timezone: shop.timezone },
    asOf: options.asOf,
    period,
    kpis: byRfm.kpis,
    thresholds,
    rfm: { grid: await rfmGrid(engine, shopId), groups: build('rfm', RFM_GROUPS, byRfm) },
    lifecycle: {
      groups: build('lifecycle', LIFECYCLE_GROUPS, mergeGroups(byLifecycle, byReferred)),
      transitions: moves.lifecycle,
    },
    valueGroups: { groups: build('value', VALUE_GROUPS, byValue), transitions: moves.value },
    cohorts: await cohortRetention(engine, shopId, period, config),
    bestCustomers: await bestCustomers(engine, shopId, config.bestCustomers),
    statsRefresh,
  };
}

function periodOf(options: AnalyzeOptions, config: AnalyticsConfig): Period {
  if (Number.isNaN(options.asOf.getTime()))
    throw new NurtureError('invalid_input', 'asOf is not a valid date');
  const to = options.to ?? options.asOf;
  const from = options.from ?? new Date(to.getTime() - config.periodDays * MS_PER_DAY);
  if (!(from.getTime() < to.getTime()))
    throw new NurtureError(
      'invalid_input',
      `the period must start before it ends (${from.toISOString()} .. ${to.toISOString()})`,
    );
  return { from, to };
}

/** Whether customer_stats need a full refresh: when asked, or when 'auto' finds them out of step. */
async function statsRefreshNeeded(
  engine: SqlEngine,
  shopId: string,
  mode: 'auto' | 'full' | 'none',
  config: AnalyticsConfig,
): Promise<'none' | 'full'> {
  if (mode === 'none') return 'none';
  if (mode === 'auto' && (await statsAreCurrent(engine, shopId, config))) return 'none';
  return 'full';
}

async function statsAreCurrent(engine: SqlEngine, shopId: string, config: AnalyticsConfig): Promise<boolean> {
  // Imports refresh stats with the default rule; another rule needs a full recompute.
  if (JSON.stringify(config.validOrders) !== JSON.stringify(DEFAULT_ANALYTICS_CONFIG.validOrders))
    return false;
  const [row] = await engine.all<{ customers: number; stats: number; orders: number; stat_orders: number }>(
    `SELECT
       (SELECT COUNT(*) FROM customers WHERE shop_id = $1 AND merged_into IS NULL) AS customers,
       (SELECT COUNT(*) FROM customer_stats WHERE shop_id = $1) AS stats,
       (SELECT COUNT(*) FROM orders o WHERE o.shop_id = $1 AND ${validOrderSql(config.validOrders, 'o')}) AS orders,
       (SELECT COALESCE(SUM(orders), 0) FROM customer_stats WHERE shop_id = $1) AS stat_orders`,
    [shopId],
  );
  return Number(row?.customers) === Number(row?.stats) && Number(row?.orders) === Number(row?.stat_orders);
}

/** True when no order and no customer of the shop is later than `asOf`. */
async function storeEndsBy(engine: SqlEngine, shopId: string, asOf: Date): Promise<boolean> {
  const [row] = await engine.all<{ later: number }>(
    `SELECT (SELECT COUNT(*) FROM orders WHERE shop_id = $1 AND created_at > $2)
       + (SELECT COUNT(*) FROM customers WHERE shop_id = $1 AND created_at > $2) AS later`,
    [shopId, asOf],
  );
  return Number(row?.later ?? 0) === 0;
}

type Sizes = Map<string, { customers: number; lifetimeRevenue: number }>;

/** Customers and lifetime revenue per group of each model, keyed 'model:group'. */
async function groupSizes(engine: SqlEngine, shopId: string): Promise<Sizes & { total: number }> {
  const rows = await engine.all<{ model: string; grp: string | null; n: number; rev: number | null }>(
    `SELECT 'rfm' AS model, rfm_group AS grp, COUNT(*) AS n, SUM(revenue) AS rev
       FROM customer_stats WHERE shop_id = $1 GROUP BY rfm_group
     UNION ALL SELECT 'lifecycle', lifecycle, COUNT(*), SUM(revenue)
       FROM customer_stats WHERE shop_id = $1 GROUP BY lifecycle
     UNION ALL SELECT 'lifecycle', 'referred', COUNT(*), SUM(revenue)
       FROM customer_stats WHERE shop_id = $1 AND referred
     UNION ALL SELECT 'value', value_group, COUNT(*), SUM(revenue)
       FROM customer_stats WHERE shop_id = $1 GROUP BY value_group`,
    [shopId],
  );
  const sizes = new Map(
    rows.map((r) => [`${r.model}:${r.grp}`, { customers: Number(r.n), lifetimeRevenue: Number(r.rev ?? 0) }]),
  );
  const total = rows.filter((r) => r.model === 'rfm').reduce((s, r) => s + Number(r.n), 0);
  return Object.assign(sizes, { total });
}

function mergeGroups(a: MetricsResult, b: MetricsResult): MetricsResult {
  return { ...a, groups: [...a.groups, ...b.groups] };
}

/** Builds each model's group list: sizes, money and the catalog's advice with the KPI values. */
function reportBuilder(overall: Kpis, sizes: Sizes & { total: number }) {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return <G extends string>(
    model: GroupModel,
    groups: readonly G[],
    metrics: MetricsResult,
  ): GroupReport<G>[] =>
    groups.map((id) => {
      const info = groupInfo(model, id);
      const size = sizes.get(`${model}:${id}`) ?? { customers: 0, lifetimeRevenue: 0 };
      const kpis = metrics.groups.find((g) => g.group === id)?.kpis ?? emptyKpis();
      return {
        id,
        parent: model === 'value' ? valueParentOf(id as (typeof VALUE_GROUPS)[number]) : null,
        customers: size.customers,
        customerShare: ratio(size.customers, sizes.total),
        revenue: kpis.revenue,
        revenueShare: ratio(kpis.revenue, overall.revenue),
        lifetimeRevenue: size.lifetimeRevenue,
        label: info.label,
        definition: info.definition,
        goal: info.goal,
        kpis: info.kpis.map((key) => ({ key, label: KPI_LABELS[key], value: kpis[key] })),
        actions: [...info.actions],
      };
    });
}

/** Customers per R × F cell (with their lifetime revenue), per M, and per R × FM. */
async function rfmGrid(engine: SqlEngine, shopId: string): Promise<RfmGrid> {
  const rf = await engine.all<{ r: number; f: number; n: number; rev: number }>(
    `SELECT r, f, COUNT(*) AS n, SUM(revenue) AS rev FROM customer_stats
     WHERE shop_id = $1 AND r IS NOT NULL GROUP BY r, f`,
    [shopId],
  );
  const m = await engine.all<{ m: number; n: number }>(
    'SELECT m, COUNT(*) AS n FROM customer_stats WHERE shop_id = $1 AND m IS NOT NULL GROUP BY m',
    [shopId],
  );
  const rfm = await engine.all<{ r: number; fm: number; n: number }>(
    'SELECT r, fm, COUNT(*) AS n FROM customer_stats WHERE shop_id = $1 AND r IS NOT NULL GROUP BY r, fm',
    [shopId],
  );
  const cells: RfmGrid['cells'] = [];
  const fmCells: RfmGrid['fmCells'] = [];
  for (let r = RFM_LEVELS; r >= 1; r--)
    for (let x = 1; x <= RFM_LEVELS; x++) {
      const a = rf.find((row) => Number(row.r) === r && Number(row.f) === x);
      cells.push({ r, f: x, customers: Number(a?.n ?? 0), revenue: Number(a?.rev ?? 0) });
      const b = rfm.find((row) => Number(row.r) === r && Number(row.fm) === x);
      fmCells.push({ r, fm: x, customers: Number(b?.n ?? 0) });
    }
  const mCounts = Array.from({ length: RFM_LEVELS }, (_, i) =>
    Number(m.find((row) => Number(row.m) === i + 1)?.n ?? 0),
  );
  return { cells, mCounts, fmCells, scoredCustomers: cells.reduce((s, c) => s + c.customers, 0) };
}
