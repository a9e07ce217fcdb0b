/**
 * Per-customer predictions from fitted models: P(alive), expected purchases over a horizon,
 * the chance of at least one purchase, when the next order is due, the expected average order
 * value and CLV — with intervals from parameter uncertainty.
 *
 * Everything that depends on the transaction model is computed once per distinct
 * (frequency, recency, T) tuple — the horizon expectations once per distinct (frequency, T) —
 * and then gathered per customer, so that scoring a million customers costs a few typed-array
 * passes.
 */
import { NurtureError } from '../../errors.js';
import {
  type GammaGammaFit,
  type GammaGammaParams,
  gammaGammaConditionalExpectedValue,
  gammaGammaMeanDefined,
} from './gamma-gamma.js';
import { type Kernel, kernelOf, logParamsOf, type TransactionFit } from './kernels.js';
import { logistic } from './special.js';
import { type TimeUnit, UNIT_DAYS } from './summary.js';
import { compressCodes, indexValues } from './tuples.js';

export type { TransactionFit } from './kernels.js';

/** lifetimes' customer_lifetime_value: units of the model time in one month. */
export function periodsPerMonth(unit: TimeUnit): number {
  return unit === 'day' ? 30 : 4.345;
}

export interface ScoreOptions {
  unit: TimeUnit;
  /** Horizon of `expectedPurchases` and `probabilityOfPurchase`, in days. */
  horizonDays: number;
  /** CLV horizon in months (lifetimes' `time`). Default 12. */
  clvMonths?: number;
  /** Monthly discount rate (lifetimes' `discount_rate`). Default 0.01. */
  discountRate?: number;
  /** Gross margin applied to the expected order value. Default 1 (revenue CLV). */
  margin?: number;
  /**
   * Compute the confidence intervals of the expectations from parameter uncertainty (delta
   * method). They say how well P(alive), the expected purchases and CLV are known — not how many
   * orders a customer will place: that is `predictiveCounts` (predictive.ts). Default false.
   */
  confidenceIntervals?: boolean;
  /** Two-sided coverage of the intervals. Default 0.9. */
  intervalLevel?: number;
}

/** Customer statistics to score (an RfmSummary fits). */
export interface ScoreInput {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  monetaryValue?: ArrayLike<number>;
}

/** Lower and upper bounds of an interval, one entry per customer. */
export interface IntervalColumns {
  low: Float64Array;
  high: Float64Array;
}

export interface CustomerScores {
  pAlive: Float64Array;
  /** 1 − P(alive). */
  churnProbability: Float64Array;
  /** Conditional expected purchases over the horizon. */
  expectedPurchases: Float64Array;
  /** P(at least one purchase over the horizon). */
  probabilityOfPurchase: Float64Array;
  /**
   * Days from the end of observation to the median time of the next purchase of a customer who
   * is still active (ignores future drop-out; exact for BG/NBD, where drop-out only follows a
   * purchase). Read it together with pAlive.
   */
  nextPurchaseDays: Float64Array;
  /**
   * Whether that wait is a date worth showing: 0 yes; 1 the customer has probably lapsed
   * (P(alive) < 0.5); 2 the wait is longer than a year (a one-time buyer under BG/NBD, alive by
   * construction, would otherwise be "due" decades away). See NEXT_ORDER_NOTES.
   */
  nextOrderNote: Uint8Array;
  /** Gamma-Gamma E[M | x, m] (only with a spend fit). */
  expectedAverageValue?: Float64Array;
  /** Discounted margin over `clvMonths` (only with a spend fit). */
  clv?: Float64Array;
  /** Present when requested and the fits have a covariance. */
  /** Confidence intervals of the expectations (parameter uncertainty only), when requested. */
  confidenceIntervals?: {
    level: number;
    pAlive: IntervalColumns;
    expectedPurchases: IntervalColumns;
    clv?: IntervalColumns;
  };
}

/** Reasons for no next-order date, by `nextOrderNote` code (0: there is a date). */
export const NEXT_ORDER_NOTES = [null, 'lapsed', 'beyond_year'] as const;
export type NextOrderNote = NonNullable<(typeof NEXT_ORDER_NOTES)[number]>;
/** A next order further away than this many days is "not expected". */
export const NEXT_ORDER_WITHIN_DAYS = 365;

function nextOrderNoteOf(pAlive: number, days: number): number {
  if (pAlive < 0.5) return 1;
  return days > NEXT_ORDER_WITHIN_DAYS ? 2 : 0;
}

/** Standard normal quantile by Acklam's rational approximation (|error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** Per distinct tuple: the transaction-model parts of every prediction. */
interface TupleScores {
  pAlive: Float64Array;
  expected: Float64Array;
  noPurchase: Float64Array;
  discounted: Float64Array;
}

interface Tuples {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  rowToTuple: Int32Array;
  /** (x, T) pair of each tuple. */
  pair: Int32Array;
  pairX: Float64Array;
  pairT: Float64Array;
}

/** Distinct (x, t_x, T) tuples and (x, T) pairs, deduplicated on integer codes of the values. */
function buildTuples(input: ScoreInput): Tuples {
  const xi = indexValues(input.frequency);
  const ti = indexValues(input.recency);
  const Ti = indexValues(input.T);
  const tuples = compressCodes([xi.index, ti.index, Ti.index]);
  const n = tuples.count;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const xCode = new Int32Array(n);
  const TCode = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const row = tuples.first[k] as number;
    xCode[k] = xi.index[row] as number;
    TCode[k] = Ti.index[row] as number;
    x[k] = xi.values[xCode[k] as number] as number;
    tx[k] = ti.values[ti.index[row] as number] as number;
    T[k] = Ti.values[TCode[k] as number] as number;
  }
  const pairs = compressCodes([xCode, TCode]);
  const pairX = new Float64Array(pairs.count);
  const pairT = new Float64Array(pairs.count);
  for (let j = 0; j < pairs.count; j++) {
    const k = pairs.first[j] as number;
    pairX[j] = x[k] as number;
    pairT[j] = T[k] as number;
  }
  return { x, tx, T, rowToTuple: tuples.rowToTuple, pair: pairs.rowToTuple, pairX, pairT };
}

interface Horizons {
  horizon: number;
  monthLength: number;
  months: number;
  discountRate: number;
}

/**
 * The transaction-model parts for every tuple under one parameter vector. `discounted` is
 * D = Σ_{m=1..M} (E_alive(m·f) − E_alive((m−1)·f)) / (1 + d)^m, so that lifetimes' CLV is
 * margin × E[M] × P(alive) × D.
 */
function scoreTuples(kernel: Kernel, t: Tuples, h: Horizons): TupleScores {
  const nPairs = t.pairX.length;
  const expectedPair = new Float64Array(nPairs);
  const noPurchasePair = new Float64Array(nPairs);
  const discountedPair = new Float64Array(nPairs);
  for (let i = 0; i < nPairs; i++) {
    const x = t.pairX[i] as number;
    const T = t.pairT[i] as number;
    expectedPair[i] = kernel.expectedAlive(h.horizon, x, T);
    noPurchasePair[i] = kernel.noPurchaseAlive(h.horizon, x, T);
    let prev = 0;
    let acc = 0;
    for (let m = 1; m <= h.months; m++) {
      const cur = kernel.expectedAlive(m * h.monthLength, x, T);
      acc += Math.max(cur - prev, 0) / (1 + h.discountRate) ** m;
      prev = cur;
    }
    discountedPair[i] = acc;
  }
  const n = t.x.length;
  const out: TupleScores = {
    pAlive: new Float64Array(n),
    expected: new Float64Array(n),
    noPurchase: new Float64Array(n),
    discounted: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const pa = kernel.pAlive(t.x[k] as number, t.tx[k] as number, t.T[k] as number);
    const j = t.pair[k] as number;
    out.pAlive[k] = pa;
    out.expected[k] = pa * (expectedPair[j] as number);
    out.noPurchase[k] = 1 - pa + pa * (noPurchasePair[j] as number);
    out.discounted[k] = pa * (discountedPair[j] as number);
  }
  return out;
}

function validateScoreOptions(o: ScoreOptions): Horizons {
  const months = o.clvMonths ?? 12;
  const discountRate = o.discountRate ?? 0.01;
  const margin = o.margin ?? 1;
  if (!(o.horizonDays > 0) || !Number.isFinite(o.horizonDays)) {
    throw new NurtureError('invalid_input', 'the horizon must be a positive number of days');
  }
  if (!(Number.isInteger(months) && months >= 1 && months <= 1200)) {
    throw new NurtureError('invalid_input', 'the CLV horizon must be 1 to 1200 whole months');
  }
  if (!(discountRate >= 0 && discountRate < 10)) {
    throw new NurtureError('invalid_input', 'the monthly discount rate must be >= 0');
  }
  if (!(margin >= 0 && margin <= 1))
    throw new NurtureError('invalid_input', 'the margin must be between 0 and 1');
  return {
    horizon: o.horizonDays / UNIT_DAYS[o.unit],
    monthLength: periodsPerMonth(o.unit),
    months,
    discountRate,
  };
}

/**
 * Scores every customer. Without a spend fit, `expectedAverageValue` and `clv` are absent.
 * CLV follows lifetimes' customer_lifetime_value: for months m = 1 … M, the expected purchases
 * in month m (difference of cumulative conditional expectations, months of 30 days or 4.345
 * weeks) times the Gamma-Gamma expected average value, discounted by (1 + d)^m, times margin.
 */
export function scoreCustomers(
  input: ScoreInput,
  transaction: TransactionFit,
  spend: GammaGammaFit | null,
  options: ScoreOptions,
): CustomerScores {
  const h = validateScoreOptions(options);
  const margin = options.margin ?? 1;
  const tuples = buildTuples(input);
  const kernel = kernelOf(transaction.model, logParamsOf(transaction));
  const base = scoreTuples(kernel, tuples, h);
  const n = input.frequency.length;
  const out: CustomerScores = {
    pAlive: new Float64Array(n),
    churnProbability: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    probabilityOfPurchase: new Float64Array(n),
    nextPurchaseDays: new Float64Array(n),
    nextOrderNote: new Uint8Array(n),
  };
  const unitDays = UNIT_DAYS[options.unit];
  for (let i = 0; i < n; i++) {
    const k = tuples.rowToTuple[i] as number;
    const pa = base.pAlive[k] as number;
    out.pAlive[i] = pa;
    out.churnProbability[i] = 1 - pa;
    out.expectedPurchases[i] = base.expected[k] as number;
    out.probabilityOfPurchase[i] = clamp01(1 - (base.noPurchase[k] as number));
    const x = input.frequency[i] as number;
    const shape = kernel.rateShape(x);
    // Median of the gamma-mixed exponential wait: scale · (2^(1/shape) − 1).
    const days = kernel.rateScale(input.T[i] as number) * Math.expm1(Math.LN2 / shape) * unitDays;
    out.nextPurchaseDays[i] = days;
    out.nextOrderNote[i] = nextOrderNoteOf(pa, days);
  }
  let ev: Float64Array | undefined;
  if (spend !== null) {
    const m = input.monetaryValue;
    if (m === undefined) throw new NurtureError('invalid_input', 'scoring CLV needs monetary values');
    ev = new Float64Array(n);
    const clv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e = gammaGammaConditionalExpectedValue(
        spend.params,
        input.frequency[i] as number,
        m[i] as number,
      );
      ev[i] = e;
      clv[i] = margin * e * (base.discounted[tuples.rowToTuple[i] as number] as number);
    }
    out.expectedAverageValue = ev;
    out.clv = clv;
  }
  if (options.confidenceIntervals === true && transaction.logCovariance !== null) {
    out.confidenceIntervals = intervalsFor(
      input,
      transaction,
      spend,
      tuples,
      base,
      h,
      options.intervalLevel ?? 0.9,
      out,
    );
  }
  return out;
}

function clamp01(v: number): number {
  return Math.min(Math.max(v, 0), 1);
}

/**
 * Delta-method intervals. For each tuple the gradients of logit P(alive), log E[purchases] and
 * log(P(alive)·D) with respect to the log-parameters are taken by central differences; with
 * the covariance Σ of the log-parameters, sd = √(gᵀ Σ g), and the interval is the transformed
 * estimate ± z·sd. The spend model's contribution to log CLV is analytic and independent (the
 * two models are fitted separately).
 */
function intervalsFor(
  input: ScoreInput,
  transaction: TransactionFit,
  spend: GammaGammaFit | null,
  tuples: Tuples,
  base: TupleScores,
  h: Horizons,
  level: number,
  est: CustomerScores,
): NonNullable<CustomerScores['confidenceIntervals']> {
  const cov = transaction.logCovariance as number[][];
  const lp = logParamsOf(transaction);
  const k = lp.length;
  const nT = tuples.x.length;
  const gPa = Array.from({ length: k }, () => new Float64Array(nT));
  const gE = Array.from({ length: k }, () => new Float64Array(nT));
  const gD = Array.from({ length: k }, () => new Float64Array(nT));
  const step = 1e-4;
  for (let j = 0; j < k; j++) {
    const up = Float64Array.from(lp);
    const down = Float64Array.from(lp);
    up[j] = (up[j] as number) + step;
    down[j] = (down[j] as number) - step;
    const su = scoreTuples(kernelOf(transaction.model, up), tuples, h);
    const sd = scoreTuples(kernelOf(transaction.model, down), tuples, h);
    for (let t = 0; t < nT; t++) {
      (gPa[j] as Float64Array)[t] =
        (logit(su.pAlive[t] as number) - logit(sd.pAlive[t] as number)) / (2 * step);
      (gE[j] as Float64Array)[t] =
        (safeLog(su.expected[t] as number) - safeLog(sd.expected[t] as number)) / (2 * step);
      (gD[j] as Float64Array)[t] =
        (safeLog(su.discounted[t] as number) - safeLog(sd.discounted[t] as number)) / (2 * step);
    }
  }
  const quad = (g: Float64Array[], t: number): number => {
    let s = 0;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        s +=
          ((g[a] as Float64Array)[t] as number) *
          ((cov[a] as number[])[b] as number) *
          ((g[b] as Float64Array)[t] as number);
      }
    }
    return s > 0 ? Math.sqrt(s) : 0;
  };
  const z = normalQuantile(0.5 + level / 2);
  const sdPa = new Float64Array(nT);
  const sdE = new Float64Array(nT);
  const sdD = new Float64Array(nT);
  for (let t = 0; t < nT; t++) {
    sdPa[t] = finiteOrZero(quad(gPa, t));
    sdE[t] = finiteOrZero(quad(gE, t));
    sdD[t] = finiteOrZero(quad(gD, t));
  }
  const n = input.frequency.length;
  const pa = { low: new Float64Array(n), high: new Float64Array(n) };
  const ex = { low: new Float64Array(n), high: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const t = tuples.rowToTuple[i] as number;
    const p = base.pAlive[t] as number;
    if (p > 0 && p < 1) {
      const l = logit(p);
      pa.low[i] = logistic(l - z * (sdPa[t] as number));
      pa.high[i] = logistic(l + z * (sdPa[t] as number));
    } else {
      pa.low[i] = p;
      pa.high[i] = p;
    }
    const e = est.expectedPurchases[i] as number;
    ex.low[i] = e * Math.exp(-z * (sdE[t] as number));
    ex.high[i] = e * Math.exp(z * (sdE[t] as number));
  }
  const result: NonNullable<CustomerScores['confidenceIntervals']> = {
    level,
    pAlive: pa,
    expectedPurchases: ex,
  };
  if (spend !== null && est.clv !== undefined && input.monetaryValue !== undefined) {
    const clv = { low: new Float64Array(n), high: new Float64Array(n) };
    const sCov = spend.logCovariance;
    for (let i = 0; i < n; i++) {
      const t = tuples.rowToTuple[i] as number;
      const vSpend =
        sCov === null
          ? 0
          : spendLogVariance(
              spend.params,
              sCov,
              input.frequency[i] as number,
              input.monetaryValue[i] as number,
            );
      const sd = Math.sqrt((sdD[t] as number) ** 2 + vSpend);
      const c = est.clv[i] as number;
      clv.low[i] = c * Math.exp(-z * sd);
      clv.high[i] = c * Math.exp(z * sd);
    }
    result.clv = clv;
  }
  return result;
}

/** Variance of log E[M | x, m] from the Gamma-Gamma log-parameter covariance. */
function spendLogVariance(g: GammaGammaParams, cov: number[][], x: number, m: number): number {
  const mm = x > 0 && m > 0 ? m : 0;
  const den = gammaGammaMeanDefined(g, x) ? g.p * x + g.q - 1 : g.p * x + g.q;
  const grad = [1 - (g.p * x) / den, -g.q / den, g.v / (g.v + x * mm)];
  let s = 0;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++)
      s += (grad[a] as number) * ((cov[a] as number[])[b] as number) * (grad[b] as number);
  }
  return s > 0 && Number.isFinite(s) ? s : 0;
}

function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-300), 1 - 1e-16);
  return Math.log(q) - Math.log1p(-q);
}

function safeLog(v: number): number {
  return Math.log(Math.max(v, 1e-300));
}

function finiteOrZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

/** One customer's statistics. */
export interface CustomerStatistics {
  frequency: number;
  recency: number;
  T: number;
  monetaryValue?: number;
}

export interface CustomerPredictionOptions extends Omit<ScoreOptions, 'horizonDays' | 'confidenceIntervals'> {
  /** Horizons for expected purchases and purchase-count probabilities. Default 30, 90, 365 days. */
  horizonsDays?: readonly number[];
  /** Probabilities are given for 0 … maxPurchases purchases. Default 10. */
  maxPurchases?: number;
}

export interface HorizonPrediction {
  days: number;
  /** Conditional expected purchases in the next `days` days. */
  expectedPurchases: number;
  /** P(exactly n purchases in the next `days` days), n = 0 … maxPurchases. */
  probabilities: number[];
}

export interface CustomerPrediction {
  pAlive: number;
  churnProbability: number;
  /** See CustomerScores.nextPurchaseDays. */
  nextPurchaseDays: number;
  horizons: HorizonPrediction[];
  expectedAverageValue: number | null;
  clv: number | null;
}

/** Everything the models say about one customer. */
export function predictCustomer(
  transaction: TransactionFit,
  spend: GammaGammaFit | null,
  customer: CustomerStatistics,
  options: CustomerPredictionOptions,
): CustomerPrediction {
  const horizons = options.horizonsDays ?? [30, 90, 365];
  const maxN = options.maxPurchases ?? 10;
  const { frequency: x, recency: tx, T } = customer;
  const unitDays = UNIT_DAYS[options.unit];
  const scores = scoreCustomers(
    { frequency: [x], recency: [tx], T: [T], monetaryValue: [customer.monetaryValue ?? 0] },
    transaction,
    spend,
    { ...options, horizonDays: horizons[horizons.length - 1] ?? 365 },
  );
  const kernel = kernelOf(transaction.model, logParamsOf(transaction));
  const alive = kernel.pAlive(x, tx, T);
  // A customer who has left makes none; an alive one follows the model's count distribution.
  const pmf = (t: number): number[] => {
    const future = kernel.alivePmf(t, x, T, maxN + 1);
    return Array.from({ length: maxN + 1 }, (_, n) =>
      Math.min(Math.max(alive * (future[n] as number) + (n === 0 ? 1 - alive : 0), 0), 1),
    );
  };
  return {
    pAlive: scores.pAlive[0] as number,
    churnProbability: scores.churnProbability[0] as number,
    nextPurchaseDays: scores.nextPurchaseDays[0] as number,
    horizons: horizons.map((days) => {
      const t = days / unitDays;
      return {
        days,
        expectedPurchases: alive * kernel.expectedAlive(t, x, T),
        probabilities: pmf(t),
      };
    }),
    expectedAverageValue: scores.expectedAverageValue?.[0] ?? null,
    clv: scores.clv?.[0] ?? null,
  };
}
