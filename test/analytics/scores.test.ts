import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { classifyLifecycle } from '../../src/domain/analytics/lifecycle.js';
import { DEFAULT_RFM_MAP, rfmGroupOf } from '../../src/domain/analytics/rfm-groups.js';
import type { CustomerFeatures, Thresholds } from '../../src/domain/analytics/types.js';
import { RFM_GROUPS } from '../../src/domain/analytics/types.js';
import { classifyValueGroup } from '../../src/domain/analytics/value-groups.js';
import { type CustomerStatsRow, featuresOf } from '../../src/store/analytics/common.js';
import { lifecycleCaseSql, rfmGroupCaseSql, valueGroupCaseSql } from '../../src/store/analytics/model-sql.js';
import { recomputeScores } from '../../src/store/analytics/scores.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { AS_OF, idOf, importBatches, phone, SHOP, SHOP_DATA } from './fixtures.js';

/** Fixed thresholds so the expected groups can be worked out by hand. */
const CONFIG = resolveAnalyticsConfig({
  thresholds: {
    activeDays: 60,
    highValue: 250_000,
    frequentGapDays: 30,
    ignoreAfterDays: 365,
    declineLimit: 3,
  },
});

async function statsByPhone(store: Store): Promise<Map<number, CustomerStatsRow>> {
  const out = new Map<number, CustomerStatsRow>();
  for (let i = 1; i <= 11; i++) {
    const id = await idOf(store, phone(i));
    const [row] = await store.engine.all<CustomerStatsRow>(
      'SELECT * FROM customer_stats WHERE shop_id = $1 AND customer_id = $2',
      [SHOP, id],
    );
    out.set(i, row!);
  }
  return out;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`scores and groups on ${engine.title}`, () => {
    const open = () => engine.open(new TestClock(Date.UTC(2026, 0, 1)));

    it('scores R, F and M by quintiles with ties, and maps them to RFM groups', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      await recomputeScores(store.engine, SHOP, AS_OF, CONFIG);
      const s = await statsByPhone(store);
      const pick = (i: number) => {
        const r = s.get(i)!;
        return [r.recency_days, r.r, r.f, r.m, r.fm, r.rfm_group];
      };
      // R: recency [1,1,12,31,40,76,90,121,182,396], worse = more days: 1 → 8 worse → 1+floor(40/10)=5;
      //    12 → 7 → 4; 31 → 6 → 4; 40 → 5 → 3; 76 → 4 → 3; 90 → 3 → 2; 121 → 2 → 2; 182 → 1 → 1; 396 → 1
      // F: six one-order buyers → 1; 2 orders → 6 lower → 4; 3 → 8 → 5; 5 → 9 → 5
      // M: [100,100,600,300,300,50,250,1000,80,100]k: 50 → 1; 80 → 1; 100 → 2 lower → 2; 250 → 5 → 3;
      //    300 → 6 → 4; 600 → 8 → 5; 1000 → 9 → 5.   FM = floor((F + M + 1) / 2)
      expect(pick(1)).toEqual([1, 5, 1, 2, 2, 'new']);
      expect(pick(2)).toEqual([1, 5, 1, 2, 2, 'new']);
      expect(pick(3)).toEqual([12, 4, 4, 5, 5, 'loyal']);
      expect(pick(4)).toEqual([31, 4, 1, 4, 3, 'active']);
      expect(pick(5)).toEqual([40, 3, 5, 4, 5, 'loyal']);
      expect(pick(6)).toEqual([76, 3, 1, 1, 1, 'needs_attention']);
      expect(pick(7)).toEqual([90, 2, 4, 3, 4, 'at_risk']);
      expect(pick(8)).toEqual([121, 2, 5, 5, 5, 'previously_loyal']);
      expect(pick(9)).toEqual([182, 1, 1, 1, 1, 'dormant']);
      expect(pick(10)).toEqual([396, 1, 1, 2, 2, 'dormant']);
      expect(pick(11)).toEqual([null, null, null, null, null, 'prospects']);
      await store.close();
    });

    it('classifies every customer in both models by the documented rules', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      await recomputeScores(store.engine, SHOP, AS_OF, CONFIG);
      const s = await statsByPhone(store);
      const groups = [...s.entries()].map(([i, r]) => [
        i,
        r.lifecycle,
        r.value_group,
        r.decline_streak,
        r.referrals,
      ]);
      // active ≤ 60 days, high value AOV ≥ 250k (first order ≥ 250k for premium), frequent gap ≤ 30
      expect(groups).toEqual([
        [1, 'new', 'focus_low_value', 0, 0],
        [2, 'new', 'focus_low_value', 0, 0],
        [3, 'loyal', 'focus_high_value_frequent', 0, 1], // RFM loyal; AOV 300k, gap 15; referred c11
        [4, 'premium', 'focus_high_value_infrequent', 3, 0], // first order 300k; 3 declines but active
        [5, 'loyal', 'focus_frequent', 0, 0], // RFM loyal; AOV 100k, gap (50 days / 2) = 25
        [6, 'churned', 'needs_attention', 1, 0], // 76 days; one 50k order within the year
        [7, 'churned', 'win_back', 0, 0], // gap 30 ≤ 30: used to buy often
        [8, 'churned', 'win_back', 0, 0], // gap 120/4 = 30
        [9, 'churned', 'ignore', 3, 0], // ignored 3 messages in a row while inactive
        [10, 'churned', 'ignore', 0, 0], // one order, 396 days > 365; the fresh message is not yet ignored
        [11, 'prospect', 'ignore', 0, 0],
      ]);
      expect(s.get(11)!.referred).toBe(true);
      expect(s.get(3)!.computed_as_of).toEqual(AS_OF);
      await store.close();
    });

    it('fits the thresholds to the shop when they are not configured', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      const fitted = resolveAnalyticsConfig({ thresholds: { fit: { minSample: 3 } } });
      const { thresholds } = await recomputeScores(store.engine, SHOP, AS_OF, fitted);
      // AOVs sorted (k): 50,80,100,100,100,100,125,200,300,300; p75 at 0.75×9 = 6.75 → 125 + 0.75×75 = 181.25k
      // gaps of repeat buyers: 15, 25, 30, 30; p80 at 2.4 → 30 (clamped to ≥ 30); p50 at 1.5 → 27.5 → 28
      expect(thresholds).toMatchObject({ activeDays: 30, highValue: 181_250, frequentGapDays: 28 });
      expect(thresholds.sample).toEqual({ buyers: 10, repeatBuyers: 4 });
      const fallback = await recomputeScores(store.engine, SHOP, AS_OF, resolveAnalyticsConfig());
      expect(fallback.thresholds).toMatchObject({ activeDays: 90, frequentGapDays: 30, highValue: 181_250 });
      await store.close();
    });

    it('classifies the same in SQL and in memory, row by row', async () => {
      const store = await open();
      await importBatches(store, [SHOP_DATA]);
      for (const config of [CONFIG, resolveAnalyticsConfig({ thresholds: { fit: { minSample: 3 } } })]) {
        const { thresholds } = await recomputeScores(store.engine, SHOP, AS_OF, config);
        const rows = await store.engine.all<CustomerStatsRow>(
          'SELECT * FROM customer_stats WHERE shop_id = $1',
          [SHOP],
        );
        for (const row of rows) {
          const x = featuresOf(row);
          expect(rfmGroupOf(x.r, x.fm, config.rfm.map)).toBe(row.rfm_group);
          expect(classifyLifecycle(x, thresholds, config.lifecycle).stage).toBe(row.lifecycle);
          expect(classifyValueGroup(x, thresholds, config.valueGroups)).toBe(row.value_group);
        }
      }
      await store.close();
    });

    it('compiles the classifiers to CASE expressions that agree with memory on generated customers', async () => {
      const store = await open();
      const engineSql = store.engine;
      await fc.assert(
        fc.asyncProperty(
          fc.array(featuresArb, { minLength: 1, maxLength: 30 }),
          thresholdsArb,
          async (xs, t) => {
            const values = xs.map(valuesRow).join(', ');
            const sql = `SELECT ${lifecycleCaseSql(t)} AS lifecycle, ${valueGroupCaseSql(t)} AS value_group,
              ${rfmGroupCaseSql(DEFAULT_RFM_MAP, 'r', 'fm')} AS rfm_group, i
            FROM (VALUES ${values}) AS v(${FEATURE_COLUMNS.join(', ')}) ORDER BY i`;
            const rows = await engineSql.all<{ lifecycle: string; value_group: string; rfm_group: string }>(
              sql,
            );
            rows.forEach((row, i) => {
              const x = xs[i]!;
              expect(row.lifecycle).toBe(classifyLifecycle(x, t).stage);
              expect(row.value_group).toBe(classifyValueGroup(x, t));
              expect(row.rfm_group).toBe(rfmGroupOf(x.r, x.fm));
            });
          },
        ),
        { numRuns: 40 },
      );
      await store.close();
    });
  });
}

const FEATURE_COLUMNS = [
  'i',
  'orders',
  'revenue',
  'aov',
  'recency_days',
  'avg_gap_days',
  'first_order_value',
  'max_order_value',
  'category_count',
  'referrals',
  'decline_streak',
  'r',
  'f',
  'm',
  'fm',
  'referred',
  'upsold',
  'rfm_group',
];

let rowIndex = 0;

/** One generated customer as a typed VALUES row (casts keep NULL columns typed on PostgreSQL). */
function valuesRow(x: CustomerFeatures): string {
  const d = (v: number | null) =>
    v === null ? 'CAST(NULL AS DOUBLE PRECISION)' : `CAST(${v} AS DOUBLE PRECISION)`;
  const i = (v: number | null) => (v === null ? 'CAST(NULL AS INTEGER)' : `CAST(${v} AS INTEGER)`);
  rowIndex++;
  return `(${[
    i(rowIndex),
    i(x.orders),
    d(x.revenue),
    d(x.aov),
    i(x.recencyDays),
    d(x.avgGapDays),
    d(x.firstOrderValue),
    d(x.maxOrderValue),
    i(x.categoryCount),
    i(x.referrals),
    i(x.declineStreak),
    i(x.r),
    i(x.f),
    i(x.m),
    i(x.fm),
    x.referred ? 'TRUE' : 'FALSE',
    x.upsold ? 'TRUE' : 'FALSE',
    `CAST('${x.rfmGroup}' AS VARCHAR)`,
  ].join(', ')})`;
}

const money = fc.integer({ min: 0, max: 40 }).map((k) => k * 25_000);
const score = fc.integer({ min: 1, max: 5 });

/** Customers near the thresholds' edges, with and without orders, gaps and scores. */
const featuresArb: fc.Arbitrary<CustomerFeatures> = fc
  .record({
    orders: fc.integer({ min: 0, max: 6 }),
    aov: money,
    recencyDays: fc.integer({ min: 0, max: 400 }),
    avgGapDays: fc.option(
      fc.integer({ min: 0, max: 80 }).map((g) => g / 2),
      { nil: null },
    ),
    firstOrderValue: money,
    referrals: fc.integer({ min: 0, max: 2 }),
    declineStreak: fc.integer({ min: 0, max: 5 }),
    r: score,
    f: score,
    m: score,
    fm: score,
    referred: fc.boolean(),
    upsold: fc.boolean(),
    rfmGroup: fc.constantFrom(...RFM_GROUPS),
  })
  .map((g) => {
    const buyer = g.orders > 0;
    return {
      ...g,
      revenue: buyer ? g.aov * g.orders : 0,
      aov: buyer ? g.aov : null,
      recencyDays: buyer ? g.recencyDays : null,
      avgGapDays: g.orders > 1 ? g.avgGapDays : null,
      firstOrderValue: buyer ? g.firstOrderValue : null,
      maxOrderValue: buyer ? Math.max(g.firstOrderValue, g.aov) : null,
      categoryCount: buyer ? 1 : 0,
      r: buyer ? g.r : null,
      f: buyer ? g.f : null,
      m: buyer ? g.m : null,
      fm: buyer ? g.fm : null,
      rfmGroup: buyer ? g.rfmGroup : 'prospects',
    };
  });

const thresholdsArb: fc.Arbitrary<Thresholds> = fc
  .record({
    activeDays: fc.integer({ min: 1, max: 200 }),
    highValue: money,
    frequentGapDays: fc.integer({ min: 0, max: 40 }).map((g) => g / 2),
    ignoreAfterDays: fc.integer({ min: 100, max: 365 }),
    declineLimit: fc.integer({ min: 1, max: 4 }),
  })
  .map((t) => ({
    ...t,
    sources: {
      activeDays: 'configured',
      highValue: 'configured',
      frequentGapDays: 'configured',
      ignoreAfterDays: 'configured',
      declineLimit: 'configured',
    },
    sample: { buyers: 0, repeatBuyers: 0 },
  }));
