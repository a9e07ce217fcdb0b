import { sampleBeta, sampleExponential, sampleGamma, type Uniform } from './distributions.js';

/** BG/NBD population parameters (Fader, Hardie & Lee 2005). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Pareto/NBD population parameters (Schmittlein, Morrison & Colombo 1987): r, α, s, β. */
export interface ParetoNbdProcessParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/** A purchase process with known parameters, for generated shops. */
export type PurchaseProcess =
  | { model: 'bgnbd'; params: BgNbdParams }
  | { model: 'mbgnbd'; params: BgNbdParams }
  | { model: 'pnbd'; params: ParetoNbdProcessParams };

/** Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005b): p, q, v. */
export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export interface SimulatedCustomer {
  /** Purchase times (first one at 0), in the time unit of the rate parameters. */
  purchaseTimes: number[];
  /** Spend of each purchase. */
  spends: number[];
  lambda: number;
  dropoutP: number;
  meanSpend: number;
}

/**
 * One customer of a BG/NBD process observed for `horizon` time units after the first purchase:
 * purchases arrive as a Poisson process with rate lambda ~ Gamma(r, alpha) while the customer
 * is alive; after each repeat purchase the customer drops out with probability p ~ Beta(a, b).
 * Spend per purchase is Gamma(p, nu) with nu ~ Gamma(q, v) (Gamma-Gamma).
 */
export function simulateBgNbdCustomer(
  u: Uniform,
  params: BgNbdParams,
  spend: GammaGammaParams,
  horizon: number,
): SimulatedCustomer {
  const lambda = sampleGamma(u, params.r, params.alpha);
  const dropoutP = sampleBeta(u, params.a, params.b);
  const nu = sampleGamma(u, spend.q, spend.v);
  const times = [0];
  let t = 0;
  for (;;) {
    t += sampleExponential(u, lambda);
    if (t > horizon) break;
    times.push(t);
    if (u() < dropoutP) break;
  }
  const spends = times.map(() => sampleGamma(u, spend.p, nu));
  return { purchaseTimes: times, spends, lambda, dropoutP, meanSpend: spend.p / nu };
}

/**
 * One customer of any of the purchase processes. MBG/NBD flips the drop-out coin once more,
 * right after the first purchase; Pareto/NBD draws an exponential lifetime with rate
 * μ ~ Gamma(s, β) instead of coins (`dropoutP` then holds μ).
 */
export function simulateCustomer(
  u: Uniform,
  process: PurchaseProcess,
  spend: GammaGammaParams,
  horizon: number,
): SimulatedCustomer {
  if (process.model === 'bgnbd') return simulateBgNbdCustomer(u, process.params, spend, horizon);
  if (process.model === 'mbgnbd') {
    const { r, alpha, a, b } = process.params;
    const lambda = sampleGamma(u, r, alpha);
    const dropoutP = sampleBeta(u, a, b);
    const nu = sampleGamma(u, spend.q, spend.v);
    const times = [0];
    let alive = u() >= dropoutP;
    let t = 0;
    while (alive) {
      t += sampleExponential(u, lambda);
      if (t > horizon) break;
      times.push(t);
      alive = u() >= dropoutP;
    }
    const spends = times.map(() => sampleGamma(u, spend.p, nu));
    return { purchaseTimes: times, spends, lambda, dropoutP, meanSpend: spend.p / nu };
  }
  const { r, alpha, s, beta } = process.params;
  const lambda = sampleGamma(u, r, alpha);
  const mu = sampleGamma(u, s, beta);
  const nu = sampleGamma(u, spend.q, spend.v);
  const end = Math.min(sampleExponential(u, mu), horizon);
  const times = [0];
  let t = 0;
  for (;;) {
    t += sampleExponential(u, lambda);
    if (t > end) break;
    times.push(t);
  }
  const spends = times.map(() => sampleGamma(u, spend.p, nu));
  return { purchaseTimes: times, spends, lambda, dropoutP: mu, meanSpend: spend.p / nu };
}
