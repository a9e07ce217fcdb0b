/**
 * Fitting any of the models on per-customer statistics, possibly weighted (a weight counts
 * identical rows, as in an rf-matrix). BG/NBD, Pareto/NBD and Gamma-Gamma on unweighted rows
 * go through `fitClvModels`, so they keep its small-shop policy (minimums, shrinkage, warnings);
 * the other models and weighted rows get weighted minimums and the penalizer, but no prior:
 * the small-shop priors are calibrated for those three models on one row per customer.
 */
import { NurtureError } from '../../errors.js';
import { type BgBbFit, fitBgBb } from './bgbb.js';
import { type BgNbdFit, fitBgNbd } from './bgnbd.js';
import type { ModelName } from './fit.js';
import { fitGammaGamma, type GammaGammaFit, spendFrequencyCorrelation } from './gamma-gamma.js';
import { fitMbgNbd, type MbgNbdFit } from './mbgnbd.js';
import { type ClvModels, CORRELATION_WARNING, fitClvModels, type PriorMode } from './models.js';
import { fitNbd, type NbdFit } from './nbd.js';
import { fitParetoNbd, type ParetoNbdFit } from './pareto-nbd.js';
import {
  MINIMUM_CUSTOMERS,
  MINIMUM_REPEAT_CUSTOMERS,
  MINIMUM_SPEND_CUSTOMERS,
  SHRINKAGE_BELOW_CUSTOMERS,
} from './small-shop.js';

/** Any fitted model. */
export type AnyModelFit = BgNbdFit | MbgNbdFit | ParetoNbdFit | BgBbFit | NbdFit | GammaGammaFit;

/** Per-customer (or weighted per-row) statistics. */
export interface SummaryStatistics {
  frequency: ArrayLike<number>;
  /** Needed by every purchase model (gg alone does without). */
  recency?: ArrayLike<number>;
  /** Observation length of the continuous-time models (bgnbd, mbgnbd, pnbd, nbd). */
  T?: ArrayLike<number>;
  /** Transaction opportunities of the discrete-time model (bgbb). */
  periods?: ArrayLike<number>;
  /** Mean repeat order value (needed by gg and by `withSpend`). */
  monetaryValue?: ArrayLike<number>;
  /** Customers per row; every row counts once when absent. */
  weight?: ArrayLike<number>;
}

export interface SummaryFitOptions {
  model: ModelName;
  /** Also fit Gamma-Gamma next to a purchase model. */
  withSpend: boolean;
  penalizer?: number;
  prior?: PriorMode;
  /** How the caller's user moves the cut-off later, for the too-few-customers advice. */
  laterCutOff?: string;
}

/** The fits: `fit` is the requested model's; ClvModels' fields as `fitClvModels` fills them. */
export interface SummaryModels extends Omit<ClvModels, 'transaction'> {
  fit: AnyModelFit;
  /** BG/NBD or Pareto/NBD when fitted through the small-shop policy (they can score customers). */
  transaction: ClvModels['transaction'];
}

const CLASSICAL = new Set<ModelName>(['bgnbd', 'pnbd', 'gg']);

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new NurtureError('invalid_input', what);
  return value;
}

/** Weighted counts of customers, repeat customers and repeat buyers with a positive spend. */
function counts(stats: SummaryStatistics): { customers: number; repeat: number; spenders: number } {
  let customers = 0;
  let repeat = 0;
  let spenders = 0;
  for (let i = 0; i < stats.frequency.length; i++) {
    const w = stats.weight ? (stats.weight[i] as number) : 1;
    customers += w;
    if ((stats.frequency[i] as number) > 0) {
      repeat += w;
      if (((stats.monetaryValue?.[i] as number | undefined) ?? 0) > 0) spenders += w;
    }
  }
  return { customers, repeat, spenders };
}

function warnAbout(fit: AnyModelFit, warnings: string[]): void {
  if (!fit.converged) warnings.push(`${fit.model}: the optimiser stopped before full convergence`);
  if (fit.logCovariance === null) {
    warnings.push(
      `${fit.model}: the likelihood is flat in some direction, standard errors and intervals are unavailable`,
    );
  }
}

/**
 * Fits the requested model (and Gamma-Gamma with `withSpend`) on summary statistics.
 * @throws NurtureError invalid_input when a needed statistic is missing or a prior is asked for
 *   a model that has none; not_enough_data below the documented minimums
 */
export function fitSummaryModel(stats: SummaryStatistics, options: SummaryFitOptions): SummaryModels {
  const penalizer = options.penalizer ?? 0;
  const { model } = options;
  if (model !== 'gg') need(stats.recency, `${model} needs the recency of every customer`);
  if (model === 'bgbb') need(stats.periods, 'bgbb needs the number of transaction opportunities (periods)');
  else if (model !== 'gg') need(stats.T, `${model} needs the observation length T of every customer`);
  if ((model === 'gg' || options.withSpend) && model !== 'bgbb')
    need(stats.monetaryValue, 'the spend model needs a monetary value per customer');
  if (model === 'bgbb' && options.withSpend)
    throw new NurtureError('invalid_input', 'bgbb is a purchase model only: fit gg separately for spend');

  if (CLASSICAL.has(model) && stats.weight === undefined) {
    const zero = new Float64Array(stats.frequency.length);
    const m = fitClvModels(
      {
        frequency: stats.frequency,
        recency: stats.recency ?? zero,
        T: stats.T ?? zero,
        monetaryValue: stats.monetaryValue ?? zero,
      },
      {
        model: model as 'bgnbd' | 'pnbd' | 'gg',
        withSpend: options.withSpend,
        penalizer,
        prior: options.prior ?? 'auto',
        ...(options.laterCutOff ? { laterCutOff: options.laterCutOff } : {}),
      },
    );
    return { ...m, fit: m.transaction ?? (m.spend as GammaGammaFit) };
  }

  const c = counts(stats);
  if (options.prior === 'on') {
    throw new NurtureError(
      'invalid_input',
      `the small-shop prior exists for bgnbd, pnbd and gg on one row per customer, not for ${model}${stats.weight ? ' on weighted rows' : ''}`,
    );
  }
  if (c.customers < MINIMUM_CUSTOMERS || (model !== 'gg' && c.repeat < MINIMUM_REPEAT_CUSTOMERS)) {
    throw new NurtureError(
      'not_enough_data',
      `${model} needs at least ${MINIMUM_CUSTOMERS} customers and ${MINIMUM_REPEAT_CUSTOMERS} who bought again; ` +
        `found ${c.customers} and ${c.repeat}`,
    );
  }
  const warnings: string[] = [];
  const weight = stats.weight ? { weight: stats.weight } : {};
  const rfm = { frequency: stats.frequency, recency: stats.recency ?? [], T: stats.T ?? [], ...weight };
  const opts = { penalizer };
  let fit: AnyModelFit | null = null;
  if (model === 'bgnbd') fit = fitBgNbd(rfm, opts);
  else if (model === 'mbgnbd') fit = fitMbgNbd(rfm, opts);
  else if (model === 'pnbd') fit = fitParetoNbd(rfm, opts);
  else if (model === 'nbd') fit = fitNbd(rfm, opts);
  else if (model === 'bgbb') {
    fit = fitBgBb(
      {
        frequency: stats.frequency,
        recency: stats.recency as ArrayLike<number>,
        periods: stats.periods as ArrayLike<number>,
        ...weight,
      },
      opts,
    );
  }
  let spend: GammaGammaFit | null = null;
  let correlation: number | null = null;
  if (model === 'gg' || options.withSpend) {
    if (c.spenders < MINIMUM_SPEND_CUSTOMERS) {
      throw new NurtureError(
        'not_enough_data',
        `the spend model needs at least ${MINIMUM_SPEND_CUSTOMERS} repeat buyers with a positive order value; found ${c.spenders}.`,
      );
    }
    spend = fitGammaGamma(
      { frequency: stats.frequency, monetaryValue: stats.monetaryValue as ArrayLike<number>, ...weight },
      opts,
    );
    warnAbout(spend, warnings);
    // Over customers, so only on one row per customer (a weighted correlation is not what is reported elsewhere).
    if (stats.weight === undefined) {
      correlation = spendFrequencyCorrelation(stats.frequency, stats.monetaryValue as ArrayLike<number>);
      if (Math.abs(correlation) >= CORRELATION_WARNING) {
        warnings.push(
          `frequency and spend are correlated (r = ${correlation.toFixed(2)}); Gamma-Gamma assumes they are not, so CLV may be biased`,
        );
      }
    }
  }
  if (fit !== null) warnAbout(fit, warnings);
  if (c.customers < SHRINKAGE_BELOW_CUSTOMERS && penalizer === 0) {
    warnings.push(
      `${c.customers} customers and no small-shop prior for ${model}${stats.weight ? ' on weighted rows' : ''}: estimates may be noisy`,
    );
  }
  return {
    fit: fit ?? (spend as GammaGammaFit),
    transaction: null,
    spend,
    spendFrequencyCorrelation: correlation,
    shrinkage: false,
    warnings,
  };
}
