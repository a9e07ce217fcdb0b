import { afterEach, describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import type { CustomerStatsRow } from '../../src/store/analytics/common.js';
import { MAX_PIVOT_CATEGORIES, refreshCustomerStats } from '../../src/store/analytics/customer-stats.js';
import { recomputeShop } from '../../src/store/analytics/full-recompute.js';
import { recomputeScores } from '../../src/store/analytics/scores.js';
import { orderLineCategories as backfill } from '../../src/store/migrations/008-order-line-categories.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { event, importBatches, order, SHOP, vn } from './fixtures.js';

/**
 * The batch recompute (`recomputeShop`) against the two-step one it replaces, the pivot form of
 * the category stats against the general join, and `orders.line_categories` as the import writes
 * it against what the migration's backfill computes from the lines.
 */

const AS_OF = vn('2026-06-30', '23:59');
const CONFIG = resolveAnalyticsConfig({ thresholds: { fit: { minSample: 2 } } });

// Byte order puts 'Z…' before 'a…' and 'é' after 'z': a locale sort would not.
const CATEGORIES = ['Zalo', 'ao', 'đồ uống', 'quần', 'été', 'z'];

async function shopWithCategories(store: Store): Promise<void> {
  const at = (day: number, time = '10:00') =>
    vn(`2026-0${1 + Math.floor(day / 28)}-${String(1 + (day % 28)).padStart(2, '0')}`, time);
  await importBatches(store, [
    {
      orders: [
        order({
          id: '1',
          phone: '+84900000001',
          at: at(0),
          total: 100_000,
          categories: ['ao', 'Zalo', 'ao'],
        }),
        order({ id: '2', phone: '+84900000001', at: at(20), total: 90_000, categories: ['đồ uống'] }),
        // Two first orders at one instant: the second's category is not "new".
        order({ id: '3', phone: '+84900000002', at: at(3), total: 50_000, categories: ['quần'] }),
        order({ id: '4', phone: '+84900000002', at: at(3), total: 50_000, categories: ['été', undefined] }),
        order({ id: '5', phone: '+84900000003', at: at(5), total: 70_000 }),
        order({
          id: '6',
          phone: '+84900000003',
          at: at(40),
          total: 70_000,
          categories: ['z'],
          status: 'returned',
        }),
        order({ id: '7', phone: '+84900000004', at: at(8), total: 80_000, categories: CATEGORIES }),
        order({
          id: '8',
          phone: '+84900000004',
          at: at(60),
          total: 20_000,
          categories: ['z'],
          refunded: 5_000,
        }),
      ],
      events: [
        event('+84900000001', 'Message Sent', at(30)),
        event('+84900000004', 'Message Declined', at(70)),
      ],
    },
  ]);
}

const stats = (store: Store) =>
  store.engine.all<CustomerStatsRow>('SELECT * FROM customer_stats WHERE shop_id = $1 ORDER BY customer_id', [
    SHOP,
  ]);

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`full recompute on ${engine.title}`, () => {
    let store: Store;
    afterEach(async () => store?.close());

    it('writes the rows refreshCustomerStats + recomputeScores write', async () => {
      store = await engine.open(new TestClock(Date.parse('2026-07-01T00:00:00Z')));
      await shopWithCategories(store);
      await refreshCustomerStats(store.engine, SHOP, { strategy: 'replace' });
      const twoStep = await recomputeScores(store.engine, SHOP, AS_OF, CONFIG);
      const expected = await stats(store);
      expect(expected.length).toBe(4);
      await store.engine.run('DELETE FROM customer_stats WHERE shop_id = $1', [SHOP]);
      const full = await recomputeShop(store.engine, SHOP, AS_OF, CONFIG);
      expect(full.customers).toBe(4);
      expect(full.thresholds).toEqual(twoStep.thresholds);
      expect(await stats(store)).toEqual(expected);
    });

    it('gives the same category stats in the pivot and the general form', async () => {
      store = await engine.open(new TestClock(Date.parse('2026-07-01T00:00:00Z')));
      await shopWithCategories(store);
      const pivoted = await stats(store);
      expect(await refreshCustomerStats(store.engine, SHOP, { pivot: false })).toMatchObject({ changed: 0 });
      const one = pivoted.find((r) => r.category_count === 3);
      expect(one).toMatchObject({ categories: 'Zalo|ao|đồ uống', upsold: true });
      const tied = pivoted.find((r) => r.categories === 'quần|été');
      expect(tied).toMatchObject({ category_count: 2, upsold: false });
      // The returned order's category does not count.
      expect(pivoted.find((r) => Number(r.orders) === 1 && r.category_count === 0)).toBeDefined();
      const all = pivoted.find((r) => r.category_count === CATEGORIES.length);
      expect(all?.categories).toBe('Zalo|ao|quần|z|été|đồ uống');
    });

    it('falls back to the general form above the pivot limit', async () => {
      store = await engine.open(new TestClock(Date.parse('2026-07-01T00:00:00Z')));
      const many = Array.from(
        { length: MAX_PIVOT_CATEGORIES + 1 },
        (_, i) => `c${String(i).padStart(3, '0')}`,
      );
      await importBatches(store, [
        {
          orders: [
            order({ id: '1', phone: '+84900000001', at: vn('2026-01-02'), total: 10_000, categories: many }),
          ],
        },
      ]);
      const [row] = await stats(store);
      expect(row).toMatchObject({ category_count: many.length, categories: many.join('|') });
      expect(await refreshCustomerStats(store.engine, SHOP, { pivot: true })).toMatchObject({ changed: 0 });
    });

    it('stores line_categories as the migration backfill computes them', async () => {
      store = await engine.open(new TestClock(Date.parse('2026-07-01T00:00:00Z')));
      await shopWithCategories(store);
      const read = () =>
        store.engine.all<{ order_id: string; line_categories: string | null }>(
          'SELECT order_id, line_categories FROM orders WHERE shop_id = $1 ORDER BY order_id',
          [SHOP],
        );
      const written = await read();
      expect(written.map((r) => r.line_categories)).toContain('|Zalo|ao|');
      expect(written.filter((r) => r.line_categories === null).length).toBe(1);
      await store.engine.run('UPDATE orders SET line_categories = NULL WHERE shop_id = $1', [SHOP]);
      for (const statement of backfill.statements) {
        if (typeof statement === 'string') continue; // the ALTER TABLE, applied already
        if (statement.only === store.engine.dialect) await store.engine.run(statement.sql);
      }
      expect(await read()).toEqual(written);
    });
  });
}
