/**
 * `nurture predict`: the CLV models fitted on a shop's valid orders, every customer scored, the
 * predictions written to `customer_predictions` — and, on request, the calibration/holdout
 * validation report. The summary runs in SQL (store-summary.ts), fitting and scoring are the
 * pure models of src/domain/clv, the predictions go back as columns of numbers (predictions.ts).
 */
import { addDays, localDay } from '../../domain/analytics/calendar.js';
import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import {
  type ClvModels,
  epochDay,
  fitClvModels,
  formatEpochDay,
  type ModelFit,
  type PriorMode,
  type RfmSummary,
  type TimeUnit,
  type TransactionFit,
  type TransactionModelName,
  type ValidationReport,
} from '../../domain/clv/index.js';
import { parseDateTime } from '../../domain/time.js';
import { NurtureError } from '../../errors.js';
import { shopTimeZone } from '../analytics/common.js';
import type { Store } from '../store.js';
import {
  chooseModel,
  type ModelChoice,
  type ModelRequest,
  notesOf,
  type PredictionNote,
} from './choose-model.js';
import { type PredictionColumns, type PredictionRun, writePredictions } from './predictions.js';
import { INTERVAL_LEVEL, scoreAll } from './score-shop.js';
import { buildSummaryTable, readSummaryTable } from './store-summary.js';
import { validateShop } from './validate-shop.js';

export interface PredictRequest {
  shopId: string;
  /** The last day of the observation, 'YYYY-MM-DD' in the shop's calendar (inclusive); default: today there. */
  asOf?: string;
  /** 'auto' (default): the candidate with the best holdout log score; or a model forced. */
  model?: ModelRequest;
  /** Time unit of the model's rates and of recency/T (default day). */
  unit?: TimeUnit;
  prior?: PriorMode;
  penalizer?: number;
  /** CLV horizon in months (default 12), monthly discount rate (0.01), gross margin (1). */
  clvMonths?: number;
  discountRate?: number;
  margin?: number;
  validOrders?: ValidOrderRule;
  /** Validate too: calibration ends the day before this date, the holdout runs to `asOf`. */
  holdoutFrom?: string;
  /** The machine clock, read at the edge. */
  now: Date;
  newRunId: () => string;
}

/** Parameters, standard errors and fit statistics of one model, ready for JSON. */
export interface FitSummary {
  params: Record<string, number>;
  standardErrors: Record<string, number | null>;
  logLikelihood: number;
  customers: number;
  converged: boolean;
}

export interface PredictResult {
  shopId: string;
  runId: string;
  /** The purchase model scored with (chosen or forced: see `choice`). */
  model: TransactionModelName;
  /** How the model and the prior were chosen, with every candidate's holdout score. */
  choice: ModelChoice;
  /** What a seller should know about how far to trust these predictions. */
  notes: PredictionNote[];
  unit: TimeUnit;
  asOf: string;
  /** The end of the as-of day in the shop's time zone (ISO 8601). */
  predictedAsOf: string;
  /** Customers with a valid order on or before the as-of day (all scored and written). */
  customers: number;
  transaction: FitSummary;
  spend: (FitSummary & { frequencySpendCorrelation: number | null }) | null;
  shrinkage: boolean;
  clvMonths: number;
  discountRate: number;
  margin: number;
  /** Sums over the customers (mean for P(alive)); CLV is null without a spend model. */
  totals: PredictionTotals;
  /** Probability of the predictive intervals (orders in 365 days, CLV range). */
  intervalLevel: number;
  warnings: string[];
  /** Seconds: summary in SQL, reading it, fitting, scoring, writing the predictions back. */
  timings: {
    summarySeconds: number;
    readSeconds: number;
    /** Fitting the candidates on the holdout split (0 when nothing was to choose). */
    chooseSeconds: number;
    fitSeconds: number;
    scoreSeconds: number;
    writeSeconds: number;
  };
  validation?: ValidationReport;
}

export interface PredictionTotals {
  meanPAlive: number;
  expectedPurchases30: number;
  expectedPurchases90: number;
  expectedPurchases365: number;
  /** The shop's orders in the next 365 days: predictive interval at `intervalLevel`. */
  orders365: { low: number; high: number };
  clv: number | null;
  /** Customers with a next-order date, and without one by reason. */
  nextOrder: { dated: number; lapsed: number; beyondYear: number };
}

function sum(v: Float64Array): number {
  let acc = 0;
  for (const x of v) acc += x;
  return acc;
}

function totalsOf(c: PredictionColumns): PredictionTotals {
  const n = c.pAlive.length;
  const nextOrder = { dated: 0, lapsed: 0, beyondYear: 0 };
  for (const note of c.nextOrderNote) {
    if (note === 1) nextOrder.lapsed++;
    else if (note === 2) nextOrder.beyondYear++;
    else nextOrder.dated++;
  }
  return {
    meanPAlive: n > 0 ? sum(c.pAlive) / n : 0,
    expectedPurchases30: sum(c.expected30),
    expectedPurchases90: sum(c.expected90),
    expectedPurchases365: sum(c.expected365),
    orders365: { low: Math.floor(c.ordersTotal.low), high: Math.ceil(c.ordersTotal.high) },
    clv: c.clv === null ? null : sum(c.clv),
    nextOrder,
  };
}

interface Settings {
  model: ModelRequest;
  unit: TimeUnit;
  prior: PriorMode;
  penalizer: number;
  clvMonths: number;
  discountRate: number;
  margin: number;
}

function settingsOf(r: PredictRequest): Settings {
  return {
    model: r.model ?? 'auto',
    unit: r.unit ?? 'day',
    prior: r.prior ?? 'auto',
    penalizer: r.penalizer ?? 0,
    clvMonths: r.clvMonths ?? 12,
    discountRate: r.discountRate ?? 0.01,
    margin: r.margin ?? 1,
  };
}

/** 'YYYY-MM-DD' → days since 1970-01-01, refusing anything that is not a calendar date. */
export function parseDay(text: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const day = m ? epochDay(Number(m[1]), Number(m[2]), Number(m[3])) : Number.NaN;
  if (!m || formatEpochDay(day) !== text.trim()) {
    throw new NurtureError('invalid_input', `${what}: not a date: "${text}" (use YYYY-MM-DD)`, [
      { path: what, reason: 'not a date' },
    ]);
  }
  return day;
}

function fitSummary(
  fit: Pick<ModelFit<object>, 'params' | 'standardErrors' | 'logLikelihood' | 'customers' | 'converged'>,
): FitSummary {
  return {
    params: { ...(fit.params as Record<string, number>) },
    standardErrors: { ...(fit.standardErrors as Record<string, number | null>) },
    logLikelihood: fit.logLikelihood,
    customers: fit.customers,
    converged: fit.converged,
  };
}

/**
 * The chosen purchase model (refused below the small-shop minimums: not_enough_data) and, when
 * the shop has enough repeat buyers with a positive order value, the spend model; without it CLV
 * is empty.
 */
function fitModels(summary: RfmSummary, s: Settings, choice: ModelChoice): ClvModels {
  // The advice for a shop too small to fit: `nurture predict` moves its cut-off with --as-of.
  const options = {
    penalizer: s.penalizer,
    prior: (choice.prior ? 'on' : 'off') as PriorMode,
    laterCutOff: 'a later --as-of',
  };
  const purchase = fitClvModels(summary, { ...options, model: choice.model, withSpend: false });
  try {
    const spend = fitClvModels(summary, { ...options, model: 'gg', withSpend: true });
    return {
      ...purchase,
      spend: spend.spend,
      spendFrequencyCorrelation: spend.spendFrequencyCorrelation,
      warnings: [...purchase.warnings, ...spend.warnings],
    };
  } catch (error) {
    if (!(error instanceof NurtureError && error.code === 'not_enough_data')) throw error;
    return { ...purchase, warnings: [...purchase.warnings, `no CLV: ${error.message}`] };
  }
}

/** The start of the day after `day` in the zone: the instant the predictions are "as of". */
function endOfDay(day: string, timeZone: string): Date {
  const next = parseDateTime(addDays(day, 1), undefined, timeZone);
  if (next === undefined) throw new NurtureError('invalid_input', `not a date: ${day}`);
  return next;
}

interface Clock {
  t: number;
  lap(): number;
}

function clock(): Clock {
  return {
    t: performance.now(),
    lap() {
      const now = performance.now();
      const s = (now - this.t) / 1000;
      this.t = now;
      return s;
    },
  };
}

/**
 * Fits, scores and writes the shop's predictions as of `asOf`, in one transaction (the previous
 * predictions stay until the new ones are complete).
 * @throws NurtureError invalid_input, not_found (no such shop), not_enough_data (small shop)
 */
export async function predictShop(store: Store, request: PredictRequest): Promise<PredictResult> {
  const s = settingsOf(request);
  return store.transaction(async (tx) => {
    const timeZone = await shopTimeZone(tx.engine, request.shopId);
    const asOf = request.asOf ?? localDay(request.now, timeZone);
    const until = parseDay(asOf, '--as-of');
    const calibrationEnd = calibrationEndOf(request.holdoutFrom, until);
    const summaryOptions = {
      until,
      timeZone,
      unit: s.unit,
      ...(request.validOrders ? { validOrders: request.validOrders } : {}),
    };
    const c = clock();
    await buildSummaryTable(tx.engine, request.shopId, summaryOptions);
    const summarySeconds = c.lap();
    const { summary } = await readSummaryTable(tx.engine, summaryOptions);
    const readSeconds = c.lap();
    const choice = await chooseModel(tx.engine, summary, {
      shopId: request.shopId,
      model: s.model,
      prior: s.prior,
      penalizer: s.penalizer,
      unit: s.unit,
      timeZone,
      until,
      ...(request.validOrders ? { validOrders: request.validOrders } : {}),
    });
    const chooseSeconds = c.lap();
    const models = fitModels(summary, s, choice);
    const fitSeconds = c.lap();
    const columns = scoreAll(summary, models.transaction as TransactionFit, models.spend, s);
    const scoreSeconds = c.lap();
    const result = resultOf(request, s, { asOf, timeZone, summary, models, columns, choice });
    result.timings = {
      summarySeconds,
      readSeconds,
      chooseSeconds,
      fitSeconds,
      scoreSeconds,
      writeSeconds: 0,
    };
    await writePredictions(tx.engine, request.shopId, runOf(result, request), until, columns);
    result.timings.writeSeconds = c.lap();
    if (calibrationEnd !== null) {
      result.validation = await validateShop(tx.engine, request.shopId, {
        ...summaryOptions,
        calibrationEnd,
        model: choice.model,
        prior: choice.prior,
        penalizer: s.penalizer,
      });
    }
    return result;
  });
}

function calibrationEndOf(holdoutFrom: string | undefined, until: number): number | null {
  if (holdoutFrom === undefined) return null;
  const end = parseDay(holdoutFrom, '--holdout-from') - 1;
  if (end >= until) throw new NurtureError('invalid_input', '--holdout-from must be on or before --as-of');
  return end;
}

interface Outcome {
  asOf: string;
  timeZone: string;
  summary: RfmSummary;
  models: ClvModels;
  columns: PredictionColumns;
  choice: ModelChoice;
}

function resultOf(request: PredictRequest, s: Settings, o: Outcome): PredictResult {
  const t = o.models.transaction as TransactionFit;
  const spend = o.models.spend;
  return {
    shopId: request.shopId,
    runId: request.newRunId(),
    model: t.model,
    choice: o.choice,
    notes: notesOf(o.summary, o.choice),
    unit: s.unit,
    asOf: o.asOf,
    predictedAsOf: endOfDay(o.asOf, o.timeZone).toISOString(),
    customers: o.summary.frequency.length,
    transaction: fitSummary(t),
    spend:
      spend === null
        ? null
        : { ...fitSummary(spend), frequencySpendCorrelation: o.models.spendFrequencyCorrelation },
    shrinkage: o.models.shrinkage,
    clvMonths: s.clvMonths,
    discountRate: s.discountRate,
    margin: s.margin,
    totals: totalsOf(o.columns),
    intervalLevel: INTERVAL_LEVEL,
    warnings: o.models.warnings,
    timings: {
      summarySeconds: 0,
      readSeconds: 0,
      chooseSeconds: 0,
      fitSeconds: 0,
      scoreSeconds: 0,
      writeSeconds: 0,
    },
  };
}

function runOf(r: PredictResult, request: PredictRequest): PredictionRun {
  return {
    runId: r.runId,
    model: r.model,
    predictedAsOf: new Date(r.predictedAsOf),
    params: runParams(r, request.validOrders),
    logLikelihood: r.transaction.logLikelihood,
    customers: r.customers,
    createdAt: request.now,
  };
}

/** What `prediction_runs.params` keeps: enough to know how the predictions were made. */
function runParams(r: PredictResult, validOrders: ValidOrderRule | undefined): Record<string, unknown> {
  return {
    unit: r.unit,
    asOf: r.asOf,
    choice: r.choice,
    notes: r.notes,
    intervalLevel: r.intervalLevel,
    transaction: r.transaction,
    spend: r.spend,
    shrinkage: r.shrinkage,
    clvMonths: r.clvMonths,
    discountRate: r.discountRate,
    margin: r.margin,
    warnings: r.warnings,
    ...(validOrders ? { validOrders } : {}),
  };
}
