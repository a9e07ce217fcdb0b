/**
 * Special functions for the buy-till-you-die models, written for the ranges those models reach:
 * log-gamma and digamma of positive arguments, a log-space Gauss hypergeometric 2F1 that stays
 * finite when a customer has a thousand purchases, the regularised incomplete beta function
 * (negative-binomial tails) and small helpers for sums of exponentials.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Lanczos coefficients (g = 7, n = 9), good to about 1e-15 relative for x >= 0.5. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/**
 * ln Γ(x) for x > 0. Stirling's series above 15 (exact to rounding there, and cheaper), the
 * Lanczos approximation between 0.5 and 15, and Γ(x) = Γ(x + 1) / x below 0.5.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  if (x >= 15) {
    const inv = 1 / x;
    const inv2 = inv * inv;
    // 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7): the next term is below 1e-16 at x = 15.
    const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
  }
  if (x < 0.5) return logGamma(x + 1) - Math.log(x);
  const y = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (y + i);
  const t = y + 7.5;
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to 8, then the asymptotic series. */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let result = 0;
  let v = x;
  while (v < 8) {
    result -= 1 / v;
    v += 1;
  }
  const inv = 1 / v;
  const inv2 = inv * inv;
  const tail =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - (inv2 * 691) / 32760)))));
  return result + Math.log(v) - 0.5 * inv - tail;
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** log(e^a + e^b) without overflow; -Infinity stands for a zero term. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(e^a - e^b) for a >= b; -Infinity when the difference vanishes or is negative (rounding). */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (!(a > b)) return Number.NEGATIVE_INFINITY;
  const d = b - a;
  // log(1 - e^d): log(-expm1(d)) is accurate near 0, log1p(-exp(d)) for very negative d.
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/** 1 / (1 + e^-x), saturating cleanly at 0 and 1. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * (1 - e^(εL)) / ε, continuous through ε = 0 where it equals -L. Model formulas divide by a - 1
 * or s - 1; this form keeps them finite and accurate when the parameter crosses 1.
 */
export function oneMinusExpOver(epsilon: number, L: number): number {
  const e = epsilon * L;
  if (Math.abs(e) < 1e-8) return -L * (1 + 0.5 * e);
  return -Math.expm1(e) / epsilon;
}

/** Largest number of series terms before the tail is estimated instead of summed. */
const MAX_SERIES_TERMS = 200_000;
/** Rescale the running sum past this size so that the log form never overflows. */
const RESCALE_AT = 1e280;
const LOG_RESCALE_AT = Math.log(RESCALE_AT);

/** A number as sign × e^log, so that values beyond the double range stay representable. */
export interface SignedLog {
  log: number;
  sign: -1 | 0 | 1;
}

/**
 * Σ (a)_k (b)_k / ((c)_k k!) z^k for 0 <= z < 1, in sign/log form. Terms are summed in a scaled
 * linear space; when the cap is reached the remainder is estimated as a geometric tail with the
 * last term ratio (the ratio tends to z from below, so the estimate is first-order exact).
 */
function seriesSignedLog(a: number, b: number, c: number, z: number): SignedLog {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let k = 0; k < MAX_SERIES_TERMS; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) break;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && Math.abs(ratio) < 1) break;
    if (Math.abs(sum) > RESCALE_AT) {
      sum /= RESCALE_AT;
      term /= RESCALE_AT;
      logScale += LOG_RESCALE_AT;
    }
    if (k === MAX_SERIES_TERMS - 1 && Math.abs(ratio) < 1) sum += (term * ratio) / (1 - ratio);
  }
  if (sum === 0 || !Number.isFinite(sum)) {
    return { log: Number.NEGATIVE_INFINITY, sign: 0 };
  }
  return { log: logScale + Math.log(Math.abs(sum)), sign: sum > 0 ? 1 : -1 };
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) for real parameters and z < 1, as sign × e^log.
 *
 * - z < 0 is mapped into (0, 1) by Pfaff's transformation
 *   2F1(a, b; c; z) = (1 - z)^(-a) 2F1(a, c - b; c; z / (z - 1)).
 * - For 0 <= z < 1 Euler's transformation 2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z)
 *   is used when c - a - b < 0. That is the case that matters for large frequencies: the direct
 *   series then has terms that grow like (1 - z)^(c-a-b) before they shrink (beyond the double
 *   range for a thousand purchases), while the transformed series has bounded terms and the
 *   growth moves into an exact log prefactor.
 * c must not be zero or a negative integer.
 */
export function hyp2f1SignedLog(a: number, b: number, c: number, z: number): SignedLog {
  if (!(z < 1)) throw new RangeError(`hyp2f1 needs z < 1, got ${z}`);
  if (z === 0) return { log: 0, sign: 1 };
  if (z < 0) {
    const w = z / (z - 1);
    const log1mz = Math.log1p(-z);
    // Either parameter may carry the prefactor; prefer the form whose new second parameter
    // c - q is positive, so that the transformed series has terms of one sign.
    const useA = c - b > 0 || !(c - a > 0);
    const [p, q] = useA ? [a, b] : [b, a];
    const inner = hyp2f1UnitInterval(p, c - q, c, w);
    return { log: inner.log - p * log1mz, sign: inner.sign };
  }
  return hyp2f1UnitInterval(a, b, c, z);
}

function hyp2f1UnitInterval(a: number, b: number, c: number, z: number): SignedLog {
  if (c - a - b < 0) {
    const inner = seriesSignedLog(c - a, c - b, c, z);
    return { log: inner.log + (c - a - b) * Math.log1p(-z), sign: inner.sign };
  }
  return seriesSignedLog(a, b, c, z);
}

/** ln 2F1(a, b; c; z) where the value is known to be positive (all the model uses). */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  const r = hyp2f1SignedLog(a, b, c, z);
  return r.sign > 0 ? r.log : Number.NaN;
}

/** 2F1(a, b; c; z) as a plain number (may overflow to ±Infinity for extreme arguments). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const r = hyp2f1SignedLog(a, b, c, z);
  return r.sign * Math.exp(r.log);
}

/**
 * Regularised incomplete beta I_x(a, b) by the continued fraction of Numerical Recipes
 * (modified Lentz), with the symmetry I_x(a, b) = 1 - I_(1-x)(b, a) where it converges faster.
 * For a negative binomial N with shape r and success probability 1 - q, P(N >= n) = I_q(n, r).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return Math.exp(logFront) * (betaContinuedFraction(x, a, b) / a);
  return 1 - Math.exp(logFront) * (betaContinuedFraction(1 - x, b, a) / b);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Probability mass of a negative binomial: Γ(r+n)/(Γ(r) n!) (1-q)^r q^n, in log form. */
export function logNegBinomialPmf(n: number, r: number, q: number): number {
  if (q <= 0) return n === 0 ? 0 : Number.NEGATIVE_INFINITY;
  return logGamma(r + n) - logGamma(r) - logGamma(n + 1) + r * Math.log1p(-q) + n * Math.log(q);
}

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence). */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    const w = 2 / ((1 - x * x) * dp * dp);
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
