import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import type { Kpis } from '../../src/domain/analytics/types.js';
import { cohortRetention, computeMetrics, segmentKpis } from '../../src/store/analytics/metrics.js';
import { recomputeScores } from '../../src/store/analytics/scores.js';
import { createSegment } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { type Batch, customer, event, importBatches, order, SHOP, vn } from './fixtures.js';

const P = '+84900000011';
const Q = '+84900000012';
const R = '+84900000013';
const S = '+84900000014';
const T = '+84900000015';
const U = '+84900000016';
const V = '+84900000017';
const W = '+84900000018';
const X = '+84900000019';

/** The period is February 2026 in Ho Chi Minh: [1 Feb 00:00 +07, 1 Mar 00:00 +07). */
const FROM = vn('2026-02-01', '00:00');
const TO = vn('2026-03-01', '00:00');

/** "Active" fixed at 30 days: active at the start means an order on or after 2 Jan 2026. */
const CONFIG = resolveAnalyticsConfig({ thresholds: { activeDays: 30 } });

const nps = (phone: string, score: number, at: Date) =>
  event(phone, 'Survey Answered', at, { properties: { kind: 'nps', score } });

const DATA: Batch = {
  customers: [customer(V, { referredBy: P }), customer(X)],
  orders: [
    // P: a January order, then two in February; the second adds the category 'quan'.
    order({ id: 'P1', phone: P, at: vn('2026-01-10'), total: 100_000, categories: ['ao'] }),
    order({ id: 'P2', phone: P, at: vn('2026-02-05'), total: 150_000, categories: ['ao'] }),
    order({ id: 'P3', phone: P, at: vn('2026-02-20'), total: 200_000, categories: ['quan'] }),
    // Q: new in February, two orders on the same day.
    order({ id: 'Q1', phone: Q, at: vn('2026-02-10', '09:00'), total: 300_000, categories: ['giay'] }),
    order({ id: 'Q2', phone: Q, at: vn('2026-02-10', '18:00'), total: 100_000, categories: ['giay'] }),
    // R: churned since November, back on 15 Feb with a 30k win-back coupon.
    order({ id: 'R1', phone: R, at: vn('2025-11-01'), total: 200_000, categories: ['ao'] }),
    order({
      id: 'R2',
      phone: R,
      at: vn('2026-02-15'),
      total: 120_000,
      coupon: 'WINBACK',
      discount: 30_000,
      categories: ['ao'],
    }),
    // S: active at the start (20 Jan), no order in February.
    order({ id: 'S1', phone: S, at: vn('2026-01-20'), total: 250_000 }),
    // T: a refused COD parcel, then a delivered one.
    order({
      id: 'T1',
      phone: T,
      at: vn('2026-02-12'),
      total: 180_000,
      status: 'failed_delivery',
      payment: 'cod',
    }),
    order({ id: 'T2', phone: T, at: vn('2026-02-14'), total: 180_000, status: 'delivered', payment: 'cod' }),
    // U: one order long ago.
    order({ id: 'U1', phone: U, at: vn('2025-06-01'), total: 90_000 }),
    // V (referred by P): 23:30 UTC on 31 Jan is 06:30 on 1 Feb in Ho Chi Minh — a February order.
    order({ id: 'V1', phone: V, at: new Date('2026-01-31T23:30:00Z'), total: 80_000 }),
    // W: a COD parcel sent back.
    order({ id: 'W1', phone: W, at: vn('2026-02-18'), total: 60_000, status: 'returned', payment: 'cod' }),
    // After the period: 00:30 on 1 Mar in Ho Chi Minh (17:30 UTC on 28 Feb).
    order({ id: 'P4', phone: P, at: new Date('2026-02-28T17:30:00Z'), total: 999_000 }),
  ],
  events: [
    event(P, 'Product Viewed', vn('2026-02-04')),
    event(undefined, 'Product Viewed', vn('2026-02-06'), { anonymousId: 'a1' }),
    event(undefined, 'Product Added', vn('2026-02-06'), { anonymousId: 'a1' }),
    event(undefined, 'Product Viewed', vn('2026-02-07'), { anonymousId: 'a2' }),
    event(Q, 'Checkout Started', vn('2026-02-10')),
    event(U, 'Message Sent', vn('2026-02-11')),
    event(S, 'Product Viewed', vn('2026-01-25')),
    nps(P, 10, vn('2026-02-10')),
    nps(Q, 9, vn('2026-02-11')),
    nps(R, 6, vn('2026-02-16')),
    nps(S, 8, vn('2026-02-17')),
    nps(U, 3, vn('2026-01-17')),
  ],
};

async function setUp(store: Store): Promise<void> {
  await importBatches(store, [DATA]);
  await store.upsertMarketingCosts(SHOP, [
    { channel: 'facebook', month: '2026-02', amount: '1000000' },
    { channel: 'facebook', month: '2026-01', amount: '500000' },
  ]);
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`metrics on ${engine.title}`, () => {
    const open = () => engine.open(new TestClock(Date.UTC(2026, 0, 1)));

    it('computes every KPI of a period as worked out by hand', async () => {
      const store = await open();
      await setUp(store);
      const { kpis } = await computeMetrics(store.engine, SHOP, { from: FROM, to: TO, asOf: TO }, CONFIG);
      const expected: Kpis = {
        // February valid orders: P2 150k, P3 200k, Q1 300k, Q2 100k, R2 120k, T2 180k, V1 80k
        revenue: 1_130_000,
        orders: 7,
        customers: 5, // P, Q, R, T, V
        aov: 1_130_000 / 7,
        repeatRate: 2 / 5, // P and Q ordered twice in February
        returningRevenueShare: 570_000 / 1_130_000, // not a first order: P2, P3, Q2, R2
        purchaseFrequency: 7 / 5,
        // days back to the previous order: P2 26 (10 Jan), P3 15, Q2 0 (same day), R2 106 (1 Nov)
        avgDaysBetweenOrders: (26 + 15 + 0 + 106) / 4,
        activeAtStart: 2, // P (10 Jan) and S (20 Jan) are on or after 2 Jan
        retentionRate: 1 / 2, // P bought again, S did not
        churnRate: 1 / 2,
        // at 1 Mar, inactive = last order before 30 Jan: S (40 days) and U (273 days)
        churnedAtEnd: 2,
        avgDaysSinceLastOrderChurned: (40 + 273) / 2,
        // valid orders before 1 Mar: 450k + 400k + 320k + 250k + 180k + 90k + 80k = 1.77M over 7 buyers
        historicalClv: 1_770_000 / 7,
        nps: ((2 - 1) / 4) * 100, // Feb answers 10, 9, 6, 8: two promoters, one detractor
        npsResponses: 4,
        visitors: 4, // P, a1, a2, Q (the message to U is not a visit; S's view was in January)
        visitorConversion: 2 / 4, // P and Q bought
        newCustomers: 3, // Q, T, V
        marketingCost: 1_000_000, // February only
        cac: 1_000_000 / 3,
        clvToCac: 1_770_000 / 7 / (1_000_000 / 3),
        referredCustomers: 1, // V
        revenuePerReferredCustomer: 80_000,
        repeatCustomers: 3, // P, Q, R have a repeat order in February
        upCrossSellRate: 1 / 3, // P: 150k > 100k and a new category; Q and R neither
        churnedAtStart: 2, // R (1 Nov) and U (1 Jun)
        reactivatedCustomers: 1, // R
        reactivationRate: 1 / 2,
        reactivationCost: 30_000,
        reactivationCostPerCustomer: 30_000,
        codOrders: 3, // T1 failed, T2 delivered, W1 returned
        codFailureRate: 1 / 3,
      };
      for (const [key, value] of Object.entries(expected)) {
        const actual = kpis[key as keyof Kpis];
        if (typeof value === 'number' && !Number.isInteger(value)) expect(actual, key).toBeCloseTo(value, 6);
        else expect(actual, key).toBe(value);
      }
      await store.close();
    });

    it('reports empty periods with nulls, not zeros', async () => {
      const store = await open();
      await setUp(store);
      const { kpis } = await computeMetrics(
        store.engine,
        SHOP,
        { from: vn('2024-01-01', '00:00'), to: vn('2024-02-01', '00:00'), asOf: vn('2024-02-01', '00:00') },
        CONFIG,
      );
      expect(kpis).toMatchObject({
        revenue: 0,
        orders: 0,
        aov: null,
        repeatRate: null,
        nps: null,
        cac: null,
      });
      await store.close();
    });

    it('breaks the KPIs down by group, and the groups add up to the shop', async () => {
      const store = await open();
      await setUp(store);
      await recomputeScores(store.engine, SHOP, TO, CONFIG);
      for (const groupBy of ['lifecycle', 'value_group', 'rfm_group'] as const) {
        const m = await computeMetrics(store.engine, SHOP, { from: FROM, to: TO, asOf: TO, groupBy }, CONFIG);
        const sum = (k: 'revenue' | 'orders' | 'customers' | 'npsResponses' | 'codOrders') =>
          m.groups.reduce((s, g) => s + g.kpis[k], 0);
        expect(sum('revenue')).toBe(m.kpis.revenue);
        expect(sum('orders')).toBe(m.kpis.orders);
        expect(sum('customers')).toBe(m.kpis.customers);
        expect(sum('npsResponses')).toBe(m.kpis.npsResponses);
        expect(sum('codOrders')).toBe(m.kpis.codOrders);
      }
      const referred = await computeMetrics(
        store.engine,
        SHOP,
        { from: FROM, to: TO, asOf: TO, groupBy: 'referred' },
        CONFIG,
      );
      expect(referred.groups).toHaveLength(1);
      expect(referred.groups[0]).toMatchObject({
        group: 'referred',
        kpis: { revenue: 80_000, orders: 1, customers: 1 },
      });
      await store.close();
    });

    it('gives each saved segment the KPIs of its current members, overlapping segments each in full', async () => {
      const store = await open();
      await setUp(store);
      await recomputeScores(store.engine, SHOP, TO, CONFIG);
      for (const [name, query] of [
        ['Mua lại', 'number_of_orders >= 2'],
        ['Mọi khách', 'number_of_orders >= 0'],
        ['Không ai', 'number_of_orders >= 100'],
      ] as const)
        await createSegment(store, SHOP, { name, query }, { asOf: TO });
      const options = { from: FROM, to: TO, asOf: TO };
      const all = await segmentKpis(store.engine, SHOP, options, CONFIG);
      const byName = new Map(all.map((s) => [s.segment, s]));
      // Valid orders to date: P 4, Q 2, R 2, the others at most 1. In February P bought 150k + 200k,
      // Q 300k + 100k, R 120k: two of the three bought twice.
      expect(byName.get('Mua lại')).toMatchObject({
        builtin: false,
        members: 3,
        kpis: { revenue: 870_000, orders: 5, customers: 3, aov: 174_000, repeatRate: 2 / 3 },
      });
      const overall = await computeMetrics(store.engine, SHOP, options, CONFIG);
      const everyone = byName.get('Mọi khách');
      expect(everyone?.members).toBe(9);
      for (const k of ['revenue', 'orders', 'customers', 'repeatRate', 'codOrders', 'npsResponses'] as const)
        expect(everyone?.kpis[k]).toBe(overall.kpis[k]);
      expect(byName.get('Không ai')).toMatchObject({
        members: 0,
        kpis: { revenue: 0, orders: 0, aov: null },
      });
      // The shop's own segments first, then the built-ins (never refreshed here: no members).
      expect(all.slice(0, 3).map((s) => s.segment)).toEqual(['Không ai', 'Mua lại', 'Mọi khách']);
      expect(all.slice(3).every((s) => s.builtin)).toBe(true);
      await store.close();
    });

    it("builds the monthly cohort matrix in the shop's months", async () => {
      const store = await open();
      await setUp(store);
      const m = await cohortRetention(
        store.engine,
        SHOP,
        { from: vn('2025-11-01', '00:00'), to: TO },
        CONFIG,
      );
      // Cohorts by first valid order: U June 2025 (before the period, left out); R Nov; P, S Jan; Q, T, V Feb
      // (V's first order is 31 Jan in UTC but 1 Feb in Ho Chi Minh). R comes back in Feb (k = 3),
      // P in Feb (k = 1). P4 (1 Mar local) is after the period.
      expect(m.months).toBe(4);
      expect(m.rows).toEqual([
        { cohort: '2025-11', size: 1, retained: [1, 0, 0, 1], rates: [1, 0, 0, 1] },
        { cohort: '2026-01', size: 2, retained: [2, 1], rates: [1, 0.5] },
        { cohort: '2026-02', size: 3, retained: [3], rates: [1] },
      ]);
      await store.close();
    });
  });
}
