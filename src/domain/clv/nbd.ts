/**
 * NBD (Ehrenberg 1959; Morrison & Schmittlein 1988): every customer buys forever as a Poisson
 * process with rate λ ~ Gamma(r, α). No drop-out, so it is the baseline the "buy till you die"
 * models are compared with: BG/NBD tends to it as a → 0, Pareto/NBD as s → 0.
 *
 * The likelihood is that of the purchase times, as in BTYDplus' nbd.cbs.LL:
 * ℓ = ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln(α+T). It differs from the count likelihood
 * P(X(T) = x) only by x ln T − ln x!, which has no parameter in it, so estimates are the same
 * and the value is comparable with the BG/NBD, MBG/NBD and Pareto/NBD log-likelihoods.
 * Recency plays no part.
 */
import {
  type FitOptions,
  type LikelihoodCore,
  type ModelFit,
  maximizeLikelihood,
  type RfmInput,
  validateRfm,
} from './fit.js';
import { digamma, logGamma, logNegBinomialPmf } from './special.js';
import { compressCodes, indexValues } from './tuples.js';

export interface NbdParams {
  /** Shape of the purchase-rate distribution. */
  r: number;
  /** Rate (inverse scale) of the purchase-rate distribution, in time units. */
  alpha: number;
}

export const NBD_PARAM_NAMES = ['r', 'alpha'] as const;

/** A fitted NBD model. */
export type NbdFit = ModelFit<NbdParams, 'nbd'>;

/** Log-likelihood of one customer with x repeat purchases in (0, T]. */
export function nbdLogLikelihood(p: NbdParams, x: number, T: number): number {
  return logGamma(p.r + x) - logGamma(p.r) + p.r * Math.log(p.alpha) - (p.r + x) * Math.log(p.alpha + T);
}

/**
 * The likelihood over distinct (x, T) pairs, with ln Γ and ψ once per distinct x and one log
 * per distinct T, and its analytic gradient with respect to (ln r, ln α).
 */
function makeCore(input: RfmInput): LikelihoodCore {
  const xIdx = indexValues(input.frequency);
  const TIdx = indexValues(input.T);
  const w = input.weight === undefined ? undefined : Float64Array.from(input.weight);
  const distinct = compressCodes([xIdx.index, TIdx.index], w);
  const xs = xIdx.values;
  const Ts = TIdx.values;
  const m = distinct.count;
  const tupX = new Int32Array(m);
  const tupT = new Int32Array(m);
  const xW = new Float64Array(xs.length);
  let total = 0;
  for (let k = 0; k < m; k++) {
    const row = distinct.first[k] as number;
    const wk = distinct.weight[k] as number;
    tupX[k] = xIdx.index[row] as number;
    tupT[k] = TIdx.index[row] as number;
    xW[tupX[k] as number] = (xW[tupX[k] as number] as number) + wk;
    total += wk;
  }
  const logAT = new Float64Array(Ts.length);
  const invAT = new Float64Array(Ts.length);
  const negLogLik = (lp: Float64Array, grad: Float64Array | null): number => {
    const r = Math.exp(lp[0] as number);
    const alpha = Math.exp(lp[1] as number);
    for (let i = 0; i < Ts.length; i++) {
      const v = alpha + (Ts[i] as number);
      logAT[i] = Math.log(v);
      invAT[i] = 1 / v;
    }
    const logAlpha = Math.log(alpha);
    const lgR = logGamma(r);
    const psiR = grad === null ? 0 : digamma(r);
    let ll = total * (r * logAlpha - lgR);
    let gR = total * (logAlpha - psiR);
    let gAlpha = (total * r) / alpha;
    for (let j = 0; j < xs.length; j++) {
      const wx = xW[j] as number;
      if (wx === 0) continue;
      const rx = r + (xs[j] as number);
      ll += wx * logGamma(rx);
      if (grad !== null) gR += wx * digamma(rx);
    }
    for (let k = 0; k < m; k++) {
      const wk = distinct.weight[k] as number;
      const rx = r + (xs[tupX[k] as number] as number);
      const iT = tupT[k] as number;
      ll -= wk * rx * (logAT[iT] as number);
      gR -= wk * (logAT[iT] as number);
      gAlpha -= wk * rx * (invAT[iT] as number);
    }
    if (grad !== null) {
      grad[0] = -gR * r;
      grad[1] = -gAlpha * alpha;
    }
    return -ll;
  };
  return { negLogLik, analyticGradient: true, weight: total, tuples: m };
}

/** The likelihood core on customer statistics (exposed for benchmarks and gradient tests). */
export function nbdLikelihoodCore(input: RfmInput): LikelihoodCore {
  validateRfm(input);
  return makeCore(input);
}

/** Fits NBD by maximum likelihood; the start puts the mean rate r/α at Σx / ΣT. */
export function fitNbd(input: RfmInput, options: FitOptions<NbdParams> = {}): NbdFit {
  validateRfm(input);
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < input.frequency.length; i++) {
    const w = input.weight ? (input.weight[i] as number) : 1;
    sx += w * (input.frequency[i] as number);
    sT += w * (input.T[i] as number);
  }
  const rate = sx > 0 && sT > 0 ? sx / sT : 1;
  return maximizeLikelihood<NbdParams, 'nbd'>({
    model: 'nbd',
    names: NBD_PARAM_NAMES,
    core: makeCore(input),
    start: options.initial ?? { r: 1, alpha: 1 / rate },
    regularization: options,
  });
}

/** Expected purchases in (0, t] of a new customer: r t / α. */
export function nbdExpectedNew(p: NbdParams, t: number): number {
  return t > 0 ? (p.r * t) / p.alpha : 0;
}

/**
 * Expected purchases in (T, T + t] given x purchases in (0, T]: the posterior rate is
 * Gamma(r + x, α + T), so (r + x) t / (α + T).
 */
export function nbdConditionalExpected(p: NbdParams, t: number, x: number, T: number): number {
  return t > 0 ? ((p.r + x) * t) / (p.alpha + T) : 0;
}

/** P(X(t) = n) of a new customer: negative binomial with q = t / (α + t). */
export function nbdProbabilityOfPurchases(p: NbdParams, n: number, t: number): number {
  return Math.exp(logNegBinomialPmf(n, p.r, t > 0 ? t / (p.alpha + t) : 0));
}

/** P(X(T, T + t) = n | x, T): negative binomial with the posterior shape and rate. */
export function nbdConditionalProbabilityOfPurchases(
  p: NbdParams,
  n: number,
  t: number,
  x: number,
  T: number,
): number {
  return Math.exp(logNegBinomialPmf(n, p.r + x, t > 0 ? t / (p.alpha + T + t) : 0));
}
