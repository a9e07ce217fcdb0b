/**
 * `replenishment_due(…)` in the segment language, on both engines with the test clock: the SQL
 * and the in-memory evaluator agree with the stored predictions, membership moves with the days,
 * and a purchase of the product retires the customer at once (before the next recompute).
 */
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import { countSegmentQuery } from '../../src/app/segments.js';
import { addDays, localDay } from '../../src/domain/analytics/calendar.js';
import { matches, parseSegmentQuery, printQuery, resolveQuery } from '../../src/domain/segments/index.js';
import { generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { selectIdsSql } from '../../src/store/segments/compile-sql.js';
import { loadSegmentCustomers } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { importCycleShop } from './support.js';

const SHOP = 'due';
const TZ = 'Asia/Ho_Chi_Minh';
const UNTIL = new Date('2026-10-31T03:00:00Z');
const DAY = 86_400_000;

async function viaSql(store: Store, text: string, asOf: Date): Promise<string[]> {
  const q = resolveQuery(parseSegmentQuery(text), { asOf, timeZone: TZ });
  const { sql, params } = selectIdsSql(q, SHOP);
  return (await store.engine.all<{ customer_id: string }>(sql, params)).map((r) => r.customer_id);
}

async function inMemory(store: Store, text: string, asOf: Date): Promise<string[]> {
  const q = resolveQuery(parseSegmentQuery(text), { asOf, timeZone: TZ });
  const all = await loadSegmentCustomers(store.engine, SHOP, { kind: 'all' });
  return all
    .filter((c) => matches(q, c))
    .map((c) => c.customerId)
    .sort();
}

/** Who the stored predictions say is due, from the rows themselves. */
async function fromRows(store: Store, sku: string | null, from: string, to: string): Promise<string[]> {
  const rows = await store.engine.all<{ customer_id: string; sku: string; due_day: string }>(
    'SELECT customer_id, sku, due_day FROM customer_replenishment WHERE shop_id = $1',
    [SHOP],
  );
  return [
    ...new Set(
      rows
        .filter((r) => (sku === null || r.sku === sku) && r.due_day >= from && r.due_day <= to)
        .map((r) => r.customer_id),
    ),
  ].sort();
}

describe('the query text', () => {
  it('parses, prints back and refuses what it does not take', () => {
    const q = parseSegmentQuery("replenishment_due(sku: 'PAP-A6-500', within: 7d)");
    expect(q.condition).toEqual({
      kind: 'replenishment_due',
      skus: ['PAP-A6-500'],
      from: { kind: 'relative', amount: 0, unit: 'd' },
      to: { kind: 'relative', amount: 7, unit: 'd' },
    });
    const printed = printQuery(q.condition);
    expect(printed).toBe("replenishment_due(sku: 'PAP-A6-500', since: +0d, until: +7d)");
    expect(parseSegmentQuery(printed).condition).toEqual(q.condition);
    expect(parseSegmentQuery('replenishment_due()').condition).toEqual(
      q.condition && { ...q.condition, skus: null },
    );
    expect(() => parseSegmentQuery("replenishment_due(sku: 'A', count >= 2)")).toThrow(/no count/);
    expect(() => parseSegmentQuery("replenishment_due(sku: 'A', within: 7d, since: -1d)")).toThrow(
      /not both/,
    );
    expect(() => parseSegmentQuery("replenishment_due(category: 'paper')")).toThrow(
      /unknown argument category/,
    );
    expect(() => parseSegmentQuery("replenishment_due('A')")).toThrow(/name: value/);
  });
});

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('finds the customers due, day by day, and drops one who bought again', async () => {
      const clock = new TestClock(UNTIL.getTime());
      const store = await engine.open(clock);
      try {
        await importCycleShop(
          store,
          SHOP,
          generateCycleShop({ customers: 300, seed: 11, days: 400, until: UNTIL }),
          UNTIL,
        );
        const ctx = makeContext(store);
        await recomputeReorderCycles(ctx, { shopId: SHOP });
        const query = "replenishment_due(sku: 'PAP-A6-500', within: 7d)";

        const seen = new Set<string>();
        for (let day = 0; day < 4; day++) {
          const now = new Date(clock.now());
          const today = localDay(now, TZ);
          const expected = await fromRows(store, 'PAP-A6-500', today, addDays(today, 7));
          expect(await viaSql(store, query, now)).toEqual(expected);
          expect(await inMemory(store, query, now)).toEqual(expected);
          expect((await countSegmentQuery(ctx, { shopId: SHOP, query })).count).toBe(expected.length);
          for (const id of expected) seen.add(id);
          clock.advance(3 * DAY);
        }
        expect(seen.size).toBeGreaterThan(3);

        // Overdue customers too: since 30 days ago, any product.
        const now = new Date(clock.now());
        const today = localDay(now, TZ);
        const late = 'replenishment_due(since: -30d, until: today)';
        const lateIds = await fromRows(store, null, addDays(today, -30), today);
        expect(lateIds.length).toBeGreaterThan(0);
        expect(await viaSql(store, late, now)).toEqual(lateIds);
        expect(await inMemory(store, late, now)).toEqual(lateIds);

        // One of them buys the product again: out at once, in SQL and in memory.
        const [row] = await store.engine.all<{ customer_id: string; sku: string }>(
          `SELECT customer_id, sku FROM customer_replenishment
           WHERE shop_id = $1 AND customer_id = $2 AND due_day >= $3 AND due_day <= $4 ORDER BY sku LIMIT 1`,
          [SHOP, lateIds[0]!, addDays(today, -30), today],
        );
        const bySku = `replenishment_due(sku: '${row!.sku}', since: -30d, until: today)`;
        expect(await viaSql(store, bySku, now)).toContain(row!.customer_id);
        const customer = (await store.getCustomer(SHOP, row!.customer_id))!;
        await store.transaction(async (tx) => {
          await tx.importBatch(
            SHOP,
            {
              customers: [],
              orders: [
                {
                  source: 'shopify',
                  externalId: 'rebuy',
                  customer: { phone: customer.phone! },
                  status: 'delivered',
                  currency: 'VND',
                  subtotal: '1000',
                  shipping: '0',
                  taxes: '0',
                  discount: '0',
                  total: '1000',
                  refunded: '0',
                  createdAt: new Date(clock.now() - DAY),
                  tags: [],
                  lines: [{ sku: row!.sku, title: row!.sku, quantity: 1, price: '1000' }],
                },
              ],
              events: [],
            },
            'imp_rebuy',
            now,
          );
        });
        const sqlAfter = await viaSql(store, bySku, now);
        expect(sqlAfter).not.toContain(row!.customer_id);
        expect(await inMemory(store, bySku, now)).toEqual(sqlAfter);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
