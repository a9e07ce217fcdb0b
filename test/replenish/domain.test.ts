/**
 * The replenishment maths on generated shops whose per-product cycles are known
 * (src/ingest/demo/cycle-shop.ts): cycles recovered within their stated 95 % intervals, the
 * category backoff, the reasons, and the MAE against the product-median baseline.
 */
import { describe, expect, it } from 'vitest';
import { sampleGamma } from '../../src/domain/random/distributions.js';
import { histories, learnCycles, predictNext } from '../../src/domain/replenish/cycles.js';
import { evaluateReplenishment } from '../../src/domain/replenish/evaluate.js';
import { intervalQuantile, nextIntervalCdf, wheatMorrisonShape } from '../../src/domain/replenish/model.js';
import { DEFAULT_REPLENISH_THRESHOLDS, DEFAULT_REPLENISH_TIMING } from '../../src/domain/replenish/types.js';
import { CYCLE_PRODUCTS, generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { rngFor } from '../../src/ingest/demo/random.js';
import { purchasesOf } from './support.js';

const UNTIL = new Date('2026-10-31T17:00:00Z');
const DAY = 86_400_000;
const info = CYCLE_PRODUCTS.map((p) => ({ sku: p.sku, category: p.category, sellerConsumable: null }));

describe.each([7, 8, 9])('a generated shop with known cycles (seed %i)', (seed) => {
  const shop = generateCycleShop({ customers: 1500, seed, days: 540, until: UNTIL });
  const purchases = purchasesOf(shop.orders);
  const { cycles } = learnCycles(purchases, info, DEFAULT_REPLENISH_THRESHOLDS, UNTIL);
  const bySku = new Map(cycles.map((c) => [c.sku, c]));

  it('recovers each consumable cycle near the truth', () => {
    for (const p of CYCLE_PRODUCTS) {
      const c = bySku.get(p.sku)!;
      if (p.cycleDays === undefined || c.source !== 'product') continue;
      expect(c.replenishable, p.sku).toBe(true);
      // Poisson-like purchases (k = 1) say less per interval than regular ones.
      const tolerance = p.shape >= 2 ? 0.2 : 0.35;
      expect(Math.abs(c.cycleDays! - p.cycleDays), p.sku).toBeLessThan(tolerance * p.cycleDays);
      // And the stated interval says something: narrower than ±40 % of the truth.
      expect(c.cycleHighDays! - c.cycleLowDays!, p.sku).toBeLessThan(0.8 * p.cycleDays);
    }
  });

  it('tells regular from Poisson-like purchases', () => {
    expect(bySku.get('MB-DIAPER-M')!.pattern).toBe('regular');
    expect(bySku.get('PAP-A6-500')!.pattern).toBe('regular');
    expect(bySku.get('BT-CLEANSER')!.pattern).toBe('poisson_like');
  });

  it('backs a product with few repeat buyers off to its category, and says why durables are not replenishable', () => {
    const k58 = bySku.get('PAP-K58-10')!;
    expect(k58.repeatBuyers).toBeLessThan(DEFAULT_REPLENISH_THRESHOLDS.minRepeatBuyers);
    expect(k58.source).toBe('category');
    expect(k58.cycleDays).not.toBeNull();
    for (const sku of ['PRN-TH80', 'EL-CASE']) {
      const c = bySku.get(sku)!;
      expect(c.replenishable, sku).toBe(false);
      expect(['too_few_repeat_buyers', 'rarely_rebought']).toContain(c.reason);
    }
  });

  it('predicts next purchases better than the product median (time split)', () => {
    const split = new Date(UNTIL.getTime() - 120 * DAY);
    const e = evaluateReplenishment(
      purchases,
      info,
      split,
      DEFAULT_REPLENISH_THRESHOLDS,
      DEFAULT_REPLENISH_TIMING,
    );
    expect(e.pairs).toBeGreaterThan(300);
    expect(e.maeDays!).toBeLessThan(e.baselineMaeDays! * 0.95);
  });
});

describe('stated intervals over 30 generated shops', () => {
  it('hold the true cycle as often as they say (95 %), and the MAE beats the baseline in every shop', () => {
    let checked = 0;
    let held = 0;
    for (let seed = 100; seed < 130; seed++) {
      const shop = generateCycleShop({ customers: 1500, seed, days: 540, until: UNTIL });
      const purchases = purchasesOf(shop.orders);
      const { cycles } = learnCycles(purchases, info, DEFAULT_REPLENISH_THRESHOLDS, UNTIL);
      for (const c of cycles) {
        const truth = CYCLE_PRODUCTS.find((p) => p.sku === c.sku)?.cycleDays;
        if (truth === undefined || c.source !== 'product') continue;
        checked++;
        if (c.cycleLowDays! <= truth && truth <= c.cycleHighDays!) held++;
      }
      const split = new Date(UNTIL.getTime() - 120 * DAY);
      const e = evaluateReplenishment(
        purchases,
        info,
        split,
        DEFAULT_REPLENISH_THRESHOLDS,
        DEFAULT_REPLENISH_TIMING,
      );
      expect(e.maeDays!, `seed ${seed}`).toBeLessThan(e.baselineMaeDays!);
    }
    expect(checked).toBeGreaterThanOrEqual(150);
    // 95 % nominal; a binomial(150, 0.95) is below 135 with probability under 0.2 %.
    expect(held / checked).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the model', () => {
  it.each([1, 3, 8])('Wheat–Morrison recovers an Erlang-%i shape', (k) => {
    const rng = rngFor(1, 1, k);
    const pairs = Array.from({ length: 4000 }, () => {
      const mean = 5 + rng() * 50;
      return [sampleGamma(rng, k, k / mean), sampleGamma(rng, k, k / mean)] as const;
    });
    expect(wheatMorrisonShape(pairs)).toBeGreaterThan(k * 0.85);
    expect(wheatMorrisonShape(pairs)).toBeLessThan(k * 1.15);
    expect(wheatMorrisonShape(pairs.slice(0, 4))).toBeNull();
  });

  it('is Lomax for Poisson purchases and its quantile inverts the CDF, conditioned on the wait', () => {
    const e = { cycleDays: 20, shape: 1, priorIntervals: 3, intervals: 2, intervalSum: 50 };
    // P(X ≤ s) = 1 − (b/(b+s))^a with b = n0·μ + S = 110, a = n0 + m + 1 = 6.
    expect(nextIntervalCdf(e, 30)).toBeCloseTo(1 - (110 / 140) ** 6, 10);
    const s = intervalQuantile(e, 0.5);
    expect(nextIntervalCdf(e, s)).toBeCloseTo(0.5, 6);
    const late = intervalQuantile(e, 0.5, 40);
    expect(late).toBeGreaterThan(40);
    const f40 = nextIntervalCdf(e, 40);
    expect((nextIntervalCdf(e, late) - f40) / (1 - f40)).toBeCloseTo(0.5, 6);
  });

  it("shrinks a customer's rhythm toward the product's and scales it by the quantity bought", () => {
    const day = (n: number) => Date.UTC(2026, 0, 1) + n * DAY;
    const purchases = [0, 10, 20, 30].map((n) => ({
      customerId: 'a',
      sku: 'P',
      category: null,
      at: day(n),
      quantity: 1,
    }));
    const [h] = histories([
      ...purchases,
      { customerId: 'a', sku: 'P', category: null, at: day(40), quantity: 2 },
    ]).get('P')!;
    const cycle = {
      ...learnCycles(
        [],
        [{ sku: 'P', category: null, sellerConsumable: null }],
        DEFAULT_REPLENISH_THRESHOLDS,
        new Date(day(40)),
      ).cycles[0]!,
      cycleDays: 20,
      regularity: 4,
      priorIntervals: 2,
    };
    const p = predictNext(cycle, h!, { level: 0.5, leadDays: 2 }, 'Asia/Ho_Chi_Minh')!;
    // (2·20 + 40) / (2 + 4) = 13.33 days per unit, between the customer's 10 and the product's 20.
    expect(p.intervalDays).toBeCloseTo(13.33, 2);
    const days = (p.predictedAt.getTime() - day(40)) / DAY;
    // Two units last twice as long: about 2 × 13 days, a little less at the median.
    expect(days).toBeGreaterThan(22);
    expect(days).toBeLessThan(27);
    expect(p.lastQuantity).toBe(2);
  });
});
