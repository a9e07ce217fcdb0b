/**
 * The recompute's SQL path (src/store/replenish/recompute.ts) against the domain's reference
 * computation (learnCycles + predictNext over the purchases read into JavaScript), on both
 * engines: the same cycles, flags and reasons, and the same predictions to the second. The shop
 * is the generated one with known cycles, plus orders the generator never makes: purchases less
 * than a day apart in a chain (merged from the first, not the previous), several units, two
 * orders at one instant, and a SKU met only on order lines.
 */
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import type { OrderInput } from '../../src/domain/model/index.js';
import { learnCycles, predictNext } from '../../src/domain/replenish/cycles.js';
import { DEFAULT_REPLENISH_THRESHOLDS } from '../../src/domain/replenish/types.js';
import { CYCLE_PRODUCTS, generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { readPurchases } from '../../src/store/replenish/index.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { importCycleShop } from './support.js';

const SHOP = 'sqlpath';
const UNTIL = new Date('2026-10-31T17:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Asia/Ho_Chi_Minh';

function order(phone: string, id: string, at: number, sku: string, quantity: number): OrderInput {
  return {
    source: 'shopify',
    externalId: id,
    customer: { phone },
    status: 'delivered',
    currency: 'VND',
    subtotal: '100000',
    shipping: '0',
    taxes: '0',
    discount: '0',
    total: '100000',
    refunded: '0',
    createdAt: new Date(at),
    tags: [],
    lines: [{ sku, category: 'paper', title: sku, quantity, price: '100000' }],
  };
}

/** Orders of a few customers that exercise the merging rules and a SKU outside the catalogue. */
function oddOrders(phones: readonly string[]): OrderInput[] {
  const start = UNTIL.getTime() - 300 * DAY;
  const out: OrderInput[] = [];
  phones.forEach((phone, c) => {
    // A chain: 0 h, 20 h (merged), 40 h (a day after the first: a new purchase), then regular.
    const times = [0, 20 * HOUR, 40 * HOUR, 30 * DAY, 30 * DAY, 61 * DAY, 61 * DAY + 23 * HOUR, 95 * DAY];
    times.forEach((t, i) => {
      out.push(order(phone, `odd-${c}-${i}`, start + c * DAY + t, 'PAP-A6-500', 1 + ((i + c) % 3)));
      if (i % 2 === 0)
        out.push(order(phone, `line-${c}-${i}`, start + c * 5 * HOUR + t * 1.3, 'LINE-ONLY-1', 1));
    });
  });
  return out;
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('stores what the domain reference computes from the same purchases', async () => {
      const store = await engine.open(new TestClock(UNTIL.getTime()));
      try {
        const shop = generateCycleShop({ customers: 300, seed: 5, days: 540, until: UNTIL });
        const phones = shop.customers.slice(0, 12).map((c) => c.phone!);
        await importCycleShop(
          store,
          SHOP,
          { ...shop, orders: [...shop.orders, ...oddOrders(phones)] },
          UNTIL,
        );
        const ctx = makeContext(store);
        const timing = { level: 0.7, leadDays: 3 };
        const r = await recomputeReorderCycles(ctx, { shopId: SHOP, ...timing });

        const purchases = await readPurchases(store, SHOP, UNTIL);
        const infos = CYCLE_PRODUCTS.map((p) => ({
          sku: p.sku,
          category: p.category,
          sellerConsumable: null,
        }));
        const expected = learnCycles(purchases, infos, DEFAULT_REPLENISH_THRESHOLDS, UNTIL);
        const stored = await store.engine.all<{ sku: string; replenishable: boolean; reason: string | null }>(
          'SELECT sku, replenishable, reason FROM product_reorder_cycles WHERE shop_id = $1 ORDER BY sku',
          [SHOP],
        );
        expect(stored.map((c) => c.sku)).toContain('LINE-ONLY-1');
        expect(stored).toEqual(
          expected.cycles.map((c) => ({ sku: c.sku, replenishable: c.replenishable, reason: c.reason })),
        );

        const want = expected.cycles
          .filter((c) => c.replenishable)
          .flatMap((c) => (expected.histories.get(c.sku) ?? []).map((h) => predictNext(c, h, timing, TZ)))
          .filter((p) => p !== null)
          .sort((a, b) => (a.customerId + a.sku < b.customerId + b.sku ? -1 : 1));
        const got = await store.engine.all<{
          customer_id: string;
          sku: string;
          purchases: number;
          last_purchase_at: Date;
          last_quantity: number;
          interval_days: number;
          predicted_at: Date;
          due_day: string;
        }>('SELECT * FROM customer_replenishment WHERE shop_id = $1', [SHOP]);
        got.sort((a, b) => (a.customer_id + a.sku < b.customer_id + b.sku ? -1 : 1));
        expect(r.predictions).toBe(want.length);
        expect(want.some((p) => p.sku === 'PAP-A6-500' && p.lastQuantity > 1)).toBe(true);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => {
          const w = want[i]!;
          expect([g.customer_id, g.sku, Number(g.purchases), Number(g.last_quantity)]).toEqual([
            w.customerId,
            w.sku,
            w.purchases,
            w.lastQuantity,
          ]);
          expect(g.last_purchase_at.getTime()).toBe(w.lastPurchaseAt.getTime());
          expect(Number(g.interval_days)).toBeCloseTo(w.intervalDays, 6);
          expect(Math.abs(g.predicted_at.getTime() - w.predictedAt.getTime())).toBeLessThan(1000);
          expect(g.due_day).toBe(w.dueDay);
        });
      } finally {
        await store.close();
      }
    }, 60_000);
  });
