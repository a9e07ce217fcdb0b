/**
 * The dashboard's overview: the analysis of `nurture analyze` (the same `runAnalysis`, so the same
 * KPIs) for a chosen period, with the KPIs of the period of the same length before it, revenue and
 * orders per day or month, and the moves between groups between two chosen dates.
 *
 * An analysis takes seconds on a large shop, and it writes (scores, groups, segment members), so
 * a page never runs it: `overviewState` only reads what was computed (with the shop's data
 * version, so a result is current until an order or a customer is written), and `startOverview`
 * (a POST) computes it in the background, one computation at a time, into the server's cache.
 */
import { z } from 'zod';
import { localDay } from '../domain/analytics/calendar.js';
import { resolveAnalyticsConfig } from '../domain/analytics/config.js';
import { periodSeries, type SeriesPoint } from '../domain/analytics/series.js';
import type {
  AnalysisReport,
  Kpis,
  LifecycleStage,
  TransitionMatrix,
  ValueGroup,
} from '../domain/analytics/types.js';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import { computeMetrics } from '../store/analytics/index.js';
import { revenueByDay, shopDataVersion } from '../store/analytics/period-orders.js';
import { transitionsOfBothModels } from '../store/analytics/transitions.js';
import { runAnalysis } from './analyze.js';
import { resolveAsOf } from './as-of.js';
import { type CacheState, ComputedCache } from './computed-cache.js';
import type { AppContext } from './context.js';
import { type ChosenPeriod, choosePeriod, periodInputSchema, previousPeriod } from './period.js';

/** What the overview shows of a period. */
export interface OverviewData {
  report: AnalysisReport;
  /** The KPIs of the period of the same length just before the report's. */
  previous: Kpis;
  previousPeriod: { from: Date; to: Date };
  /** Revenue and valid orders per day (periods up to 120 days) or per month. */
  series: { unit: 'day' | 'month'; points: SeriesPoint[] };
}

/** The moves between groups of both models from one date to another. */
export interface MovesData {
  lifecycle: TransitionMatrix<LifecycleStage>;
  value: TransitionMatrix<ValueGroup>;
}

/** The server's caches of the overview (one per server: one database). */
export interface OverviewCaches {
  overview: ComputedCache<OverviewData>;
  moves: ComputedCache<MovesData>;
}

export function overviewCaches(): OverviewCaches {
  return { overview: new ComputedCache(40), moves: new ComputedCache(40) };
}

export const overviewInputSchema = periodInputSchema.extend({ shopId: shopSchema.shape.shopId });
export type OverviewInput = z.input<typeof overviewInputSchema>;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
export const movesInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  from: isoDay,
  to: isoDay,
});
export type MovesInput = z.input<typeof movesInputSchema>;

/** The overview of a period as far as it is computed; reads only. */
export async function overviewState(
  ctx: AppContext,
  caches: OverviewCaches,
  input: OverviewInput,
): Promise<{ period: ChosenPeriod; state: CacheState<OverviewData> }> {
  const { shopId, period, version } = await located(ctx, input);
  return { period, state: caches.overview.state(shopId, period.key, version) };
}

/** Starts computing the overview of a period (unless current or under way); writes (the analysis). */
export async function startOverview(
  ctx: AppContext,
  caches: OverviewCaches,
  input: OverviewInput,
): Promise<{ period: ChosenPeriod; state: CacheState<OverviewData> }> {
  const { shopId, period, version } = await located(ctx, input);
  const state = caches.overview.start(
    shopId,
    period.key,
    version,
    () => computeOverview(ctx, shopId, period),
    () => ctx.clock.now(),
  );
  return { period, state };
}

async function located(ctx: AppContext, input: OverviewInput) {
  const parsed = overviewInputSchema.parse(input);
  const shop = await ctx.store.requireShop(parsed.shopId);
  const period = choosePeriod(parsed, { timeZone: shop.timezone, now: ctx.clock.now() });
  return { shopId: parsed.shopId, period, version: await shopDataVersion(ctx.store.engine, parsed.shopId) };
}

/** The analysis of the period, the previous period's KPIs and the daily series. */
async function computeOverview(ctx: AppContext, shopId: string, period: ChosenPeriod): Promise<OverviewData> {
  const { report } = await runAnalysis(
    { kind: 'store', ctx },
    {
      shopId,
      lang: 'vi',
      ...(period.asOfDay ? { asOf: period.asOfDay } : {}),
      period: period.days ? { days: period.days } : { from: period.from },
    },
  );
  const config = resolveAnalyticsConfig();
  const before = previousPeriod(report.period);
  // The previous period is measured with the thresholds of the report, so that a change in a
  // rate is a change in the customers, not in what "active" means.
  const previous = await computeMetrics(
    ctx.store.engine,
    shopId,
    { ...before, asOf: before.to, thresholds: report.thresholds },
    config,
  );
  const zone = report.shop.timezone;
  const days = await revenueByDay(ctx.store.engine, shopId, report.period, config.validOrders, zone);
  const lastDay = localDay(new Date(report.period.to.getTime() - 1), zone);
  return {
    report,
    previous: previous.kpis,
    previousPeriod: before,
    series: periodSeries(days, localDay(report.period.from, zone), lastDay),
  };
}

/** The moves between two dates as far as they are computed; reads only. */
export async function movesState(
  ctx: AppContext,
  caches: OverviewCaches,
  input: MovesInput,
): Promise<{ from: Date; to: Date; state: CacheState<MovesData> }> {
  const { shopId, from, to, key, version } = await movesLocated(ctx, input);
  return { from, to, state: caches.moves.state(shopId, key, version) };
}

/** Starts computing the moves between two dates; writes (temporary classifications). */
export async function startMoves(
  ctx: AppContext,
  caches: OverviewCaches,
  input: MovesInput,
): Promise<{ from: Date; to: Date; state: CacheState<MovesData> }> {
  const { shopId, from, to, key, version } = await movesLocated(ctx, input);
  const state = caches.moves.start(
    shopId,
    key,
    version,
    async () => {
      const both = await transitionsOfBothModels(
        ctx.store.engine,
        shopId,
        from,
        to,
        resolveAnalyticsConfig(),
      );
      return { lifecycle: both.lifecycle, value: both.value };
    },
    () => ctx.clock.now(),
  );
  return { from, to, state };
}

async function movesLocated(ctx: AppContext, input: MovesInput) {
  const parsed = movesInputSchema.parse(input);
  const shop = await ctx.store.requireShop(parsed.shopId);
  const now = ctx.clock.now();
  // Each date counts as its whole day, and a day not over yet as now.
  const at = (day: string, field: string) => {
    const end = resolveAsOf(day, { timeZone: shop.timezone, now, field });
    return end.getTime() > now.getTime() ? now : end;
  };
  const from = at(parsed.from, 'from');
  const to = at(parsed.to, 'to');
  if (from.getTime() >= to.getTime())
    throw new NurtureError('invalid_input', 'from: the first date must be before the second', [
      { path: 'from', reason: 'not before the second date' },
    ]);
  const today = localDay(now, shop.timezone);
  return {
    shopId: parsed.shopId,
    from,
    to,
    key: `${parsed.from}:${parsed.to}:${today}`,
    version: await shopDataVersion(ctx.store.engine, parsed.shopId),
  };
}
