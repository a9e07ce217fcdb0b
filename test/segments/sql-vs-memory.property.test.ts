import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINES, TestClock } from '../support/engines.js';
import { AS_OF, bothWays, loadShop, queryArb, shopArb } from './support.js';

/**
 * The acceptance property of the query language: for random shops and random queries, the SQL a
 * query compiles to and the in-memory evaluator select the same customers, on DuckDB and on
 * PostgreSQL.
 */
for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `segments: SQL == in-memory on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      it('random customers x random queries agree', async () => {
        let queries = 0;
        let nonEmpty = 0;
        await fc.assert(
          fc.asyncProperty(
            shopArb,
            fc.array(queryArb, { minLength: 25, maxLength: 25 }),
            async (shop, texts) => {
              const store = await engine.open(new TestClock(AS_OF.getTime()));
              try {
                await loadShop(store, shop);
                for (const text of texts) {
                  const { sql, memory } = await bothWays(store, text);
                  expect({ text, ids: sql }).toEqual({ text, ids: memory });
                  queries++;
                  if (sql.length > 0 && sql.length < shop.length) nonEmpty++;
                }
              } finally {
                await store.close();
              }
            },
          ),
          { numRuns: engine.name === 'duckdb' ? 24 : 16, endOnFailure: true },
        );
        // The queries are not all trivially empty or full: many split the shop.
        expect(queries).toBeGreaterThanOrEqual(400);
        expect(nonEmpty / queries).toBeGreaterThan(0.15);
      }, 600_000);
    },
  );
}
