import { describe, expect, it } from 'vitest';
import {
  type BgNbdParams,
  bgnbdConditionalExpected,
  bgnbdConditionalProbabilityOfPurchases,
  bgnbdExpectedNew,
  bgnbdLikelihoodCore,
  bgnbdLogLikelihood,
  bgnbdPAlive,
  bgnbdProbabilityOfPurchases,
  fitBgNbd,
} from '../../../src/domain/clv/index.js';
import { hyp2f1, logBeta } from '../../../src/domain/clv/special.js';
import { loadCbs } from './cdnow-data.js';

const PUBLISHED: BgNbdParams = { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4259 };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** FHL 2005 eq. (9) taken literally (valid for a ≠ 1 and a + b > 1). */
function literalExpectedNew(p: BgNbdParams, t: number): number {
  const z = t / (p.alpha + t);
  return (
    ((p.a + p.b - 1) / (p.a - 1)) *
    (1 - (p.alpha / (p.alpha + t)) ** p.r * hyp2f1(p.r, p.b, p.a + p.b - 1, z))
  );
}

/** E[X(t)] = E_p[(1 − (α/(α+pt))^r)/p] by brute-force quadrature over p ~ Beta(a, b). */
function integratedExpectedNew(p: BgNbdParams, t: number): number {
  const g = (q: number): number => -Math.expm1(-p.r * Math.log1p((q * t) / p.alpha)) / q;
  const n = 200_000;
  let s = 0;
  // p = u^(1/a) on [0, 1/2] and 1 − p = v^(1/b) on [1/2, 1] remove both endpoint singularities.
  const uMax = 0.5 ** p.a;
  for (let i = 0; i < n; i++) {
    const u = ((i + 0.5) / n) * uMax;
    const q = u ** (1 / p.a);
    s += (uMax / n / p.a) * g(q) * (1 - q) ** (p.b - 1);
  }
  const vMax = 0.5 ** p.b;
  for (let i = 0; i < n; i++) {
    const v = ((i + 0.5) / n) * vMax;
    const q = 1 - v ** (1 / p.b);
    s += (vMax / n / p.b) * g(q) * q ** (p.a - 1);
  }
  return s / Math.exp(logBeta(p.a, p.b));
}

describe('BG/NBD likelihood', () => {
  const cbs = loadCbs();
  const stats = {
    frequency: cbs.map((c) => c.x),
    recency: cbs.map((c) => c.tx),
    T: cbs.map((c) => c.T),
  };

  it('gives the published log-likelihood at the published estimates', () => {
    let ll = 0;
    for (const c of cbs) ll += bgnbdLogLikelihood(PUBLISHED, c.x, c.tx, c.T);
    expect(ll).toBeCloseTo(-9582.43, 1);
  });

  it('fits CDNOW to the published estimates on 1,016 distinct tuples', () => {
    const fit = fitBgNbd(stats);
    expect(fit.tuples).toBe(1016);
    expect(fit.customers).toBe(2357);
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(rel(fit.params[k], PUBLISHED[k])).toBeLessThan(1e-3);
    let ll = 0;
    for (const c of cbs) ll += bgnbdLogLikelihood(fit.params, c.x, c.tx, c.T);
    // The compressed, aggregated evaluation equals the per-customer sum.
    expect(fit.logLikelihood).toBeCloseTo(ll, 8);
  });

  it('has an analytic gradient that matches central differences', () => {
    const core = bgnbdLikelihoodCore(stats);
    const x = Float64Array.from([Math.log(0.4), Math.log(6), Math.log(1.3), Math.log(0.8)]);
    const g = new Float64Array(4);
    core.negLogLik(x, g);
    for (let i = 0; i < 4; i++) {
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[i] = (up[i] as number) + 1e-6;
      down[i] = (down[i] as number) - 1e-6;
      const numeric = (core.negLogLik(up, null) - core.negLogLik(down, null)) / 2e-6;
      expect(rel(g[i] as number, numeric)).toBeLessThan(1e-6);
    }
  });

  it('shrinks toward the penalizer: a larger penalty gives smaller parameters', () => {
    const loose = fitBgNbd(stats);
    const tight = fitBgNbd(stats, { penalizer: 0.1 });
    expect(tight.params.alpha).toBeLessThan(loose.params.alpha);
    expect(tight.logLikelihood).toBeLessThan(loose.logLikelihood);
  });
});

describe('BG/NBD predictions', () => {
  it('reproduce the BTYD walkthrough at the published estimates', () => {
    expect(rel(bgnbdConditionalExpected(PUBLISHED, 52, 26, 30.85714, 31), 25.757)).toBeLessThan(1e-3);
    expect(rel(bgnbdPAlive(PUBLISHED, 26, 30.85714, 31), 0.9689)).toBeLessThan(1e-3);
    expect(rel(bgnbdExpectedNew(PUBLISHED, 52), 1.444)).toBeLessThan(1e-3);
  });

  it('rewrite of eq. (9) equals the literal formula where that one is valid', () => {
    for (const p of [PUBLISHED, { r: 2, alpha: 1, a: 3, b: 5 }, { r: 0.5, alpha: 20, a: 0.6, b: 0.9 }]) {
      for (const t of [1, 10, 52, 300]) {
        expect(rel(bgnbdExpectedNew(p, t), literalExpectedNew(p, t))).toBeLessThan(1e-9);
      }
    }
  });

  it('is right where the literal formula breaks: a = 1 and a + b < 1', () => {
    const atOne = { r: 0.7, alpha: 5, a: 1, b: 2 };
    const near = (e: number) => bgnbdExpectedNew({ ...atOne, a: 1 + e }, 40);
    expect(rel(bgnbdExpectedNew(atOne, 40), 0.5 * (near(1e-6) + near(-1e-6)))).toBeLessThan(1e-8);
    expect(rel(bgnbdExpectedNew(atOne, 40), integratedExpectedNew(atOne, 40))).toBeLessThan(1e-6);
    const small = { r: 0.6, alpha: 3, a: 0.3, b: 0.5 };
    expect(rel(bgnbdExpectedNew(small, 25), integratedExpectedNew(small, 25))).toBeLessThan(1e-5);
  });

  it('has a pmf that sums to one with the expectation as its mean', () => {
    for (const p of [PUBLISHED, { r: 0.6, alpha: 3, a: 0.3, b: 0.5 }]) {
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 400; n++) {
        const pn = bgnbdProbabilityOfPurchases(p, n, 52);
        total += pn;
        mean += n * pn;
      }
      expect(total).toBeCloseTo(1, 10);
      expect(rel(mean, bgnbdExpectedNew(p, 52))).toBeLessThan(1e-8);
      let cTotal = 0;
      let cMean = 0;
      for (let n = 0; n < 400; n++) {
        const pn = bgnbdConditionalProbabilityOfPurchases(p, n, 52, 4, 20, 31);
        cTotal += pn;
        cMean += n * pn;
      }
      expect(cTotal).toBeCloseTo(1, 10);
      expect(rel(cMean, bgnbdConditionalExpected(p, 52, 4, 20, 31))).toBeLessThan(1e-8);
    }
  });
});

describe('BG/NBD on extreme inputs', () => {
  const params: BgNbdParams[] = [
    PUBLISHED,
    { r: 0.3, alpha: 2, a: 0.2, b: 0.3 }, // a + b < 1
    { r: 1, alpha: 1, a: 1, b: 1 }, // a = 1 exactly
    { r: 1e-4, alpha: 1e-4, a: 1e-3, b: 1e-3 },
    { r: 50, alpha: 1e-3, a: 40, b: 1e4 },
    { r: 0.2, alpha: 1e5, a: 0.9999999, b: 2 },
  ];
  const customers: [number, number, number][] = [
    [0, 0, 0],
    [0, 0, 1e4],
    [1000, 0.5, 100], // a thousand purchases, long ago
    [1000, 100, 100],
    [1, 1e-9, 1e-9],
    [30, 5, 6],
  ];
  const horizons = [0, 1e-9, 1, 52, 365, 1e6];

  it('never returns NaN, negatives, or probabilities outside [0, 1]', () => {
    for (const p of params) {
      for (const [x, tx, T] of customers) {
        const alive = bgnbdPAlive(p, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        for (const t of horizons) {
          const e = bgnbdConditionalExpected(p, t, x, tx, T);
          expect(Number.isFinite(e)).toBe(true);
          expect(e).toBeGreaterThanOrEqual(0);
          // Never more than a customer who cannot drop out would buy.
          expect(e).toBeLessThanOrEqual(((p.r + x) * t) / (p.alpha + T) + 1e-9);
          for (const n of [0, 1, 5]) {
            const pn = bgnbdConditionalProbabilityOfPurchases(p, n, t, x, tx, T);
            expect(pn).toBeGreaterThanOrEqual(0);
            expect(pn).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it('treats a thousand purchases followed by silence as gone', () => {
    expect(bgnbdPAlive(PUBLISHED, 1000, 0.5, 100)).toBe(0);
    expect(bgnbdConditionalExpected(PUBLISHED, 52, 1000, 0.5, 100)).toBe(0);
    expect(bgnbdPAlive(PUBLISHED, 1000, 100, 100)).toBeGreaterThan(0.99);
    expect(bgnbdConditionalExpected(PUBLISHED, 52, 1000, 100, 100)).toBeGreaterThan(100);
  });
});
