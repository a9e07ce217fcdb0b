/**
 * The demo shop on both engines: the same generated files give the same shop, scores and segment
 * sizes. On PostgreSQL this also guards the planner's statistics after a bulk import: without them
 * the recompute of a 300-customer demo ran for minutes (src/store/bulk.ts, refreshPlannerStatistics).
 */
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { ENGINES } from '../support/engines.js';

const outcomes = new Map<string, unknown>();

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`demo shop (${engine.title})`, () => {
    it('imports, scores and segments 300 customers in seconds', { timeout: 60_000 }, async () => {
      const store = await engine.open();
      try {
        const outcome = await runDemo(makeContext(store), {
          shopId: 'demo',
          customers: 300,
          seed: 11,
          until: '2026-11-30',
        });
        const groups = await store.engine.all<{ lifecycle: string; n: number | bigint }>(
          `SELECT lifecycle, COUNT(*) AS n FROM customer_stats WHERE shop_id = 'demo' GROUP BY lifecycle ORDER BY lifecycle`,
        );
        const result = {
          summary: outcome.summary,
          groups: groups.map((g) => [g.lifecycle, Number(g.n)]),
          segments: outcome.segments.bySegment.map((g) => [g.name, g.entered, g.exited]),
        };
        expect(result.groups.length).toBeGreaterThan(2);
        outcomes.set(engine.name, JSON.parse(JSON.stringify(result)));
        const other = outcomes.get(engine.name === 'duckdb' ? 'postgres' : 'duckdb');
        if (other !== undefined) expect(outcomes.get(engine.name)).toEqual(other);
      } finally {
        await store.close();
      }
    });
  });
}
