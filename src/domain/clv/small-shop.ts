/**
 * Small shops: the minimum below which the models are refused, and the empirical-Bayes prior
 * that shrinks thin data toward sensible values.
 *
 * The prior is a product of independent normals on the log-parameters (log-normal priors on the
 * parameters) added to the total negative log-likelihood, i.e. the fit is a maximum a
 * posteriori estimate. Because the prior counts once while the likelihood counts every
 * customer, its pull fades by itself as the shop grows. It is "empirical Bayes" in that the
 * scale parameters (α, β, v) are centred on values implied by the shop's own averages, so that
 * the prior is unit- and currency-free; the shape parameters are centred on values typical of
 * published retail fits (CDNOW and the BTYD literature) with wide spreads.
 */
import { NurtureError } from '../../errors.js';
import type { LogNormalPrior } from './fit.js';

/** Fewer customers than this: refuse (not_enough_data). */
export const MINIMUM_CUSTOMERS = 50;
/** Fewer repeat buyers than this: refuse, nothing can be said about repeat behaviour. */
export const MINIMUM_REPEAT_CUSTOMERS = 10;
/** Fewer repeat buyers with spend than this: refuse the spend model. */
export const MINIMUM_SPEND_CUSTOMERS = 10;
/** With prior 'auto', shrinkage is applied below this many customers. */
export const SHRINKAGE_BELOW_CUSTOMERS = 1000;

/** Prior standard deviations on the log scale: a factor of e^sd either way is unsurprising. */
const WIDE = 1.5;
const MEDIUM = 1;

interface Counts {
  customers: number;
  repeatCustomers: number;
  /** Σ frequency / Σ T: the shop's repeat-purchase rate per time unit. */
  repeatRate: number;
  meanT: number;
}

function countsOf(frequency: ArrayLike<number>, T: ArrayLike<number>): Counts {
  let repeat = 0;
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i] as number;
    if (x > 0) repeat++;
    sx += x;
    sT += T[i] as number;
  }
  const n = frequency.length;
  return {
    customers: n,
    repeatCustomers: repeat,
    repeatRate: sT > 0 ? sx / sT : 0,
    meanT: n > 0 ? sT / n : 0,
  };
}

/**
 * Refuses, with a message a seller can act on, data too thin for a purchase model.
 * @throws NurtureError not_enough_data
 */
export function assertEnoughForTransactionModel(
  frequency: ArrayLike<number>,
  T: ArrayLike<number>,
  laterCutOff = 'a later cut-off date',
): void {
  const c = countsOf(frequency, T);
  if (c.customers < MINIMUM_CUSTOMERS) {
    throw new NurtureError(
      'not_enough_data',
      `CLV models need at least ${MINIMUM_CUSTOMERS} customers with a purchase before the cut-off date; found ${c.customers}. ` +
        `Below that the estimates would mean nothing: use ${laterCutOff} or wait for more customers.`,
    );
  }
  if (c.repeatCustomers < MINIMUM_REPEAT_CUSTOMERS) {
    throw new NurtureError(
      'not_enough_data',
      `CLV models need at least ${MINIMUM_REPEAT_CUSTOMERS} customers who bought more than once; found ${c.repeatCustomers} ` +
        `among ${c.customers}. Repeat behaviour cannot be estimated yet.`,
    );
  }
  if (!(c.meanT > 0)) {
    throw new NurtureError(
      'not_enough_data',
      'every customer bought on the cut-off day: there is no time to learn from',
    );
  }
}

/**
 * Refuses a spend model without enough repeat buyers with a positive spend.
 * @throws NurtureError not_enough_data
 */
export function assertEnoughForSpendModel(
  frequency: ArrayLike<number>,
  monetaryValue: ArrayLike<number>,
): void {
  let n = 0;
  for (let i = 0; i < frequency.length; i++)
    if ((frequency[i] as number) > 0 && (monetaryValue[i] as number) > 0) n++;
  if (n < MINIMUM_SPEND_CUSTOMERS) {
    throw new NurtureError(
      'not_enough_data',
      `the spend model needs at least ${MINIMUM_SPEND_CUSTOMERS} repeat buyers with a positive order value; found ${n}.`,
    );
  }
}

/** Whether prior 'auto' shrinks a shop of this size. */
export function shrinkageApplies(mode: 'auto' | 'on' | 'off', customers: number): boolean {
  return mode === 'on' || (mode === 'auto' && customers < SHRINKAGE_BELOW_CUSTOMERS);
}

/**
 * BG/NBD prior (order r, α, a, b): r ~ 0.5, α centred so that the mean rate r/α equals the
 * shop's repeat rate, a ~ 1 and b ~ 3 (a mean drop-out probability of 0.25 per purchase).
 */
export function bgnbdPrior(frequency: ArrayLike<number>, T: ArrayLike<number>): LogNormalPrior {
  const c = countsOf(frequency, T);
  const r0 = 0.5;
  const alpha0 = c.repeatRate > 0 ? r0 / c.repeatRate : c.meanT;
  return {
    mean: [Math.log(r0), Math.log(alpha0), Math.log(1), Math.log(3)],
    sd: [WIDE, WIDE, MEDIUM, MEDIUM],
  };
}

/** NBD prior (order r, α): BG/NBD's purchase-rate part. */
export function nbdPrior(frequency: ArrayLike<number>, T: ArrayLike<number>): LogNormalPrior {
  const bg = bgnbdPrior(frequency, T);
  return { mean: bg.mean.slice(0, 2), sd: bg.sd.slice(0, 2) };
}

/**
 * Pareto/NBD prior (order r, α, s, β): r ~ 0.5 with α at the shop's repeat rate as above;
 * s ~ 0.5 with β such that the mean lifetime β/s is twice the average observation time.
 */
export function paretoNbdPrior(frequency: ArrayLike<number>, T: ArrayLike<number>): LogNormalPrior {
  const c = countsOf(frequency, T);
  const r0 = 0.5;
  const s0 = 0.5;
  const alpha0 = c.repeatRate > 0 ? r0 / c.repeatRate : c.meanT;
  const beta0 = s0 * 2 * Math.max(c.meanT, 1e-9);
  return {
    mean: [Math.log(r0), Math.log(alpha0), Math.log(s0), Math.log(beta0)],
    sd: [WIDE, WIDE, WIDE, WIDE],
  };
}

/**
 * Gamma-Gamma prior (order p, q, v): p ~ 4 (a within-customer coefficient of variation of
 * 1/√p = 0.5), q ~ 4, and v such that the population mean p v/(q − 1) equals the shop's mean
 * repeat order value.
 */
export function gammaGammaPrior(
  frequency: ArrayLike<number>,
  monetaryValue: ArrayLike<number>,
): LogNormalPrior {
  let n = 0;
  let s = 0;
  for (let i = 0; i < frequency.length; i++) {
    const m = monetaryValue[i] as number;
    if ((frequency[i] as number) > 0 && m > 0) {
      n++;
      s += m;
    }
  }
  const mean = n > 0 ? s / n : 1;
  const p0 = 4;
  const q0 = 4;
  return {
    mean: [Math.log(p0), Math.log(q0), Math.log((mean * (q0 - 1)) / p0)],
    sd: [MEDIUM, MEDIUM, MEDIUM],
  };
}
