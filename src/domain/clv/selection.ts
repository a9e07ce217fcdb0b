/**
 * Choosing the purchase model honestly: each candidate (BG/NBD, MBG/NBD, Pareto/NBD, and NBD as
 * the no-drop-out baseline), with and without the small-shop prior, is fitted on the first part of
 * the shop's own history and judged on what the customers then did in the last part.
 *
 * The metric is the mean holdout log score: the log of the probability each model gave, at the
 * end of calibration, to the number of orders each customer actually placed in the holdout,
 * averaged over customers. It is a proper scoring rule — it cannot be improved by predicting
 * anything but one's true beliefs — and it judges the whole distribution that the predictive
 * intervals are read from, customer by customer. The holdout total alone can be right for wrong
 * reasons (errors of opposite sign cancel), and the mean absolute error rewards predicting the
 * median (nobody buys) over the truth; both are reported beside it.
 *
 * The small-shop prior is the other way round: it is kept unless the holdout shows, beyond its
 * noise, that the model does better without it. On random subsets of 50–500 CDNOW customers it
 * improved the holdout log score of BG/NBD and MBG/NBD in 73–93 % of them (docs/clv.md), and a
 * short holdout of a small shop is noisy: taking whichever scored higher dropped it too often.
 */
import { NurtureError } from '../../errors.js';
import { kernelOf, logParamsOf, type TransactionFit, type TransactionModelName } from './kernels.js';
import { type ClvStatistics, fitTransactionModel } from './models.js';
import { assertEnoughForTransactionModel } from './small-shop.js';
import type { CalibrationHoldout } from './summary.js';
import { compressColumns } from './tuples.js';

/** The candidates, in the order ties are broken (the published default first). */
export const CANDIDATE_MODELS: readonly TransactionModelName[] = ['bgnbd', 'mbgnbd', 'pnbd', 'nbd'];

/** The shortest holdout worth judging on, and the longest one used. */
export const MIN_HOLDOUT_DAYS = 28;
export const MAX_HOLDOUT_DAYS = 365;
/** Model choice looks at no more than this many calibration customers (an even spread of them). */
export const SELECTION_SAMPLE = 20_000;

/** How one candidate did on the holdout. */
export type CandidateScore =
  | {
      kind: 'scored';
      model: TransactionModelName;
      prior: boolean;
      /** Mean log-probability of the customers' actual holdout counts (higher is better). */
      logScore: number;
      expectedTotal: number;
      actualTotal: number;
      /** Mean |expected − actual| holdout orders per customer. */
      meanAbsoluteError: number;
      converged: boolean;
    }
  | { kind: 'failed'; model: TransactionModelName; prior: boolean; reason: string };

/** The outcome of the holdout comparison. */
export interface HoldoutComparison {
  model: TransactionModelName;
  prior: boolean;
  /** Calibration customers judged (a spread sample of at most SELECTION_SAMPLE). */
  customers: number;
  candidates: CandidateScore[];
}

/**
 * The calibration/holdout split a history of `spanDays` (first purchase day to the as-of day,
 * inclusive) allows: the last third, at least MIN_HOLDOUT_DAYS and at most a year; null when
 * the history is shorter than three such holdouts.
 */
export function holdoutPlan(spanDays: number): { holdoutDays: number } | null {
  const holdoutDays = Math.min(MAX_HOLDOUT_DAYS, Math.floor(spanDays / 3));
  return holdoutDays >= MIN_HOLDOUT_DAYS ? { holdoutDays } : null;
}

/** A model's holdout score; `logProbabilities` holds each customer's term. */
export interface HoldoutScore {
  logScore: number;
  expectedTotal: number;
  actualTotal: number;
  meanAbsoluteError: number;
  logProbabilities: Float64Array;
}

/**
 * Scores one fitted model on a holdout: per customer the probability of the actual count under
 * P(X(T, T + h) = n | x, t_x, T) at the fitted parameters.
 */
export function holdoutScore(
  fit: TransactionFit,
  calibration: ClvStatistics,
  actual: ArrayLike<number>,
  horizon: number,
): HoldoutScore {
  const kernel = kernelOf(fit.model, logParamsOf(fit));
  const n = calibration.frequency.length;
  const pairs = compressColumns([calibration.frequency, calibration.T]);
  const need = new Int32Array(pairs.count);
  for (let i = 0; i < n; i++) {
    const j = pairs.rowToTuple[i] as number;
    need[j] = Math.max(need[j] as number, (actual[i] as number) + 1);
  }
  const pmfs: Float64Array[] = [];
  const means = new Float64Array(pairs.count);
  for (let j = 0; j < pairs.count; j++) {
    const x = (pairs.columns[0] as Float64Array)[j] as number;
    const T = (pairs.columns[1] as Float64Array)[j] as number;
    pmfs.push(kernel.alivePmf(horizon, x, T, need[j] as number));
    means[j] = kernel.expectedAlive(horizon, x, T);
  }
  let log = 0;
  const logProbabilities = new Float64Array(n);
  let expectedTotal = 0;
  let actualTotal = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const j = pairs.rowToTuple[i] as number;
    const pa = kernel.pAlive(
      calibration.frequency[i] as number,
      calibration.recency[i] as number,
      calibration.T[i] as number,
    );
    const a = actual[i] as number;
    const p = pa * ((pmfs[j] as Float64Array)[a] ?? 0) + (a === 0 ? 1 - pa : 0);
    // A count the model calls impossible costs a large, finite penalty rather than −∞.
    const lp = Math.log(Math.max(p, 1e-300));
    logProbabilities[i] = lp;
    log += lp;
    const e = pa * (means[j] as number);
    expectedTotal += e;
    actualTotal += a;
    abs += Math.abs(e - a);
  }
  return {
    logScore: n > 0 ? log / n : 0,
    expectedTotal,
    actualTotal,
    meanAbsoluteError: n > 0 ? abs / n : 0,
    logProbabilities,
  };
}

/**
 * Whether the model does better without the prior beyond the holdout's noise: the paired
 * per-customer difference of log-probabilities (without − with) averages more than two standard
 * errors above zero.
 */
export function priorHurts(without: Float64Array, withPrior: Float64Array): boolean {
  const n = without.length;
  if (n < 2) return false;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (without[i] as number) - (withPrior[i] as number);
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((without[i] as number) - (withPrior[i] as number) - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  return mean > 2 * se;
}

/** Every `step`-th customer of a split, so that model choice costs the same on any shop. */
function sample(split: CalibrationHoldout, limit: number): { cal: ClvStatistics; actual: Float64Array } {
  const c = split.calibration;
  const n = c.frequency.length;
  const step = Math.max(1, Math.ceil(n / limit));
  const idx = Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step);
  const pick = (v: ArrayLike<number>): Float64Array => Float64Array.from(idx, (i) => v[i] as number);
  return {
    cal: {
      frequency: pick(c.frequency),
      recency: pick(c.recency),
      T: pick(c.T),
      monetaryValue: pick(c.monetaryValue),
    },
    actual: pick(split.holdout.frequency),
  };
}

/**
 * Fits each candidate on the calibration part (with each prior setting in `priors`) and picks
 * the model with the best mean holdout log score — each model with the prior when both settings
 * are given and `priorHurts` does not say otherwise; ties go to the earlier candidate.
 * @throws NurtureError not_enough_data when the calibration part is below the minimums or no
 *   candidate could be fitted
 */
export function compareOnHoldout(
  split: CalibrationHoldout,
  options: { models?: readonly TransactionModelName[]; priors: readonly boolean[]; penalizer: number },
): HoldoutComparison {
  const { cal, actual } = sample(split, SELECTION_SAMPLE);
  assertEnoughForTransactionModel(cal.frequency, cal.T);
  const candidates: CandidateScore[] = [];
  let best: { model: TransactionModelName; prior: boolean; logScore: number } | null = null;
  for (const model of options.models ?? CANDIDATE_MODELS) {
    const scored = new Map<boolean, HoldoutScore>();
    for (const prior of options.priors) {
      try {
        const fit = fitTransactionModel(model, cal, options.penalizer, prior);
        const s = holdoutScore(fit, cal, actual, split.holdout.duration);
        const { logProbabilities: _, ...summary } = s;
        candidates.push({ kind: 'scored', model, prior, ...summary, converged: fit.converged });
        if (Number.isFinite(s.logScore)) scored.set(prior, s);
      } catch (error) {
        if (!(error instanceof NurtureError)) throw error;
        candidates.push({ kind: 'failed', model, prior, reason: error.message });
      }
    }
    const off = scored.get(false);
    const on = scored.get(true);
    const prior =
      on === undefined
        ? false
        : off === undefined
          ? true
          : !priorHurts(off.logProbabilities, on.logProbabilities);
    const pick = scored.get(prior);
    if (pick !== undefined && (best === null || pick.logScore > best.logScore)) {
      best = { model, prior, logScore: pick.logScore };
    }
  }
  if (best === null) {
    throw new NurtureError('not_enough_data', 'no purchase model could be fitted on the calibration period');
  }
  return { model: best.model, prior: best.prior, customers: cal.frequency.length, candidates };
}
