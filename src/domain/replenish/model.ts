/**
 * The replenishment model's maths (issue 18, item 1), pure: the Wheat–Morrison regularity of
 * inter-purchase times, the median-unbiased correction of a mean of gamma intervals, and the
 * customer's predictive distribution of the next interval under a Gamma prior on their rate.
 *
 * The model: a customer c buys product p again after intervals (in days per unit bought, so two
 * packs last twice as long as one) that are Gamma(shape k, rate k·λ_c), i.e. Erlang-k with mean
 * 1/λ_c; k = 1 is a Poisson process, larger k is more regular. Customers differ in λ_c, which has
 * a Gamma(a0, b0) prior per product (the Gamma–Poisson model of Amazon's "Buy It Again",
 * Bhagat et al. 2018, generalised to Erlang-k intervals). With a0 = k·n0 + 1 and b0 = k·n0·μ_p the
 * prior mean interval is μ_p (the product's cycle) and n0 counts as that many pseudo-intervals:
 * after m intervals summing to S the posterior mean interval is (n0·μ_p + S)/(n0 + m), the
 * customer's own rhythm shrunk toward the product's. The predictive next interval X is compound
 * gamma: X/(X + n0·μ_p + S) ~ Beta(k, k·(n0 + m) + 1), so P(X ≤ s) is one incomplete beta.
 */
import { regularizedIncompleteBeta } from '../clv/special.js';

/** Regularity below this is treated as Poisson (k = 1); above the cap nothing changes in practice. */
export const MIN_SHAPE = 1;
export const MAX_SHAPE = 20;

/**
 * Wheat & Morrison (1990), as BTYDplus `estimateRegularity(method = "wheat")`: for each customer
 * with two or more intervals, M = i1 / (i1 + i2) of their last two intervals; for Erlang-k
 * intervals M ~ Beta(k, k) with Var(M) = 1 / (4(2k + 1)), so k = (1 − 4·Var) / (8·Var). BTYDplus
 * picks one of the two intervals at random; taking both M and 1 − M gives the same expected
 * variance without a random draw. Null with fewer than `minPairs` pairs.
 */
export function wheatMorrisonShape(
  pairs: readonly (readonly [number, number])[],
  minPairs = 5,
): number | null {
  const ms: number[] = [];
  for (const [a, b] of pairs) {
    if (!(a + b > 0)) continue;
    const m = a / (a + b);
    ms.push(m, 1 - m);
  }
  // The mean of M and 1 − M together is 1/2 exactly.
  let squares = 0;
  for (const m of ms) squares += (m - 0.5) ** 2;
  return wheatMorrisonFromSquares(ms.length / 2, squares, minPairs);
}

/**
 * The Wheat–Morrison shape from the number of pairs and the sum of (M − 1/2)² over both M and
 * 1 − M of every pair (what SQL aggregates). Null with fewer than `minPairs` pairs.
 */
export function wheatMorrisonFromSquares(pairs: number, squares: number, minPairs = 5): number | null {
  if (pairs < minPairs) return null;
  const v = squares / (2 * pairs - 1);
  if (v <= 0) return MAX_SHAPE;
  return (1 - 4 * v) / (8 * v);
}

/** A shape as the model uses it: clamped to [MIN_SHAPE, MAX_SHAPE], Poisson when unknown. */
export function modelShape(k: number | null): number {
  if (k === null || !Number.isFinite(k)) return MIN_SHAPE;
  return Math.min(MAX_SHAPE, Math.max(MIN_SHAPE, k));
}

/**
 * The median of Gamma(K, rate K) (mean 1), K ≥ 1: K − 1/3 + 0.02/K over K (Chen & Rubin's
 * approximation, within 0.3 % for K ≥ 1). A mean of m Erlang-k intervals is Gamma(k·m, k·m/μ):
 * dividing it by this makes it median-unbiased for μ.
 */
export function gammaMedianFactor(shape: number): number {
  const k = Math.max(1, shape);
  return (k - 1 / 3 + 0.02 / k) / k;
}

/** What the predictive distribution of one customer's next interval (per unit) depends on. */
export interface RhythmEvidence {
  /** The product's cycle μ_p, days per unit. */
  cycleDays: number;
  /** Regularity k. */
  shape: number;
  /** Prior strength n0, in pseudo-intervals. */
  priorIntervals: number;
  /** The customer's own intervals of this product (count m and sum S, days per unit). */
  intervals: number;
  intervalSum: number;
}

/** The posterior mean interval (days per unit): the customer's rhythm shrunk toward the product's. */
export function shrunkInterval(e: RhythmEvidence): number {
  return (e.priorIntervals * e.cycleDays + e.intervalSum) / (e.priorIntervals + e.intervals);
}

/** P(next interval ≤ s days per unit) under the predictive (compound gamma) distribution. */
export function nextIntervalCdf(e: RhythmEvidence, s: number): number {
  if (s <= 0) return 0;
  const scale = e.priorIntervals * e.cycleDays + e.intervalSum;
  return regularizedIncompleteBeta(s / (s + scale), e.shape, e.shape * (e.priorIntervals + e.intervals) + 1);
}

/**
 * The s (days per unit) at which P(next interval ≤ s | next interval > elapsed) reaches `level`:
 * the level-quantile of the predictive distribution, conditioned on the customer not having
 * bought again in the `elapsed` days per unit since their last purchase. Bisection on the CDF.
 */
export function intervalQuantile(e: RhythmEvidence, level: number, elapsed = 0): number {
  const f0 = elapsed > 0 ? nextIntervalCdf(e, elapsed) : 0;
  const target = f0 + level * (1 - f0);
  let lo = Math.max(0, elapsed);
  let hi = Math.max(lo, shrunkInterval(e)) * 2 + 1;
  while (nextIntervalCdf(e, hi) < target && hi < 1e7) hi *= 2;
  for (let i = 0; i < 60 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (nextIntervalCdf(e, mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The level-quantile of the predictive next interval (elapsed 0) as a factor of its scale
 * n0·μ_p + S: X/(X + scale) ~ Beta(k, k·n + 1) with n = n0 + m, so X = scale · b/(1 − b) at the
 * Beta's level-quantile b. Customers of one product with the same m share it, which lets the
 * store price millions of predictions with one bisection per (product, m). Bisection on b to
 * machine precision (`intervalQuantile` stops at 10⁻⁶ days).
 */
export function predictiveQuantileFactor(shape: number, n: number, level: number): number {
  const beta = shape * n + 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedIncompleteBeta(mid, shape, beta) < level) lo = mid;
    else hi = mid;
  }
  const b = (lo + hi) / 2;
  return b / (1 - b);
}

/**
 * The empirical-Bayes prior strength n0 from customers with two or more intervals: the spread of
 * their (median-corrected) mean intervals beyond what their own noise explains is the spread of
 * 1/λ_c across customers, an inverse gamma with CV² = 1/(a0 − 2); n0 = (a0 − 1)/k. `fallback` when
 * there are fewer than `minCustomers` such customers or no spread is left after the noise.
 */
export function priorStrength(
  customers: readonly { intervals: number; meanInterval: number }[],
  shape: number,
  fallback = 2,
  minCustomers = 8,
): number {
  const used = customers.filter((c) => c.intervals >= 2 && c.meanInterval > 0);
  const n = used.length;
  if (n < minCustomers) return fallback;
  const mean = used.reduce((s, c) => s + c.meanInterval, 0) / n;
  const variance = used.reduce((s, c) => s + (c.meanInterval - mean) ** 2, 0) / (n - 1);
  // A mean of m Erlang-k intervals has variance μ²/(k·m) around μ.
  const noise = used.reduce((s, c) => s + c.meanInterval ** 2 / (shape * c.intervals), 0) / n;
  return priorFromMoments({ customers: n, mean, variance, noise }, shape, fallback, minCustomers);
}

/**
 * `priorStrength` from the moments of the used customers' mean intervals (what SQL aggregates):
 * their number, mean, sample variance, and the mean of meanInterval² / (k·m) (`noise` at shape k).
 */
export function priorFromMoments(
  m: { customers: number; mean: number; variance: number; noise: number },
  shape: number,
  fallback = 2,
  minCustomers = 8,
): number {
  if (m.customers < minCustomers) return fallback;
  const { mean } = m;
  const between = m.variance - m.noise;
  if (!(between > 0)) return 50;
  const cv2 = between / (mean * mean);
  const a0 = 2 + 1 / cv2;
  return Math.min(50, Math.max(0.5, (a0 - 1) / shape));
}

/** The q-quantile (0..1) of sorted numbers, linear between order statistics. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * A distribution-free 95 % confidence interval for the median of n sorted values: the order
 * statistics n/2 ∓ 1.96·√n/2 (normal approximation to the binomial). Null below 5 values.
 */
export function medianInterval(sorted: readonly number[]): [number, number] | null {
  const n = sorted.length;
  if (n < 5) return null;
  const half = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half));
  return [sorted[lo]!, sorted[hi]!];
}
