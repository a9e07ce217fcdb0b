/**
 * The replenishment flow on the learned date (seed 003's printer → paper): with the cycles
 * recomputed, a customer's new order of paper makes the `replenishment` template wait until the
 * day the customer's own rhythm, shrunk toward the product's, says they will buy again (minus the
 * template's lead day), at 09:00 — not the catalogue file's figure. Both engines, test clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { enableFlowTemplate } from '../../src/app/flows/templates.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import { addDays } from '../../src/domain/analytics/calendar.js';
import { histories, predictNext } from '../../src/domain/replenish/cycles.js';
import { zonedDayOf } from '../../src/domain/time.js';
import { generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { listReorderCycles, readCustomerPurchases } from '../../src/store/replenish/index.js';
import { type FlowShop, openFlowShop, SHOP, VN, vn } from '../flows/support.js';
import { ENGINES } from '../support/engines.js';

const DAY = 86_400_000;

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let shop: FlowShop | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });

    it('waits for the learned reorder date of the paper just bought', async () => {
      const start = vn('2027-03-01', '08:00');
      shop = await openFlowShop(engine, start);
      const s = shop;
      const history = generateCycleShop({
        customers: 250,
        seed: 5,
        days: 300,
        until: new Date(start.getTime() - DAY),
      });
      await s.load({ customers: history.customers, orders: history.orders });
      await recomputeReorderCycles(s.ctx, { shopId: SHOP });
      const [paper] = (await listReorderCycles(s.store, SHOP, { sku: 'PAP-A6-500' })).cycles;
      expect(paper?.replenishable).toBe(true);
      await enableFlowTemplate(s.ctx, { shopId: SHOP, name: 'replenishment' });

      // A paper buyer with a history orders two packs again.
      const [row] = await s.store.engine.all<{ customer_id: string }>(
        `SELECT customer_id FROM customer_replenishment WHERE shop_id = $1 AND sku = 'PAP-A6-500' AND purchases >= 3
         ORDER BY customer_id LIMIT 1`,
        [SHOP],
      );
      const customerId = row!.customer_id;
      const phone = (await s.store.getCustomer(SHOP, customerId))!.phone!;
      const at = vn('2027-03-01', '10:00');
      s.at(at);
      await s.load({
        orders: [
          {
            source: 'shopify',
            externalId: 'paper-again',
            customer: { phone },
            status: 'paid',
            currency: 'VND',
            subtotal: '178000',
            shipping: '0',
            taxes: '0',
            discount: '0',
            total: '178000',
            refunded: '0',
            createdAt: at,
            tags: [],
            lines: [
              {
                sku: 'PAP-A6-500',
                title: 'Giấy in nhiệt A6',
                category: 'paper',
                quantity: 2,
                price: '89000',
              },
            ],
          },
        ],
      });
      await s.runDue(vn('2027-03-01', '10:01'));
      const [run] = await s.store.engine.all<{ wake_at: Date }>(
        'SELECT wake_at FROM flow_runs WHERE shop_id = $1 AND customer_id = $2',
        [SHOP, customerId],
      );

      // What the model says, from the same history: predicted day, a lead day before, 09:00.
      const before = await readCustomerPurchases(s.store, SHOP, [customerId], ['PAP-A6-500'], at);
      const [h] = histories([
        ...before,
        { customerId, sku: 'PAP-A6-500', category: null, at: at.getTime(), quantity: 2 },
      ]).get('PAP-A6-500')!;
      const p = predictNext(paper!, h!, { level: 0.5, leadDays: 0 }, VN)!;
      const day = addDays(zonedDayOf(p.predictedAt, VN), -1);
      expect(run!.wake_at.toISOString()).toBe(vn(day, '09:00').toISOString());
      // Two packs of a ~7-day paper: about two weeks, not the catalogue's 7 days nor the fallback.
      const days = (run!.wake_at.getTime() - at.getTime()) / DAY;
      expect(days).toBeGreaterThan(8);
      expect(days).toBeLessThan(25);
    }, 90_000);
  });
