/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves";
 * Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): the value of each
 * transaction is Gamma(p, ν) around a customer's mean p/ν, with ν ~ Gamma(q, v) across
 * customers. Fitted on repeat buyers' mean repeat-transaction value z̄ = m and count x:
 *   f(m | x) = Γ(px+q)/(Γ(px)Γ(q)) v^q x^(px) m^(px−1) / (v + x m)^(px+q).
 * The model assumes spend is independent of purchase frequency; `spendFrequencyCorrelation`
 * reports that check.
 */

import { NurtureError } from '../../errors.js';
import type { GammaGammaParams } from '../random/btyd-process.js';
import {
  COARSE_SAMPLE_SIZE,
  COARSE_TUPLE_LIMIT,
  type FitOptions,
  type LikelihoodCore,
  type ModelFit,
  maximizeLikelihood,
  subsampleTuples,
} from './fit.js';
import { digamma, logGamma } from './special.js';
import { compressColumns, compressionPays, indexValues } from './tuples.js';

export type { GammaGammaParams };

export const GG_PARAM_NAMES = ['p', 'q', 'v'] as const;

/** Spend statistics: per customer the number of repeat purchases and their mean value. */
export interface SpendInput {
  frequency: ArrayLike<number>;
  monetaryValue: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

/** Log-likelihood of one repeat buyer (x >= 1, m > 0). */
export function gammaGammaLogLikelihood(g: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = g;
  return (
    logGamma(p * x + q) -
    logGamma(p * x) -
    logGamma(q) +
    q * Math.log(v) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(x * m + v)
  );
}

interface SpendData {
  weight: number;
  tuples: number;
  xs: Float64Array;
  xW: Float64Array;
  tupX: Int32Array;
  tupXM: Float64Array;
  tupW: Float64Array;
  /** Σ w x ln m, Σ w ln m and Σ w x ln x: the parts of ℓ that are linear in p. */
  sumXLogM: number;
  sumLogM: number;
  sumXLogX: number;
}

/** Keeps repeat buyers with a positive mean; fails on values no spend can have. */
function repeatBuyers(input: SpendInput): { x: Float64Array; m: Float64Array; w: Float64Array } {
  const { frequency, monetaryValue, weight } = input;
  const n = frequency.length;
  if (monetaryValue.length !== n || (weight && weight.length !== n)) {
    throw new NurtureError('invalid_input', 'frequency and monetary value must have the same length');
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = frequency[i] as number;
    const m = monetaryValue[i] as number;
    if (!Number.isFinite(m) || !Number.isFinite(x)) {
      throw new NurtureError('invalid_input', `row ${i + 1}: frequency and monetary value must be numbers`);
    }
    if (x > 0 && m > 0 && (weight === undefined || (weight[i] as number) > 0)) count++;
  }
  const out = { x: new Float64Array(count), m: new Float64Array(count), w: new Float64Array(count) };
  for (let i = 0, k = 0; i < n; i++) {
    const x = frequency[i] as number;
    const m = monetaryValue[i] as number;
    const w = weight === undefined ? 1 : (weight[i] as number);
    if (!(x > 0 && m > 0 && w > 0)) continue;
    out.x[k] = x;
    out.m[k] = m;
    out.w[k++] = w;
  }
  return out;
}

function prepare(x: Float64Array, m: Float64Array, w: Float64Array): SpendData {
  const xi = indexValues(x);
  const xW = new Float64Array(xi.values.length);
  let weight = 0;
  let sumXLogM = 0;
  let sumLogM = 0;
  let sumXLogX = 0;
  const tupXM = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xv = x[i] as number;
    const wi = w[i] as number;
    const lm = Math.log(m[i] as number);
    xW[xi.index[i] as number] = (xW[xi.index[i] as number] as number) + wi;
    weight += wi;
    sumXLogM += wi * xv * lm;
    sumLogM += wi * lm;
    sumXLogX += wi * xv * Math.log(xv);
    tupXM[i] = xv * (m[i] as number);
  }
  return {
    weight,
    tuples: x.length,
    xs: xi.values,
    xW,
    tupX: xi.index,
    tupXM,
    tupW: w,
    sumXLogM,
    sumLogM,
    sumXLogX,
  };
}

/**
 * Total negative log-likelihood and analytic gradient (log-parameters). Per tuple only
 * ln(v + x m) and 1/(v + x m) are computed; everything else is aggregated per distinct x.
 */
function makeCore(d: SpendData): LikelihoodCore {
  const nX = d.xs.length;
  const sl = new Float64Array(nX);
  const si = new Float64Array(nX);
  const negLogLik = (lp: Float64Array, grad: Float64Array | null): number => {
    const p = Math.exp(lp[0] as number);
    const q = Math.exp(lp[1] as number);
    const v = Math.exp(lp[2] as number);
    sl.fill(0);
    si.fill(0);
    for (let k = 0; k < d.tupW.length; k++) {
      const j = d.tupX[k] as number;
      const w = d.tupW[k] as number;
      const s = v + (d.tupXM[k] as number);
      sl[j] = (sl[j] as number) + w * Math.log(s);
      if (grad) si[j] = (si[j] as number) + w / s;
    }
    const n = d.weight;
    let ll = -n * logGamma(q) + n * q * Math.log(v) + p * (d.sumXLogM + d.sumXLogX) - d.sumLogM;
    let gp = d.sumXLogM + d.sumXLogX;
    let gq = grad ? -n * digamma(q) + n * Math.log(v) : 0;
    let gv = (n * q) / v;
    for (let j = 0; j < nX; j++) {
      const x = d.xs[j] as number;
      const w = d.xW[j] as number;
      const c = p * x + q;
      ll += w * (logGamma(c) - logGamma(p * x)) - c * (sl[j] as number);
      if (grad) {
        const psiC = digamma(c);
        gp += w * x * (psiC - digamma(p * x)) - x * (sl[j] as number);
        gq += w * psiC - (sl[j] as number);
        gv -= c * (si[j] as number);
      }
    }
    if (grad) {
      grad[0] = -gp * p;
      grad[1] = -gq * q;
      grad[2] = -gv * v;
    }
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  return { negLogLik, analyticGradient: true, weight: d.weight, tuples: d.tuples };
}

/**
 * Fits Gamma-Gamma by maximum likelihood on the repeat buyers (frequency > 0 and a positive
 * mean repeat value; everyone else carries no spend information), on distinct (x, m) pairs.
 */
export function fitGammaGamma(input: SpendInput, options: FitOptions<GammaGammaParams> = {}): GammaGammaFit {
  const rb = repeatBuyers(input);
  if (rb.x.length === 0)
    throw new NurtureError('not_enough_data', 'Gamma-Gamma needs repeat buyers with spend > 0');
  // Means of continuous amounts rarely repeat: deduplicate only when a probe says it pays.
  const c = compressionPays([rb.x, rb.m])
    ? compressColumns([rb.x, rb.m], rb.w)
    : { columns: [rb.x, rb.m], weight: rb.w, count: rb.x.length };
  const [x, m] = c.columns as [Float64Array, Float64Array];
  const core = makeCore(prepare(x, m, c.weight));
  const coarse =
    c.count > COARSE_TUPLE_LIMIT
      ? (() => {
          const s = subsampleTuples(c.columns, c.weight, COARSE_SAMPLE_SIZE);
          return makeCore(prepare(s.columns[0] as Float64Array, s.columns[1] as Float64Array, s.weight));
        })()
      : undefined;
  let sm = 0;
  let sw = 0;
  for (let i = 0; i < m.length; i++) {
    sm += (c.weight[i] as number) * (m[i] as number);
    sw += c.weight[i] as number;
  }
  return maximizeLikelihood<GammaGammaParams, 'gg'>({
    model: 'gg',
    names: GG_PARAM_NAMES,
    core,
    ...(coarse ? { coarse } : {}),
    // p = 1, q = 2 put the population mean p v/(q − 1) at v: start it at the observed mean.
    start: options.initial ?? { p: 1, q: 2, v: sm / sw },
    regularization: options,
  });
}

/**
 * E[M | x, m]: the posterior mean of the customer's mean transaction value,
 * p (v + x m) / (p x + q − 1) — a weighted average of the population mean p v/(q − 1) and the
 * observed mean m. For x = 0 it is the population mean.
 *
 * When p x + q <= 1 the posterior mean does not exist (the spend distribution is too
 * heavy-tailed, possible when q < 1); the plug-in value p (v + x m)/(p x + q) = p / E[ν] is
 * returned instead, which is finite and positive. `gammaGammaMeanDefined` says which applies.
 */
export function gammaGammaConditionalExpectedValue(g: GammaGammaParams, x: number, m: number): number {
  const mm = x > 0 && m > 0 ? m : 0;
  const num = g.p * (g.v + x * mm);
  const den = g.p * x + g.q - 1;
  return den > 0 ? num / den : num / (g.p * x + g.q);
}

/** Whether the posterior mean of the Gamma-Gamma model exists for a customer with x repeats. */
export function gammaGammaMeanDefined(g: GammaGammaParams, x: number): boolean {
  return g.p * x + g.q > 1;
}

/**
 * Pearson correlation between frequency and mean repeat value among repeat buyers. The
 * Gamma-Gamma model assumes independence; |ρ| above about 0.3 is reported as a warning.
 */
export function spendFrequencyCorrelation(
  frequency: ArrayLike<number>,
  monetaryValue: ArrayLike<number>,
): number {
  let n = 0;
  let sx = 0;
  let sm = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i] as number;
    const m = monetaryValue[i] as number;
    if (x > 0 && m > 0) {
      n++;
      sx += x;
      sm += m;
    }
  }
  if (n < 3) return 0;
  const mx = sx / n;
  const mm = sm / n;
  let cxx = 0;
  let cmm = 0;
  let cxm = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i] as number;
    const m = monetaryValue[i] as number;
    if (x > 0 && m > 0) {
      cxx += (x - mx) * (x - mx);
      cmm += (m - mm) * (m - mm);
      cxm += (x - mx) * (m - mm);
    }
  }
  return cxx > 0 && cmm > 0 ? cxm / Math.sqrt(cxx * cmm) : 0;
}

/** A fitted Gamma-Gamma model. */
export type GammaGammaFit = ModelFit<GammaGammaParams, 'gg'>;
