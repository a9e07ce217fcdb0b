import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSegmentQuery, resolveQuery } from '../../src/domain/segments/index.js';
import { selectIdsSql } from '../../src/store/segments/compile-sql.js';
import {
  countQuery,
  createSegment,
  listSegments,
  refreshAllSegments,
  updateSegment,
} from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { AS_OF, bothWays, loadShop, SHOP, type ShopSpec, SKUS, TZ } from './support.js';

/** A small shop whose customers bought each of the property tests' SKUs. */
const SHOP_SPEC: ShopSpec = SKUS.map((sku, i) => ({
  city: null,
  email: false,
  consent: { zalo: true },
  tags: [],
  source: 'shopify',
  referrer: null,
  orders: [
    {
      day: 700 + i,
      minute: 600,
      status: 'paid',
      total: 150000,
      refund: 'none',
      lines: [{ sku, category: 'printer' }],
    },
  ],
  events: [],
  nps: [],
  prediction: null,
}));

/** `products_purchased(sku: 'S0') OR …` over `n` SKUs, the shop's among them. */
const orOfSkus = (n: number) =>
  [...SKUS.slice(0, 2), ...Array.from({ length: n - 2 }, (_, i) => `NO-${i}`)]
    .map((s) => `products_purchased(sku: '${s}')`)
    .join(' OR ');

/** `n` ORed functions that cannot be folded into one (their windows differ). */
const unfoldable = (n: number) =>
  Array.from({ length: n }, (_, i) => `products_purchased(sku: 'NO-${i}', since: -${i + 1}d)`).join(' OR ');

/**
 * A query each engine cannot run: too deep for DuckDB. PostgreSQL runs that one (slowly, 0.8 s for
 * 400), and caps a query's size below its own limits, so there it is a query over a corrupted event
 * (properties that are not JSON, written by `corruptEvent`), which neither engine can cast.
 */
const cannotRun = (engine: 'duckdb' | 'postgres') =>
  engine === 'duckdb' ? unfoldable(1_000) : "performed('Product Viewed', product: 'PRN-01')";

async function corruptEvent(store: Store): Promise<void> {
  const [c] = await store.engine.all<{ customer_id: string }>(
    'SELECT customer_id FROM customers WHERE shop_id = $1 ORDER BY customer_id LIMIT 1',
    [SHOP],
  );
  await store.engine.run(
    `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, occurred_at, properties)
     VALUES ($1, 'evt_bad', 'bad', 'Product Viewed', $2, $3, '{not json')`,
    [SHOP, c?.customer_id ?? null, AS_OF],
  );
}

async function withShop(engine: (typeof ENGINES)[number], fn: (store: Store) => Promise<void>) {
  const store = await engine.open(new TestClock(AS_OF.getTime()));
  try {
    await loadShop(store, SHOP_SPEC);
    if (engine.name === 'postgres') await corruptEvent(store);
    await fn(store);
  } finally {
    await store.close();
  }
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `segments: long OR-lists and queries the database cannot run on ${engine.title}`,
    () => {
      it('a query of 1,000 ORed products_purchased(sku: …) is saved, counted and refreshed as one set test', async () => {
        await withShop(engine, async (store) => {
          const query = orOfSkus(1_000);
          const { sql, memory } = await bothWays(store, query);
          expect(sql).toEqual(memory);
          expect(sql).toHaveLength(2);
          expect(await countQuery(store, SHOP, query, { asOf: AS_OF })).toBe(2);
          const { segment } = await createSegment(store, SHOP, { name: 'many skus', query }, { asOf: AS_OF });
          expect(segment.members).toBe(2);
          const r = await refreshAllSegments(store, SHOP, AS_OF);
          expect(r.failed).toEqual([]);
          expect(r.bySegment.map((b) => b.name)).toContain('many skus');
        });
      }, 120_000);

      it('a query the database cannot run is refused by create and update, and nothing is saved', async () => {
        await withShop(engine, async (store) => {
          const query = cannotRun(engine.name);
          await expect(
            createSegment(store, SHOP, { name: 'too big', query }, { asOf: AS_OF }),
          ).rejects.toMatchObject({
            code: 'invalid_input',
            message: expect.stringContaining('the database cannot run this query'),
          });
          expect((await listSegments(store, SHOP)).map((s) => s.name)).not.toContain('too big');
          await createSegment(store, SHOP, { name: 'fine', query: "city = 'x'" }, { asOf: AS_OF });
          await expect(updateSegment(store, SHOP, 'fine', { query }, { asOf: AS_OF })).rejects.toMatchObject({
            code: 'invalid_input',
          });
          expect((await listSegments(store, SHOP)).find((s) => s.name === 'fine')?.query).toBe("city = 'x'");
          // The store is not blocked.
          expect((await refreshAllSegments(store, SHOP, AS_OF)).failed).toEqual([]);
        });
      }, 120_000);

      it('a saved segment the database cannot run does not stop a full refresh of the others', async () => {
        await withShop(engine, async (store) => {
          await createSegment(
            store,
            SHOP,
            { name: 'buyers', query: 'number_of_orders >= 1' },
            { asOf: AS_OF },
          );
          // Saved before validation existed.
          await store.engine.run(
            `INSERT INTO segments (shop_id, segment_id, name, query, description, builtin, created_at, updated_at)
           VALUES ($1, 'seg_broken', 'broken', $2, NULL, FALSE, $3, $3)`,
            [SHOP, cannotRun(engine.name), AS_OF],
          );
          await store.engine.run('DELETE FROM segment_members WHERE shop_id = $1', [SHOP]);
          const r = await refreshAllSegments(store, SHOP, AS_OF);
          expect(r.failed).toEqual([{ segmentId: 'seg_broken', name: 'broken', reason: expect.any(String) }]);
          expect(r.bySegment.find((b) => b.name === 'buyers')?.entered).toBe(SKUS.length);
          expect(r.segments).toBe((await listSegments(store, SHOP)).length - 1);
        });
      }, 120_000);
    },
  );
}

describe('nurture segment refresh with a segment DuckDB cannot run', () => {
  it('refreshes the others, names the failing one and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nurture-long-or-'));
    try {
      const db = join(dir, 'shop.duckdb');
      const store = await openStore({ db, ids: new TestClock(AS_OF.getTime()) });
      try {
        await loadShop(store, SHOP_SPEC);
        await store.engine.run(
          `INSERT INTO segments (shop_id, segment_id, name, query, description, builtin, created_at, updated_at)
           VALUES ($1, 'seg_broken', 'broken', $2, NULL, FALSE, $3, $3)`,
          [SHOP, unfoldable(1_000), AS_OF],
        );
      } finally {
        await store.close();
      }
      const created = await cli(
        'segment',
        'create',
        'many skus',
        '--query',
        orOfSkus(1_000),
        '--db',
        db,
        '--shop',
        SHOP,
      );
      expect(created.err).toBe('');
      expect(created.code).toBe(0);
      const refused = await cli(
        'segment',
        'create',
        'deep',
        '--query',
        unfoldable(1_000),
        '--db',
        db,
        '--shop',
        SHOP,
      );
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('nothing was saved');
      const r = await cli('segment', 'refresh', '--db', db, '--shop', SHOP);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/^many skus\s+0\s+0$/m);
      expect(r.out).toMatch(/^lifecycle:loyal\s/m);
      expect(r.err).toContain('không làm mới được broken: Binder Error: Max expression depth');
      expect(r.err).toContain('1 segment could not be refreshed (broken)');
      const list = await cli('segment', 'list', '--db', db, '--shop', SHOP, '--json');
      expect(list.code).toBe(0);
      expect(list.out).not.toContain('"deep"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('folding OR-lists (compile-sql)', () => {
  const sqlOf = (text: string) =>
    selectIdsSql(resolveQuery(parseSegmentQuery(text), { asOf: AS_OF, timeZone: TZ }), SHOP).sql;
  const subqueries = (sql: string) => sql.split('FROM orders o').length - 1;

  it('compiles ORed functions with the same other arguments to one sub-query over the union', () => {
    expect(subqueries(sqlOf(orOfSkus(1_000)))).toBe(1);
    expect(
      subqueries(
        sqlOf(
          "products_purchased(category: 'ink', within: 7d) OR products_purchased(category: 'paper', within: 7d)",
        ),
      ),
    ).toBe(1);
    expect(sqlOf("city = 'a' OR city IN ('b', 'c') OR city = 'a'")).toContain(
      'c.city IN (CAST($2 AS VARCHAR), CAST($3 AS VARCHAR), CAST($4 AS VARCHAR))',
    );
  });

  it('keeps apart what is not the same: other windows, other categories, counts above one', () => {
    expect(subqueries(sqlOf(unfoldable(3)))).toBe(3);
    expect(
      subqueries(
        sqlOf(
          "products_purchased(sku: 'A', category: 'ink') OR products_purchased(sku: 'B', category: 'paper')",
        ),
      ),
    ).toBe(2);
    expect(
      subqueries(
        sqlOf("products_purchased(sku: 'A', count >= 2) OR products_purchased(sku: 'B', count >= 2)"),
      ),
    ).toBe(2);
  });
});
