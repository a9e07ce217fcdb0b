import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../src/app/analyze.js';
import { manualClock } from '../../src/app/clock.js';
import { makeContext } from '../../src/app/context.js';
import { runDemo } from '../../src/app/demo.js';
import { localDay } from '../../src/domain/analytics/calendar.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';

/**
 * Issue 13, 5b: the demo's history ends today (the clock's today, in the shop's time zone) or on
 * `--until`. Before, it ended on 31 October 2026 whatever the date, so a demo made weeks later
 * showed a dying shop: empty recent cohorts, most customers churned.
 */

const ZONE = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;
/** Mid-morning in Vietnam, months after the generator's reference date (2026-10-31). */
const NOW = new Date('2027-03-15T10:30:00+07:00');

describe('the demo shop ends today', () => {
  it('has orders up to now and none later, and its first report shows a living shop', async () => {
    const store = await openStore({ db: ':memory:' });
    const ctx = makeContext(store, { clock: manualClock(NOW) });
    try {
      const outcome = await runDemo(ctx, { shopId: 'demo', customers: 2000, seed: 42 });
      expect(outcome.shop.until).toBe(NOW.getTime());
      const last = outcome.summary.lastOrderAt;
      expect(last).toBeDefined();
      expect(last!.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(localDay(last!, ZONE)).toBe('2027-03-15');
      const [later] = await store.engine.all<{ n: number }>(
        `SELECT (SELECT COUNT(*) FROM orders WHERE created_at > $1)
           + (SELECT COUNT(*) FROM customers WHERE created_at > $1)
           + (SELECT COUNT(*) FROM events WHERE occurred_at > $1) AS n`,
        [NOW],
      );
      expect(Number(later?.n)).toBe(0);
      // Orders keep the shop's hours: Vietnamese evenings, not the hour the demo was made at.
      const hours = await store.engine.all<{ h: number; n: number }>(
        `SELECT EXTRACT(HOUR FROM created_at + INTERVAL 7 HOUR) AS h, COUNT(*) AS n FROM orders GROUP BY 1`,
      );
      const at = (h: number) => Number(hours.find((r) => Number(r.h) === h)?.n ?? 0);
      expect(at(21)).toBeGreaterThan(4 * at(3));

      const { report } = await runAnalysis({ kind: 'store', ctx }, { shopId: 'demo', lang: 'vi' });
      // The last 30 days sell at least as well as the average 30 days of the year (the shop grows).
      const [recent] = await store.engine.all<{ n: number }>(
        `SELECT COUNT(*) AS n FROM orders WHERE created_at > $1 AND status IN ('paid', 'delivered')`,
        [new Date(NOW.getTime() - 30 * DAY)],
      );
      const perThirtyDays = ((report.kpis.orders ?? 0) * 30) / 365;
      expect(Number(recent?.n)).toBeGreaterThan(0.8 * perThirtyDays);
      // Every recent month has new customers, this one included.
      const cohorts = report.cohorts.rows.map((r) => [r.cohort, r.size] as const);
      expect(cohorts.slice(-3).map(([month]) => month)).toEqual(['2027-01', '2027-02', '2027-03']);
      expect(cohorts.slice(-3).every(([, size]) => size > 0)).toBe(true);
      const share = (id: string) => report.lifecycle.groups.find((g) => g.id === id)?.customerShare ?? 0;
      expect(share('new') + share('loyal') + share('premium')).toBeGreaterThan(share('churned') / 2);
    } finally {
      await store.close();
    }
  }, 120_000);

  it("ends on --until in the shop's own time zone", async () => {
    const store = await openStore({ db: ':memory:' });
    const ctx = makeContext(store, { clock: manualClock(NOW) });
    try {
      await store.ensureShop({ shopId: 'ny', name: 'NY', timezone: 'America/New_York' });
      const outcome = await runDemo(ctx, { shopId: 'ny', customers: 50, seed: 1, until: '2027-01-10' });
      expect(new Date(outcome.shop.until)).toEqual(new Date('2027-01-11T00:00:00-05:00'));
      expect(outcome.summary.lastOrderAt!.getTime()).toBeLessThan(outcome.shop.until);
      await expect(
        runDemo(ctx, { shopId: 'ny', customers: 50, seed: 1, until: '2027-02-30' }),
      ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('until') });
    } finally {
      await store.close();
    }
  });

  it('`nurture generate` without --until ends today, and names --until when it is not a date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-gen-'));
    const before = localDay(new Date(), ZONE);
    const r = await cli('generate', '--customers', '30', '--seed', '5', '--out', dir);
    const after = localDay(new Date(), ZONE);
    expect(r.code, r.err).toBe(0);
    const last = /lịch sử \d{4}-\d\d-\d\d → (\d{4}-\d\d-\d\d)/.exec(r.out)?.[1];
    expect([before, after]).toContain(last);
    const bad = await cli('generate', '--out', dir, '--until', '2027-02-30');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--until');
  });
});
