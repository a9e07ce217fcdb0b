/**
 * Scoring a shop's customers for `nurture predict`: every column `customer_predictions` keeps, from
 * the fitted purchase and spend models (src/domain/clv) — expectations, predictive intervals,
 * CLV with its predictive range and the confidence interval of its expectation.
 */
import {
  type GammaGammaFit,
  kernelOf,
  logParamsOf,
  periodsPerMonth,
  predictiveCounts,
  type RfmSummary,
  scoreCustomers,
  type TimeUnit,
  type TransactionFit,
  UNIT_DAYS,
} from '../../domain/clv/index.js';
import { compressColumns } from '../../domain/clv/tuples.js';
import type { PredictionColumns } from './predictions.js';

/** The CLV settings of a run. */
export interface ScoreSettings {
  unit: TimeUnit;
  clvMonths: number;
  discountRate: number;
  margin: number;
}

/**
 * Conditional expected purchases over more horizons for the customers `scoreCustomers` scored:
 * P(alive) × E[purchases in t | alive], the latter once per distinct (frequency, T).
 */
function expectedOver(
  summary: RfmSummary,
  t: TransactionFit,
  pAlive: Float64Array,
  horizonsDays: readonly number[],
  unit: TimeUnit,
): Float64Array[] {
  const kernel = kernelOf(t.model, logParamsOf(t));
  const pairs = compressColumns([summary.frequency, summary.T]);
  const [x, T] = pairs.columns as [Float64Array, Float64Array];
  return horizonsDays.map((days) => {
    const h = days / UNIT_DAYS[unit];
    const alive = new Float64Array(pairs.count);
    for (let k = 0; k < pairs.count; k++) alive[k] = kernel.expectedAlive(h, x[k] as number, T[k] as number);
    return Float64Array.from(pAlive, (p, i) => p * (alive[pairs.rowToTuple[i] as number] as number));
  });
}

/** The probability of the predictive intervals `predict` stores. */
export const INTERVAL_LEVEL = 0.9;

/**
 * CLV's predictive range: the CLV of the customer's predictive range of orders over the CLV
 * horizon, each order at the customer's expected order value and discounted as CLV is (CLV is
 * margin × E[M] × discounted expected orders, so the range is CLV × count / expected count). It
 * carries the randomness of how many orders a customer places and the parameters' uncertainty,
 * not the spread of order values around their expectation.
 */
function clvRange(
  summary: RfmSummary,
  t: TransactionFit,
  clv: Float64Array,
  s: ScoreSettings,
): { low: Float64Array; high: Float64Array } {
  const counts = predictiveCounts(summary, t, {
    horizon: s.clvMonths * periodsPerMonth(s.unit),
    level: INTERVAL_LEVEL,
  });
  const n = clv.length;
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mean = counts.mean[i] as number;
    const perOrder = mean > 0 ? (clv[i] as number) / mean : 0;
    low[i] = perOrder * (counts.low[i] as number);
    high[i] = perOrder * (counts.high[i] as number);
  }
  return { low, high };
}

/**
 * Every customer scored: P(alive), 30/90/365-day expectations, the predictive interval of orders
 * in 365 days, next order, E[M], CLV with its confidence interval and its predictive range.
 */
export function scoreAll(
  summary: RfmSummary,
  t: TransactionFit,
  spend: GammaGammaFit | null,
  s: ScoreSettings,
): PredictionColumns {
  const base = { unit: s.unit, clvMonths: s.clvMonths, discountRate: s.discountRate, margin: s.margin };
  const year = scoreCustomers(summary, t, spend, {
    ...base,
    horizonDays: 365,
    confidenceIntervals: spend !== null,
  });
  const [expected30, expected90] = expectedOver(summary, t, year.pAlive, [30, 90], s.unit) as [
    Float64Array,
    Float64Array,
  ];
  const orders = predictiveCounts(summary, t, { horizon: 365 / UNIT_DAYS[s.unit], level: INTERVAL_LEVEL });
  const range = year.clv === undefined ? null : clvRange(summary, t, year.clv, s);
  return {
    pAlive: year.pAlive,
    expected30,
    expected90,
    expected365: year.expectedPurchases,
    ordersLow: orders.low,
    ordersHigh: orders.high,
    ordersTotal: orders.total,
    nextOrderDays: year.nextPurchaseDays,
    nextOrderNote: Float64Array.from(year.nextOrderNote),
    expectedAvgValue: year.expectedAverageValue ?? null,
    clv: year.clv ?? null,
    clvCiLow: year.confidenceIntervals?.clv?.low ?? null,
    clvCiHigh: year.confidenceIntervals?.clv?.high ?? null,
    clvRangeLow: range?.low ?? null,
    clvRangeHigh: range?.high ?? null,
  };
}
