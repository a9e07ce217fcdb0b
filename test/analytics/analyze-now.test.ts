/**
 * An analysis without a date is as of now and writes the customers' groups, even when the clock
 * moves on while it starts (it read "now" once; a second reading a millisecond later used to make
 * it a report of the past, written nowhere — the nightly job and the dashboards then saw no groups).
 */
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../src/app/analyze.js';
import { makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import { FIXTURES } from '../server/support.js';
import { ENGINES } from '../support/engines.js';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`analysis as of now on a moving clock (${engine.title})`, () => {
    it('writes the groups', async () => {
      const store = await engine.open();
      try {
        let ms = Date.parse('2026-12-07T02:00:00Z');
        // Every reading of this clock is a millisecond later than the one before.
        const ctx = makeContext(store, { clock: { now: () => new Date(ms++) } });
        await importFile(ctx, {
          shopId: 'moving',
          format: 'shopify-orders',
          path: `${FIXTURES}shopify-orders.csv`,
          skipInvalid: true,
        });
        await runAnalysis({ kind: 'store', ctx }, { shopId: 'moving', lang: 'vi' });
        const rows = await store.engine.all<{ n: number; grouped: number }>(
          `SELECT COUNT(*) AS n, COUNT(lifecycle) AS grouped FROM customer_stats WHERE shop_id = 'moving'`,
        );
        expect(Number(rows[0]?.n)).toBeGreaterThan(0);
        expect(Number(rows[0]?.grouped)).toBe(Number(rows[0]?.n));
      } finally {
        await store.close();
      }
    });
  });
}
