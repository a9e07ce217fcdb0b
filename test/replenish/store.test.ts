/**
 * The recompute through the store, on both engines: the stored cycles are what the maths makes
 * of the shop's valid orders (failed deliveries left out), the customer predictions follow, and a
 * purchase since the recompute retires a customer's prediction.
 */
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import {
  customerReplenishment,
  evaluateShopReplenishment,
  listProductCycles,
  recomputeReorderCycles,
  showProductCycle,
} from '../../src/app/replenishment.js';
import { learnCycles } from '../../src/domain/replenish/cycles.js';
import { DEFAULT_REPLENISH_THRESHOLDS } from '../../src/domain/replenish/types.js';
import { CYCLE_PRODUCTS, generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { importCycleShop, purchasesOf } from './support.js';

const SHOP = 'cycles';
const UNTIL = new Date('2026-10-31T17:00:00Z');
const DAY = 86_400_000;

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('stores the cycles and predictions the maths makes of the valid orders', async () => {
      const clock = new TestClock(UNTIL.getTime());
      const store = await engine.open(clock);
      try {
        const shop = generateCycleShop({ customers: 500, seed: 3, days: 540, until: UNTIL });
        await importCycleShop(store, SHOP, shop, UNTIL);
        const ctx = makeContext(store);
        const before = await listProductCycles(ctx, { shopId: SHOP });
        expect(before.computedAt).toBeNull();
        const r = await recomputeReorderCycles(ctx, { shopId: SHOP });
        expect(r.products).toBe(CYCLE_PRODUCTS.length);

        const expected = learnCycles(
          purchasesOf(shop.orders),
          CYCLE_PRODUCTS.map((p) => ({ sku: p.sku, category: p.category, sellerConsumable: null })),
          DEFAULT_REPLENISH_THRESHOLDS,
          UNTIL,
        ).cycles;
        const stored = await listProductCycles(ctx, { shopId: SHOP });
        expect(stored.computedAt?.getTime()).toBe(UNTIL.getTime());
        expect(stored.cycles.map(({ title: _t, ...c }) => c)).toEqual(expected);
        expect(r.replenishable).toBe(expected.filter((c) => c.replenishable).length);
        expect(
          (await listProductCycles(ctx, { shopId: SHOP, replenishable: false })).cycles.map((c) => c.sku),
        ).toEqual(expected.filter((c) => !c.replenishable).map((c) => c.sku));
        const one = await showProductCycle(ctx, { shopId: SHOP, sku: 'PAP-A6-500' });
        expect(one.cycle?.replenishable).toBe(true);
        await expect(showProductCycle(ctx, { shopId: SHOP, sku: 'NOPE' })).rejects.toMatchObject({
          code: 'not_found',
        });

        // A paper buyer: one prediction per replenishable product they bought.
        const [row] = await store.engine.all<{ customer_id: string }>(
          `SELECT customer_id FROM customer_replenishment WHERE shop_id = $1 AND sku = 'PAP-A6-500'
           ORDER BY last_purchase_at DESC, customer_id LIMIT 1`,
          [SHOP],
        );
        const customerId = row!.customer_id;
        const mine = await customerReplenishment(ctx, { shopId: SHOP, customerId });
        const paper = mine.items.find((i) => i.sku === 'PAP-A6-500')!;
        expect(paper.title).toBe('PAP-A6-500');
        expect(paper.predictedAt.getTime()).toBeGreaterThan(paper.lastPurchaseAt.getTime());
        expect(paper.dueDay < paper.predictedAt.toISOString().slice(0, 10)).toBe(true);

        // The customer buys paper again: the prediction made from the earlier purchase is retired.
        const external = (await store.getCustomer(SHOP, customerId))!;
        await store.transaction(async (tx) => {
          await tx.importBatch(
            SHOP,
            {
              customers: [],
              orders: [
                {
                  source: 'shopify',
                  externalId: 'again-1',
                  customer: { phone: external.phone! },
                  status: 'delivered',
                  currency: 'VND',
                  subtotal: '89000',
                  shipping: '0',
                  taxes: '0',
                  discount: '0',
                  total: '89000',
                  refunded: '0',
                  createdAt: new Date(UNTIL.getTime() + 2 * DAY),
                  tags: [],
                  lines: [{ sku: 'PAP-A6-500', title: 'Giấy', quantity: 1, price: '89000' }],
                },
              ],
              events: [],
            },
            'imp_again',
            new Date(UNTIL.getTime() + 2 * DAY),
          );
        });
        const after = await customerReplenishment(ctx, { shopId: SHOP, customerId });
        expect(after.items.find((i) => i.sku === 'PAP-A6-500')).toBeUndefined();

        const e = await evaluateShopReplenishment(ctx, {
          shopId: SHOP,
          splitAt: new Date(UNTIL.getTime() - 120 * DAY).toISOString().slice(0, 10),
        });
        expect(e.pairs).toBeGreaterThan(50);
        expect(e.maeDays!).toBeLessThan(e.baselineMaeDays!);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
