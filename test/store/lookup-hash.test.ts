import { afterEach, describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { ALL_NEEDS } from '../../src/domain/segments/index.js';
import { refreshCustomerStats } from '../../src/store/analytics/customer-stats.js';
import { recomputeShop } from '../../src/store/analytics/full-recompute.js';
import { loadSegmentCustomers } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { idOf, importBatches, order, SHOP, vn } from '../analytics/fixtures.js';
import { ENGINES, TestClock } from '../support/engines.js';

/**
 * customer_stats.lookup_hash (DuckDB, migration 009): every writer of customer_stats sets it, and
 * the per-customer read, which finds rows by it, sees every row the writers leave.
 */

const duckdb = ENGINES.find((e) => e.name === 'duckdb');
if (!duckdb) throw new Error('no DuckDB engine under test');

const PHONES = ['+84900000001', '+84900000002', '+84900000003'] as const;

async function shop(store: Store): Promise<void> {
  await importBatches(store, [
    {
      orders: [
        order({ id: '1', phone: PHONES[0], at: vn('2026-03-01'), total: 100_000 }),
        order({ id: '2', phone: PHONES[0], at: vn('2026-03-20'), total: 50_000 }),
        order({ id: '3', phone: PHONES[1], at: vn('2026-03-05'), total: 70_000 }),
      ],
    },
  ]);
}

/** Rows whose lookup_hash is missing or is not their id's hash. */
async function wrongHashes(store: Store): Promise<number> {
  const [row] = await store.engine.all<{ n: number }>(
    'SELECT COUNT(*) AS n FROM customer_stats WHERE lookup_hash IS DISTINCT FROM hash(customer_id)',
  );
  return Number(row?.n);
}

/** Each customer's stats as the per-customer refresh reads them (one customer at a time). */
async function statsReadOneByOne(store: Store): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const phone of PHONES.slice(0, 2)) {
    const id = await idOf(store, phone);
    const [c] = await loadSegmentCustomers(store.engine, SHOP, { kind: 'inline', ids: [id] }, ALL_NEEDS);
    out.push(c?.stats?.orders ?? null);
  }
  return out;
}

describe('customer_stats lookup hash on duckdb', () => {
  let store: Store;
  afterEach(async () => store?.close());

  it('is set by the import, both refresh strategies and the full recompute', async () => {
    store = await duckdb.open(new TestClock(Date.parse('2026-04-01T00:00:00Z')));
    await shop(store);
    expect(await wrongHashes(store)).toBe(0);
    expect(await statsReadOneByOne(store)).toEqual([2, 1]);

    // A later import adds a customer and changes another: rows updated and inserted.
    await importBatches(store, [
      {
        orders: [
          order({ id: '4', phone: PHONES[1], at: vn('2026-03-25'), total: 10_000 }),
          order({ id: '5', phone: PHONES[2], at: vn('2026-03-26'), total: 20_000 }),
        ],
      },
    ]);
    expect(await wrongHashes(store)).toBe(0);
    expect(await statsReadOneByOne(store)).toEqual([2, 2]);

    for (const strategy of ['update', 'replace'] as const) {
      await store.engine.run('DELETE FROM customer_stats WHERE shop_id = $1 AND customer_id = $2', [
        SHOP,
        await idOf(store, PHONES[0]),
      ]);
      await refreshCustomerStats(store.engine, SHOP, { strategy });
      expect(await wrongHashes(store)).toBe(0);
      expect(await statsReadOneByOne(store)).toEqual([2, 2]);
    }

    await recomputeShop(store.engine, SHOP, vn('2026-04-01'), resolveAnalyticsConfig({}));
    expect(await wrongHashes(store)).toBe(0);
    expect(await statsReadOneByOne(store)).toEqual([2, 2]);
  });

  it('finds nothing for a row whose hash was not written (the check above can fail)', async () => {
    store = await duckdb.open(new TestClock(Date.parse('2026-04-01T00:00:00Z')));
    await shop(store);
    await store.engine.run('UPDATE customer_stats SET lookup_hash = NULL WHERE customer_id = $1', [
      await idOf(store, PHONES[0]),
    ]);
    expect(await wrongHashes(store)).toBe(1);
    expect(await statsReadOneByOne(store)).toEqual([null, 1]);
  });
});
