/**
 * FanoutReads on DuckDB connections of one database: a request's plain reads go to a free
 * connection when its home is busy (a long transaction there does not hold them up), and after
 * its first write or temporary table every statement stays home, where that table lives.
 */
import { describe, expect, it } from 'vitest';
import type { SqlEngine } from '../../src/store/engine.js';
import { FanoutReads } from '../../src/store/fanout-reads.js';
import { openStore } from '../../src/store/store.js';

describe('reads fanned out over DuckDB connections', () => {
  it('reads on a free connection while home is busy, and stays home once pinned', async () => {
    const store = await openStore({ db: ':memory:' });
    try {
      await store.ensureShop({ shopId: 'shop-f' });
      const home = (await store.separateConnection()).engine;
      const other = (await store.separateConnection()).engine;
      const busy = new Map<SqlEngine, number>();
      const fan = new FanoutReads(home, [home, other], busy);

      // Home holds a transaction open: a plain read is not held up by it.
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      busy.set(home, 1);
      const long = home.transaction(async (tx) => {
        await tx.run("UPDATE shops SET name = 'held' WHERE shop_id = 'shop-f'");
        await held;
      });
      const rows = await fan.all<{ name: string }>("SELECT name FROM shops WHERE shop_id = 'shop-f'");
      expect(rows).toHaveLength(1);
      expect(rows[0]!.name).not.toBe('held');
      release();
      await long;
      busy.set(home, 0);

      // A temporary table made through it is read back: every later statement runs at home.
      busy.set(home, 5); // home looks busy: an unpinned read would go elsewhere
      await fan.run('CREATE TEMPORARY TABLE fan_scratch AS SELECT 42 AS answer');
      const answer = await fan.all<{ answer: number }>('SELECT answer FROM fan_scratch');
      expect(answer).toEqual([{ answer: 42 }]);
      await expect(other.all('SELECT answer FROM fan_scratch')).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it("spreads one request's reads evenly over the connections no other request is using", async () => {
    const store = await openStore({ db: ':memory:' });
    try {
      const [a, b, c] = await Promise.all(
        [1, 2, 3].map(async () => (await store.separateConnection()).engine),
      );
      const pool = [a!, b!, c!];
      const busy = new Map<SqlEngine, number>();
      const counts = () => pool.map((e) => busy.get(e) ?? 0);

      // Six reads issued together (as a page issues them): two on each connection, not four at home.
      const alone = new FanoutReads(a!, pool, busy);
      const reads = Array.from({ length: 6 }, (_, i) => alone.all<{ n: number }>(`SELECT ${i} AS n`));
      expect(counts()).toEqual([2, 2, 2]);
      expect((await Promise.all(reads)).map((r) => r[0]!.n)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(counts()).toEqual([0, 0, 0]);

      // Another request's statement on b: as before, home, then an idle connection, then home.
      busy.set(b!, 1);
      const beside = new FanoutReads(a!, pool, busy);
      const more = Array.from({ length: 3 }, () => beside.all('SELECT 1 AS n'));
      expect(counts()).toEqual([2, 1, 1]);
      await Promise.all(more);
      expect(counts()).toEqual([0, 1, 0]);

      // Another request's statement at home (load): idle connections, then home, not spread evenly.
      busy.set(b!, 0);
      busy.set(a!, 1);
      const shared = new FanoutReads(a!, pool, busy);
      const queued = Array.from({ length: 4 }, () => shared.all('SELECT 1 AS n'));
      expect(counts()).toEqual([3, 1, 1]);
      await Promise.all(queued);
      expect(counts()).toEqual([1, 0, 0]);
    } finally {
      await store.close();
    }
  });
});
