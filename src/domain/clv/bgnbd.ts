/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a
 * customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase the
 * customer drops out with probability p ~ Beta(a, b).
 *
 * Likelihood: FHL 2005 eq. (6). Predictions: eqs. (9) and (10) and the P(alive) expression of
 * the same paper, rewritten so that they stay finite and accurate for every parameter value
 * (see `expectedNewCore`), and the pmf of eq. (8).
 */
import type { BgNbdParams } from '../random/btyd-process.js';
import { BG_PARAM_NAMES, bgLikelihoodCore, fitBgFamily } from './bg-likelihood.js';
import type { FitOptions, LikelihoodCore, ModelFit, RfmInput } from './fit.js';
import {
  logAddExp,
  logBeta,
  logGamma,
  logistic,
  logNegBinomialPmf,
  oneMinusExpOver,
  regularizedIncompleteBeta,
} from './special.js';

export type { BgNbdParams };

export const BGNBD_PARAM_NAMES = BG_PARAM_NAMES;

/** Log-likelihood of one customer (FHL 2005 eq. 6, in log form). */
export function bgnbdLogLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
  const a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 =
    x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logAddExp(a3, a4);
}

/**
 * Fits BG/NBD by maximum likelihood on the distinct (frequency, recency, T) tuples.
 * The mean negative log-likelihood (plus regularisation) is minimised over log-parameters.
 */
export function fitBgNbd(input: RfmInput, options: FitOptions<BgNbdParams> = {}): BgNbdFit {
  return fitBgFamily('bgnbd', 0, input, options);
}

/** The likelihood core on customer statistics (exposed for benchmarks and gradient tests). */
export function bgnbdLikelihoodCore(input: RfmInput): LikelihoodCore {
  return bgLikelihoodCore(input, 0);
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)), computed through
 * the log-odds so that a thousand purchases long ago give 0, not NaN.
 */
export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * Math.log1p((T - tx) / (p.alpha + tx));
  return logistic(-logOdds);
}

/** Largest number of series terms before the geometric tail estimate takes over. */
const MAX_TERMS = 100_000;

/**
 * E[X(t)] for a customer that is alive at time 0 with λ ~ Gamma(r, α) and p ~ Beta(a, b).
 *
 * FHL eq. (9) is (a+b−1)/(a−1) [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))]. Taken literally it
 * divides by zero at a = 1, loses everything to cancellation near it, and needs 2F1 with a
 * non-positive c when a + b < 1. Applying Euler's transformation to the 2F1 and splitting off
 * its first term gives the identity used here, with z = t/(α+t), L = ln(1 − z),
 * A = a + b − 1 − r and C = a + b − 1:
 *
 *   E = C (1 − e^((a−1)L))/(a−1) − e^((a−1)L) Σ_{k≥1} (A)_k (a)_(k−1) / ((C+1)_(k−1) k!) z^k
 *
 * The first factor is evaluated by `oneMinusExpOver` (continuous at a = 1), C + 1 = a + b > 0
 * so no Pochhammer vanishes, and the product C·1/(C)_k of the original never appears.
 */
export function expectedNewCore(r: number, alpha: number, a: number, b: number, t: number): number {
  if (!(t > 0)) return 0;
  const z = t / (alpha + t);
  const L = -Math.log1p(t / alpha);
  const A = a + b - 1 - r;
  const C = a + b - 1;
  let term = A * z;
  let sum = term;
  for (let k = 1; k < MAX_TERMS; k++) {
    const ratio = (((A + k) * (a + k - 1)) / ((C + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) || term === 0) break;
    if (k === MAX_TERMS - 1 && ratio < 1) sum += (term * ratio) / (1 - ratio);
  }
  const e = C * oneMinusExpOver(a - 1, L) - Math.exp((a - 1) * L) * sum;
  // Never fewer than none, never more than a customer who cannot drop out would make.
  const upper = (r * t) / alpha;
  return Number.isFinite(e) ? Math.min(Math.max(e, 0), upper) : upper;
}

/** Expected repeat purchases in (0, t] of a customer who has just made a first purchase (eq. 9). */
export function bgnbdExpectedNew(p: BgNbdParams, t: number): number {
  return expectedNewCore(p.r, p.alpha, p.a, p.b, t);
}

/**
 * Expected purchases in (T, T + t] given x, t_x, T (eq. 10): P(alive) times the expectation of
 * a customer alive at T with the posterior λ ~ Gamma(r + x, α + T), p ~ Beta(a, b + x).
 */
export function bgnbdConditionalExpected(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = bgnbdPAlive(p, x, tx, T);
  if (alive === 0) return 0;
  return alive * expectedNewCore(p.r + x, p.alpha + T, p.a, p.b + x, t);
}

/** P(X(t) = n) for a new customer (eq. 8), with the NBD tail as a regularised incomplete beta. */
export function pmfCore(r: number, alpha: number, a: number, b: number, n: number, t: number): number {
  if (!(t > 0)) return n === 0 ? 1 : 0;
  const q = t / (alpha + t);
  const lbAB = logBeta(a, b);
  let p = Math.exp(logBeta(a, b + n) - lbAB + logNegBinomialPmf(n, r, q));
  if (n > 0) p += Math.exp(logBeta(a + 1, b + n - 1) - lbAB) * regularizedIncompleteBeta(q, n, r);
  return Math.min(Math.max(p, 0), 1);
}

/** P(X(t) = n): probability that a new customer makes exactly n repeat purchases in (0, t]. */
export function bgnbdProbabilityOfPurchases(p: BgNbdParams, n: number, t: number): number {
  return pmfCore(p.r, p.alpha, p.a, p.b, n, t);
}

/**
 * P(X(T, T + t) = n | x, t_x, T): a dead customer makes none; an alive one behaves like a new
 * customer with the posterior parameters (the process restarts after each purchase).
 */
export function bgnbdConditionalProbabilityOfPurchases(
  p: BgNbdParams,
  n: number,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = bgnbdPAlive(p, x, tx, T);
  const future = alive === 0 ? 0 : pmfCore(p.r + x, p.alpha + T, p.a, p.b + x, n, t);
  const v = alive * future + (n === 0 ? 1 - alive : 0);
  return Math.min(Math.max(v, 0), 1);
}

/** Expected purchases in (T, T + t] of a customer known to be alive at T. */
export function bgnbdExpectedAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  return expectedNewCore(p.r + x, p.alpha + T, p.a, p.b + x, t);
}

/**
 * P(no purchase in (T, T + t] | alive at T) = ((α+T)/(α+T+t))^(r+x): under BG/NBD a customer
 * can only drop out right after a purchase, so an alive customer's next purchase is a
 * gamma-mixed exponential wait.
 */
export function bgnbdNoPurchaseAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  return Math.exp(-(p.r + x) * Math.log1p(t / (p.alpha + T)));
}

/** A fitted BG/NBD model. */
export type BgNbdFit = ModelFit<BgNbdParams, 'bgnbd'>;
