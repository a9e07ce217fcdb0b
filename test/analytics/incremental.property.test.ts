import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { classifyLifecycle } from '../../src/domain/analytics/lifecycle.js';
import { scoreValues } from '../../src/domain/analytics/rfm.js';
import { rfmGroupOf } from '../../src/domain/analytics/rfm-groups.js';
import { classifyValueGroup } from '../../src/domain/analytics/value-groups.js';
import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import { ORDER_STATUSES } from '../../src/domain/model/index.js';
import { type CustomerStatsRow, featuresOf } from '../../src/store/analytics/common.js';
import { type MergeStrategy, refreshCustomerStats } from '../../src/store/analytics/customer-stats.js';
import { recomputeShop } from '../../src/store/analytics/full-recompute.js';
import { recomputeScores } from '../../src/store/analytics/scores.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';

/**
 * Random small shops imported in random imports and batches, each import refreshing the stats of
 * the customers it touched, must end with exactly the customer_stats a full recompute gives — with
 * merges (an order or a customer record that links two customers), re-imported orders whose status,
 * amounts or lines changed, refunds, every status, shared instants and late-evening (UTC) orders.
 */

const BASE = Date.parse('2026-01-01T00:00:00+07:00');
const CATEGORIES = ['ao', 'quan', 'giay'] as const;
const phone = (i: number) => `+8491234560${i}`;
const email = (i: number) => `c${i}@example.vn`;

/** An order's identity: its external id fixes its buyer's keys, so re-imports resolve alike. */
interface OrderShape {
  kind: 'order';
  ref: number;
  day: number;
  minute: number;
  total: number;
  status: OrderInput['status'];
  refund: 'none' | 'partial' | 'full';
  cats: string[];
  cod: boolean;
}
interface CustomerShape {
  kind: 'customer';
  who: number;
  linkEmailOf: number | null;
  referredBy: number | null;
}
interface EventShape {
  kind: 'event';
  who: number;
  name: EventInput['event'];
  day: number;
}
type Shape = OrderShape | CustomerShape | EventShape;

const orderArb: fc.Arbitrary<OrderShape> = fc.record({
  kind: fc.constant('order' as const),
  ref: fc.integer({ min: 0, max: 11 }),
  day: fc.integer({ min: 0, max: 120 }),
  minute: fc.constantFrom(0, 30, 17 * 60 + 30, 23 * 60 + 59),
  total: fc.constantFrom(0, 50_000, 120_000, 300_000),
  status: fc.constantFrom(...ORDER_STATUSES),
  refund: fc.constantFrom('none' as const, 'partial' as const, 'full' as const),
  cats: fc.subarray([...CATEGORIES]),
  cod: fc.boolean(),
});
const customerArb: fc.Arbitrary<CustomerShape> = fc.record({
  kind: fc.constant('customer' as const),
  who: fc.integer({ min: 0, max: 4 }),
  linkEmailOf: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  referredBy: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
});
const eventArb: fc.Arbitrary<EventShape> = fc.record({
  kind: fc.constant('event' as const),
  who: fc.integer({ min: 0, max: 4 }),
  name: fc.constantFrom('Message Sent' as const, 'Message Declined' as const, 'Message Clicked' as const),
  day: fc.integer({ min: 0, max: 120 }),
});

/** Records split into imports, each import into batches. */
const shopArb = fc
  .array(fc.oneof({ weight: 5, arbitrary: orderArb }, customerArb, eventArb), { minLength: 1, maxLength: 30 })
  .chain((records) =>
    fc.record({
      records: fc.constant(records),
      cuts: fc.array(fc.integer({ min: 0, max: 3 }), {
        minLength: records.length,
        maxLength: records.length,
      }),
      strategy: fc.constantFrom<MergeStrategy>('auto', 'update', 'replace'),
    }),
  );

/** Order ref → buyer keys: refs 0-4 by phone, 5-7 by e-mail, 8-11 by a phone and another's e-mail. */
function buyerOf(ref: number): OrderInput['customer'] {
  if (ref < 5) return { externalId: `x${ref}`, phone: phone(ref) };
  if (ref < 8) return { email: email(ref - 5) };
  return { phone: phone(ref - 8), email: email((ref - 7) % 5) };
}

function toOrder(s: OrderShape): OrderInput {
  const refunded = s.refund === 'none' ? 0 : s.refund === 'partial' ? Math.floor(s.total / 3) : s.total;
  return {
    source: 'shopify',
    externalId: `o${s.ref}`,
    customer: buyerOf(s.ref),
    status: s.status,
    currency: 'VND',
    subtotal: String(s.total),
    shipping: '0',
    taxes: '0',
    discount: '0',
    total: String(s.total),
    refunded: String(refunded),
    ...(s.cod ? { paymentMethod: 'cod' as const } : {}),
    createdAt: new Date(BASE + s.day * 86_400_000 + s.minute * 60_000),
    tags: [],
    lines: (s.cats.length ? s.cats : [undefined]).map((category, i) => ({
      title: `Item ${i}`,
      ...(category ? { category } : {}),
      quantity: 1,
      price: '0',
    })),
  };
}

function toCustomer(s: CustomerShape): CustomerInput {
  return {
    source: 'shopify',
    externalId: `x${s.who}`,
    phone: phone(s.who),
    ...(s.linkEmailOf !== null ? { email: email(s.linkEmailOf) } : {}),
    ...(s.referredBy !== null && s.referredBy !== s.who ? { referredBy: `x${s.referredBy}` } : {}),
    consent: {},
    tags: [],
    attributes: {},
  };
}

function toEvent(s: EventShape): EventInput {
  return {
    event: s.name,
    phone: phone(s.who),
    timestamp: new Date(BASE + s.day * 86_400_000),
    properties: {},
  };
}

/**
 * cuts[i]: 0 continues the batch, 1 starts a new batch, 2 or 3 a new import. An order appears at
 * most once per import (its last version): the import writer expects that of a file.
 */
function plan(records: readonly Shape[], cuts: readonly number[]): Shape[][][] {
  const imports: Shape[][][] = [[[]]];
  records.forEach((r, i) => {
    const cut = cuts[i] ?? 0;
    if (i > 0 && cut >= 2) imports.push([[]]);
    else if (i > 0 && cut === 1) imports.at(-1)!.push([]);
    imports.at(-1)!.at(-1)!.push(r);
  });
  return imports.map(lastVersionOfEachOrder);
}

function lastVersionOfEachOrder(batches: Shape[][]): Shape[][] {
  const last = new Map<number, Shape>();
  for (const s of batches.flat()) if (s.kind === 'order') last.set(s.ref, s);
  return batches.map((b) => b.filter((s) => s.kind !== 'order' || last.get(s.ref) === s));
}

async function importIncrementally(
  store: Store,
  shopId: string,
  imports: Shape[][][],
  strategy: MergeStrategy,
): Promise<void> {
  await store.ensureShop({ shopId });
  for (const batches of imports)
    await store.transaction(async (tx) => {
      const session = await tx.beginImport(shopId);
      const touched = new Set<string>();
      const referrals = [];
      for (const b of batches) {
        const r = await tx.importBatch(
          shopId,
          {
            customers: b.filter((s) => s.kind === 'customer').map(toCustomer),
            orders: b.filter((s) => s.kind === 'order').map(toOrder),
            events: b.filter((s) => s.kind === 'event').map(toEvent),
          },
          'imp_p',
          new Date(BASE),
          session,
        );
        for (const id of r.customerIds) touched.add(id);
        referrals.push(...r.referrals);
      }
      await tx.resolveReferrals(shopId, referrals);
      await refreshCustomerStats(tx.engine, shopId, { customerIds: [...touched], strategy });
    });
}

const stats = (store: Store, shopId: string) =>
  store.engine.all<CustomerStatsRow>('SELECT * FROM customer_stats WHERE shop_id = $1 ORDER BY customer_id', [
    shopId,
  ]);

/** Scores in memory (RFM by `scoreValues`, groups by the pure classifiers) equal those SQL stored. */
async function expectScoresAgree(store: Store, shopId: string): Promise<void> {
  const config = resolveAnalyticsConfig({ thresholds: { fit: { minSample: 2 } } });
  const asOf = new Date(BASE + 130 * 86_400_000);
  const { thresholds } = await recomputeScores(store.engine, shopId, asOf, config);
  const rows = await stats(store, shopId);
  // The batch job writes the same rows in one pass.
  await recomputeShop(store.engine, shopId, asOf, config);
  expect(await stats(store, shopId)).toEqual(rows);
  const buyers = rows.filter((r) => r.orders > 0);
  const r = scoreValues(
    buyers.map((b) => b.recency_days!),
    'lower',
  );
  const f = scoreValues(
    buyers.map((b) => b.orders),
    'higher',
  );
  const m = scoreValues(
    buyers.map((b) => b.revenue),
    'higher',
  );
  expect(buyers.map((b) => [b.r, b.f, b.m])).toEqual(buyers.map((_, i) => [r[i], f[i], m[i]]));
  for (const row of rows) {
    const x = featuresOf(row);
    expect(rfmGroupOf(x.r, x.fm)).toBe(row.rfm_group);
    expect(classifyLifecycle(x, thresholds).stage).toBe(row.lifecycle);
    expect(classifyValueGroup(x, thresholds)).toBe(row.value_group);
  }
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`incremental stats == full recompute on ${engine.title}`, () => {
    it('holds for random shops imported in random batches', async () => {
      const store = await engine.open(new TestClock(BASE));
      let run = 0;
      await fc.assert(
        fc.asyncProperty(shopArb, async ({ records, cuts, strategy }) => {
          const shopId = `p${run++}`;
          await importIncrementally(store, shopId, plan(records, cuts), strategy);
          const incremental = await stats(store, shopId);
          for (const full of ['update', 'replace'] as const) {
            expect(await refreshCustomerStats(store.engine, shopId, { strategy: full })).toMatchObject({
              changed: 0,
            });
            expect(await stats(store, shopId)).toEqual(incremental);
          }
          // The general (join) form of the category stats agrees with the pivot the imports used.
          expect(await refreshCustomerStats(store.engine, shopId, { pivot: false })).toMatchObject({
            changed: 0,
          });
          await store.engine.run('DELETE FROM customer_stats WHERE shop_id = $1', [shopId]);
          await refreshCustomerStats(store.engine, shopId);
          expect(await stats(store, shopId)).toEqual(incremental);
          const live = await store.listCustomerIds(shopId);
          expect(incremental.map((s) => s.customer_id)).toEqual(live);
          await expectScoresAgree(store, shopId);
        }),
        { numRuns: 30 },
      );
      await store.close();
    }, 240_000);
  });
}
