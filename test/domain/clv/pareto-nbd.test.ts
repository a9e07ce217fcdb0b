import { describe, expect, it } from 'vitest';
import {
  fitParetoNbd,
  type ParetoNbdParams,
  paretoNbdConditionalExpected,
  paretoNbdConditionalProbabilityOfPurchases,
  paretoNbdExpectedNew,
  paretoNbdLogLikelihood,
  paretoNbdPAlive,
  paretoNbdProbabilityOfPurchases,
} from '../../../src/domain/clv/index.js';
import { paretoLogIntegral } from '../../../src/domain/clv/pareto-nbd.js';
import { logHyp2f1 } from '../../../src/domain/clv/special.js';
import { loadCbs } from './cdnow-data.js';

/** BTYD's stored estimates (data/cdnowSummary.RData). */
const BTYD: ParetoNbdParams = {
  r: 0.553397143256635,
  alpha: 10.5801985434744,
  s: 0.606062497117662,
  beta: 11.6562236707077,
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** lifetimes' A0 with the general 2F1 (no Euler rewrite), for comparison. */
function lifetimesLogIntegral(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const rsx = p.r + p.s + x;
  const big = Math.max(p.alpha, p.beta);
  const small = Math.min(p.alpha, p.beta);
  const t = p.alpha < p.beta ? p.r + x : p.s + 1;
  const term = (tau: number) =>
    logHyp2f1(rsx, t, rsx + 1, (big - small) / (big + tau)) - rsx * Math.log(big + tau);
  const a = term(tx);
  return a + Math.log1p(-Math.exp(term(T) - a)) - Math.log(rsx);
}

/** ∫ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ by a fine midpoint rule. */
function bruteIntegral(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const n = 400_000;
  const h = (T - tx) / n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const tau = tx + (i + 0.5) * h;
    s += Math.exp(-(p.r + x) * Math.log(p.alpha + tau) - (p.s + 1) * Math.log(p.beta + tau));
  }
  return Math.log(s * h);
}

describe('Pareto/NBD likelihood', () => {
  const cbs = loadCbs();
  const stats = { frequency: cbs.map((c) => c.x), recency: cbs.map((c) => c.tx), T: cbs.map((c) => c.T) };

  it('gives the published log-likelihood at BTYD’s estimates', () => {
    let ll = 0;
    for (const c of cbs) ll += paretoNbdLogLikelihood(BTYD, c.x, c.tx, c.T);
    expect(ll).toBeCloseTo(-9594.976, 3);
  });

  it('fits CDNOW to the published optimum (flat along s and β)', () => {
    const fit = fitParetoNbd(stats);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(-9594.976, 2);
    expect(rel(fit.params.r, BTYD.r)).toBeLessThan(2e-3);
    expect(rel(fit.params.alpha, BTYD.alpha)).toBeLessThan(2e-3);
    expect(rel(fit.params.s, BTYD.s)).toBeLessThan(2e-3);
    expect(rel(fit.params.beta, BTYD.beta)).toBeLessThan(5e-3);
    // Predictions are what matter along a flat ridge: they agree with BTYD's parameters.
    expect(
      rel(
        paretoNbdConditionalExpected(fit.params, 39, 2, 30.43, 38.86),
        paretoNbdConditionalExpected(BTYD, 39, 2, 30.43, 38.86),
      ),
    ).toBeLessThan(2e-3);
  });

  it('evaluates the A0 integral like lifetimes’ closed form and like brute-force quadrature', () => {
    const cases: [ParetoNbdParams, number, number, number][] = [
      [BTYD, 2, 10, 30],
      [BTYD, 0, 0, 38.86],
      [{ r: 0.5, alpha: 2, s: 0.3, beta: 40 }, 5, 3, 20],
      [{ r: 1.5, alpha: 40, s: 2, beta: 2 }, 1, 1, 60],
      [{ r: 0.5, alpha: 0.05, s: 0.5, beta: 30 }, 0, 0, 60],
      [BTYD, 3, 29.99, 30], // t_x next to T: quadrature path
    ];
    for (const [p, x, tx, T] of cases) {
      const v = paretoLogIntegral(p, x, tx, T);
      expect(v).toBeCloseTo(bruteIntegral(p, x, tx, T), 7);
      if (T - tx > 1) expect(v).toBeCloseTo(lifetimesLogIntegral(p, x, tx, T), 10);
    }
  });

  it('has an analytic gradient of the integral that matches central differences', () => {
    const p = { r: 0.5, alpha: 2, s: 0.3, beta: 40 };
    const g = new Float64Array(4);
    paretoLogIntegral(p, 5, 3, 20, g);
    const keys = ['r', 'alpha', 's', 'beta'] as const;
    keys.forEach((k, i) => {
      const h = 1e-6 * p[k];
      const num =
        (paretoLogIntegral({ ...p, [k]: p[k] + h }, 5, 3, 20) -
          paretoLogIntegral({ ...p, [k]: p[k] - h }, 5, 3, 20)) /
        (2 * h);
      expect(rel(g[i] as number, num)).toBeLessThan(1e-6);
    });
  });
});

describe('Pareto/NBD predictions', () => {
  it('have a pmf that sums to one with the expectation as its mean', () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 300; n++) {
      const p = paretoNbdProbabilityOfPurchases(BTYD, n, 52);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 9);
    expect(rel(mean, paretoNbdExpectedNew(BTYD, 52))).toBeLessThan(1e-8);
    let cTotal = 0;
    let cMean = 0;
    for (let n = 0; n < 300; n++) {
      const p = paretoNbdConditionalProbabilityOfPurchases(BTYD, n, 52, 4, 20, 31);
      cTotal += p;
      cMean += n * p;
    }
    expect(cTotal).toBeCloseTo(1, 9);
    expect(rel(cMean, paretoNbdConditionalExpected(BTYD, 52, 4, 20, 31))).toBeLessThan(1e-7);
  });

  it('is continuous through s = 1', () => {
    const at = (s: number) => paretoNbdConditionalExpected({ ...BTYD, s }, 52, 3, 20, 30);
    expect(rel(at(1), 0.5 * (at(1 + 1e-7) + at(1 - 1e-7)))).toBeLessThan(1e-9);
  });

  it('never returns NaN, negatives, or probabilities outside [0, 1] on extreme inputs', () => {
    const params: ParetoNbdParams[] = [
      BTYD,
      { r: 1e-3, alpha: 1e-3, s: 1e-3, beta: 1e-3 },
      { r: 0.5, alpha: 0.01, s: 0.5, beta: 100 },
      { r: 0.5, alpha: 100, s: 0.5, beta: 0.01 },
      { r: 40, alpha: 1, s: 1, beta: 1e4 },
    ];
    const customers: [number, number, number][] = [
      [0, 0, 0],
      [0, 0, 1e4],
      [1000, 0.1, 50],
      [1000, 49.99999, 50],
      [1, 1e-9, 1e-9],
    ];
    for (const p of params) {
      for (const [x, tx, T] of customers) {
        const alive = paretoNbdPAlive(p, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        for (const t of [0, 1, 52, 1e5]) {
          const e = paretoNbdConditionalExpected(p, t, x, tx, T);
          expect(Number.isFinite(e)).toBe(true);
          expect(e).toBeGreaterThanOrEqual(0);
          const p0 = paretoNbdConditionalProbabilityOfPurchases(p, 0, t, x, tx, T);
          expect(p0).toBeGreaterThanOrEqual(0);
          expect(p0).toBeLessThanOrEqual(1);
        }
        const ll = paretoNbdLogLikelihood(p, x, tx, T);
        expect(Number.isNaN(ll)).toBe(false);
      }
    }
    expect(paretoNbdPAlive(BTYD, 1000, 0.1, 50)).toBe(0);
  });
});
