import { afterEach, describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { ALL_NEEDS, NO_NEEDS } from '../../src/domain/segments/index.js';
import { refreshCustomerStats } from '../../src/store/analytics/customer-stats.js';
import { recomputeShop } from '../../src/store/analytics/full-recompute.js';
import { DuckDbEngine } from '../../src/store/duckdb/engine.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations/index.js';
import {
  createSegment,
  deleteSegment,
  loadSegmentCustomers,
  refreshMembership,
} from '../../src/store/segments/index.js';
import { loadRefreshInputs } from '../../src/store/segments/records.js';
import type { Store } from '../../src/store/store.js';
import { idOf, importBatches, order, SHOP, vn } from '../analytics/fixtures.js';
import { ENGINES, TestClock } from '../support/engines.js';

/**
 * lookup_hash (DuckDB): on customer_stats (migration 009) and segment_members (migration 010).
 * Every writer of those tables sets it, and the per-customer reads and deletes, which find rows by
 * it, see every row the writers leave.
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
async function wrongHashes(store: Store, table = 'customer_stats'): Promise<number> {
  const [row] = await store.engine.all<{ n: number }>(
    `SELECT COUNT(*) AS n FROM ${table} WHERE lookup_hash IS DISTINCT FROM hash(customer_id)`,
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

/** A customer's current stays as the per-customer refresh reads them: segment ids, sorted. */
async function staysOf(store: Store, customerId: string): Promise<string[]> {
  const { stays } = await loadRefreshInputs(
    store.engine,
    SHOP,
    { kind: 'inline', ids: [customerId] },
    NO_NEEDS,
  );
  return stays.map((s) => s.segmentId).sort();
}

describe('segment_members lookup hash on duckdb', () => {
  let store: Store;
  afterEach(async () => store?.close());

  it('is set by both refresh ways; per-customer reads and exits find the stays by it', async () => {
    store = await duckdb.open(new TestClock(Date.parse('2026-04-01T00:00:00Z')));
    await shop(store);
    const [a, b] = [await idOf(store, PHONES[0]), await idOf(store, PHONES[1])];
    // Filled by the full refresh (set-based SQL): A has two orders, B one.
    const { segment: one } = await createSegment(
      store,
      SHOP,
      { name: 'one order', query: 'number_of_orders = 1' },
      { asOf: vn('2026-04-01') },
    );
    const { segment: any } = await createSegment(
      store,
      SHOP,
      { name: 'buyers', query: 'number_of_orders >= 1' },
      { asOf: vn('2026-04-01') },
    );
    expect(await wrongHashes(store, 'segment_members')).toBe(0);
    expect(await staysOf(store, a)).toEqual([any.segmentId]);
    expect(await staysOf(store, b)).toEqual([one.segmentId, any.segmentId].sort());

    // B's second order: the per-customer refresh (in memory) moves B out of 'one order' by the
    // hash-indexed DELETE; C's first order puts C in both by the VALUES insert.
    const touched = await importBatches(store, [
      {
        orders: [
          order({ id: '4', phone: PHONES[1], at: vn('2026-03-25'), total: 10_000 }),
          order({ id: '5', phone: PHONES[2], at: vn('2026-03-26'), total: 20_000 }),
        ],
      },
    ]);
    const result = await refreshMembership(store.engine, SHOP, {
      customerIds: touched,
      asOf: vn('2026-04-02'),
    });
    expect(result).toMatchObject({ strategy: 'memory', entered: 2, exited: 1 });
    const c = await idOf(store, PHONES[2]);
    expect(await wrongHashes(store, 'segment_members')).toBe(0);
    expect(await staysOf(store, b)).toEqual([any.segmentId]);
    expect(await staysOf(store, c)).toEqual([one.segmentId, any.segmentId].sort());
    const [history] = await store.engine.all<{ n: number }>(
      'SELECT COUNT(*) AS n FROM segment_membership_history WHERE customer_id = $1 AND segment_id = $2',
      [b, one.segmentId],
    );
    expect(Number(history?.n)).toBe(1);

    await deleteSegment(store, SHOP, 'one order');
    expect(await staysOf(store, c)).toEqual([any.segmentId]);
  });

  it('migration 010 keeps the stays of an older database and fills their hashes', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    try {
      await migrate(
        engine,
        MIGRATIONS.filter((m) => m.version < 10),
      );
      const at = new Date('2026-03-01T00:00:00Z');
      for (const customerId of ['cus_a', 'cus_b'])
        await engine.run(
          'INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at) VALUES ($1, $2, $3, $4)',
          [SHOP, 'seg_x', customerId, at],
        );
      expect(
        await migrate(
          engine,
          MIGRATIONS.filter((m) => m.version <= 10),
        ),
      ).toEqual([10]);
      const rows = await engine.all<{ customer_id: string; ok: boolean }>(
        'SELECT customer_id, lookup_hash = hash(customer_id) AS ok FROM segment_members ORDER BY customer_id',
      );
      expect(rows).toEqual([
        { customer_id: 'cus_a', ok: true },
        { customer_id: 'cus_b', ok: true },
      ]);
      const indexes = await engine.all<{ index_name: string; expressions: string }>(
        "SELECT index_name, CAST(expressions AS VARCHAR) AS expressions FROM duckdb_indexes() WHERE table_name = 'segment_members'",
      );
      expect(indexes).toEqual([
        { index_name: 'segment_members_by_lookup_hash', expressions: '[lookup_hash]' },
      ]);
      // A writer that forgets the hash is refused rather than leaving a row the lookups miss.
      await expect(
        engine.run(
          'INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at) VALUES ($1, $2, $3, $4)',
          [SHOP, 'seg_x', 'cus_c', at],
        ),
      ).rejects.toThrow(/NOT NULL/i);
    } finally {
      await engine.close();
    }
  });
});
