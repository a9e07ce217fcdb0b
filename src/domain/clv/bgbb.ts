/**
 * BG/BB (Fader, Hardie & Shang 2010, "Customer-base analysis in a discrete-time noncontractual
 * setting"): for discrete transaction opportunities (yearly donations, annual events, weekly
 * sessions counted once). While alive, a customer transacts at each opportunity with
 * probability p ~ Beta(α, β); at the start of each opportunity an alive customer becomes
 * inactive with probability θ ~ Beta(γ, δ).
 *
 * Sufficient statistics per customer: x transactions in n opportunities after the first one,
 * the last at opportunity t_x (x = t_x = 0 without repeat). Only O(n²) (x, t_x) pairs exist for
 * a given n, so a million customers of one cohort are a few dozen likelihood terms.
 *
 * Likelihood (eq. 5): L = B(α+x, β+n−x)/B(α, β) · B(γ, δ+n)/B(γ, δ)
 *   + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α, β) · B(γ+1, δ+t_x+i)/B(γ, δ).
 * The terms of the sum shrink by known ratios, so it is summed relative to its first term.
 */
import { NurtureError } from '../../errors.js';
import { type FitOptions, type ModelFit, maximizeLikelihood } from './fit.js';
import { digamma, logAddExp, logBeta, logGamma } from './special.js';
import { compressCodes, indexValues } from './tuples.js';

export interface BgBbParams {
  /** Beta(α, β): the probability of a transaction at an opportunity while alive. */
  alpha: number;
  beta: number;
  /** Beta(γ, δ): the probability of becoming inactive at the start of an opportunity. */
  gamma: number;
  delta: number;
}

export const BGBB_PARAM_NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;

/** A fitted BG/BB model. */
export type BgBbFit = ModelFit<BgBbParams, 'bgbb'>;

/** Per-customer (or per-row with weights) statistics of the discrete model. */
export interface BgBbInput {
  /** x: repeat transactions, a whole number in [0, t_x]. */
  frequency: ArrayLike<number>;
  /** t_x: opportunity of the last transaction (0 when x = 0). */
  recency: ArrayLike<number>;
  /** n: transaction opportunities observed after the first transaction. */
  periods: ArrayLike<number>;
  /** How many customers each row stands for (an rf-matrix's counts); 1 by default. */
  weight?: ArrayLike<number>;
}

/** Rejects statistics that no customer can have, naming the first offending row. */
export function validateBgBb(input: BgBbInput): void {
  const n = input.frequency.length;
  if (
    input.recency.length !== n ||
    input.periods.length !== n ||
    (input.weight && input.weight.length !== n)
  ) {
    throw new NurtureError(
      'invalid_input',
      'frequency, recency, periods (and weight) must have the same length',
    );
  }
  for (let i = 0; i < n; i++) {
    const x = input.frequency[i] as number;
    const tx = input.recency[i] as number;
    const T = input.periods[i] as number;
    const w = input.weight ? (input.weight[i] as number) : 1;
    const bad = !(Number.isInteger(T) && T >= 0)
      ? 'periods must be a whole number >= 0'
      : !(Number.isInteger(tx) && tx >= 0 && tx <= T)
        ? 'recency must be a whole number between 0 and periods'
        : !(Number.isInteger(x) && x >= 0 && x <= tx)
          ? 'frequency must be a whole number between 0 and recency'
          : x === 0 && tx !== 0
            ? 'recency must be 0 when frequency is 0'
            : !(w >= 0 && Number.isFinite(w))
              ? 'weight must be >= 0'
              : null;
    if (bad !== null) {
      throw new NurtureError(
        'invalid_input',
        `row ${i + 1}: ${bad} (frequency ${x}, recency ${tx}, periods ${T})`,
        [{ path: `[${i}]`, reason: bad }],
      );
    }
  }
}

/** ln L of one (x, t_x, n) with ln B(α, β) and ln B(γ, δ) given (they are shared by all rows). */
function logLik(p: BgBbParams, x: number, tx: number, n: number, lbAB: number, lbGD: number): number {
  const { alpha, beta, gamma, delta } = p;
  const alive = logBeta(alpha + x, beta + n - x) - lbAB + logBeta(gamma, delta + n) - lbGD;
  const gap = n - tx;
  if (gap <= 0) return alive;
  // Term i+1 over term i: (β+t_x−x+i)/(α+β+t_x+i) · (δ+t_x+i)/(γ+δ+1+t_x+i), all below 1.
  let term = 1;
  let sum = 1;
  for (let i = 0; i < gap - 1; i++) {
    term *=
      ((beta + tx - x + i) / (alpha + beta + tx + i)) * ((delta + tx + i) / (gamma + delta + 1 + tx + i));
    sum += term;
  }
  const first = logBeta(alpha + x, beta + tx - x) - lbAB + logBeta(gamma + 1, delta + tx) - lbGD;
  return logAddExp(alive, first + Math.log(sum));
}

/** Log-likelihood of one customer (eq. 5 of the paper, in log form). */
export function bgbbLogLikelihood(p: BgBbParams, x: number, tx: number, n: number): number {
  return logLik(p, x, tx, n, logBeta(p.alpha, p.beta), logBeta(p.gamma, p.delta));
}

/** Distinct (x, t_x, n) rows with their total weights. */
function compress(input: BgBbInput): { x: Float64Array; tx: Float64Array; n: Float64Array; w: Float64Array } {
  const xi = indexValues(input.frequency);
  const ti = indexValues(input.recency);
  const ni = indexValues(input.periods);
  const weight = input.weight === undefined ? undefined : Float64Array.from(input.weight);
  const d = compressCodes([xi.index, ti.index, ni.index], weight);
  const x = new Float64Array(d.count);
  const tx = new Float64Array(d.count);
  const n = new Float64Array(d.count);
  for (let k = 0; k < d.count; k++) {
    const row = d.first[k] as number;
    x[k] = xi.values[xi.index[row] as number] as number;
    tx[k] = ti.values[ti.index[row] as number] as number;
    n[k] = ni.values[ni.index[row] as number] as number;
  }
  return { x, tx, n, w: d.weight };
}

/**
 * A start from the data: E[p] at the observed share of opportunities with a transaction, the
 * drop-out beta centred on 1/3 per opportunity, both with a moderate spread.
 */
function defaultStart(d: { x: Float64Array; n: Float64Array; w: Float64Array }): BgBbParams {
  let sx = 0;
  let sn = 0;
  for (let k = 0; k < d.w.length; k++) {
    sx += (d.w[k] as number) * (d.x[k] as number);
    sn += (d.w[k] as number) * (d.n[k] as number);
  }
  const share = sn > 0 ? Math.min(Math.max(sx / sn, 0.05), 0.95) : 0.5;
  return { alpha: 2 * share, beta: 2 * (1 - share), gamma: 1, delta: 2 };
}

/**
 * Fits BG/BB by maximum likelihood on the distinct (x, t_x, n) rows. The gradient is numerical:
 * a cohort has a few dozen distinct rows, so an evaluation costs microseconds.
 */
export function fitBgBb(input: BgBbInput, options: FitOptions<BgBbParams> = {}): BgBbFit {
  validateBgBb(input);
  const d = compress(input);
  let total = 0;
  for (const w of d.w) total += w;
  const negLogLik = (lp: Float64Array): number => {
    const p: BgBbParams = {
      alpha: Math.exp(lp[0] as number),
      beta: Math.exp(lp[1] as number),
      gamma: Math.exp(lp[2] as number),
      delta: Math.exp(lp[3] as number),
    };
    const lbAB = logBeta(p.alpha, p.beta);
    const lbGD = logBeta(p.gamma, p.delta);
    let ll = 0;
    for (let k = 0; k < d.w.length; k++) {
      const w = d.w[k] as number;
      if (w > 0) ll += w * logLik(p, d.x[k] as number, d.tx[k] as number, d.n[k] as number, lbAB, lbGD);
    }
    return -ll;
  };
  return maximizeLikelihood<BgBbParams, 'bgbb'>({
    model: 'bgbb',
    names: BGBB_PARAM_NAMES,
    core: { negLogLik, analyticGradient: false, weight: total, tuples: d.w.length },
    start: options.initial ?? defaultStart(d),
    regularization: options,
  });
}

/** Direct summation is exact and cheap up to this many future opportunities. */
const DIRECT_TERMS = 10_000;

/**
 * Σ_{k=1}^{m} B(γ, δ+n+k)/B(γ, δ): the expected number of the next m opportunities at which a
 * customer alive at n is still alive, times the prior normaliser. Summed term by term (ratio
 * (δ+n+k)/(γ+δ+n+k)), or for long horizons by the closed form of eq. (13) — with its γ → 1
 * limit δ[ψ(1+δ+n+m) − ψ(1+δ+n)] where (γ−1) would divide a vanishing difference.
 */
function survivalSum(gamma: number, delta: number, n: number, m: number): number {
  if (!(m >= 1)) return 0;
  const first = Math.exp(logBeta(gamma, delta + n + 1) - logBeta(gamma, delta));
  if (m <= DIRECT_TERMS) {
    let term = first;
    let sum = first;
    for (let k = 1; k < m; k++) {
      term *= (delta + n + k) / (gamma + delta + n + k);
      sum += term;
    }
    return sum;
  }
  if (Math.abs(gamma - 1) < 1e-6) return delta * (digamma(1 + delta + n + m) - digamma(1 + delta + n));
  const g = (k: number): number => logGamma(1 + delta + k) - logGamma(gamma + delta + k);
  const scale = (delta / (gamma - 1)) * Math.exp(logGamma(gamma + delta) - logGamma(1 + delta));
  return scale * (Math.exp(g(n)) - Math.exp(g(n + m)));
}

/** Expected transactions of a new customer in the first n opportunities (eq. 7). */
export function bgbbExpectedNew(p: BgBbParams, n: number): number {
  return (p.alpha / (p.alpha + p.beta)) * survivalSum(p.gamma, p.delta, 0, Math.floor(n));
}

/**
 * P(alive at opportunity n + m | x, t_x, n); m = 1 (the default) is eq. (11) of the paper, the
 * chance of being alive at the next opportunity, m = 0 alive at the last one observed.
 */
export function bgbbPAlive(p: BgBbParams, x: number, tx: number, n: number, m = 1): number {
  const lbAB = logBeta(p.alpha, p.beta);
  const lbGD = logBeta(p.gamma, p.delta);
  const alive = logBeta(p.alpha + x, p.beta + n - x) - lbAB + logBeta(p.gamma, p.delta + n + m) - lbGD;
  return Math.min(Math.exp(alive - logLik(p, x, tx, n, lbAB, lbGD)), 1);
}

/**
 * Expected transactions in the next `nStar` opportunities given x, t_x, n (eq. 13):
 * (1/L) · B(α+x+1, β+n−x)/B(α, β) · Σ_{k=1}^{n*} B(γ, δ+n+k)/B(γ, δ).
 */
export function bgbbConditionalExpected(
  p: BgBbParams,
  nStar: number,
  x: number,
  tx: number,
  n: number,
): number {
  const lbAB = logBeta(p.alpha, p.beta);
  const lbGD = logBeta(p.gamma, p.delta);
  const s = survivalSum(p.gamma, p.delta, n, Math.floor(nStar));
  if (s === 0) return 0;
  const logFactor = logBeta(p.alpha + x + 1, p.beta + n - x) - lbAB - logLik(p, x, tx, n, lbAB, lbGD);
  return Math.exp(logFactor) * s;
}
