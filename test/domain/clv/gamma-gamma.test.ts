import { describe, expect, it } from 'vitest';
import {
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaMeanDefined,
  spendFrequencyCorrelation,
} from '../../../src/domain/clv/index.js';
import { loadCbs } from './cdnow-data.js';

const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma', () => {
  const cbs = loadCbs();
  const input = { frequency: cbs.map((c) => c.x), monetaryValue: cbs.map((c) => c.mx) };

  it('fits the 946 CDNOW repeat buyers to the published estimates', () => {
    const fit = fitGammaGamma(input);
    expect(fit.customers).toBe(946);
    expect(fit.params.p.toFixed(2)).toBe('6.25');
    expect(fit.params.q.toFixed(2)).toBe('3.74');
    expect(fit.params.v.toFixed(2)).toBe('15.44');
    expect(fit.logLikelihood).toBeCloseTo(-4055.92, 2);
    let ll = 0;
    for (const c of cbs) if (c.x > 0) ll += gammaGammaLogLikelihood(fit.params, c.x, c.mx);
    expect(fit.logLikelihood).toBeCloseTo(ll, 8);
    expect(fit.standardErrors.p).toBeGreaterThan(0);
  });

  it('reports the frequency/spend correlation check', () => {
    expect(spendFrequencyCorrelation(input.frequency, input.monetaryValue)).toBeCloseTo(0.1139, 4);
  });

  it('blends the population mean and the observed mean (lifetimes’ conditional_expected_average_profit)', () => {
    const p = PUBLISHED;
    expect(gammaGammaConditionalExpectedValue(p, 0, 0)).toBeCloseTo((p.p * p.v) / (p.q - 1), 12);
    expect(gammaGammaConditionalExpectedValue(p, 2, 22.345)).toBeCloseTo(
      (p.p * (p.v + 2 * 22.345)) / (p.p * 2 + p.q - 1),
      12,
    );
    // Many purchases: the observed mean dominates.
    expect(gammaGammaConditionalExpectedValue(p, 1000, 50)).toBeCloseTo(50, 0);
  });

  it('stays finite and positive when q < 1 makes the mean undefined', () => {
    const heavy = { p: 0.05, q: 0.5, v: 10 };
    for (const [x, m] of [
      [0, 0],
      [1, 30],
      [5, 1e-6],
      [1000, 1e6],
    ] as const) {
      const e = gammaGammaConditionalExpectedValue(heavy, x, m);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThan(0);
    }
    expect(gammaGammaMeanDefined(heavy, 1)).toBe(false);
    expect(gammaGammaMeanDefined(heavy, 20)).toBe(true);
  });
});
