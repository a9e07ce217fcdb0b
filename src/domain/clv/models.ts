/**
 * The CLV fitting policy in one place: which models to fit, the small-shop minimums, when to
 * shrink, and the warnings a seller should see next to the numbers.
 */
import { assertNever } from '../../errors.js';
import { fitBgNbd } from './bgnbd.js';
import type { LogNormalPrior } from './fit.js';
import { fitGammaGamma, type GammaGammaFit, spendFrequencyCorrelation } from './gamma-gamma.js';
import type { TransactionFit, TransactionModelName } from './kernels.js';
import { fitMbgNbd } from './mbgnbd.js';
import { fitNbd } from './nbd.js';
import { fitParetoNbd } from './pareto-nbd.js';
import {
  assertEnoughForSpendModel,
  assertEnoughForTransactionModel,
  bgnbdPrior,
  gammaGammaPrior,
  nbdPrior,
  paretoNbdPrior,
  shrinkageApplies,
} from './small-shop.js';

export type PriorMode = 'auto' | 'on' | 'off';

export interface ClvFitOptions {
  /** A purchase model (plus spend when `withSpend`); gg fits spend only. */
  model: TransactionModelName | 'gg';
  /** Also fit Gamma-Gamma (needs monetary values). Implied by model gg. */
  withSpend: boolean;
  /** lifetimes-style L2 penalizer (see fit.ts). Default 0. */
  penalizer?: number;
  /**
   * Empirical-Bayes shrinkage: 'auto' (default) applies it below SHRINKAGE_BELOW_CUSTOMERS
   * customers unless a penalizer was given; 'on' and 'off' force it.
   */
  prior?: PriorMode;
  /** How the caller's user moves the cut-off later, for the too-few-customers advice ('a later --until'). */
  laterCutOff?: string;
}

/** Customer statistics the models are fitted on. */
export interface ClvStatistics {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  monetaryValue: ArrayLike<number>;
}

export interface ClvModels {
  transaction: TransactionFit | null;
  spend: GammaGammaFit | null;
  /** Pearson correlation of frequency and mean spend among repeat buyers (spend fits only). */
  spendFrequencyCorrelation: number | null;
  /** Whether the empirical-Bayes prior was applied. */
  shrinkage: boolean;
  warnings: string[];
}

/** Above this |correlation| the Gamma-Gamma independence assumption is questionable. */
export const CORRELATION_WARNING = 0.3;

/**
 * Fits the requested models on customer statistics.
 * @throws NurtureError not_enough_data below the documented minimums
 */
export function fitClvModels(stats: ClvStatistics, options: ClvFitOptions): ClvModels {
  const penalizer = options.penalizer ?? 0;
  const mode: PriorMode = options.prior ?? 'auto';
  const customers = stats.frequency.length;
  const shrink = shrinkageApplies(mode === 'auto' && penalizer > 0 ? 'off' : mode, customers);
  const warnings: string[] = [];
  let transaction: TransactionFit | null = null;
  if (options.model !== 'gg') {
    assertEnoughForTransactionModel(stats.frequency, stats.T, options.laterCutOff);
    transaction = fitTransactionModel(options.model, stats, penalizer, shrink);
    warnAbout(transaction, warnings);
  }
  let spend: GammaGammaFit | null = null;
  let correlation: number | null = null;
  if (options.model === 'gg' || options.withSpend) {
    assertEnoughForSpendModel(stats.frequency, stats.monetaryValue);
    spend = fitGammaGamma(stats, {
      penalizer,
      prior: shrink ? gammaGammaPrior(stats.frequency, stats.monetaryValue) : null,
    });
    warnAbout(spend, warnings);
    correlation = spendFrequencyCorrelation(stats.frequency, stats.monetaryValue);
    if (Math.abs(correlation) >= CORRELATION_WARNING) {
      warnings.push(
        `frequency and spend are correlated (r = ${correlation.toFixed(2)}); Gamma-Gamma assumes they are not, so CLV may be biased`,
      );
    }
    if (spend.params.q <= 1) {
      warnings.push(
        'spend is very heavy-tailed (q <= 1): expected order values of new buyers use the plug-in estimate',
      );
    }
  }
  return { transaction, spend, spendFrequencyCorrelation: correlation, shrinkage: shrink, warnings };
}

/** One purchase model, with its small-shop prior when `shrink` (no minimums checked here). */
export function fitTransactionModel(
  model: TransactionModelName,
  stats: ClvStatistics,
  penalizer: number,
  shrink: boolean,
): TransactionFit {
  const prior = (make: (f: ArrayLike<number>, T: ArrayLike<number>) => LogNormalPrior) =>
    shrink ? make(stats.frequency, stats.T) : null;
  switch (model) {
    case 'bgnbd':
      return fitBgNbd(stats, { penalizer, prior: prior(bgnbdPrior) });
    case 'mbgnbd':
      // Same parameters with the same meaning as BG/NBD, so the same prior.
      return fitMbgNbd(stats, { penalizer, prior: prior(bgnbdPrior) });
    case 'pnbd':
      return fitParetoNbd(stats, { penalizer, prior: prior(paretoNbdPrior) });
    case 'nbd':
      return fitNbd(stats, { penalizer, prior: prior(nbdPrior) });
    default:
      return assertNever(model);
  }
}

function warnAbout(
  fit: { model: string; converged: boolean; logCovariance: number[][] | null },
  warnings: string[],
): void {
  if (!fit.converged) warnings.push(`${fit.model}: the optimiser stopped before full convergence`);
  if (fit.logCovariance === null) {
    warnings.push(
      `${fit.model}: the likelihood is flat in some direction, standard errors and intervals are unavailable`,
    );
  }
}
