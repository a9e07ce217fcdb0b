/**
 * The CLV fitting policy in one place: which models to fit, the small-shop minimums, when to
 * shrink, and the warnings a seller should see next to the numbers.
 */
import { fitBgNbd } from './bgnbd.js';
import { fitGammaGamma, type GammaGammaFit, spendFrequencyCorrelation } from './gamma-gamma.js';
import { fitParetoNbd } from './pareto-nbd.js';
import type { TransactionFit } from './predict.js';
import {
  assertEnoughForSpendModel,
  assertEnoughForTransactionModel,
  bgnbdPrior,
  gammaGammaPrior,
  paretoNbdPrior,
  shrinkageApplies,
} from './small-shop.js';

export type PriorMode = 'auto' | 'on' | 'off';

export interface ClvFitOptions {
  /** bgnbd or pnbd fit a purchase model (plus spend when `withSpend`); gg fits spend only. */
  model: 'bgnbd' | 'pnbd' | 'gg';
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
    transaction =
      options.model === 'bgnbd'
        ? fitBgNbd(stats, { penalizer, prior: shrink ? bgnbdPrior(stats.frequency, stats.T) : null })
        : fitParetoNbd(stats, { penalizer, prior: shrink ? paretoNbdPrior(stats.frequency, stats.T) : null });
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
