import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/store/duckdb/engine.js';

/*
 * The DuckDB engine keeps parameterised statements prepared (one per SQL text, least recently used
 * evicted). Reusing a statement must never change an answer: new values, NULLs, tables re-created
 * with another shape between two runs, texts of several statements, more texts than the cache
 * holds, and a failed statement inside a rolled-back transaction.
 */
describe('DuckDB prepared statements', () => {
  let engine: DuckDbEngine;
  beforeEach(async () => {
    engine = await DuckDbEngine.open(':memory:');
    await engine.run('CREATE TABLE t (k VARCHAR, v INTEGER)');
    await engine.run("INSERT INTO t VALUES ('a', 1), ('b', 2), ('c', NULL)");
  });
  afterEach(async () => {
    await engine.close();
  });

  it('binds each run’s own values, NULL included', async () => {
    const sql = 'SELECT k, v FROM t WHERE k = $1 OR v IS NOT DISTINCT FROM $2 ORDER BY k';
    expect(await engine.all(sql, ['a', 2])).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ]);
    expect(await engine.all(sql, ['c', null])).toEqual([{ k: 'c', v: null }]);
    expect(await engine.all(sql, ['z', 99])).toEqual([]);
  });

  it('reads a table re-created with another shape under the same statement text', async () => {
    const sql = 'SELECT * FROM tmp WHERE x >= $1 ORDER BY x';
    await engine.run('CREATE TEMPORARY TABLE tmp AS SELECT 1 AS x');
    expect(await engine.all(sql, [0])).toEqual([{ x: 1 }]);
    await engine.run('DROP TABLE tmp');
    await engine.run("CREATE TEMPORARY TABLE tmp AS SELECT 5 AS x, 'new' AS label");
    expect(await engine.all(sql, [0])).toEqual([{ x: 5, label: 'new' }]);
  });

  it('runs writes again with new values', async () => {
    const insert = 'INSERT INTO t (k, v) VALUES ($1, $2)';
    for (let i = 0; i < 5; i++) await engine.run(insert, [`n${i}`, i * 10]);
    const rows = await engine.all<{ k: string; v: number }>(
      "SELECT k, v FROM t WHERE k LIKE 'n%' ORDER BY k",
    );
    expect(rows.map((r) => [r.k, r.v])).toEqual([
      ['n0', 0],
      ['n1', 10],
      ['n2', 20],
      ['n3', 30],
      ['n4', 40],
    ]);
  });

  it('still runs a text of several statements with parameters on the last', async () => {
    const sql = "INSERT INTO t VALUES ('d', 4); SELECT k FROM t WHERE v = $1";
    expect(await engine.all(sql, [4])).toEqual([{ k: 'd' }]);
  });

  it('answers right past the cache’s capacity (eviction)', async () => {
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 300; i++) {
        const [row] = await engine.all<{ n: number }>(`SELECT $1 + ${i} AS n`, [round]);
        expect(row?.n).toBe(round + i);
      }
  });

  it('reuses a statement that failed inside a rolled-back transaction', async () => {
    const sql = 'SELECT CAST($1 AS INTEGER) AS n';
    await expect(engine.transaction((tx) => tx.all(sql, ['not a number']))).rejects.toThrow(/Conversion/);
    expect(await engine.all(sql, ['12'])).toEqual([{ n: 12 }]);
  });

  it('reports an error in the statement’s own words', async () => {
    await expect(engine.all('SELECT * FROM missing_table WHERE a = $1', [1])).rejects.toThrow(
      /missing_table/,
    );
  });
});
