import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../src/app/analyze.js';
import { manualClock } from '../../src/app/clock.js';
import { makeContext } from '../../src/app/context.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';
import { idOf, importBatches, phone, SHOP, SHOP_DATA, vn } from './fixtures.js';

/**
 * Issue 13, 5a: `analyze --as-of` a past date is a report only. Before the fix it rewrote every
 * customer's live groups and refreshed the segments as of that date, and the next plain analyze
 * reversed it: zero-length stays and re-entries in the membership history, false campaign triggers.
 */

const NOW = vn('2026-04-01', '12:00');
const HOUR = 3_600_000;

/** Every customer's live scores and groups, as the segments and the campaigns read them. */
async function liveGroups(store: Store) {
  return store.engine.all(
    `SELECT customer_id, orders, recency_days, r, f, m, rfm_group, lifecycle, value_group, computed_as_of
     FROM customer_stats WHERE shop_id = $1 ORDER BY customer_id`,
    [SHOP],
  );
}

async function membership(store: Store) {
  const members = await store.engine.all<{ segment_id: string; customer_id: string; entered_at: Date }>(
    `SELECT segment_id, customer_id, entered_at FROM segment_members WHERE shop_id = $1
     ORDER BY segment_id, customer_id`,
    [SHOP],
  );
  const history = await store.engine.all<{ entered_at: Date; exited_at: Date }>(
    'SELECT segment_id, customer_id, entered_at, exited_at FROM segment_membership_history WHERE shop_id = $1',
    [SHOP],
  );
  const refreshed = await store.engine.all(
    'SELECT segment_id, refreshed_at FROM segments WHERE shop_id = $1 ORDER BY segment_id',
    [SHOP],
  );
  return { members, history, refreshed };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `analyze as of a past date on ${engine.title}${skipNote(engine.skipped)}`,
    () => {
      it('reports the shop as it was and changes no live state: groups, members, history', async () => {
        const store = await engine.open(new TestClock(NOW.getTime()));
        const clock = manualClock(NOW);
        const ctx = makeContext(store, { clock });
        try {
          await importBatches(store, [SHOP_DATA]);
          const now = await runAnalysis({ kind: 'store', ctx }, { shopId: SHOP, lang: 'en' });
          expect(now.membership?.entered).toBeGreaterThan(0);
          const groups = await liveGroups(store);
          const before = await membership(store);
          expect(before.history).toEqual([]);

          clock.advance(HOUR);
          const past = await runAnalysis(
            { kind: 'store', ctx },
            { shopId: SHOP, lang: 'en', asOf: '2025-10-15' },
          );
          // A report of that day: only the orders placed by then (c8 from 2025-08, c9 on
          // 2025-10-01, c10 on 2025-03-01), recency counted to the end of 15 October.
          expect(past.report.asOf).toEqual(new Date(vn('2025-10-16', '00:00').getTime() - 1));
          expect(past.membership).toBeUndefined();
          expect(past.report.statsRefresh).toBe('as-of');
          expect(past.report.rfm.grid.scoredCustomers).toBe(3);
          expect(past.report.bestCustomers.byOrders.map((c) => [c.customerId, c.orders])).toEqual([
            [await idOf(store, phone(8)), 3],
            [await idOf(store, phone(10)), 1], // 100,000 ₫ before c9's 80,000 ₫
            [await idOf(store, phone(9)), 1],
          ]);
          // ... and nothing live moved.
          expect(await liveGroups(store)).toEqual(groups);
          expect(await membership(store)).toEqual(before);

          clock.advance(HOUR);
          const again = await runAnalysis({ kind: 'store', ctx }, { shopId: SHOP, lang: 'en' });
          expect(again.membership).toMatchObject({ entered: 0, exited: 0 });
          const after = await membership(store);
          // No stay ended, so none of zero length, and nobody re-entered: every stay began at the
          // first analysis.
          expect(after.history).toEqual([]);
          expect(after.members).toEqual(before.members);
          expect(after.members.every((m) => new Date(m.entered_at).getTime() === NOW.getTime())).toBe(true);
          expect(again.report.kpis).toEqual(now.report.kpis);
        } finally {
          await store.close();
        }
      });

      it('writes the customers CSV and the segment figures of the past date, still changing nothing', async () => {
        const store = await engine.open(new TestClock(NOW.getTime()));
        const clock = manualClock(NOW);
        const ctx = makeContext(store, { clock });
        try {
          await importBatches(store, [SHOP_DATA]);
          await runAnalysis({ kind: 'store', ctx }, { shopId: SHOP, lang: 'en' });
          const groups = await liveGroups(store);
          const before = await membership(store);
          const stored = await store.snapshot(SHOP);
          clock.advance(HOUR);
          const csv = join(mkdtempSync(join(tmpdir(), 'nurture-asof-')), 'customers.csv');
          const past = await runAnalysis(
            { kind: 'store', ctx },
            { shopId: SHOP, lang: 'vi', asOf: '2025-10-15', segments: true, customersOutPath: csv },
          );
          // The customers there were on 15 Oct 2025: c8, c9 and c10 (c11 registered later).
          const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
          expect(rows).toHaveLength(3);
          expect(past.customers).toBe(3);
          // The built-in segments' members are those of 15 Oct 2025: the report's groups of then.
          const members = (past.report.segments ?? [])
            .filter((s) => s.segment.startsWith('lifecycle:') && s.segment !== 'lifecycle:referred')
            .reduce((n, s) => n + s.members, 0);
          expect(members).toBe(
            past.report.lifecycle.groups
              .filter((g) => g.id !== 'referred')
              .reduce((n, g) => n + g.customers, 0),
          );
          for (const g of past.report.lifecycle.groups)
            expect(past.report.segments?.find((s) => s.segment === `lifecycle:${g.id}`)?.members).toBe(
              g.customers,
            );
          expect(await liveGroups(store)).toEqual(groups);
          expect(await membership(store)).toEqual(before);
          // The segments were counted on the shop rewound to that day, in a rolled-back transaction.
          expect(await store.snapshot(SHOP)).toEqual(stored);
        } finally {
          await store.close();
        }
      });
    },
  );
}
