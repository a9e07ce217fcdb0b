import { describe, expect, it } from 'vitest';
import {
  fitMbgNbd,
  type MbgNbdParams,
  mbgnbdConditionalExpected,
  mbgnbdConditionalProbabilityOfPurchases,
  mbgnbdExpectedNew,
  mbgnbdLikelihoodCore,
  mbgnbdLogLikelihood,
  mbgnbdPAlive,
  mbgnbdProbabilityOfPurchases,
} from '../../../src/domain/clv/index.js';
import { hyp2f1 } from '../../../src/domain/clv/special.js';
import { seededRandom } from '../../../src/domain/ids.js';
import { sampleBeta, sampleExponential, sampleGamma } from '../../../src/domain/random/distributions.js';
import { loadCbs } from './cdnow-data.js';

/** lifetimes 0.11 ModifiedBetaGeoFitter on the CDNOW calibration cbs (weeks, to 1997-09-30). */
const LIFETIMES: MbgNbdParams = { r: 0.52484, alpha: 6.18309, a: 0.89136, b: 1.614 };
const LIFETIMES_LL = -9582.136;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** lifetimes' expected_number_of_purchases_up_to_time, taken literally. */
function literalExpectedNew(p: MbgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  return (b / (a - 1)) * (1 - hyp2f1(r, b + 1, a + b, t / (alpha + t)) * (alpha / (alpha + t)) ** r);
}

/** lifetimes' conditional_expected_number_of_purchases_up_to_time, taken literally. */
function literalConditional(p: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const hyp = hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t));
  const numerator = ((a + b + x) / (a - 1)) * (1 - hyp * ((alpha + T) / (alpha + t + T)) ** (r + x));
  return numerator / (1 + (a / (b + x)) * ((alpha + T) / (alpha + tx)) ** (r + x));
}

describe('MBG/NBD likelihood on CDNOW', () => {
  const cbs = loadCbs();
  const stats = {
    frequency: cbs.map((c) => c.x),
    recency: cbs.map((c) => c.tx),
    T: cbs.map((c) => c.T),
  };

  it("gives lifetimes' log-likelihood at lifetimes' estimates", () => {
    let ll = 0;
    for (const c of cbs) ll += mbgnbdLogLikelihood(LIFETIMES, c.x, c.tx, c.T);
    expect(ll).toBeCloseTo(LIFETIMES_LL, 2);
  });

  it("fits CDNOW to lifetimes' estimates and log-likelihood within 1e-3", () => {
    const fit = fitMbgNbd(stats);
    expect(fit.model).toBe('mbgnbd');
    expect(fit.customers).toBe(2357);
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(rel(fit.params[k], LIFETIMES[k])).toBeLessThan(1e-3);
    expect(Math.abs(fit.logLikelihood - LIFETIMES_LL)).toBeLessThan(1e-3);
    let ll = 0;
    for (const c of cbs) ll += mbgnbdLogLikelihood(fit.params, c.x, c.tx, c.T);
    // The compressed, aggregated evaluation (one-time buyers included) equals the per-customer sum.
    expect(fit.logLikelihood).toBeCloseTo(ll, 8);
  });

  it('has an analytic gradient that matches central differences', () => {
    const core = mbgnbdLikelihoodCore(stats);
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
});

describe('MBG/NBD predictions', () => {
  const params: MbgNbdParams[] = [
    LIFETIMES,
    { r: 2, alpha: 1, a: 3, b: 5 },
    { r: 0.5, alpha: 20, a: 0.6, b: 0.9 },
  ];

  it("equal lifetimes' closed forms", () => {
    for (const p of params) {
      for (const t of [1, 10, 52, 300]) {
        expect(rel(mbgnbdExpectedNew(p, t), literalExpectedNew(p, t))).toBeLessThan(1e-9);
        for (const [x, tx, T] of [
          [0, 0, 38.86],
          [2, 30.43, 38.86],
          [14, 20, 39],
        ] as const) {
          expect(
            rel(mbgnbdConditionalExpected(p, t, x, tx, T), literalConditional(p, t, x, tx, T)),
          ).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('lets a one-time buyer be gone, more likely the longer the silence', () => {
    const short = mbgnbdPAlive(LIFETIMES, 0, 0, 1);
    const long = mbgnbdPAlive(LIFETIMES, 0, 0, 52);
    expect(short).toBeLessThan(1);
    expect(long).toBeLessThan(short);
    // At T = 0 nothing has been observed yet: the prior b/(a+b) of surviving the first flip.
    expect(mbgnbdPAlive(LIFETIMES, 0, 0, 0)).toBeCloseTo(LIFETIMES.b / (LIFETIMES.a + LIFETIMES.b), 12);
  });

  it('has pmfs that sum to one with the expectations as their means', () => {
    for (const p of params) {
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 3000; n++) {
        const pn = mbgnbdProbabilityOfPurchases(p, n, 52);
        total += pn;
        mean += n * pn;
      }
      expect(total).toBeCloseTo(1, 10);
      expect(rel(mean, mbgnbdExpectedNew(p, 52))).toBeLessThan(1e-8);
      let cTotal = 0;
      let cMean = 0;
      for (let n = 0; n < 3000; n++) {
        const pn = mbgnbdConditionalProbabilityOfPurchases(p, n, 52, 4, 20, 31);
        cTotal += pn;
        cMean += n * pn;
      }
      expect(cTotal).toBeCloseTo(1, 10);
      expect(rel(cMean, mbgnbdConditionalExpected(p, 52, 4, 20, 31))).toBeLessThan(1e-8);
    }
  });

  it('never returns NaN or values out of range on extreme inputs', () => {
    const extreme: MbgNbdParams[] = [
      { r: 0.3, alpha: 2, a: 0.2, b: 0.3 },
      { r: 1, alpha: 1, a: 1, b: 1 },
      { r: 1e-4, alpha: 1e-4, a: 1e-3, b: 1e-3 },
    ];
    for (const p of extreme) {
      for (const [x, tx, T] of [
        [0, 0, 0],
        [0, 0, 1e4],
        [1000, 0.5, 100],
        [30, 5, 6],
      ] as const) {
        const alive = mbgnbdPAlive(p, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        for (const t of [0, 1, 52, 1e6]) {
          const e = mbgnbdConditionalExpected(p, t, x, tx, T);
          expect(Number.isFinite(e)).toBe(true);
          expect(e).toBeGreaterThanOrEqual(0);
          const p0 = mbgnbdConditionalProbabilityOfPurchases(p, 0, t, x, tx, T);
          expect(p0).toBeGreaterThanOrEqual(0);
          expect(p0).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});

describe('MBG/NBD on generated customers', () => {
  /** The MBG/NBD story: a coin flip right after the first purchase, then after each repeat purchase. */
  function simulate(truth: MbgNbdParams, customers: number, seed: number) {
    const u = seededRandom(seed);
    const frequency: number[] = [];
    const recency: number[] = [];
    const T: number[] = [];
    for (let i = 0; i < customers; i++) {
      const horizon = 26 + 52 * u();
      const lambda = sampleGamma(u, truth.r, truth.alpha);
      const p = sampleBeta(u, truth.a, truth.b);
      let x = 0;
      let last = 0;
      let t = 0;
      while (u() >= p) {
        t += sampleExponential(u, lambda);
        if (t > horizon) break;
        x++;
        last = t;
      }
      frequency.push(x);
      recency.push(last);
      T.push(horizon);
    }
    return { frequency, recency, T };
  }

  it('recovers the parameters it was generated with, within three standard errors', () => {
    const truth: MbgNbdParams = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
    const fit = fitMbgNbd(simulate(truth, 30_000, 2007));
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      const se = fit.standardErrors[k] as number;
      expect(Math.abs(fit.params[k] - truth[k])).toBeLessThan(3 * se);
      expect(rel(fit.params[k], truth[k])).toBeLessThan(0.2);
    }
  });
});
