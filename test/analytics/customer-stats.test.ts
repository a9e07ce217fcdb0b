import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import type { CustomerStatsRow } from '../../src/store/analytics/common.js';
import { refreshCustomerStats } from '../../src/store/analytics/customer-stats.js';
import { recomputeScores } from '../../src/store/analytics/scores.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { customer, idOf, importBatches, order, SHOP, vn } from './fixtures.js';

const A = '+84900000001';
const B = '+84900000002';
const C = '+84900000003';
const D = '+84900000004';
const E = '+84900000005';

/**
 * A: two orders on one day, a partial refund, a returned order, a failed COD delivery.
 * B: an order at 23:30 UTC (06:30 the next day in Ho Chi Minh), one refunded in full, one 'refunded'.
 * C: a customer record without orders. D: a later order adds a category. E: two orders at one instant.
 */
const FIXTURE = {
  customers: [customer(C)],
  orders: [
    order({ id: 'A1', phone: A, at: vn('2026-01-10', '10:00'), total: 200_000, categories: ['ao'] }),
    order({
      id: 'A2',
      phone: A,
      at: vn('2026-01-10', '20:00'),
      total: 100_000,
      status: 'delivered',
      categories: ['ao'],
    }),
    order({
      id: 'A3',
      phone: A,
      at: vn('2026-02-09', '10:00'),
      total: 400_000,
      refunded: 100_000,
      categories: ['quan'],
    }),
    order({
      id: 'A4',
      phone: A,
      at: vn('2026-02-15'),
      total: 500_000,
      status: 'returned',
      categories: ['tui'],
    }),
    order({
      id: 'A5',
      phone: A,
      at: vn('2026-02-20'),
      total: 250_000,
      status: 'failed_delivery',
      payment: 'cod',
    }),
    order({ id: 'B1', phone: B, at: new Date('2026-01-31T23:30:00Z'), total: 150_000, categories: ['ao'] }),
    order({ id: 'B2', phone: B, at: vn('2026-02-01', '18:00'), total: 150_000, refunded: 150_000 }),
    order({ id: 'B3', phone: B, at: vn('2026-03-03'), total: 150_000, status: 'refunded' }),
    order({ id: 'D1', phone: D, at: vn('2026-01-05'), total: 300_000, categories: ['giay'] }),
    order({ id: 'D2', phone: D, at: vn('2026-01-25'), total: 300_000, categories: ['giay', 'tui'] }),
    order({ id: 'E1', phone: E, at: vn('2026-01-07'), total: 100_000, categories: ['ao'] }),
    order({ id: 'E2', phone: E, at: vn('2026-01-07'), total: 100_000, categories: ['quan'] }),
  ],
};

async function statsOf(store: Store, phone: string): Promise<CustomerStatsRow> {
  const id = await idOf(store, phone);
  const rows = await store.engine.all<CustomerStatsRow>(
    'SELECT * FROM customer_stats WHERE shop_id = $1 AND customer_id = $2',
    [SHOP, id],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function allStats(store: Store): Promise<CustomerStatsRow[]> {
  return store.engine.all<CustomerStatsRow>(
    'SELECT * FROM customer_stats WHERE shop_id = $1 ORDER BY customer_id',
    [SHOP],
  );
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`customer stats on ${engine.title}`, () => {
    const open = () => engine.open(new TestClock(Date.UTC(2026, 0, 1)));

    it('counts only valid orders, net of refunds, with several orders on one day', async () => {
      const store = await open();
      await importBatches(store, [FIXTURE]);
      const a = await statsOf(store, A);
      // Valid: A1 200k + A2 100k + A3 (400k - 100k refunded) = 600k in 3 orders; A4 returned and A5 a
      // failed COD delivery are not revenue.
      expect(a).toMatchObject({
        orders: 3,
        revenue: 600_000,
        first_order_date: '2026-01-10',
        last_order_date: '2026-02-09',
        first_order_value: 200_000,
        max_order_value: 300_000,
        aov: 200_000, // 600k / 3
        avg_gap_days: 15, // (9 Feb - 10 Jan = 30 days) / (3 - 1)
        category_count: 2,
        categories: 'ao|quan', // 'tui' came only with the returned order
        upsold: true, // A3 (300k) is larger than A1 (200k)
      });
      expect(a.first_order_at).toEqual(vn('2026-01-10', '10:00'));
      expect(a.last_order_at).toEqual(vn('2026-02-09', '10:00'));
      await store.close();
    });

    it("dates an order by the shop's day: 23:30 UTC on 31 Jan is 1 Feb in Ho Chi Minh", async () => {
      const store = await open();
      await importBatches(store, [FIXTURE]);
      // B2 is refunded in full and B3 has status 'refunded': only B1 counts.
      expect(await statsOf(store, B)).toMatchObject({
        orders: 1,
        revenue: 150_000,
        first_order_date: '2026-02-01',
        last_order_date: '2026-02-01',
        aov: 150_000,
        avg_gap_days: null,
        upsold: false,
      });
      await store.close();
    });

    it('keeps a row for a customer without orders', async () => {
      const store = await open();
      await importBatches(store, [FIXTURE]);
      expect(await statsOf(store, C)).toMatchObject({
        orders: 0,
        revenue: 0,
        first_order_at: null,
        last_order_at: null,
        aov: null,
        avg_gap_days: null,
        category_count: 0,
        categories: null,
        upsold: false,
        rfm_group: null,
      });
      expect(await allStats(store)).toHaveLength(5);
      await store.close();
    });

    it('sees a cross-sell when a later order adds a category, not when it comes at the same instant', async () => {
      const store = await open();
      await importBatches(store, [FIXTURE]);
      // D2 is not larger (300k = 300k) but adds 'tui'.
      expect(await statsOf(store, D)).toMatchObject({
        orders: 2,
        avg_gap_days: 20,
        upsold: true,
        categories: 'giay|tui',
      });
      // E1 and E2 share one instant: the same purchase; gap (7 Jan - 7 Jan) / 1 = 0.
      expect(await statsOf(store, E)).toMatchObject({
        orders: 2,
        revenue: 200_000,
        avg_gap_days: 0,
        upsold: false,
      });
      await store.close();
    });

    it('takes the largest of the orders at the first instant as the first order, in both forms', async () => {
      const store = await open();
      const F = '+84900000006';
      const at = vn('2026-01-07');
      await importBatches(store, [
        {
          orders: [
            // Placed together: not an up-sell, whatever the order ids or import order.
            order({ id: 'F1', phone: F, at, total: 100_000, categories: ['ao'] }),
            order({ id: 'F2', phone: F, at, total: 250_000, categories: ['ao'] }),
            order({ id: 'F3', phone: F, at: vn('2026-02-07'), total: 200_000, categories: ['ao'] }),
          ],
        },
      ]);
      const expected = { orders: 3, first_order_value: 250_000, max_order_value: 250_000, upsold: false };
      expect(await statsOf(store, F)).toMatchObject(expected);
      await refreshCustomerStats(store.engine, SHOP, { pivot: false, strategy: 'replace' });
      expect(await statsOf(store, F)).toMatchObject(expected);
      await store.close();
    });

    it('updates only the customers an import touched, and a full refresh agrees', async () => {
      const store = await open();
      await importBatches(store, [FIXTURE]);
      const before = await allStats(store);
      const touched = await importBatches(store, [
        {
          orders: [order({ id: 'B4', phone: B, at: vn('2026-03-10'), total: 90_000, categories: ['quan'] })],
        },
      ]);
      expect(touched).toEqual([await idOf(store, B)]);
      const after = await allStats(store);
      const bId = await idOf(store, B);
      expect(after.filter((r) => r.customer_id !== bId)).toEqual(before.filter((r) => r.customer_id !== bId));
      // B: 150k + 90k in 2 orders; gap 1 Feb → 10 Mar = 37 days; 90k < 150k but 'quan' is new
      expect(after.find((r) => r.customer_id === bId)).toMatchObject({
        orders: 2,
        revenue: 240_000,
        avg_gap_days: 37,
        upsold: true,
      });
      expect(await refreshCustomerStats(store.engine, SHOP)).toEqual({
        mode: 'full',
        customers: 5,
        changed: 0,
      });
      expect(await allStats(store)).toEqual(after);
      await store.close();
    });

    it('keeps the scores of refreshed rows, whether it updates or replaces them', async () => {
      const store = await open();
      await importBatches(store, [FIXTURE]);
      await recomputeScores(store.engine, SHOP, vn('2026-04-01'), resolveAnalyticsConfig());
      const scored = await allStats(store);
      expect(scored.every((r) => r.lifecycle !== null)).toBe(true);
      for (const strategy of ['update', 'replace'] as const) {
        expect(await refreshCustomerStats(store.engine, SHOP, { strategy })).toMatchObject({ changed: 0 });
        expect(await allStats(store)).toEqual(scored);
      }
      await store.engine.run('UPDATE customer_stats SET orders = 99, revenue = 1 WHERE shop_id = $1', [SHOP]);
      expect(await refreshCustomerStats(store.engine, SHOP, { strategy: 'auto' })).toMatchObject({
        changed: 5,
      });
      expect(await allStats(store)).toEqual(scored);
      await store.close();
    });

    it('deletes the stats of a customer merged away and sums both on the survivor', async () => {
      const store = await open();
      await importBatches(store, [
        {
          orders: [
            order({ id: 'M1', phone: '+84911111111', at: vn('2026-01-01'), total: 100_000 }),
            {
              ...order({ id: 'M2', phone: 'x', at: vn('2026-01-11'), total: 50_000 }),
              customer: { email: 'm@example.vn' },
            },
          ],
        },
      ]);
      expect(await allStats(store)).toHaveLength(2);
      const touched = await importBatches(store, [
        { customers: [customer('+84911111111', { externalId: 'M', email: 'm@example.vn' })] },
      ]);
      expect(touched).toHaveLength(2); // the survivor and the customer it absorbed
      const rows = await allStats(store);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ orders: 2, revenue: 150_000, avg_gap_days: 10 });
      await store.close();
    });

    it('moves the stats of an order re-imported under another customer', async () => {
      const store = await open();
      await importBatches(store, [
        { orders: [order({ id: 'X1', phone: A, at: vn('2026-01-10'), total: 300_000, categories: ['ao'] })] },
      ]);
      // The same order (same source and id) now names another buyer: A's stats must drop it.
      const touched = await importBatches(store, [
        { orders: [order({ id: 'X1', phone: B, at: vn('2026-01-10'), total: 300_000, categories: ['ao'] })] },
      ]);
      expect(touched).toContain(await idOf(store, A));
      expect(await statsOf(store, A)).toMatchObject({ orders: 0, revenue: 0, category_count: 0 });
      expect(await statsOf(store, B)).toMatchObject({ orders: 1, revenue: 300_000, categories: 'ao' });
      expect(await refreshCustomerStats(store.engine, SHOP)).toMatchObject({ changed: 0 });
      await store.close();
    });

    it('marks referred customers', async () => {
      const store = await open();
      await importBatches(store, [
        { customers: [customer('+84922222222', { referredBy: '+84900000001' }), customer(A)] },
      ]);
      expect((await statsOf(store, '+84922222222')).referred).toBe(true);
      expect((await statsOf(store, A)).referred).toBe(false);
      await store.close();
    });
  });
}
