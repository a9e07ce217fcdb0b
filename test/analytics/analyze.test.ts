import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { LIFECYCLE_STAGES, RFM_GROUPS, VALUE_GROUPS } from '../../src/domain/analytics/types.js';
import {
  analyzeShop,
  computeMetrics,
  listCustomerRows,
  transitions,
} from '../../src/store/analytics/index.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { AS_OF, idOf, importBatches, phone, SHOP, SHOP_DATA, vn } from './fixtures.js';

const THRESHOLDS = { activeDays: 60, highValue: 250_000, frequentGapDays: 30 };

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`analyzeShop on ${engine.title}`, () => {
    const open = () => engine.open(new TestClock(Date.UTC(2026, 0, 1)));

    it('returns one consistent report of the shop', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      const report = await analyzeShop(store, SHOP, { asOf: AS_OF, config: { thresholds: THRESHOLDS } });

      expect(report.shop).toEqual({
        shopId: SHOP,
        name: SHOP,
        currency: 'VND',
        timezone: 'Asia/Ho_Chi_Minh',
      });
      expect(report.statsRefresh).toBe('none'); // the import kept customer_stats current
      expect(report.period).toEqual({ from: new Date(AS_OF.getTime() - 365 * 86_400_000), to: AS_OF });
      const direct = await computeMetrics(
        store.engine,
        SHOP,
        { ...report.period, asOf: AS_OF },
        resolveAnalyticsConfig({ thresholds: THRESHOLDS }),
      );
      expect(report.kpis).toEqual(direct.kpis);
      expect(report.kpis).toMatchObject({ orders: 17, customers: 9 }); // c10's order is 396 days old
      expect(report.thresholds).toMatchObject({ ...THRESHOLDS, ignoreAfterDays: 365, declineLimit: 3 });

      // Every model partitions the 11 customers; Referred overlays the lifecycle stages.
      const sum = (gs: readonly { customers: number }[]) => gs.reduce((s, g) => s + g.customers, 0);
      expect(report.rfm.groups.map((g) => g.id)).toEqual([...RFM_GROUPS]);
      expect(sum(report.rfm.groups)).toBe(11);
      expect(sum(report.valueGroups.groups)).toBe(11);
      const stages = report.lifecycle.groups.filter((g) => g.id !== 'referred');
      expect(stages.map((g) => g.id)).toEqual([...LIFECYCLE_STAGES]);
      expect(sum(stages)).toBe(11);
      expect(report.lifecycle.groups.find((g) => g.id === 'referred')).toMatchObject({
        customers: 1,
        revenue: 0,
      });
      const byId = Object.fromEntries(report.lifecycle.groups.map((g) => [g.id, g.customers]));
      expect(byId).toMatchObject({ prospect: 1, new: 2, premium: 1, loyal: 2, churned: 5, standard: 0 });
      const shares = report.valueGroups.groups.reduce((s, g) => s + (g.revenueShare ?? 0), 0);
      expect(shares).toBeCloseTo(1, 9);
      expect(report.valueGroups.groups.find((g) => g.id === 'focus_frequent')).toMatchObject({
        parent: 'focus',
        customers: 1,
        label: { vi: 'Tập trung – mua thường xuyên', en: 'Focus – frequent' },
      });
      const churned = report.lifecycle.groups.find((g) => g.id === 'churned')!;
      expect(churned.kpis.map((k) => k.key)).toEqual([
        'churnRate',
        'avgDaysSinceLastOrderChurned',
        'reactivationRate',
        'reactivationCost',
      ]);
      expect(churned.actions.length).toBeGreaterThan(0);

      // RFM grid: the 10 buyers; c1/c2 sit at R5 F1, c8 at R2 F5; M counts 2,3,1,2,2 (see scores test)
      expect(report.rfm.grid.scoredCustomers).toBe(10);
      expect(report.rfm.grid.cells.find((c) => c.r === 5 && c.f === 1)).toMatchObject({
        customers: 2,
        revenue: 200_000,
      });
      expect(report.rfm.grid.mCounts).toEqual([2, 3, 1, 2, 2]);

      // Transitions end on the groups of the report (asOf is after the last order).
      const ends = (cells: readonly { to: string; customers: number }[], id: string) =>
        cells.filter((c) => c.to === id).reduce((s, c) => s + c.customers, 0);
      for (const g of report.valueGroups.groups)
        expect(ends(report.valueGroups.transitions.cells, g.id)).toBe(g.customers);
      for (const g of stages) expect(ends(report.lifecycle.transitions.cells, g.id)).toBe(g.customers);
      expect(report.lifecycle.transitions.fromDate).toEqual(new Date(AS_OF.getTime() - 90 * 86_400_000));
      // The report reads the end groups from the scores it stored; classifying as of asOf agrees.
      const config = resolveAnalyticsConfig({ thresholds: THRESHOLDS });
      const from = report.lifecycle.transitions.fromDate;
      expect(await transitions(store.engine, SHOP, 'lifecycle', from, AS_OF, config)).toEqual(
        report.lifecycle.transitions,
      );
      expect(await transitions(store.engine, SHOP, 'value', from, AS_OF, config)).toEqual(
        report.valueGroups.transitions,
      );
      expect(report.valueGroups.transitions.groups).toEqual([...VALUE_GROUPS]);

      // Best customers (seed 002): by money c8 (1M), c3 (600k); by orders c8 (5), c5 (3).
      expect(report.bestCustomers.byRevenue.slice(0, 2).map((c) => c.customerId)).toEqual([
        await idOf(store, phone(8)),
        await idOf(store, phone(3)),
      ]);
      expect(report.bestCustomers.byOrders.slice(0, 2).map((c) => [c.customerId, c.orders])).toEqual([
        [await idOf(store, phone(8)), 5],
        [await idOf(store, phone(5)), 3],
      ]);
      expect(report.bestCustomers.byRevenue).toHaveLength(10);
      expect(report.cohorts.rows.reduce((s, r) => s + r.size, 0)).toBe(9); // first orders in the last year
      await store.close();
    });

    it('lists every customer for the CSV export', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      await analyzeShop(store, SHOP, { asOf: AS_OF, config: { thresholds: THRESHOLDS } });
      const rows = await listCustomerRows(store.engine, SHOP);
      expect(rows).toHaveLength(11);
      const c3 = rows.find((r) => r.phone === phone(3));
      expect(c3).toMatchObject({
        orders: 2,
        revenue: 600_000,
        recencyDays: 12,
        r: 4,
        f: 4,
        m: 5,
        rfmGroup: 'loyal',
        lifecycle: 'loyal',
        valueGroup: 'focus_high_value_frequent',
        categories: [],
        referred: false,
      });
      expect(c3?.firstOrderAt).toEqual(vn('2026-03-05'));
      await store.close();
    });

    it('rebuilds stats that are missing or were counted by another valid-order rule', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      await store.engine.run('DELETE FROM customer_stats WHERE shop_id = $1', [SHOP]);
      const a = await analyzeShop(store, SHOP, { asOf: AS_OF });
      expect(a.statsRefresh).toBe('full');
      expect(a.rfm.grid.scoredCustomers).toBe(10);
      const b = await analyzeShop(store, SHOP, {
        asOf: AS_OF,
        config: { validOrders: { statuses: ['paid', 'delivered', 'pending'] } },
      });
      expect(b.statsRefresh).toBe('full');
      const c = await analyzeShop(store, SHOP, { asOf: AS_OF, refreshStats: 'none' });
      expect(c.statsRefresh).toBe('none');
      await store.close();
    });

    it('refuses an unknown shop and an empty period', async () => {
      const store = await open();
      await expect(analyzeShop(store, 'nope', { asOf: AS_OF })).rejects.toMatchObject({ code: 'not_found' });
      await importBatches(store, [SHOP_DATA]);
      await expect(analyzeShop(store, SHOP, { asOf: AS_OF, from: AS_OF, to: AS_OF })).rejects.toMatchObject({
        code: 'invalid_input',
      });
      await store.close();
    });
  });
}
