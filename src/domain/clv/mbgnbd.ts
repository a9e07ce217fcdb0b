/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison of models
 * for customer base analysis"): BG/NBD in which a customer may also drop out right after the
 * first purchase, so that a one-time buyer long silent is no longer certainly alive. It is
 * lifetimes' ModifiedBetaGeoFitter and BTYDplus' MBG/CNBD-k with k = 1.
 *
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); at time 0 and
 * after each repeat purchase the customer drops out with probability p ~ Beta(a, b). Every
 * prediction is BG/NBD's with one more survived coin flip: an alive customer with x repeat
 * purchases has the posterior p ~ Beta(a, b + x + 1) instead of Beta(a, b + x), which is why
 * the BG/NBD kernels (`expectedNewCore`, `pmfCore`) are reused with b shifted.
 */
import type { BgNbdParams } from '../random/btyd-process.js';
import { BG_PARAM_NAMES, bgLikelihoodCore, fitBgFamily } from './bg-likelihood.js';
import { expectedNewCore, pmfCore } from './bgnbd.js';
import type { FitOptions, LikelihoodCore, ModelFit, RfmInput } from './fit.js';
import { logAddExp, logGamma, logistic } from './special.js';

/** MBG/NBD has the parameters of BG/NBD, with the same meaning. */
export type MbgNbdParams = BgNbdParams;

export const MBGNBD_PARAM_NAMES = BG_PARAM_NAMES;

/** A fitted MBG/NBD model. */
export type MbgNbdFit = ModelFit<MbgNbdParams, 'mbgnbd'>;

/**
 * Log-likelihood of one customer:
 * ln[Γ(r+x) α^r / Γ(r)] + ln[B(a, b+x+1)/B(a, b)]
 * + ln[(α+T)^−(r+x) + a/(b+x) (α+t_x)^−(r+x)].
 */
export function mbgnbdLogLikelihood(p: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x + 1) - logGamma(b) - logGamma(a + b + x + 1);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = Math.log(a) - Math.log(b + x) - (r + x) * Math.log(alpha + tx);
  return a1 + a2 + logAddExp(a3, a4);
}

/**
 * Fits MBG/NBD by maximum likelihood on the distinct (frequency, recency, T) tuples, with the
 * aggregated likelihood and analytic gradient that BG/NBD uses (see bg-likelihood.ts).
 */
export function fitMbgNbd(input: RfmInput, options: FitOptions<MbgNbdParams> = {}): MbgNbdFit {
  return fitBgFamily('mbgnbd', 1, input, options);
}

/** The likelihood core on customer statistics (exposed for benchmarks and gradient tests). */
export function mbgnbdLikelihoodCore(input: RfmInput): LikelihoodCore {
  return bgLikelihoodCore(input, 1);
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)), through the log-odds. Unlike
 * BG/NBD it is below 1 for one-time buyers (t_x = 0): they may have left at once.
 */
export function mbgnbdPAlive(p: MbgNbdParams, x: number, tx: number, T: number): number {
  const logOdds = Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * Math.log1p((T - tx) / (p.alpha + tx));
  return logistic(-logOdds);
}

/**
 * Expected repeat purchases in (0, t] of a customer who has just made a first purchase:
 * b/(a−1) [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))]. The customer survives the first coin
 * flip with probability b/(a+b), and then behaves as an alive BG/NBD customer with
 * p ~ Beta(a, b+1).
 */
export function mbgnbdExpectedNew(p: MbgNbdParams, t: number): number {
  return (p.b / (p.a + p.b)) * expectedNewCore(p.r, p.alpha, p.a, p.b + 1, t);
}

/** Expected purchases in (T, T + t] of a customer known to be alive at T. */
export function mbgnbdExpectedAlive(p: MbgNbdParams, t: number, x: number, T: number): number {
  return expectedNewCore(p.r + x, p.alpha + T, p.a, p.b + x + 1, t);
}

/**
 * Expected purchases in (T, T + t] given x, t_x, T (lifetimes'
 * conditional_expected_number_of_purchases_up_to_time): P(alive) times the expectation of an
 * alive customer with λ ~ Gamma(r + x, α + T), p ~ Beta(a, b + x + 1).
 */
export function mbgnbdConditionalExpected(
  p: MbgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = mbgnbdPAlive(p, x, tx, T);
  return alive === 0 ? 0 : alive * mbgnbdExpectedAlive(p, t, x, T);
}

/**
 * P(X(t) = n) for a new customer: a/(a+b) of them leave at once (n = 0); the others behave as
 * alive BG/NBD customers with p ~ Beta(a, b+1).
 */
export function mbgnbdProbabilityOfPurchases(p: MbgNbdParams, n: number, t: number): number {
  const gone = p.a / (p.a + p.b);
  const v = (n === 0 ? gone : 0) + (1 - gone) * pmfCore(p.r, p.alpha, p.a, p.b + 1, n, t);
  return Math.min(Math.max(v, 0), 1);
}

/** P(X(T, T + t) = n | x, t_x, T): none if gone, the alive customer's pmf otherwise. */
export function mbgnbdConditionalProbabilityOfPurchases(
  p: MbgNbdParams,
  n: number,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = mbgnbdPAlive(p, x, tx, T);
  const future = alive === 0 ? 0 : pmfCore(p.r + x, p.alpha + T, p.a, p.b + x + 1, n, t);
  const v = alive * future + (n === 0 ? 1 - alive : 0);
  return Math.min(Math.max(v, 0), 1);
}
