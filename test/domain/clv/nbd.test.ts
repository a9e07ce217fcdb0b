import { describe, expect, it } from 'vitest';
import {
  fitBgNbd,
  fitNbd,
  type NbdParams,
  nbdConditionalExpected,
  nbdConditionalProbabilityOfPurchases,
  nbdExpectedNew,
  nbdLikelihoodCore,
  nbdLogLikelihood,
  nbdProbabilityOfPurchases,
} from '../../../src/domain/clv/index.js';
import { seededRandom } from '../../../src/domain/ids.js';
import { sampleGamma, samplePoisson } from '../../../src/domain/random/distributions.js';
import { loadCbs } from './cdnow-data.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Customers observed for T ~ U(10, 80) weeks, buying at a Gamma(r, α) rate forever. */
function simulate(truth: NbdParams, customers: number, seed: number) {
  const u = seededRandom(seed);
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  for (let i = 0; i < customers; i++) {
    const t = 10 + 70 * u();
    const lambda = sampleGamma(u, truth.r, truth.alpha);
    const x = samplePoisson(u, lambda * t);
    frequency.push(x);
    // The last of x uniform purchase times; NBD ignores it, validation does not.
    recency.push(x === 0 ? 0 : t * u() ** (1 / x));
    T.push(t);
  }
  return { frequency, recency, T };
}

describe('NBD', () => {
  it('recovers known parameters from simulated customers within three standard errors', () => {
    for (const [truth, seed] of [
      [{ r: 0.5, alpha: 10 }, 7],
      [{ r: 2.5, alpha: 4 }, 8],
    ] as const) {
      const fit = fitNbd(simulate(truth, 20_000, seed));
      expect(fit.converged).toBe(true);
      expect(fit.customers).toBe(20_000);
      for (const k of ['r', 'alpha'] as const) {
        const se = fit.standardErrors[k] as number;
        expect(se).toBeGreaterThan(0);
        expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(3 * se);
        expect(rel(fit.params[k], truth[k])).toBeLessThan(0.1);
      }
    }
  });

  it('aggregates to the per-customer likelihood and has a matching analytic gradient', () => {
    const data = simulate({ r: 0.8, alpha: 5 }, 3000, 9);
    const fit = fitNbd(data);
    let ll = 0;
    for (let i = 0; i < 3000; i++)
      ll += nbdLogLikelihood(fit.params, data.frequency[i] as number, data.T[i] as number);
    expect(fit.logLikelihood).toBeCloseTo(ll, 8);
    const core = nbdLikelihoodCore(data);
    const x = Float64Array.from([Math.log(0.4), Math.log(6)]);
    const g = new Float64Array(2);
    core.negLogLik(x, g);
    for (let i = 0; i < 2; i++) {
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[i] = (up[i] as number) + 1e-6;
      down[i] = (down[i] as number) - 1e-6;
      const numeric = (core.negLogLik(up, null) - core.negLogLik(down, null)) / 2e-6;
      expect(rel(g[i] as number, numeric)).toBeLessThan(1e-6);
    }
  });

  it('has pmfs that sum to one with the expectations as their means', () => {
    const p = { r: 0.6, alpha: 3 };
    let total = 0;
    let mean = 0;
    let cTotal = 0;
    let cMean = 0;
    for (let n = 0; n < 2000; n++) {
      const pn = nbdProbabilityOfPurchases(p, n, 52);
      const cn = nbdConditionalProbabilityOfPurchases(p, n, 52, 4, 31);
      total += pn;
      mean += n * pn;
      cTotal += cn;
      cMean += n * cn;
    }
    expect(total).toBeCloseTo(1, 10);
    expect(rel(mean, nbdExpectedNew(p, 52))).toBeLessThan(1e-8);
    expect(cTotal).toBeCloseTo(1, 10);
    expect(rel(cMean, nbdConditionalExpected(p, 52, 4, 31))).toBeLessThan(1e-8);
  });

  // No published NBD estimates on CDNOW are known to us: these are sanity checks, not a reference.
  it('on CDNOW: below BG/NBD in likelihood, and over-predicts the holdout as a no-drop-out model must', () => {
    const cbs = loadCbs();
    const stats = { frequency: cbs.map((c) => c.x), recency: cbs.map((c) => c.tx), T: cbs.map((c) => c.T) };
    const nbd = fitNbd(stats);
    const bg = fitBgNbd(stats);
    expect(nbd.converged).toBe(true);
    // BG/NBD contains NBD as a → 0, so its maximum cannot be lower.
    expect(bg.logLikelihood).toBeGreaterThan(nbd.logLikelihood);
    // The fitted mean rate r/α equals the repeat rate of an "average" customer: Σx / ΣT within 10 %.
    let sx = 0;
    let sT = 0;
    let actual = 0;
    let expected = 0;
    for (const c of cbs) {
      sx += c.x;
      sT += c.T;
      actual += c.xStar;
      expected += nbdConditionalExpected(nbd.params, 39, c.x, c.T);
    }
    expect(rel(nbd.params.r / nbd.params.alpha, sx / sT)).toBeLessThan(0.1);
    // 1,882 repeat purchases in the 39 holdout weeks; a model without drop-out expects more.
    expect(actual).toBe(1882);
    expect(expected).toBeGreaterThan(1.2 * actual);
  });
});
