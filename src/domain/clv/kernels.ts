/**
 * The purchase-count models behind every per-customer prediction, as one interface: BG/NBD,
 * MBG/NBD, Pareto/NBD and NBD reduce to P(alive), the expectation, the no-purchase probability and
 * the distribution of purchases of a customer known to be alive. Scoring, intervals, validation
 * and model choice all go through `kernelOf`, so a model added here is scored everywhere.
 */
import { assertNever } from '../../errors.js';
import {
  type BgNbdFit,
  type BgNbdParams,
  bgnbdExpectedAlive,
  bgnbdNoPurchaseAlive,
  bgnbdPAlive,
} from './bgnbd.js';
import { type MbgNbdFit, mbgnbdExpectedAlive, mbgnbdPAlive } from './mbgnbd.js';
import { type NbdFit, nbdConditionalExpected } from './nbd.js';
import {
  type ParetoNbdFit,
  type ParetoNbdParams,
  paretoNbdExpectedAlive,
  paretoNbdNoPurchaseAlive,
  paretoNbdPAlive,
} from './pareto-nbd.js';
import { gaussLegendre } from './special.js';

/** A fitted transaction (purchase-count) model. */
export type TransactionFit = BgNbdFit | MbgNbdFit | ParetoNbdFit | NbdFit;

/** The purchase models `predict` can score with. */
export type TransactionModelName = TransactionFit['model'];

/** The transaction-model quantities every prediction is built from. */
export interface Kernel {
  pAlive(x: number, tx: number, T: number): number;
  /** Expected purchases in (T, T + t] if alive at T. */
  expectedAlive(t: number, x: number, T: number): number;
  /** P(no purchase in (T, T + t] | alive at T). */
  noPurchaseAlive(t: number, x: number, T: number): number;
  /** Shape and rate of the posterior purchase rate of an alive customer. */
  rateShape(x: number): number;
  rateScale(T: number): number;
  /**
   * P(n purchases in (T, T + t] | alive at T) for n = 0, 1, …: at least `minLength` entries, and
   * on until the mass left out is below 1e-9 (or `MAX_COUNT` entries).
   */
  alivePmf(t: number, x: number, T: number, minLength?: number): Float64Array;
}

/** The longest purchase-count distribution computed (a customer buying daily for 27 years). */
export const MAX_COUNT = 10_000;
const TAIL = 1e-9;

/** The kernel of a model at log-parameters (in the order of the model's parameter names). */
export function kernelOf(model: TransactionModelName, logParams: ArrayLike<number>): Kernel {
  const e = (i: number): number => Math.exp(logParams[i] as number);
  switch (model) {
    case 'bgnbd':
    case 'mbgnbd': {
      const p: BgNbdParams = { r: e(0), alpha: e(1), a: e(2), b: e(3) };
      // MBG/NBD is BG/NBD with one more survived coin flip (see mbgnbd.ts).
      const shift = model === 'mbgnbd' ? 1 : 0;
      return {
        pAlive: (x, tx, T) => (shift === 0 ? bgnbdPAlive(p, x, tx, T) : mbgnbdPAlive(p, x, tx, T)),
        expectedAlive: (t, x, T) =>
          shift === 0 ? bgnbdExpectedAlive(p, t, x, T) : mbgnbdExpectedAlive(p, t, x, T),
        noPurchaseAlive: (t, x, T) => bgnbdNoPurchaseAlive(p, t, x, T),
        rateShape: (x) => p.r + x,
        rateScale: (T) => p.alpha + T,
        alivePmf: (t, x, T, minLength = 1) =>
          bgPmfVector(p.r + x, p.alpha + T, p.a, p.b + x + shift, t, minLength),
      };
    }
    case 'pnbd': {
      const p: ParetoNbdParams = { r: e(0), alpha: e(1), s: e(2), beta: e(3) };
      return {
        pAlive: (x, tx, T) => paretoNbdPAlive(p, x, tx, T),
        expectedAlive: (t, x, T) => paretoNbdExpectedAlive(p, t, x, T),
        noPurchaseAlive: (t, x, T) => paretoNbdNoPurchaseAlive(p, t, x, T),
        rateShape: (x) => p.r + x,
        rateScale: (T) => p.alpha + T,
        alivePmf: (t, x, T, minLength = 1) =>
          paretoPmfVector(p.r + x, p.alpha + T, p.s, p.beta + T, t, minLength),
      };
    }
    case 'nbd': {
      const p = { r: e(0), alpha: e(1) };
      return {
        pAlive: () => 1,
        expectedAlive: (t, x, T) => nbdConditionalExpected(p, t, x, T),
        noPurchaseAlive: (t, x, T) => Math.exp(-(p.r + x) * Math.log1p(t / (p.alpha + T))),
        rateShape: (x) => p.r + x,
        rateScale: (T) => p.alpha + T,
        alivePmf: (t, x, T, minLength = 1) => nbPmfVector(p.r + x, p.alpha + T, t, minLength),
      };
    }
    default:
      return assertNever(model);
  }
}

/** The fit's parameters on the log scale, in the order of its parameter names. */
export function logParamsOf(fit: TransactionFit): Float64Array {
  const p = fit.params as unknown as Record<string, number>;
  return Float64Array.from(fit.paramNames as readonly string[], (k) => Math.log(p[k] as number));
}

/**
 * Whether a pmf buffer is long enough: the mass left out is negligible — or, since rounding in the
 * running tail can keep the sum a hair below 1 − TAIL for ever, the terms have fallen below
 * TAIL × 1e-3 and are still falling (the count distributions are unimodal).
 */
function done(n: number, mass: number, minLength: number, out: readonly number[]): boolean {
  if (n >= MAX_COUNT) return true;
  if (n < minLength) return false;
  if (1 - mass < TAIL) return true;
  const last = out[n - 1] ?? 1;
  return n >= 2 && last < TAIL * 1e-3 && last <= (out[n - 2] as number);
}

/**
 * Negative binomial NB(n; r, q = t/(α + t)), the count of a gamma-mixed Poisson process over t,
 * by the term ratio q (r + n)/(n + 1) in log form (the first term underflows for large r).
 */
function nbPmfVector(r: number, alpha: number, t: number, minLength: number): Float64Array {
  if (!(t > 0)) return pad([1], minLength);
  const logQ = Math.log(t / (alpha + t));
  let logTerm = -r * Math.log1p(t / alpha);
  const out: number[] = [];
  let mass = 0;
  for (let n = 0; !done(n, mass, minLength, out); n++) {
    const v = Math.exp(logTerm);
    out.push(v);
    mass += v;
    logTerm += logQ + Math.log(r + n) - Math.log(n + 1);
  }
  return Float64Array.from(out);
}

/**
 * FHL 2005 eq. (8) for every n at once: P(n) = B(a, b+n)/B(a, b) NB(n) + [n > 0] B(a+1, b+n−1)/B(a, b)
 * P(NB ≥ n), both beta ratios and the negative-binomial tail by recurrences in n (the tail is one
 * minus the running sum, which is all the accuracy an interval needs).
 */
function bgPmfVector(
  r: number,
  alpha: number,
  a: number,
  b: number,
  t: number,
  minLength: number,
): Float64Array {
  if (!(t > 0)) return pad([1], minLength);
  const logQ = Math.log(t / (alpha + t));
  let logNb = -r * Math.log1p(t / alpha);
  let nbCdf = 0;
  let stay = 1; // B(a, b+n)/B(a, b)
  let drop = a / (a + b); // B(a+1, b+n−1)/B(a, b), from n = 1
  const out: number[] = [];
  let mass = 0;
  for (let n = 0; !done(n, mass, minLength, out); n++) {
    const nb = Math.exp(logNb);
    let v = stay * nb;
    if (n > 0) {
      v += drop * Math.max(1 - nbCdf, 0);
      drop *= (b + n - 1) / (a + b + n);
    }
    nbCdf += nb;
    stay *= (b + n) / (a + b + n);
    logNb += logQ + Math.log(r + n) - Math.log(n + 1);
    out.push(v);
    mass += v;
  }
  return Float64Array.from(out);
}

const GL32 = gaussLegendre(32);
const PANELS = 4;

/**
 * Pareto/NBD's count distribution (see pareto-nbd.ts, pmfCore) for every n at once: conditioning
 * on the death time, a mixture of negative binomials over 1 + 4 × 32 exposures, each carried
 * through n by its term ratio.
 */
function paretoPmfVector(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  t: number,
  minLength: number,
): Float64Array {
  if (!(t > 0)) return pad([1], minLength);
  const surviveLog = -s * Math.log1p(t / beta);
  const U = -Math.expm1(surviveLog);
  const h = U / PANELS;
  const m = 1 + PANELS * GL32.nodes.length;
  const logW = new Float64Array(m);
  const logQ = new Float64Array(m);
  const logTerm = new Float64Array(m);
  logW[0] = surviveLog;
  logQ[0] = Math.log(t / (alpha + t));
  logTerm[0] = -r * Math.log1p(t / alpha);
  let j = 1;
  for (let k = 0; k < PANELS; k++) {
    for (let i = 0; i < GL32.nodes.length; i++, j++) {
      const u = k * h + 0.5 * h * (1 + (GL32.nodes[i] as number));
      const tau = beta * Math.expm1(-Math.log1p(-u) / s);
      logW[j] = Math.log(0.5 * h * (GL32.weights[i] as number));
      logQ[j] = tau > 0 ? Math.log(tau / (alpha + tau)) : Number.NEGATIVE_INFINITY;
      logTerm[j] = tau > 0 ? -r * Math.log1p(tau / alpha) : 0;
    }
  }
  const out: number[] = [];
  let mass = 0;
  for (let n = 0; !done(n, mass, minLength, out); n++) {
    let v = 0;
    for (let i = 0; i < m; i++) {
      v += Math.exp((logW[i] as number) + (logTerm[i] as number));
      logTerm[i] = (logTerm[i] as number) + (logQ[i] as number) + Math.log(r + n) - Math.log(n + 1);
    }
    const clamped = Math.min(Math.max(v, 0), 1);
    out.push(clamped);
    mass += clamped;
  }
  return Float64Array.from(out);
}

function pad(values: number[], minLength: number): Float64Array {
  const out = new Float64Array(Math.max(values.length, minLength));
  out.set(values);
  return out;
}
