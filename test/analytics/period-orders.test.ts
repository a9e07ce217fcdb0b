import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VALID_ORDER_RULE } from '../../src/domain/analytics/valid-orders.js';
import {
  bestCustomersInPeriod,
  revenueByDay,
  shopDataVersion,
} from '../../src/store/analytics/period-orders.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { idOf, importBatches, order, SHOP, vn } from './fixtures.js';
import { A, B, BEST_SHOP, C, E, FROM, OTHER_SHOP, TO } from './period-fixtures.js';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`period orders: best customers, revenue per day (${engine.title})`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open(new TestClock(vn('2026-04-02').getTime()));
      await importBatches(store, [BEST_SHOP]);
      await importBatches(store, [OTHER_SHOP], 'imp_other', 'shop2');
    });
    afterAll(async () => {
      await store?.close();
    });

    const best = (by: 'revenue' | 'orders', limit = 50) =>
      bestCustomersInPeriod(store.engine, SHOP, { from: FROM, to: TO, by, limit }, DEFAULT_VALID_ORDER_RULE);

    it('ranks the period’s customers by valid revenue, COD failures and refunds left out', async () => {
      const rows = await best('revenue');
      const ids = await Promise.all([B, A, C, E].map((p) => idOf(store, p)));
      expect(rows.map((r) => r.customerId)).toEqual(ids);
      expect(rows.map((r) => [r.orders, r.revenue])).toEqual([
        [1, 500_000],
        [2, 300_000],
        [3, 130_000],
        [1, 10_000],
      ]);
      expect(rows[2]?.lastOrderAt.getTime()).toBe(vn('2026-03-31', '23:30').getTime());
    });

    it('ranks by number of valid orders, ties by revenue, and keeps to the limit', async () => {
      const rows = await best('orders');
      expect(rows.map((r) => r.orders)).toEqual([3, 2, 1, 1]);
      expect(rows[2]?.customerId).toBe(await idOf(store, B));
      expect((await best('orders', 2)).length).toBe(2);
    });

    it('sums revenue and orders per shop day', async () => {
      const days = await revenueByDay(
        store.engine,
        SHOP,
        { from: FROM, to: TO },
        DEFAULT_VALID_ORDER_RULE,
        'Asia/Ho_Chi_Minh',
      );
      const of = (day: string) => days.find((d) => d.day === day);
      expect(of('2026-03-02')).toEqual({ day: '2026-03-02', revenue: 150_000, orders: 2 });
      expect(of('2026-03-31')).toEqual({ day: '2026-03-31', revenue: 50_000, orders: 1 });
      expect(of('2026-03-06')).toBeUndefined();
      expect(days.reduce((s, d) => s + d.revenue, 0)).toBe(940_000);
    });

    it('changes the data version when an order is written, in that shop only', async () => {
      const before = await shopDataVersion(store.engine, SHOP);
      const other = await shopDataVersion(store.engine, 'shop2');
      expect(await shopDataVersion(store.engine, SHOP)).toBe(before);
      await importBatches(
        store,
        [{ orders: [order({ id: 'a3', phone: A, at: vn('2026-04-01'), total: 1_000 })] }],
        'imp_more',
      );
      expect(await shopDataVersion(store.engine, SHOP)).not.toBe(before);
      expect(await shopDataVersion(store.engine, 'shop2')).toBe(other);
    });
  });
}
