/**
 * Calibration/holdout validation, the two checks of Fader, Hardie & Lee (2005) and the BTYD
 * walkthrough: (1) actual vs expected holdout purchases grouped by calibration frequency, and
 * (2) weekly cumulative repeat purchases, actual vs expected, across calibration and holdout.
 */
import { kernelOf, logParamsOf, type TransactionFit } from './kernels.js';
import { predictiveCounts } from './predictive.js';
import {
  type CalibrationHoldout,
  customerPeriods,
  formatEpochDay,
  type Period,
  periodDays,
  periodStartDay,
  type TimeUnit,
  type TransactionLog,
  UNIT_DAYS,
} from './summary.js';

export interface FrequencyGroup {
  /** Calibration frequency: "0" … "6", and "7+" for the last group (by default). */
  frequency: string;
  customers: number;
  /** Mean holdout purchases per customer, actual and expected. */
  actual: number;
  expected: number;
  /** Share of these customers whose holdout count fell inside their predictive interval. */
  coverage: number;
  /** The intervals' own predicted probability, averaged over these customers (at least the level). */
  predictedCoverage: number;
}

export interface TrackingWeek {
  /** Week number, 1 = the week starting on the first purchase day of the cohort. */
  week: number;
  /** Last day of the week (YYYY-MM-DD). */
  end: string;
  actualCumulative: number;
  expectedCumulative: number;
}

/** The validation report, ready to print as JSON (charts are drawn from it elsewhere). */
export interface ValidationReport {
  model: TransactionFit['model'];
  unit: TimeUnit;
  calibrationEnd: string;
  observationEnd: string;
  /**
   * The last day the data hold (YYYY-MM-DD), at most `observationEnd`: `lastDataDay` when given
   * (a store's latest order of any status: the latest purchases may still be in transit), else the
   * latest purchase; null when there is none. After it the actual tracking is flat not because
   * nobody bought but because the data end (a file exported earlier, a store that stopped
   * syncing): charts stop the actual line there.
   */
  lastDataDate: string | null;
  /** Holdout length in the model unit. */
  holdoutDuration: number;
  customers: number;
  totals: {
    actualHoldout: number;
    expectedHoldout: number;
    /** The shop total's predictive interval at `intervals.level`, and whether the actual total is in it. */
    interval: { low: number; high: number };
    inside: boolean;
  };
  /** Calibration of the per-customer predictive intervals of holdout orders. */
  intervals: {
    level: number;
    /** False when the fit had no covariance (the intervals then ignore parameter uncertainty). */
    parameterUncertainty: boolean;
    /** Share of all customers whose holdout count fell inside their interval. */
    coverage: number;
    predictedCoverage: number;
  };
  byFrequency: FrequencyGroup[];
  tracking: TrackingWeek[];
}

export interface ValidationOptions {
  calibrationEnd: number;
  observationEnd: number;
  unit: TimeUnit;
  period: Period;
  /** Frequencies at or above this are pooled ("7+"). Default 7. */
  pooledFrom?: number;
  /** The last day the data hold, if the caller knows more than the purchases (see lastDataDate). */
  lastDataDay?: number;
  /** Probability of the predictive intervals. Default 0.9. */
  level?: number;
}

function predictorsOf(fit: TransactionFit): {
  pAlive: (x: number, tx: number, T: number) => number;
  expectedAlive: (t: number, x: number, T: number) => number;
} {
  const k = kernelOf(fit.model, logParamsOf(fit));
  return { pAlive: k.pAlive, expectedAlive: k.expectedAlive };
}

/**
 * Builds the report for a model fitted on `split.calibration`. `log` must hold the
 * transactions of both periods.
 */
export function validationReport(
  log: TransactionLog,
  split: CalibrationHoldout,
  fit: TransactionFit,
  options: ValidationOptions,
): ValidationReport {
  const pooled = options.pooledFrom ?? 7;
  const predict = predictorsOf(fit);
  const cal = split.calibration;
  const n = cal.frequency.length;
  const counts = predictiveCounts(cal, fit, {
    horizon: split.holdout.duration,
    ...(options.level === undefined ? {} : { level: options.level }),
  });
  const groups = Array.from({ length: pooled + 1 }, (_, i) => ({
    frequency: i === pooled ? `${pooled}+` : String(i),
    customers: 0,
    actual: 0,
    expected: 0,
    coverage: 0,
    predictedCoverage: 0,
  }));
  let actualTotal = 0;
  let expectedTotal = 0;
  let inside = 0;
  let predictedCoverage = 0;
  for (let i = 0; i < n; i++) {
    const x = cal.frequency[i] as number;
    const T = cal.T[i] as number;
    const e =
      predict.pAlive(x, cal.recency[i] as number, T) * predict.expectedAlive(split.holdout.duration, x, T);
    const a = split.holdout.frequency[i] as number;
    const hit = a >= (counts.low[i] as number) && a <= (counts.high[i] as number) ? 1 : 0;
    const g = groups[Math.min(x, pooled)] as FrequencyGroup;
    g.customers++;
    g.actual += a;
    g.expected += e;
    g.coverage += hit;
    g.predictedCoverage += counts.mass[i] as number;
    actualTotal += a;
    expectedTotal += e;
    inside += hit;
    predictedCoverage += counts.mass[i] as number;
  }
  for (const g of groups) {
    const k = g.customers > 0 ? 1 / g.customers : 0;
    g.actual *= k;
    g.expected *= k;
    g.coverage *= k;
    g.predictedCoverage *= k;
  }
  const lastDay =
    options.lastDataDay === undefined
      ? lastPurchaseDay(log, options)
      : Math.min(options.lastDataDay, options.observationEnd);
  const total = { low: Math.floor(counts.total.low), high: Math.ceil(counts.total.high) };
  return {
    model: fit.model,
    unit: options.unit,
    calibrationEnd: formatEpochDay(options.calibrationEnd),
    observationEnd: formatEpochDay(options.observationEnd),
    lastDataDate: lastDay === null ? null : formatEpochDay(lastDay),
    holdoutDuration: split.holdout.duration,
    customers: n,
    totals: {
      actualHoldout: actualTotal,
      expectedHoldout: expectedTotal,
      interval: total,
      inside: actualTotal >= total.low && actualTotal <= total.high,
    },
    intervals: {
      level: counts.level,
      parameterUncertainty: counts.parameterUncertainty,
      coverage: n > 0 ? inside / n : 0,
      predictedCoverage: n > 0 ? predictedCoverage / n : 0,
    },
    byFrequency: groups,
    tracking: tracking(log, split, predict.expectedAlive, options),
  };
}

/** The last day (epoch day) any customer bought on, up to the end of observation. */
function lastPurchaseDay(log: TransactionLog, options: ValidationOptions): number | null {
  let last: number | null = null;
  for (const day of log.day) if (day <= options.observationEnd && (last === null || day > last)) last = day;
  return last;
}

/**
 * Weekly cumulative repeat purchases of the calibration customers. Expected: each customer
 * contributes E[X(t)] of a new customer, t = time from the first purchase to the week's end
 * (BTYD's ExpectedCumulativeTransactions); customers are grouped by first purchase day.
 */
function tracking(
  log: TransactionLog,
  split: CalibrationHoldout,
  expectedAlive: (t: number, x: number, T: number) => number,
  options: ValidationOptions,
): TrackingWeek[] {
  const cal = split.calibration;
  if (cal.firstDay.length === 0) return [];
  let start = Number.POSITIVE_INFINITY;
  for (const d of cal.firstDay) start = Math.min(start, d);
  const weeks = Math.ceil((options.observationEnd - start + 1) / 7);
  const inCohort = new Uint8Array(log.customerCount);
  for (const c of cal.customer) inCohort[c] = 1;
  // Repeat purchase periods per week (each customer's first period is not a repeat).
  const cp = customerPeriods(log, options.period, options.observationEnd);
  const perWeek = new Float64Array(weeks);
  for (let c = 0; c < log.customerCount; c++) {
    if (inCohort[c] === 0) continue;
    for (let k = (cp.offsets[c] as number) + 1; k < (cp.offsets[c + 1] as number); k++) {
      const day = periodStartDay(cp.periods[k] as number, options.period);
      const w = Math.floor((day - start) / 7);
      if (w >= 0 && w < weeks) perWeek[w] = (perWeek[w] as number) + 1;
    }
  }
  const births = new Map<number, number>();
  for (const d of cal.firstDay) births.set(d, (births.get(d) ?? 0) + 1);
  const unitDays = UNIT_DAYS[options.unit];
  const pd = periodDays(options.period);
  const out: TrackingWeek[] = [];
  let actual = 0;
  for (let w = 0; w < weeks; w++) {
    actual += perWeek[w] as number;
    const endDay = start + 7 * (w + 1);
    let expected = 0;
    for (const [day, count] of births) {
      // Time from the end of the first purchase period to the end of the week.
      const elapsed = endDay - day - (pd - 1);
      if (elapsed > 0) expected += count * expectedAlive(elapsed / unitDays, 0, 0);
    }
    out.push({
      week: w + 1,
      end: formatEpochDay(Math.min(endDay - 1, options.observationEnd)),
      actualCumulative: actual,
      expectedCumulative: expected,
    });
  }
  return out;
}
