/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): while alive a customer buys as a Poisson
 * process with rate λ ~ Gamma(r, α); lifetimes are exponential with rate μ ~ Gamma(s, β).
 *
 * Likelihood and P(alive) follow Fader & Hardie, "A Note on Deriving the Pareto/NBD Model and
 * Related Expressions" (2005), in the form lifetimes implements, with
 *   A0 = 2F1(r+s+x, t; r+s+x+1; |α−β|/(M+t_x)) / (M+t_x)^(r+s+x) − (same at T),
 * M = max(α, β), t = r + x if α < β else s + 1. The 2F1 goes through Euler's transformation
 * (see special.ts) so that a thousand purchases do not overflow. A0 / (r+s+x) equals the
 * integral ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ; when t_x and T are so close that the
 * difference of the two closed-form terms would cancel, that integral is taken by quadrature.
 */
import { NurtureError } from '../../errors.js';
import {
  COARSE_SAMPLE_SIZE,
  COARSE_TUPLE_LIMIT,
  type FitOptions,
  type LikelihoodCore,
  type ModelFit,
  maximizeLikelihood,
  type RfmInput,
  subsampleTuples,
  validateRfm,
} from './fit.js';
import {
  digamma,
  gaussLegendre,
  logAddExp,
  logGamma,
  logistic,
  logNegBinomialPmf,
  oneMinusExpOver,
} from './special.js';
import { compressColumns } from './tuples.js';

/** Pareto/NBD population parameters. */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export const PNBD_PARAM_NAMES = ['r', 'alpha', 's', 'beta'] as const;

const GL16 = gaussLegendre(16);

/** Largest number of series terms before the geometric tail estimate takes over. */
const MAX_TERMS = 100_000;

/**
 * ln ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ (−Infinity when t_x = T), and when `grad` is
 * given its partial derivatives in (r, α, s, β).
 *
 * With m = min(α, β), M = max(α, β), z(τ) = (M − m)/(M + τ), the antiderivative from τ to ∞ is
 * (r+s+x)^−1 exp(ℓ(τ)) where, after Euler's transformation of lifetimes' 2F1 term,
 *   ℓ(τ) = −(r+x) ln(α+τ) − (s+1) ln(β+τ) + ln(m+τ) + ln Φ(z),
 *   Φ(z) = 2F1(1, b'; r+s+x+1; z) = Σ_k (b')_k / (r+s+x+1)_k z^k,
 * b' = r + x when α >= β and s + 1 otherwise. Φ has positive terms with ratio below z, so it
 * neither overflows nor cancels, and its parameter derivatives accumulate in the same loop.
 */
export function paretoLogIntegral(
  p: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
  grad: Float64Array | null = null,
): number {
  const { r, alpha, s, beta } = p;
  if (!(T > tx)) {
    grad?.fill(0);
    return Number.NEGATIVE_INFINITY;
  }
  const g0 = -(r + x) * Math.log(alpha + tx) - (s + 1) * Math.log(beta + tx);
  const g1 = -(r + x) * Math.log(alpha + T) - (s + 1) * Math.log(beta + T);
  // A drop of less than e along the interval: the closed-form difference would cancel, while
  // the integrand is so flat that 16-point Gauss-Legendre is exact to rounding.
  if (g0 - g1 < 1) return logQuadrature(p, x, tx, T, g0, grad);
  const rsx = r + s + x;
  const d1 = grad ? new Float64Array(4) : null;
  const d2 = grad ? new Float64Array(4) : null;
  const l1 = endpoint(p, x, tx, d1);
  const l2 = endpoint(p, x, T, d2);
  const w = Math.exp(l2 - l1);
  if (!(w < 1)) return logQuadrature(p, x, tx, T, g0, grad);
  if (grad && d1 && d2) {
    for (let i = 0; i < 4; i++) grad[i] = ((d1[i] as number) - w * (d2[i] as number)) / (1 - w);
    grad[0] = (grad[0] as number) - 1 / rsx;
    grad[2] = (grad[2] as number) - 1 / rsx;
  }
  return l1 + Math.log1p(-w) - Math.log(rsx);
}

/** ℓ(τ) of `paretoLogIntegral` and its partials in (r, α, s, β). */
function endpoint(p: ParetoNbdParams, x: number, tau: number, d: Float64Array | null): number {
  const { r, alpha, s, beta } = p;
  const alphaFirst = alpha >= beta;
  const small = alphaFirst ? beta : alpha;
  const big = alphaFirst ? alpha : beta;
  const bPrime = alphaFirst ? r + x : s + 1;
  const gamma = r + s + x + 1;
  const z = (big - small) / (big + tau);
  // Φ and its derivatives in b', γ and z, term by term.
  let term = 1;
  let sum = 1;
  let hb = 0;
  let hg = 0;
  let sb = 0;
  let sg = 0;
  let sz = 0;
  for (let k = 1; k < MAX_TERMS && z > 0; k++) {
    const ratio = ((bPrime + k - 1) / (gamma + k - 1)) * z;
    hb += 1 / (bPrime + k - 1);
    hg += 1 / (gamma + k - 1);
    term *= ratio;
    sum += term;
    if (d) {
      sb += term * hb;
      sg -= term * hg;
      sz += k * term;
    }
    if (term <= 1e-17 * sum) break;
    if (k === MAX_TERMS - 1) sum += (term * ratio) / (1 - ratio);
  }
  const la = Math.log(alpha + tau);
  const lb = Math.log(beta + tau);
  const value = -(r + x) * la - (s + 1) * lb + Math.log(small + tau) + Math.log(sum);
  if (d) {
    const dB = sb / sum;
    const dG = sg / sum;
    const dZ = z > 0 ? sz / z / sum : 0;
    const bigT = big + tau;
    const smallT = small + tau;
    // z = (big − small)/(big + τ): ∂z/∂big = (small + τ)/(big + τ)², ∂z/∂small = −1/(big + τ).
    const zBig = (dZ * smallT) / (bigT * bigT);
    const zSmall = -dZ / bigT;
    d[0] = -la + dG + (alphaFirst ? dB : 0);
    d[2] = -lb + dG + (alphaFirst ? 0 : dB);
    d[1] = -(r + x) / (alpha + tau) + (alphaFirst ? zBig : zSmall + 1 / smallT);
    d[3] = -(s + 1) / (beta + tau) + (alphaFirst ? zSmall + 1 / smallT : zBig);
  }
  return value;
}

/** The integral by 16-point Gauss-Legendre (scaled by e^g0), with its parameter derivatives. */
function logQuadrature(
  p: ParetoNbdParams,
  x: number,
  lo: number,
  hi: number,
  g0: number,
  grad: Float64Array | null,
): number {
  const { r, alpha, s, beta } = p;
  const half = 0.5 * (hi - lo);
  const mid = 0.5 * (hi + lo);
  let sum = 0;
  let dr = 0;
  let da = 0;
  let ds = 0;
  let db = 0;
  for (let i = 0; i < GL16.nodes.length; i++) {
    const tau = mid + half * (GL16.nodes[i] as number);
    const la = Math.log(alpha + tau);
    const lb = Math.log(beta + tau);
    const f = (GL16.weights[i] as number) * Math.exp(-(r + x) * la - (s + 1) * lb - g0);
    sum += f;
    if (grad) {
      dr -= f * la;
      da -= (f * (r + x)) / (alpha + tau);
      ds -= f * lb;
      db -= (f * (s + 1)) / (beta + tau);
    }
  }
  if (grad) {
    grad[0] = dr / sum;
    grad[1] = da / sum;
    grad[2] = ds / sum;
    grad[3] = db / sum;
  }
  return g0 + Math.log(sum * half);
}

/** Log-likelihood of one customer. */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  return a1 + logAddExp(alive, Math.log(s) + paretoLogIntegral(p, x, tx, T));
}

interface ParetoData {
  weight: number;
  tuples: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  w: Float64Array;
}

/**
 * Total negative log-likelihood with its analytic gradient. With π the weight of the "died
 * between t_x and T" branch, ∂ℓ/∂θ = ∂A1/∂θ + (1 − π) ∂u/∂θ + π ∂v/∂θ, where u is the log of
 * the "still alive at T" branch and v = ln s + ln ∫.
 */
function makeCore(d: ParetoData): LikelihoodCore {
  const dI = new Float64Array(4);
  const negLogLik = (lp: Float64Array, grad: Float64Array | null): number => {
    const p: ParetoNbdParams = {
      r: Math.exp(lp[0] as number),
      alpha: Math.exp(lp[1] as number),
      s: Math.exp(lp[2] as number),
      beta: Math.exp(lp[3] as number),
    };
    const { r, alpha, s, beta } = p;
    const lgR = logGamma(r);
    const psiR = grad ? digamma(r) : 0;
    const logAlpha = Math.log(alpha);
    const logBeta = Math.log(beta);
    const base = r * logAlpha + s * logBeta - lgR;
    const logS = Math.log(s);
    let ll = 0;
    let lastX = -1;
    let lgRX = 0;
    let psiRX = 0;
    const g = [0, 0, 0, 0];
    for (let i = 0; i < d.w.length; i++) {
      const x = d.x[i] as number;
      const tx = d.tx[i] as number;
      const T = d.T[i] as number;
      const w = d.w[i] as number;
      if (x !== lastX) {
        lgRX = logGamma(r + x);
        psiRX = grad ? digamma(r + x) : 0;
        lastX = x;
      }
      const laT = Math.log(alpha + T);
      const lbT = Math.log(beta + T);
      const u = -(r + x) * laT - s * lbT;
      const v = logS + paretoLogIntegral(p, x, tx, T, grad ? dI : null);
      const lse = logAddExp(u, v);
      ll += w * (lgRX + base + lse);
      if (grad) {
        const pi = v === Number.NEGATIVE_INFINITY ? 0 : Math.exp(v - lse);
        const q = 1 - pi;
        g[0] = (g[0] as number) + w * (psiRX - psiR + logAlpha - q * laT + pi * (dI[0] as number));
        g[1] = (g[1] as number) + w * (r / alpha - (q * (r + x)) / (alpha + T) + pi * (dI[1] as number));
        g[2] = (g[2] as number) + w * (logBeta - q * lbT + pi * (1 / s + (dI[2] as number)));
        g[3] = (g[3] as number) + w * (s / beta - (q * s) / (beta + T) + pi * (dI[3] as number));
      }
    }
    if (!Number.isFinite(ll)) return Number.POSITIVE_INFINITY;
    if (grad) {
      grad[0] = -(g[0] as number) * r;
      grad[1] = -(g[1] as number) * alpha;
      grad[2] = -(g[2] as number) * s;
      grad[3] = -(g[3] as number) * beta;
    }
    return -ll;
  };
  return { negLogLik, analyticGradient: true, weight: d.weight, tuples: d.tuples };
}

/** Tuples sorted by frequency so that ln Γ(r + x) is computed once per distinct x. */
function prepare(columns: readonly Float64Array[], weight: Float64Array): ParetoData {
  const [x, tx, T] = columns as [Float64Array, Float64Array, Float64Array];
  const order = Array.from(x, (_, i) => i).sort((i, j) => (x[i] as number) - (x[j] as number));
  let total = 0;
  for (const w of weight) total += w;
  return {
    weight: total,
    tuples: x.length,
    x: Float64Array.from(order, (i) => x[i] as number),
    tx: Float64Array.from(order, (i) => tx[i] as number),
    T: Float64Array.from(order, (i) => T[i] as number),
    w: Float64Array.from(order, (i) => weight[i] as number),
  };
}

function defaultStart(columns: readonly Float64Array[], weight: Float64Array): ParetoNbdParams {
  const [x, , T] = columns as [Float64Array, Float64Array, Float64Array];
  let sx = 0;
  let sT = 0;
  let sw = 0;
  for (let i = 0; i < x.length; i++) {
    sx += (weight[i] as number) * (x[i] as number);
    sT += (weight[i] as number) * (T[i] as number);
    sw += weight[i] as number;
  }
  const rate = sx > 0 && sT > 0 ? sx / sT : 1;
  return { r: 1, alpha: 1 / rate, s: 1, beta: sw > 0 && sT > 0 ? sT / sw : 1 };
}

/**
 * Beyond this s the customers' drop-out rates are nearly equal (coefficient of variation
 * 1/√s = 14 %). A shop without visible heterogeneity in drop-out drives the fit toward s, β → ∞
 * at fixed s/β, where the likelihood is flat and every evaluation grows costly (the 2F1 series
 * lengthen with s: 50 ms at s = 100, 0.7 s at s = 1000 for 1,700 customers), so the demo shop
 * took over two minutes to fit. The fit stops at this wall instead: on that shop the
 * log-likelihood there is within 0.2 of its supremum. Published fits are far inside it (CDNOW:
 * s = 0.61).
 */
export const PNBD_MAX_S = 50;
const LOG_MAX_S = Math.log(PNBD_MAX_S);

/** The likelihood with a wall at s = PNBD_MAX_S (infinite beyond: the line searches step back). */
function bounded(core: LikelihoodCore): LikelihoodCore {
  return {
    ...core,
    negLogLik: (lp, grad) =>
      (lp[2] as number) > LOG_MAX_S ? Number.POSITIVE_INFINITY : core.negLogLik(lp, grad),
  };
}

/**
 * Fits Pareto/NBD by maximum likelihood on the distinct (frequency, recency, T) tuples, with an
 * analytic gradient. The likelihood is flat along (s, β), so expect β to differ more than the
 * log-likelihood between implementations.
 */
export function fitParetoNbd(input: RfmInput, options: FitOptions<ParetoNbdParams> = {}): ParetoNbdFit {
  validateRfm(input);
  const c = compressColumns([input.frequency, input.recency, input.T], input.weight);
  if (c.count === 0) throw new NurtureError('not_enough_data', 'no customers to fit');
  const core = bounded(makeCore(prepare(c.columns, c.weight)));
  const coarse =
    c.count > COARSE_TUPLE_LIMIT
      ? (() => {
          const s = subsampleTuples(c.columns, c.weight, COARSE_SAMPLE_SIZE);
          return bounded(makeCore(prepare(s.columns, s.weight)));
        })()
      : undefined;
  return maximizeLikelihood<ParetoNbdParams, 'pnbd'>({
    model: 'pnbd',
    names: PNBD_PARAM_NAMES,
    core,
    ...(coarse ? { coarse } : {}),
    start: options.initial ?? defaultStart(c.columns, c.weight),
    regularization: options,
  });
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + s (α+T)^(r+x) (β+T)^s ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ).
 */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const logI = paretoLogIntegral(p, x, tx, T);
  if (logI === Number.NEGATIVE_INFINITY) return 1;
  const logOdds = Math.log(p.s) + logI + (p.r + x) * Math.log(p.alpha + T) + p.s * Math.log(p.beta + T);
  return logistic(-logOdds);
}

/** E[X(t)] of a customer alive at 0: (r/α) β (1 − (β/(β+t))^(s−1)) / (s − 1), continuous at s = 1. */
function expectedNewCore(r: number, alpha: number, s: number, beta: number, t: number): number {
  if (!(t > 0)) return 0;
  const e = (r / alpha) * beta * oneMinusExpOver(s - 1, -Math.log1p(t / beta));
  return Number.isFinite(e) ? Math.min(Math.max(e, 0), (r * t) / alpha) : (r * t) / alpha;
}

/** Expected repeat purchases in (0, t] of a customer who has just made a first purchase. */
export function paretoNbdExpectedNew(p: ParetoNbdParams, t: number): number {
  return expectedNewCore(p.r, p.alpha, p.s, p.beta, t);
}

/** Expected purchases in (T, T + t]: P(alive) times the expectation under the posterior. */
export function paretoNbdConditionalExpected(
  p: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = paretoNbdPAlive(p, x, tx, T);
  if (alive === 0) return 0;
  return alive * expectedNewCore(p.r + x, p.alpha + T, p.s, p.beta + T, t);
}

const GL32 = gaussLegendre(32);

/**
 * P(X(t) = n) for a customer alive at 0. Conditioning on the death time τ (Lomax with shape s,
 * scale β), the count is negative binomial with exposure min(τ, t):
 *   P = (β/(β+t))^s NB(n; r, t/(α+t)) + ∫_0^t f(τ) NB(n; r, τ/(α+τ)) dτ.
 * In u = 1 − (β/(β+τ))^s (the death-time CDF) the integrand is bounded and smooth, so
 * composite Gauss-Legendre (4 × 32 nodes) gives it to about 1e-10.
 */
function pmfCore(r: number, alpha: number, s: number, beta: number, n: number, t: number): number {
  if (!(t > 0)) return n === 0 ? 1 : 0;
  const surviveLog = -s * Math.log1p(t / beta);
  let p = Math.exp(surviveLog + logNegBinomialPmf(n, r, t / (alpha + t)));
  const U = -Math.expm1(surviveLog);
  const panels = 4;
  const h = U / panels;
  for (let k = 0; k < panels; k++) {
    const lo = k * h;
    for (let i = 0; i < GL32.nodes.length; i++) {
      const u = lo + 0.5 * h * (1 + (GL32.nodes[i] as number));
      const tau = beta * Math.expm1(-Math.log1p(-u) / s);
      p += 0.5 * h * (GL32.weights[i] as number) * Math.exp(logNegBinomialPmf(n, r, tau / (alpha + tau)));
    }
  }
  return Math.min(Math.max(p, 0), 1);
}

/** P(X(t) = n) for a new customer. */
export function paretoNbdProbabilityOfPurchases(p: ParetoNbdParams, n: number, t: number): number {
  return pmfCore(p.r, p.alpha, p.s, p.beta, n, t);
}

/** P(X(T, T + t) = n | x, t_x, T): dead customers make none; alive ones restart with the posterior. */
export function paretoNbdConditionalProbabilityOfPurchases(
  p: ParetoNbdParams,
  n: number,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const alive = paretoNbdPAlive(p, x, tx, T);
  const future = alive === 0 ? 0 : pmfCore(p.r + x, p.alpha + T, p.s, p.beta + T, n, t);
  const v = alive * future + (n === 0 ? 1 - alive : 0);
  return Math.min(Math.max(v, 0), 1);
}

/** A fitted Pareto/NBD model. */
export type ParetoNbdFit = ModelFit<ParetoNbdParams, 'pnbd'>;

/** Expected purchases in (T, T + t] of a customer known to be alive at T. */
export function paretoNbdExpectedAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  return expectedNewCore(p.r + x, p.alpha + T, p.s, p.beta + T, t);
}

/** P(no purchase in (T, T + t] | alive at T), dying in between included. */
export function paretoNbdNoPurchaseAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  return pmfCore(p.r + x, p.alpha + T, p.s, p.beta + T, 0, t);
}
