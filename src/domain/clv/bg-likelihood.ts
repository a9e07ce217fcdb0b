/**
 * The likelihood machinery shared by BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam,
 * Denizel & Filiztekin 2007): tuple compression, the aggregated likelihood with its analytic
 * gradient, the data-driven start and the fit.
 *
 * The two models differ in one place: BG/NBD lets a customer drop out after each repeat
 * purchase, MBG/NBD also right after the first one. Per customer that shifts the beta part
 * by one coin flip, ℓ = ln Γ(r+x)/Γ(r) + r ln α + ln B(a, b+x+s)/B(a, b)
 * + ln((α+T)^−(r+x) + δ · a/(b+x−1+s) (α+t_x)^−(r+x)), with s = 0 and δ = [x > 0] for
 * BG/NBD and s = 1, δ = 1 for MBG/NBD. `shift` below is that s.
 */
import type { BgNbdParams } from '../random/btyd-process.js';
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
import { digamma, logGamma } from './special.js';
import { compressCodes, indexValues } from './tuples.js';

/** 0 for BG/NBD, 1 for MBG/NBD: the extra drop-out opportunity right after the first purchase. */
export type DropoutShift = 0 | 1;

/** Parameter order of both models (that of the papers). */
export const BG_PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * The likelihood data prepared once per fit: one-time buyers grouped by T (their likelihood
 * needs one log per distinct T), repeat buyers as tuples grouped by frequency and indexing
 * tables of distinct t_x and T values, so that an evaluation costs one exp and one log1p per
 * repeat tuple and everything else is per distinct value.
 */
interface BgNbdData {
  weight: number;
  tuples: number;
  zeroT: Float64Array;
  zeroW: Float64Array;
  /** Distinct repeat frequencies, their total weights, and where their tuples start. */
  xs: Float64Array;
  xW: Float64Array;
  groupStart: Int32Array;
  txValues: Float64Array;
  TValues: Float64Array;
  tupTx: Int32Array;
  tupT: Int32Array;
  tupW: Float64Array;
  shift: DropoutShift;
}

/**
 * Builds the likelihood data straight from per-customer (or per-tuple) statistics. Distinct
 * values of x, t_x and T are indexed with a Map (few of them: counts and days), and the
 * repeat buyers' (x, t_x, T) tuples are deduplicated on those integer codes — cheaper than
 * hashing the doubles of a million rows.
 */
function prepare(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weight: ArrayLike<number> | undefined,
  shift: DropoutShift,
): BgNbdData {
  const n = x.length;
  let total = 0;
  let nRep = 0;
  let nZero = 0;
  for (let i = 0; i < n; i++) {
    const w = weight === undefined ? 1 : (weight[i] as number);
    total += w;
    if (w === 0) continue;
    // MBG/NBD one-time buyers may have dropped out at once: they need the two-branch terms too.
    if ((x[i] as number) === 0 && shift === 0) nZero++;
    else nRep++;
  }
  const zeroTAll = new Float64Array(nZero);
  const zeroWAll = new Float64Array(nZero);
  const repX = new Float64Array(nRep);
  const repTx = new Float64Array(nRep);
  const repT = new Float64Array(nRep);
  const repW = new Float64Array(nRep);
  for (let i = 0, k = 0, z = 0; i < n; i++) {
    const w = weight === undefined ? 1 : (weight[i] as number);
    if (w === 0) continue;
    if ((x[i] as number) === 0 && shift === 0) {
      zeroTAll[z] = T[i] as number;
      zeroWAll[z++] = w;
      continue;
    }
    repX[k] = x[i] as number;
    repTx[k] = tx[i] as number;
    repT[k] = T[i] as number;
    repW[k++] = w;
  }
  // One-time buyers differ only by T.
  const zeroIdx = indexValues(zeroTAll);
  const zT = zeroIdx.values;
  const zW = new Float64Array(zT.length);
  for (let z = 0; z < nZero; z++) {
    const j = zeroIdx.index[z] as number;
    zW[j] = (zW[j] as number) + (zeroWAll[z] as number);
  }
  const xIdx = indexValues(repX);
  const txIdx = indexValues(repTx);
  const TIdx = indexValues(repT);
  const distinct = compressCodes([xIdx.index, txIdx.index, TIdx.index], repW);
  const nX = xIdx.values.length;
  // Counting sort of the distinct tuples by frequency, so each frequency is one contiguous run.
  const groupStart = new Int32Array(nX + 1);
  for (let t = 0; t < distinct.count; t++) {
    const j = (xIdx.index[distinct.first[t] as number] as number) + 1;
    groupStart[j] = (groupStart[j] as number) + 1;
  }
  for (let j = 0; j < nX; j++) groupStart[j + 1] = (groupStart[j + 1] as number) + (groupStart[j] as number);
  const fill = groupStart.slice(0, nX);
  const tupTx = new Int32Array(distinct.count);
  const tupT = new Int32Array(distinct.count);
  const tupW = new Float64Array(distinct.count);
  const xW = new Float64Array(nX);
  for (let t = 0; t < distinct.count; t++) {
    const row = distinct.first[t] as number;
    const j = xIdx.index[row] as number;
    const k = fill[j] as number;
    fill[j] = k + 1;
    tupTx[k] = txIdx.index[row] as number;
    tupT[k] = TIdx.index[row] as number;
    tupW[k] = distinct.weight[t] as number;
    xW[j] = (xW[j] as number) + (distinct.weight[t] as number);
  }
  return {
    weight: total,
    tuples: zT.length + distinct.count,
    zeroT: zT,
    zeroW: zW,
    xs: xIdx.values,
    xW,
    groupStart,
    txValues: txIdx.values,
    TValues: TIdx.values,
    tupTx,
    tupT,
    tupW,
    shift,
  };
}

/**
 * Total negative log-likelihood and its analytic gradient with respect to the log-parameters.
 * With π the posterior weight of the "dropped out after the last purchase" branch,
 * ∂ℓ/∂θ = ∂(A1 + A2)/∂θ + (1 − π) ∂A3/∂θ + π ∂A4/∂θ; all terms that depend on x only are
 * aggregated per distinct x.
 */
function makeCore(d: BgNbdData): LikelihoodCore {
  const { xs, xW, groupStart, txValues, TValues, tupTx, tupT, tupW, zeroT, zeroW, shift } = d;
  const nT = TValues.length;
  const nTx = txValues.length;
  const nX = xs.length;
  const logAT = new Float64Array(nT);
  const invAT = new Float64Array(nT);
  const logAtx = new Float64Array(nTx);
  const invAtx = new Float64Array(nTx);
  const powT = new Float64Array(nT);
  const powTx = new Float64Array(nTx);
  const sums = new Float64Array(4);
  // A frequency group is worth tabulating when it has more tuples than the tables have entries.
  const tableWorth = (nT + nTx) >> 1;
  let logSpan = 0;
  let logMid = 0;

  /** Exact per-tuple sums: one exp and one log1p per tuple, safe for any exponent. */
  const groupDirect = (
    start: number,
    end: number,
    rx: number,
    kx: number,
    withGrad: boolean,
  ): Float64Array => {
    let lse = 0;
    let sLog = 0;
    let sInv = 0;
    let sPi = 0;
    for (let k = start; k < end; k++) {
      const w = tupW[k] as number;
      const lt = logAT[tupT[k] as number] as number;
      const ltx = logAtx[tupTx[k] as number] as number;
      const diff = kx + rx * (lt - ltx);
      const e = Math.exp(-Math.abs(diff));
      // log(e^u3 + e^u4) = u3 + max(diff, 0) + log1p(e).
      lse += w * (Math.max(diff, 0) + Math.log1p(e) - rx * lt);
      if (withGrad) {
        const pi = diff > 0 ? 1 / (1 + e) : e / (1 + e);
        const q = 1 - pi;
        sLog += w * (q * lt + pi * ltx);
        sInv += w * (q * (invAT[tupT[k] as number] as number) + pi * (invAtx[tupTx[k] as number] as number));
        sPi += w * pi;
      }
    }
    sums[0] = lse;
    sums[1] = sLog;
    sums[2] = sInv;
    sums[3] = sPi;
    return sums;
  };

  /**
   * The same sums with e^(u4 − u3) = e^kx · ((α+T)/m)^rx · (m/(α+t_x))^rx read from two tables
   * of powers (m the geometric middle of the range): one log1p per tuple and no exp. Only used
   * when rx × the log-range keeps every factor far from overflow.
   */
  const groupByTables = (start: number, end: number, rx: number, kx: number): Float64Array => {
    for (let i = 0; i < nT; i++) powT[i] = Math.exp(rx * ((logAT[i] as number) - logMid));
    for (let i = 0; i < nTx; i++) powTx[i] = Math.exp(rx * (logMid - (logAtx[i] as number)));
    const ek = Math.exp(kx);
    let lse = 0;
    let sLog = 0;
    let sInv = 0;
    let sPi = 0;
    for (let k = start; k < end; k++) {
      const w = tupW[k] as number;
      const iT = tupT[k] as number;
      const it = tupTx[k] as number;
      const lt = logAT[iT] as number;
      const ratio = ek * (powT[iT] as number) * (powTx[it] as number);
      lse += w * (Math.log1p(ratio) - rx * lt);
      const pi = ratio / (1 + ratio);
      const q = 1 - pi;
      sLog += w * (q * lt + pi * (logAtx[it] as number));
      sInv += w * (q * (invAT[iT] as number) + pi * (invAtx[it] as number));
      sPi += w * pi;
    }
    sums[0] = lse;
    sums[1] = sLog;
    sums[2] = sInv;
    sums[3] = sPi;
    return sums;
  };

  const negLogLik = (lp: Float64Array, grad: Float64Array | null): number => {
    const r = Math.exp(lp[0] as number);
    const alpha = Math.exp(lp[1] as number);
    const a = Math.exp(lp[2] as number);
    const b = Math.exp(lp[3] as number);
    const logAlpha = Math.log(alpha);
    for (let i = 0; i < nT; i++) {
      const v = alpha + (TValues[i] as number);
      logAT[i] = Math.log(v);
      invAT[i] = 1 / v;
    }
    for (let i = 0; i < nTx; i++) {
      const v = alpha + (txValues[i] as number);
      logAtx[i] = Math.log(v);
      invAtx[i] = 1 / v;
    }
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of logAT) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (const v of logAtx) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    logSpan = hi > lo ? hi - lo : 0;
    logMid = hi >= lo ? 0.5 * (hi + lo) : 0;
    const lgR = logGamma(r);
    const lgAB = logGamma(a + b);
    const lgB = logGamma(b);
    const logA = Math.log(a);
    const withGrad = grad !== null;
    let ll = 0;
    let gR = 0;
    let gAlpha = 0;
    let gA = 0;
    let gB = 0;
    // One-time buyers: ℓ = r ln α − r ln(α + T).
    for (let i = 0; i < zeroT.length; i++) {
      const w = zeroW[i] as number;
      const T = zeroT[i] as number;
      const lat = Math.log(alpha + T);
      ll += w * r * (logAlpha - lat);
      gR += w * (logAlpha - lat);
      gAlpha += w * (r / alpha - r / (alpha + T));
    }
    const psiR = withGrad ? digamma(r) : 0;
    const psiAB = withGrad ? digamma(a + b) : 0;
    const psiB = withGrad ? digamma(b) : 0;
    for (let j = 0; j < nX; j++) {
      const x = xs[j] as number;
      const wx = xW[j] as number;
      const rx = r + x;
      const xs1 = x + shift;
      const kx = logA - Math.log(b + xs1 - 1);
      ll += wx * (logGamma(rx) - lgR + r * logAlpha + lgAB + logGamma(b + xs1) - lgB - logGamma(a + b + xs1));
      // Σ w log(e^u3 + e^u4) over the tuples of this frequency, with u3 = −rx ln(α+T) and
      // u4 − u3 = kx + rx (ln(α+T) − ln(α+t_x)).
      const start = groupStart[j] as number;
      const end = groupStart[j + 1] as number;
      const sums =
        end - start > tableWorth && rx * logSpan < 600 && Math.abs(kx) < 60
          ? groupByTables(start, end, rx, kx)
          : groupDirect(start, end, rx, kx, withGrad);
      const lse = sums[0] as number;
      const sLog = sums[1] as number;
      const sInv = sums[2] as number;
      const sPi = sums[3] as number;
      ll += lse;
      if (withGrad) {
        const psiABX = digamma(a + b + xs1);
        gR += wx * (digamma(rx) - psiR + logAlpha) - sLog;
        gAlpha += (wx * r) / alpha - rx * sInv;
        gA += wx * (psiAB - psiABX) + sPi / a;
        gB += wx * (psiAB + digamma(b + xs1) - psiB - psiABX) - sPi / (b + xs1 - 1);
      }
    }
    if (grad) {
      grad[0] = -gR * r;
      grad[1] = -gAlpha * alpha;
      grad[2] = -gA * a;
      grad[3] = -gB * b;
    }
    return -ll;
  };
  return { negLogLik, analyticGradient: true, weight: d.weight, tuples: d.tuples };
}

/** A start that puts the mean purchase rate r/α at the observed repeat rate. */
function defaultStart(input: RfmInput): BgNbdParams {
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < input.frequency.length; i++) {
    const w = input.weight ? (input.weight[i] as number) : 1;
    sx += w * (input.frequency[i] as number);
    sT += w * (input.T[i] as number);
  }
  const rate = sx > 0 && sT > 0 ? sx / sT : 1;
  return { r: 1, alpha: 1 / rate, a: 1, b: 1 };
}

/**
 * Fits BG/NBD (shift 0) or MBG/NBD (shift 1) by maximum likelihood on the distinct
 * (frequency, recency, T) tuples. The mean negative log-likelihood (plus regularisation) is
 * minimised over log-parameters; above COARSE_TUPLE_LIMIT tuples Nelder-Mead starts on a
 * subsample.
 */
export function fitBgFamily<M extends 'bgnbd' | 'mbgnbd'>(
  model: M,
  shift: DropoutShift,
  input: RfmInput,
  options: FitOptions<BgNbdParams>,
): ModelFit<BgNbdParams, M> {
  validateRfm(input);
  const data = prepare(input.frequency, input.recency, input.T, input.weight, shift);
  const core = makeCore(data);
  const coarse =
    data.tuples > COARSE_TUPLE_LIMIT
      ? (() => {
          const t = tuplesOf(data);
          const s = subsampleTuples(t.columns, t.weight, COARSE_SAMPLE_SIZE);
          return makeCore(
            prepare(
              s.columns[0] as Float64Array,
              s.columns[1] as Float64Array,
              s.columns[2] as Float64Array,
              s.weight,
              shift,
            ),
          );
        })()
      : undefined;
  return maximizeLikelihood<BgNbdParams, M>({
    model,
    names: BG_PARAM_NAMES,
    core,
    ...(coarse ? { coarse } : {}),
    start: options.initial ?? defaultStart(input),
    regularization: options,
  });
}

/** The likelihood core on customer statistics (exposed for benchmarks and gradient tests). */
export function bgLikelihoodCore(input: RfmInput, shift: DropoutShift): LikelihoodCore {
  return makeCore(prepare(input.frequency, input.recency, input.T, input.weight, shift));
}

/** The distinct tuples held by prepared data, as (x, t_x, T) columns with weights. */
function tuplesOf(d: BgNbdData): { columns: Float64Array[]; weight: Float64Array } {
  const nz = d.zeroT.length;
  const m = nz + d.tupW.length;
  const x = new Float64Array(m);
  const tx = new Float64Array(m);
  const T = new Float64Array(m);
  const w = new Float64Array(m);
  T.set(d.zeroT);
  w.set(d.zeroW);
  for (let j = 0; j < d.xs.length; j++) {
    for (let k = d.groupStart[j] as number; k < (d.groupStart[j + 1] as number); k++) {
      x[nz + k] = d.xs[j] as number;
      tx[nz + k] = d.txValues[d.tupTx[k] as number] as number;
      T[nz + k] = d.TValues[d.tupT[k] as number] as number;
      w[nz + k] = d.tupW[k] as number;
    }
  }
  return { columns: [x, tx, T], weight: w };
}
