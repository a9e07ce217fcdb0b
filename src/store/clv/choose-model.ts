/**
 * Which purchase model `nurture predict` scores with, and whether the small-shop prior is on —
 * decided on the shop's own history (src/domain/clv/selection.ts) when it allows a
 * calibration/holdout split, and said in the result: which model, why, and how weak the
 * predictions are.
 */
import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import {
  CANDIDATE_MODELS,
  type CandidateScore,
  compareOnHoldout,
  formatEpochDay,
  holdoutPlan,
  type PriorMode,
  type RfmSummary,
  SHRINKAGE_BELOW_CUSTOMERS,
  type TimeUnit,
  type TransactionModelName,
  UNIT_DAYS,
} from '../../domain/clv/index.js';
import { NurtureError } from '../../errors.js';
import type { SqlEngine } from '../engine.js';
import { calibrationHoldoutFromStore } from './store-summary.js';

/** The model `predict` is asked for: chosen on the holdout, or forced. */
export type ModelRequest = 'auto' | TransactionModelName;

/** Why no holdout comparison was made. */
export type NoHoldoutReason = 'short_history' | 'small_calibration' | 'nothing_to_choose';

/** How the model and the prior were chosen, for the output and `prediction_runs`. */
export interface ModelChoice {
  model: TransactionModelName;
  prior: boolean;
  /** The model: best on the holdout, forced by `--model`, or the default for want of a holdout. */
  modelBy: 'holdout' | 'forced' | 'default';
  /**
   * The prior: best on the holdout, forced by `--prior on|off`, off because a penalizer was given
   * or the shop has SHRINKAGE_BELOW_CUSTOMERS customers or more, or the default without a holdout.
   */
  priorBy: 'holdout' | 'forced' | 'penalizer' | 'shop_size' | 'default';
  holdout: {
    /** Holdout log score: mean log-probability of each customer's actual holdout orders. */
    metric: 'holdout_log_score';
    calibrationEnd: string;
    holdoutDays: number;
    /** Calibration customers judged (at most 20,000, evenly spread). */
    customers: number;
    candidates: CandidateScore[];
  } | null;
  noHoldout: NoHoldoutReason | null;
}

/** The default when the history allows no comparison: the published model. */
export const DEFAULT_MODEL: TransactionModelName = 'bgnbd';

export interface ChoiceRequest {
  shopId: string;
  model: ModelRequest;
  prior: PriorMode;
  penalizer: number;
  unit: TimeUnit;
  timeZone: string;
  until: number;
  validOrders?: ValidOrderRule;
}

/** The prior settings the holdout may choose between. */
function priorOptions(
  r: ChoiceRequest,
  customers: number,
): { priors: boolean[]; by: ModelChoice['priorBy'] } {
  if (r.prior !== 'auto') return { priors: [r.prior === 'on'], by: 'forced' };
  if (r.penalizer > 0) return { priors: [false], by: 'penalizer' };
  // Above this size the prior's pull is negligible: not worth a second round of fits.
  if (customers >= SHRINKAGE_BELOW_CUSTOMERS) return { priors: [false], by: 'shop_size' };
  return { priors: [false, true], by: 'holdout' };
}

/**
 * Without a holdout a shop below 1,000 customers gets the prior: on random subsets of 50–500 CDNOW
 * customers it improved BG/NBD's holdout log score in 75–85 % of them (docs/clv.md, "Small shops").
 */
const DEFAULT_PRIOR = true;

/**
 * Chooses the model and the prior. The holdout is the last third of the shop's history (at most
 * a year, at least four weeks); its customers are those who bought before it.
 */
export async function chooseModel(
  engine: SqlEngine,
  summary: RfmSummary,
  r: ChoiceRequest,
): Promise<ModelChoice> {
  const forced = r.model === 'auto' ? null : r.model;
  const models = forced === null ? CANDIDATE_MODELS : [forced];
  const options = priorOptions(r, summary.frequency.length);
  const fallback = (noHoldout: NoHoldoutReason): ModelChoice => ({
    model: forced ?? DEFAULT_MODEL,
    prior: options.by === 'holdout' ? DEFAULT_PRIOR : (options.priors[0] as boolean),
    modelBy: forced === null ? 'default' : 'forced',
    priorBy: options.by === 'holdout' ? 'default' : options.by,
    holdout: null,
    noHoldout,
  });
  if (models.length * options.priors.length === 1) return fallback('nothing_to_choose');
  let maxT = 0;
  for (const T of summary.T) maxT = Math.max(maxT, T);
  const plan = holdoutPlan(Math.round(maxT * UNIT_DAYS[r.unit]) + 1);
  if (plan === null) return fallback('short_history');
  const calibrationEnd = r.until - plan.holdoutDays;
  const split = await calibrationHoldoutFromStore(engine, r.shopId, {
    timeZone: r.timeZone,
    unit: r.unit,
    period: 'day',
    calibrationEnd,
    observationEnd: r.until,
    ...(r.validOrders ? { validOrders: r.validOrders } : {}),
  });
  let comparison: ReturnType<typeof compareOnHoldout>;
  try {
    comparison = compareOnHoldout(split, { models, priors: options.priors, penalizer: r.penalizer });
  } catch (error) {
    if (error instanceof NurtureError && error.code === 'not_enough_data')
      return fallback('small_calibration');
    throw error;
  }
  return {
    model: comparison.model,
    prior: comparison.prior,
    modelBy: forced === null ? 'holdout' : 'forced',
    priorBy: options.by,
    holdout: {
      metric: 'holdout_log_score',
      calibrationEnd: formatEpochDay(calibrationEnd),
      holdoutDays: plan.holdoutDays,
      customers: comparison.customers,
      candidates: comparison.candidates,
    },
    noHoldout: null,
  };
}

/** Something a seller should know about how far to trust the predictions. */
export type PredictionNote =
  | { code: 'few_repeat_buyers'; repeatBuyers: number; customers: number }
  | { code: 'one_time_churn_unidentified'; model: 'bgnbd' | 'nbd'; oneTimeBuyers: number }
  | { code: 'no_model_comparison'; reason: 'short_history' | 'small_calibration' };

/** Below this many repeat buyers the purchase rates rest on few people: say so. */
export const FEW_REPEAT_BUYERS = 50;

/** The notes of a run. */
export function notesOf(summary: RfmSummary, choice: ModelChoice): PredictionNote[] {
  const notes: PredictionNote[] = [];
  let repeat = 0;
  for (const x of summary.frequency) if (x > 0) repeat++;
  const customers = summary.frequency.length;
  if (repeat < FEW_REPEAT_BUYERS) notes.push({ code: 'few_repeat_buyers', repeatBuyers: repeat, customers });
  // Under BG/NBD a one-time buyer is alive by construction, under NBD everyone is: their churn
  // probability says nothing.
  if ((choice.model === 'bgnbd' || choice.model === 'nbd') && repeat < customers) {
    notes.push({
      code: 'one_time_churn_unidentified',
      model: choice.model,
      oneTimeBuyers: customers - repeat,
    });
  }
  if (choice.noHoldout === 'short_history' || choice.noHoldout === 'small_calibration') {
    notes.push({ code: 'no_model_comparison', reason: choice.noHoldout });
  }
  return notes;
}
