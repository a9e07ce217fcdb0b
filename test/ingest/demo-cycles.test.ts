/**
 * The demo shop's consumables follow their catalogue's reorder cycles (src/ingest/demo/consumption.ts),
 * so that it is a shop whose true per-product cycles are known (issue 18): per-unit intervals
 * around the cycle, quantity-normalised (two packs last twice as long), cycles learned near the
 * truth, and the replenishment prediction beating the product-median baseline on a time split.
 * In memory (the learning and the evaluation are pure; the store's path has its own tests).
 */
import { describe, expect, it } from 'vitest';
import type { Purchase } from '../../src/domain/replenish/cycles.js';
import { learnCycles } from '../../src/domain/replenish/cycles.js';
import { defaultSplit, evaluateReplenishment } from '../../src/domain/replenish/evaluate.js';
import { DEFAULT_REPLENISH_THRESHOLDS } from '../../src/domain/replenish/types.js';
import { DEMO_CATALOG, DEMO_PRODUCTS_BY_SKU } from '../../src/ingest/demo/catalog.js';
import { generateShop } from '../../src/ingest/demo/generate.js';
import { DEMO_DEFAULT_CUSTOMERS, DEMO_DEFAULT_SEED, DEMO_UNTIL } from '../../src/ingest/demo/params.js';
import type { DemoOrder } from '../../src/ingest/demo/types.js';

const DAY = 86_400_000;

/** Valid orders as Nurture counts them: paid or delivered, not refunded in full. */
const valid = (o: DemoOrder) =>
  o.outcome === 'delivered' ||
  o.outcome === 'partially_refunded' ||
  (o.outcome === 'in_transit' && o.paidAt !== undefined);

describe('the demo shop’s consumables on their reorder cycles', () => {
  const shop = generateShop({
    customers: DEMO_DEFAULT_CUSTOMERS,
    seed: DEMO_DEFAULT_SEED,
    until: DEMO_UNTIL,
  });
  const purchases: Purchase[] = shop.orders.filter(valid).flatMap((o) =>
    o.lines.map((l) => ({
      customerId: o.customer.id,
      sku: l.product.sku,
      category: l.product.type,
      at: o.createdAt,
      quantity: l.quantity,
    })),
  );
  // As the catalogue import says: durables are not consumables.
  const products = DEMO_CATALOG.map((p) => ({
    sku: p.sku,
    category: p.type,
    sellerConsumable: p.consumable ? null : false,
  }));

  it('spaces a customer’s purchases of a consumable by its cycle times the packs bought', () => {
    const ratios: number[] = [];
    const bySeries = new Map<string, Purchase[]>();
    for (const p of purchases) {
      const key = `${p.customerId}|${p.sku}`;
      bySeries.set(key, [...(bySeries.get(key) ?? []), p]);
    }
    for (const list of bySeries.values()) {
      const cycle = DEMO_PRODUCTS_BY_SKU.get(list[0]!.sku)?.reorderCycleDays;
      if (cycle === undefined) continue;
      for (let i = 1; i < list.length; i++)
        ratios.push((list[i]!.at - list[i - 1]!.at) / DAY / list[i - 1]!.quantity / cycle);
    }
    ratios.sort((a, b) => a - b);
    expect(ratios.length).toBeGreaterThan(300);
    // The median customer's pace is the cycle; customers differ, so the quartiles spread.
    const q = (x: number) => ratios[Math.floor(x * ratios.length)]!;
    expect(q(0.5)).toBeGreaterThan(0.8);
    expect(q(0.5)).toBeLessThan(1.25);
    expect(q(0.25)).toBeGreaterThan(0.4);
    expect(q(0.75)).toBeLessThan(2);
  });

  it('learns cycles whose stated intervals hold the catalogue’s, for the regularly bought products', () => {
    const { cycles } = learnCycles(purchases, products, DEFAULT_REPLENISH_THRESHOLDS, DEMO_UNTIL);
    const learned = cycles.filter(
      (c) => c.replenishable && c.source === 'product' && c.pattern === 'regular',
    );
    expect(learned.length).toBeGreaterThanOrEqual(5);
    let inside = 0;
    for (const c of learned) {
      const truth = DEMO_PRODUCTS_BY_SKU.get(c.sku)!.reorderCycleDays!;
      if (c.cycleLowDays! <= truth && truth <= c.cycleHighDays!) inside++;
      // Never far off: within half the truth either way.
      expect(Math.abs(c.cycleDays! - truth) / truth, c.sku).toBeLessThan(0.5);
    }
    expect(inside / learned.length).toBeGreaterThanOrEqual(0.8);
    // docs/recommend.md's example: the laser printer is bought once, its A4 paper every month.
    expect(cycles.find((c) => c.sku === 'PRN-LSR')?.replenishable ?? false).toBe(false);
    const a4 = learned.find((c) => c.sku === 'PAP-A4-500');
    expect(a4?.cycleLowDays).toBeLessThanOrEqual(30);
    expect(a4?.cycleHighDays).toBeGreaterThanOrEqual(30);
  });

  it('predicts the next purchase better than the product median (MAE, default split)', () => {
    const split = defaultSplit(purchases)!;
    const e = evaluateReplenishment(purchases, products, split, DEFAULT_REPLENISH_THRESHOLDS, {
      level: 0.5,
      leadDays: 0,
    });
    expect(e.pairs).toBeGreaterThan(80);
    expect(e.maeDays!).toBeLessThan(e.baselineMaeDays!);
    expect(e.replenishableMaeDays!).toBeLessThan(e.replenishableBaselineMaeDays!);
  });
});
