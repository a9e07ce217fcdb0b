import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpected,
  bgnbdPAlive,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  predictCustomer,
  scoreCustomers,
} from '../../../src/domain/clv/index.js';
import { cdnowDir, loadCbs } from './cdnow-data.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('customer_lifetime_value semantics', () => {
  // lifetimes' README fits BG/NBD and Gamma-Gamma on its rounded CDNOW summary and prints
  // customer_lifetime_value(time=12, discount_rate=0.01) with the default freq 'D', that is
  // 30 periods a month on data in weeks. These are its printed figures for customers 1-10
  // and conditional_expected_average_profit for customers 1-3.
  const rows = readFileSync(resolve(cdnowDir(), 'cdnow_customers_summary_with_transactions.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const s = {
    frequency: rows.map((r) => r[1] as number),
    recency: rows.map((r) => r[2] as number),
    T: rows.map((r) => r[3] as number),
    monetaryValue: rows.map((r) => r[4] as number),
  };

  it('reproduces lifetimes’ README CLV figures', () => {
    const scores = scoreCustomers(s, fitBgNbd(s), fitGammaGamma(s), {
      unit: 'day',
      horizonDays: 30,
      clvMonths: 12,
      discountRate: 0.01,
    });
    const readme = [
      140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216,
      38.180574,
    ];
    for (const [i, v] of readme.entries()) expect(rel(scores.clv?.[i] as number, v)).toBeLessThan(1e-5);
    for (const [i, v] of [24.658619, 18.911489, 35.170981].entries()) {
      expect(rel(scores.expectedAverageValue?.[i] as number, v)).toBeLessThan(1e-5);
    }
  });
});

describe('scoreCustomers', () => {
  const cbs = loadCbs();
  const stats = {
    frequency: cbs.map((c) => c.x),
    recency: cbs.map((c) => c.tx),
    T: cbs.map((c) => c.T),
    monetaryValue: cbs.map((c) => c.mx),
  };
  const bg = fitBgNbd(stats);
  const gg = fitGammaGamma(stats);
  const scores = scoreCustomers(stats, bg, gg, {
    unit: 'week',
    horizonDays: 91,
    clvMonths: 12,
    discountRate: 0.01,
    margin: 0.3,
    confidenceIntervals: true,
  });

  it('gathers per-tuple results back to the right customers', () => {
    for (const i of [0, 1, 2, 17, 500, 2356]) {
      const c = cbs[i] as (typeof cbs)[number];
      expect(scores.pAlive[i]).toBeCloseTo(bgnbdPAlive(bg.params, c.x, c.tx, c.T), 14);
      expect(scores.churnProbability[i]).toBeCloseTo(1 - bgnbdPAlive(bg.params, c.x, c.tx, c.T), 14);
      expect(scores.expectedPurchases[i]).toBeCloseTo(
        bgnbdConditionalExpected(bg.params, 13, c.x, c.tx, c.T),
        12,
      );
    }
  });

  it('computes CLV as lifetimes does: monthly differences of the conditional expectation, discounted', () => {
    for (const i of [0, 1, 5, 300]) {
      const c = cbs[i] as (typeof cbs)[number];
      const value = gammaGammaConditionalExpectedValue(gg.params, c.x, c.mx);
      let clv = 0;
      for (let m = 1; m <= 12; m++) {
        const delta =
          bgnbdConditionalExpected(bg.params, m * 4.345, c.x, c.tx, c.T) -
          bgnbdConditionalExpected(bg.params, (m - 1) * 4.345, c.x, c.tx, c.T);
        clv += (0.3 * value * delta) / 1.01 ** m;
      }
      expect(rel(scores.clv?.[i] as number, clv)).toBeLessThan(1e-10);
    }
  });

  it('brackets every estimate by its interval', () => {
    const iv = scores.confidenceIntervals;
    expect(iv).toBeDefined();
    if (!iv?.clv || !scores.clv) return;
    let widthSum = 0;
    for (let i = 0; i < cbs.length; i++) {
      expect(iv.pAlive.low[i]).toBeLessThanOrEqual(scores.pAlive[i] as number);
      expect(iv.pAlive.high[i]).toBeGreaterThanOrEqual(scores.pAlive[i] as number);
      expect(iv.expectedPurchases.low[i]).toBeLessThanOrEqual(scores.expectedPurchases[i] as number);
      expect(iv.clv.high[i]).toBeGreaterThanOrEqual(scores.clv[i] as number);
      widthSum += ((iv.clv.high[i] as number) - (iv.clv.low[i] as number)) / (scores.clv[i] as number);
    }
    // With 2,357 customers the parameters are well pinned: CLV intervals of about ±15-30 %.
    const meanRelativeWidth = widthSum / cbs.length;
    expect(meanRelativeWidth).toBeGreaterThan(0.1);
    expect(meanRelativeWidth).toBeLessThan(0.8);
  });

  it('gives the next order date of an active customer and bounded probabilities', () => {
    for (let i = 0; i < cbs.length; i++) {
      expect(scores.nextPurchaseDays[i]).toBeGreaterThan(0);
      expect(scores.probabilityOfPurchase[i]).toBeGreaterThanOrEqual(0);
      expect(scores.probabilityOfPurchase[i]).toBeLessThanOrEqual(1);
    }
    // Customer 1 of the walkthrough rhythm: 26 purchases in 31 weeks, next one in days.
    const p = predictCustomer(
      bg,
      gg,
      { frequency: 26, recency: 30.85714, T: 31, monetaryValue: 40 },
      { unit: 'week' },
    );
    expect(p.nextPurchaseDays).toBeGreaterThan(3);
    expect(p.nextPurchaseDays).toBeLessThan(14);
    const year = p.horizons[2];
    expect(year?.days).toBe(365);
    const total = (year?.probabilities ?? []).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(1 + 1e-12);
    expect(p.horizons[0]?.expectedPurchases).toBeCloseTo(
      bgnbdConditionalExpected(bg.params, 30 / 7, 26, 30.85714, 31),
      12,
    );
  });
});
