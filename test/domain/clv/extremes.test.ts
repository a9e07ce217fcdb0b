import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BgNbdFit,
  bgnbdConditionalExpected,
  bgnbdConditionalProbabilityOfPurchases,
  bgnbdPAlive,
  type GammaGammaFit,
  gammaGammaConditionalExpectedValue,
  paretoNbdConditionalExpected,
  paretoNbdConditionalProbabilityOfPurchases,
  paretoNbdPAlive,
  scoreCustomers,
} from '../../../src/domain/clv/index.js';

/** 10^[lo, hi]: parameters spanning six orders of magnitude. */
const logUniform = (lo: number, hi: number) =>
  fc.double({ min: lo, max: hi, noNaN: true }).map((v) => 10 ** v);
const customer = fc
  .tuple(
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
    logUniform(-3, 4),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([x, T, f]) => ({ x, T, tx: x === 0 ? 0 : f * T }));
const horizon = fc.oneof(fc.constant(0), logUniform(-3, 4));

const probability = (p: number): void => {
  expect(p).toBeGreaterThanOrEqual(0);
  expect(p).toBeLessThanOrEqual(1);
};
const nonNegative = (v: number): void => {
  expect(Number.isFinite(v)).toBe(true);
  expect(v).toBeGreaterThanOrEqual(0);
};

describe('every input, however extreme', () => {
  it('BG/NBD: P(alive), expectations and probabilities stay finite and in range', () => {
    fc.assert(
      fc.property(
        logUniform(-3, 3),
        logUniform(-3, 3),
        logUniform(-3, 3),
        logUniform(-3, 3),
        customer,
        horizon,
        (r, alpha, a, b, c, t) => {
          const p = { r, alpha, a, b };
          probability(bgnbdPAlive(p, c.x, c.tx, c.T));
          nonNegative(bgnbdConditionalExpected(p, t, c.x, c.tx, c.T));
          for (const n of [0, 1, 3])
            probability(bgnbdConditionalProbabilityOfPurchases(p, n, t, c.x, c.tx, c.T));
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });

  it('Pareto/NBD: the same', () => {
    fc.assert(
      fc.property(
        logUniform(-3, 3),
        logUniform(-3, 3),
        logUniform(-3, 3),
        logUniform(-3, 3),
        customer,
        horizon,
        (r, alpha, s, beta, c, t) => {
          const p = { r, alpha, s, beta };
          probability(paretoNbdPAlive(p, c.x, c.tx, c.T));
          nonNegative(paretoNbdConditionalExpected(p, t, c.x, c.tx, c.T));
          probability(paretoNbdConditionalProbabilityOfPurchases(p, 0, t, c.x, c.tx, c.T));
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('Gamma-Gamma: the expected order value is finite and positive, q < 1 included', () => {
    fc.assert(
      fc.property(
        logUniform(-3, 3),
        logUniform(-3, 3),
        logUniform(-3, 3),
        fc.integer({ min: 0, max: 1000 }),
        logUniform(-6, 9),
        (p, q, v, x, m) => {
          const e = gammaGammaConditionalExpectedValue({ p, q, v }, x, m);
          expect(Number.isFinite(e)).toBe(true);
          expect(e).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });

  it('scoring: CLV and intervals stay finite and ordered for a + b < 1 and q < 1', () => {
    const cov = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 0.04 : 0.01)));
    const bg = {
      model: 'bgnbd',
      params: { r: 0.3, alpha: 2, a: 0.2, b: 0.3 },
      paramNames: ['r', 'alpha', 'a', 'b'],
      logCovariance: cov,
    } as unknown as BgNbdFit;
    const gg = {
      model: 'gg',
      params: { p: 0.5, q: 0.6, v: 3 },
      paramNames: ['p', 'q', 'v'],
      logCovariance: [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 0.04 : 0))),
    } as unknown as GammaGammaFit;
    const stats = {
      frequency: [0, 1, 1000, 1000, 5],
      recency: [0, 0.001, 0.5, 99.9, 3],
      T: [0, 0.001, 100, 100, 3],
      monetaryValue: [0, 1e-6, 50, 1e9, 20],
    };
    const s = scoreCustomers(stats, bg, gg, {
      unit: 'week',
      horizonDays: 3650,
      clvMonths: 120,
      confidenceIntervals: true,
    });
    for (let i = 0; i < 5; i++) {
      probability(s.pAlive[i] as number);
      probability(s.probabilityOfPurchase[i] as number);
      nonNegative(s.expectedPurchases[i] as number);
      nonNegative(s.clv?.[i] as number);
      nonNegative(s.nextPurchaseDays[i] as number);
      expect(s.confidenceIntervals?.clv?.low[i]).toBeLessThanOrEqual(s.clv?.[i] as number);
      expect(s.confidenceIntervals?.clv?.high[i]).toBeGreaterThanOrEqual(s.clv?.[i] as number);
      probability(s.confidenceIntervals?.pAlive.low[i] as number);
      probability(s.confidenceIntervals?.pAlive.high[i] as number);
    }
  });
});
