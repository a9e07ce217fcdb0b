import { describe, expect, it } from 'vitest';
import { resolveAnalyticsConfig } from '../../src/domain/analytics/config.js';
import { transitions } from '../../src/store/analytics/metrics.js';
import { recomputeScores } from '../../src/store/analytics/scores.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { type Batch, customer, importBatches, order, SHOP, vn } from './fixtures.js';

const K = (i: number) => `+8490000010${i}`;

const CONFIG = resolveAnalyticsConfig({
  thresholds: { activeDays: 30, highValue: 200_000, frequentGapDays: 20 },
});
const FROM = vn('2026-01-15');
const TO = vn('2026-03-01');

/**
 * K1 bought on 10 Jan and stopped; K2 bought on 5 Jan and again on 25 Feb (a larger order); K3 bought
 * a 300k order on 1 Dec; K4 joined on 1 Feb and bought on 10 Feb; K5 registered in December and never
 * bought.
 */
const DATA: Batch = {
  customers: [
    customer(K(4), { createdAt: vn('2026-02-01') }),
    customer(K(5), { createdAt: vn('2025-12-01') }),
  ],
  orders: [
    order({ id: 'K1', phone: K(1), at: vn('2026-01-10'), total: 100_000 }),
    order({ id: 'K2a', phone: K(2), at: vn('2026-01-05'), total: 100_000 }),
    order({ id: 'K2b', phone: K(2), at: vn('2026-02-25'), total: 250_000 }),
    order({ id: 'K3', phone: K(3), at: vn('2025-12-01'), total: 300_000 }),
    order({ id: 'K4', phone: K(4), at: vn('2026-02-10'), total: 150_000 }),
  ],
};

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`transitions on ${engine.title}`, () => {
    const open = () => engine.open(new TestClock(Date.UTC(2026, 0, 1)));

    it('counts lifecycle moves between two dates', async () => {
      const store = await open();
      await importBatches(store, [DATA]);
      const m = await transitions(store.engine, SHOP, 'lifecycle', FROM, TO, CONFIG);
      // 15 Jan — buyers K1 (5 days), K2 (10), K3 (45 > 30: churned); K5 a prospect; K4 not yet there.
      // 1 Mar — R: K2 4 days → 3 worse → 1+floor(15/4) = 4; F: K2 2 orders → 4; M: K2 350k → 4; FM 4:
      //   RFM loyal → lifecycle loyal. K4 (19 days, 150k < 200k): new. K1 50 days, K3 90: churned.
      expect(m.cells).toEqual([
        { from: 'prospect', to: 'prospect', customers: 1 },
        { from: 'new', to: 'loyal', customers: 1 },
        { from: 'new', to: 'churned', customers: 1 },
        { from: 'churned', to: 'churned', customers: 1 },
        { from: null, to: 'new', customers: 1 },
      ]);
      expect({ stayed: m.stayed, moved: m.moved, entered: m.entered }).toEqual({
        stayed: 2,
        moved: 2,
        entered: 1,
      });
      expect(m.groups).toEqual(['prospect', 'new', 'standard', 'premium', 'loyal', 'churned']);
      // matrix rows: groups then "not a customer yet"; columns: groups
      expect(m.matrix[1]).toEqual([0, 0, 0, 0, 1, 1]);
      expect(m.matrix[6]).toEqual([0, 1, 0, 0, 0, 0]);
      await store.close();
    });

    it('counts value-group moves between two dates', async () => {
      const store = await open();
      await importBatches(store, [DATA]);
      const m = await transitions(store.engine, SHOP, 'value', FROM, TO, CONFIG);
      // 15 Jan: K1, K2 active and low value → focus_low_value; K3 inactive, one 300k order → win_back.
      // 1 Mar: K1 inactive, one 100k order → needs_attention; K2 active, AOV 175k, gap 51 days →
      // focus_low_value; K3 still win_back; K4 focus_low_value; K5 ignore throughout.
      expect(m.cells).toEqual([
        { from: 'ignore', to: 'ignore', customers: 1 },
        { from: 'win_back', to: 'win_back', customers: 1 },
        { from: 'focus_low_value', to: 'needs_attention', customers: 1 },
        { from: 'focus_low_value', to: 'focus_low_value', customers: 1 },
        { from: null, to: 'focus_low_value', customers: 1 },
      ]);
      expect({ stayed: m.stayed, moved: m.moved, entered: m.entered }).toEqual({
        stayed: 3,
        moved: 1,
        entered: 1,
      });
      await store.close();
    });

    it('ends on the groups recomputeScores gives for the same day', async () => {
      const store = await open();
      await importBatches(store, [DATA]);
      await recomputeScores(store.engine, SHOP, TO, CONFIG);
      const stored = await store.engine.all<{ lifecycle: string; n: number }>(
        'SELECT lifecycle, COUNT(*) AS n FROM customer_stats WHERE shop_id = $1 GROUP BY lifecycle',
        [SHOP],
      );
      const m = await transitions(store.engine, SHOP, 'lifecycle', FROM, TO, CONFIG);
      const ends = new Map<string, number>();
      for (const c of m.cells) ends.set(c.to, (ends.get(c.to) ?? 0) + c.customers);
      expect(Object.fromEntries(ends)).toEqual(
        Object.fromEntries(stored.map((r) => [r.lifecycle, Number(r.n)])),
      );
      await store.close();
    });
  });
}
