import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalProbabilityOfPurchases,
  calibrationHoldoutSplit,
  epochDay,
  fitBgNbd,
  kernelOf,
  logParamsOf,
  mbgnbdConditionalProbabilityOfPurchases,
  nbdConditionalProbabilityOfPurchases,
  nearestInterval,
  paretoNbdConditionalProbabilityOfPurchases,
  predictiveCounts,
  sigmaPoints,
  simulateShop,
  type TransactionFit,
} from '../../../src/domain/clv/index.js';

const bg = { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4259 };
const mbg = { r: 0.52484, alpha: 6.18309, a: 0.89136, b: 1.614 };
const pnbd = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 };
const nbd = { r: 0.385, alpha: 12.07 };
const log = (p: Record<string, number>, names: string[]) => names.map((k) => Math.log(p[k] as number));

const customers: [number, number, number][] = [
  [0, 0, 30],
  [1, 5, 38],
  [2, 30.43, 38.86],
  [7, 20, 39],
  [26, 30.86, 31],
];

describe('count distributions of the purchase models (kernels.ts)', () => {
  const cases = [
    {
      model: 'bgnbd' as const,
      lp: log(bg, ['r', 'alpha', 'a', 'b']),
      pmf: (n: number, t: number, x: number, tx: number, T: number) =>
        bgnbdConditionalProbabilityOfPurchases(bg, n, t, x, tx, T),
    },
    {
      model: 'mbgnbd' as const,
      lp: log(mbg, ['r', 'alpha', 'a', 'b']),
      pmf: (n: number, t: number, x: number, tx: number, T: number) =>
        mbgnbdConditionalProbabilityOfPurchases(mbg, n, t, x, tx, T),
    },
    {
      model: 'pnbd' as const,
      lp: log(pnbd, ['r', 'alpha', 's', 'beta']),
      pmf: (n: number, t: number, x: number, tx: number, T: number) =>
        paretoNbdConditionalProbabilityOfPurchases(pnbd, n, t, x, tx, T),
    },
    {
      model: 'nbd' as const,
      lp: log(nbd, ['r', 'alpha']),
      pmf: (n: number, t: number, x: number, _tx: number, T: number) =>
        nbdConditionalProbabilityOfPurchases(nbd, n, t, x, T),
    },
  ];
  for (const c of cases) {
    it(`${c.model}: the whole distribution at once equals the published pmf term by term, sums to 1, has the expectation as mean`, () => {
      const k = kernelOf(c.model, c.lp);
      for (const [x, tx, T] of customers) {
        for (const t of [4, 39, 52]) {
          const pa = k.pAlive(x, tx, T);
          const alive = k.alivePmf(t, x, T, 12);
          for (let n = 0; n < 12; n++) {
            const mine = pa * (alive[n] as number) + (n === 0 ? 1 - pa : 0);
            expect(Math.abs(mine - c.pmf(n, t, x, tx, T)), `${x} ${t} ${n}`).toBeLessThan(1e-9);
          }
          const total = alive.reduce((s, v) => s + v, 0);
          expect(Math.abs(total - 1)).toBeLessThan(1e-8);
          const mean = alive.reduce((s, v, n) => s + n * v, 0);
          expect(Math.abs(mean / k.expectedAlive(t, x, T) - 1)).toBeLessThan(1e-6);
        }
      }
    });
  }
});

describe('predictive intervals (predictive.ts)', () => {
  it('sigma points carry the covariance of the log-parameters exactly', () => {
    const center = Float64Array.from([0.1, -0.2, 0.3]);
    const cov = [
      [0.04, 0.01, 0],
      [0.01, 0.09, -0.02],
      [0, -0.02, 0.25],
    ];
    const { points, weights } = sigmaPoints(center, cov);
    expect(points.length).toBe(6);
    for (let i = 0; i < 3; i++) {
      const mean = points.reduce((s, p, k) => s + (weights[k] as number) * (p[i] as number), 0);
      expect(mean).toBeCloseTo(center[i] as number, 12);
      for (let j = 0; j < 3; j++) {
        const c = points.reduce(
          (s, p, k) =>
            s +
            (weights[k] as number) *
              ((p[i] as number) - (center[i] as number)) *
              ((p[j] as number) - (center[j] as number)),
          0,
        );
        expect(c).toBeCloseTo((cov[i] as number[])[j] as number, 12);
      }
    }
    // Without a covariance: the point estimate alone.
    expect(sigmaPoints(center, null).points).toEqual([center]);
  });

  it('takes the run of counts whose probability is nearest the level', () => {
    // Most likely no order: [0, 0] holds 93 %, nearer 90 % than [0, 1] with 98 %.
    expect(nearestInterval([0.93, 0.05, 0.02], 0.9)).toEqual({ low: 0, high: 0, mass: 0.93 });
    // 85 % is 5 points short, 97 % 7 points over: [0, 0].
    expect(nearestInterval([0.85, 0.12, 0.03], 0.9)).toMatchObject({ low: 0, high: 0 });
    // 80 % is 10 points short, 95 % 5 over: [0, 1].
    expect(nearestInterval([0.8, 0.15, 0.05], 0.9)).toMatchObject({ low: 0, high: 1 });
    // Grown from the mode toward the more probable side.
    const iv = nearestInterval([0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05], 0.9);
    expect(iv).toMatchObject({ low: 1, high: 5 });
    expect(iv.mass).toBeCloseTo(0.9, 12);
  });

  it('covers about 90 % of customers’ actual holdout orders on shops generated from known parameters', () => {
    const start = epochDay(2024, 1, 1);
    let inside = 0;
    let predicted = 0;
    let n = 0;
    let totalsInside = 0;
    for (const seed of [11, 12, 13, 14]) {
      const shop = simulateShop({
        seed,
        customers: 2000,
        params: bg,
        spend: { p: 6.25, q: 3.74, v: 15.44 },
        acquisitionWeeks: 12,
        horizonWeeks: 78,
        startDay: start,
      });
      const split = calibrationHoldoutSplit(shop.log, {
        calibrationEnd: start + 39 * 7 - 1,
        observationEnd: start + 78 * 7 - 1,
        unit: 'week',
        period: 'day',
      });
      const fit: TransactionFit = fitBgNbd(split.calibration);
      const counts = predictiveCounts(split.calibration, fit, { horizon: split.holdout.duration });
      expect(counts.parameterUncertainty).toBe(true);
      let actual = 0;
      split.holdout.frequency.forEach((a, i) => {
        actual += a;
        if (a >= (counts.low[i] as number) && a <= (counts.high[i] as number)) inside++;
        predicted += counts.mass[i] as number;
        n++;
        expect(counts.low[i]).toBeLessThanOrEqual(counts.high[i] as number);
      });
      if (actual >= counts.total.low && actual <= counts.total.high) totalsInside++;
      expect(counts.total.low).toBeLessThan(counts.total.mean);
      expect(counts.total.high).toBeGreaterThan(counts.total.mean);
    }
    expect(inside / n).toBeGreaterThan(0.87);
    expect(inside / n).toBeLessThan(0.93);
    // The intervals' own probabilities agree with what happened.
    expect(Math.abs(inside / n - predicted / n)).toBeLessThan(0.02);
    expect(totalsInside).toBeGreaterThanOrEqual(3);
  });

  it('widens with parameter uncertainty: a small shop’s intervals are wider than its point estimate’s', () => {
    const start = epochDay(2024, 1, 1);
    const shop = simulateShop({
      seed: 5,
      customers: 150,
      params: bg,
      spend: { p: 6.25, q: 3.74, v: 15.44 },
      acquisitionWeeks: 12,
      horizonWeeks: 39,
      startDay: start,
    });
    const split = calibrationHoldoutSplit(shop.log, {
      calibrationEnd: start + 39 * 7 - 1,
      observationEnd: start + 39 * 7 - 1 + 52 * 7,
      unit: 'week',
      period: 'day',
    });
    const fit = fitBgNbd(split.calibration);
    const mixed = predictiveCounts(split.calibration, fit, { horizon: 52 });
    const point = predictiveCounts(split.calibration, fit, { horizon: 52, parameterUncertainty: false });
    expect(point.parameterUncertainty).toBe(false);
    const width = (c: typeof mixed) => c.total.high - c.total.low;
    expect(width(mixed)).toBeGreaterThan(1.2 * width(point));
    const variance = (c: typeof mixed) => c.variance.reduce((s, v) => s + v, 0);
    expect(variance(mixed)).toBeGreaterThan(variance(point));
    expect(logParamsOf(fit).length).toBe(4);
  });
});
