import type { Dialect, SqlValue } from '../engine.js';

/** Rows (one array per row) as the column-major data `stage` and `load` take. */
export function toColumns(rows: readonly (readonly SqlValue[])[], width: number): SqlValue[][] {
  const cols: SqlValue[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) cols[i]!.push(row[i] ?? null);
  return cols;
}

/**
 * How an `INSERT … SELECT … FROM <staged rows> s` skips the rows whose unique keys the table
 * holds already (a run's entry key, a message's source key, an event's dedupe key): PostgreSQL
 * says `ON CONFLICT DO NOTHING` (concurrent workers: its unique index decides); DuckDB filters
 * with an anti-join instead, because its ON CONFLICT costs grow with the table (DuckDB 1.5: 500
 * rows into a table of 1,000,000 take ~1 s, as an anti-join ~20 ms; 50,000 runs into 200,000
 * take 16 s instead of 0.4 s). One process writes a DuckDB file, so nothing can slip in between
 * the check and the insert but a transaction of the same process, whose commit then fails on the
 * unique index: nothing is duplicated either way. `keys`: each unique key's columns besides
 * `shop_id` ($1), named alike in the table and in `s`. Put `where` after `FROM … s` and
 * `onConflict` at the statement's end.
 */
export function skipExisting(
  dialect: Dialect,
  table: string,
  keys: readonly (readonly string[])[],
): { where: string; onConflict: string } {
  if (dialect === 'postgres') return { where: '', onConflict: 'ON CONFLICT DO NOTHING' };
  const exists = keys.map(
    (cols) =>
      `NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.shop_id = $1 AND ${cols.map((c) => `t.${c} = s.${c}`).join(' AND ')})`,
  );
  return { where: `WHERE ${exists.join(' AND ')}`, onConflict: '' };
}
