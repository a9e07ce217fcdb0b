import { describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/store/duckdb/engine.js';

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('a DuckDB transaction', () => {
  it('keeps statements from elsewhere in the process out: they wait, and survive its rollback', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    try {
      await engine.run('CREATE TABLE t (v INTEGER)');
      let outsideDone = false;
      const tx = engine.transaction(async (t) => {
        await t.run('INSERT INTO t VALUES (1)');
        await pause(30);
        // The outside statement has not slipped in while this transaction was open.
        expect(outsideDone).toBe(false);
        expect(await t.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }]);
        // Calls on the engine itself from inside the callback (not only on `t`) join it.
        await engine.run('INSERT INTO t VALUES (2)');
        throw new Error('roll back');
      });
      await pause(5);
      const outside = engine.run('INSERT INTO t VALUES (3)').then(() => {
        outsideDone = true;
      });
      await expect(tx).rejects.toThrow('roll back');
      await outside;
      expect(await engine.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 3 }]);
    } finally {
      await engine.close();
    }
  });

  it('lets nested transactions join the outer one', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    try {
      await engine.run('CREATE TABLE t (v INTEGER)');
      await engine.transaction(async (t) => {
        await t.run('INSERT INTO t VALUES (1)');
        await engine.transaction(async (inner) => inner.run('INSERT INTO t VALUES (2)'));
      });
      expect(await engine.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    } finally {
      await engine.close();
    }
  });
});
