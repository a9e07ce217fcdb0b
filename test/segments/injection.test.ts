import { describe, expect, it } from 'vitest';
import type { CustomerInput } from '../../src/domain/model/index.js';
import { parseSegmentQuery, resolveQuery } from '../../src/domain/segments/index.js';
import { refreshCustomerStats } from '../../src/store/analytics/index.js';
import { selectIdsSql } from '../../src/store/segments/compile-sql.js';
import {
  countQuery,
  createSegment,
  getSegment,
  listMembers,
  queryCustomerIds,
  refreshMembership,
} from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { SHOP, TZ } from './support.js';

/**
 * Values with quotes, semicolons and comments travel as parameters: a query with them changes
 * nothing in the database and finds exactly the customers whose data holds those characters.
 */
const NASTY = [
  "x'; DROP TABLE customers; --",
  "'); DELETE FROM orders; --",
  '/* comment */ OR 1=1',
  "a\\'b",
  '"; SELECT 1; "',
  "Robert'); DROP TABLE segments;--",
  '$1',
  '\u0000nul',
] as const;

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

function customer(i: number, value: string): CustomerInput {
  return {
    source: 'shopify',
    externalId: `n${i}`,
    phone: `+8491000000${i}`,
    city: value,
    consent: {},
    tags: [value],
    attributes: {},
  };
}

async function tableCounts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [
    'customers',
    'customer_tags',
    'orders',
    'order_lines',
    'events',
    'customer_stats',
    'segments',
  ])
    out[t] = Number((await store.engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n ?? 0);
  return out;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `segment injection on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      it('quotes, semicolons and comments in values change nothing and match exactly', async () => {
        const store = await engine.open(new TestClock(Date.parse('2026-03-01T00:00:00Z')));
        await store.ensureShop({ shopId: SHOP, timezone: TZ });
        const values = NASTY.filter((v) => !v.includes('\u0000'));
        await store.transaction(async (tx) => {
          await tx.importBatch(
            SHOP,
            { customers: values.map((v, i) => customer(i, v)), orders: [], events: [] },
            'imp_nasty',
            new Date(store.ids.now()),
          );
        });
        await refreshCustomerStats(store.engine, SHOP);
        const ids = await store.listCustomerIds(SHOP);
        const before = await store.snapshot(SHOP);
        const counts = await tableCounts(store);

        for (const [i, v] of values.entries()) {
          const phone = `+8491000000${i}`;
          const owner = (await store.findCustomerByKey(SHOP, 'phone', phone))?.customerId;
          for (const q of [
            `city = ${quote(v)}`,
            `tags CONTAINS ${quote(v)}`,
            `city IN (${quote(v)}, ${quote(`${v}'`)})`,
            `city CONTAINS ${quote(v.slice(0, 6))} AND phone = ${quote(phone)}`,
            `products_purchased(sku: ${quote(v)}) OR phone = ${quote(phone)}`,
            `performed('Product Viewed', campaign: ${quote(v)}) OR tags CONTAINS ${quote(v)}`,
          ])
            expect({ q, ids: await queryCustomerIds(store, SHOP, q) }).toEqual({ q, ids: [owner] });
          expect(await countQuery(store, SHOP, `NOT (city = ${quote(v)})`)).toBe(ids.length - 1);
        }
        // A segment whose name and query hold them.
        const name = NASTY[5];
        const { segment } = await createSegment(store, SHOP, {
          name,
          query: `tags CONTAINS ${quote(NASTY[0])}`,
        });
        expect(segment.members).toBe(1);
        expect((await getSegment(store, SHOP, name)).name).toBe(name);
        await refreshMembership(store.engine, SHOP, { asOf: new Date(store.ids.now()) });
        expect(await listMembers(store.engine, SHOP, segment.segmentId)).toHaveLength(1);

        expect(await store.snapshot(SHOP)).toEqual(before);
        expect(await tableCounts(store)).toEqual({ ...counts, segments: (counts.segments ?? 0) + 1 + 26 });
        await store.close();
      });

      it('never writes a value into the SQL text', () => {
        for (const v of NASTY) {
          const q = resolveQuery(
            parseSegmentQuery(
              `city = ${quote(v)} OR tags CONTAINS ${quote(v)} OR products_purchased(sku: ${quote(v)}, category: ${quote(v)}) OR performed(${quote('Product Viewed')}, product: ${quote(v)})`,
            ),
            { asOf: new Date('2026-03-01T00:00:00Z'), timeZone: TZ },
          );
          const { sql, params } = selectIdsSql(q, SHOP);
          // ('$1' is the shop id's placeholder, so it is in every statement.)
          if (v !== '$1') expect(sql).not.toContain(v);
          expect(params.filter((p) => p === v)).toHaveLength(5);
        }
      });
    },
  );
}
