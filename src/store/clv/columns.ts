/**
 * Columns of numbers in and out of the store: the engine's bulk path when it has one (DuckDB:
 * whole vectors, see src/store/duckdb/doubles.ts), otherwise rows through `all` and `load`
 * (PostgreSQL: `load` sends one array parameter per column). NaN stands for NULL both ways.
 */
import type { SqlEngine, SqlValue } from '../engine.js';

/** A query whose columns are all DOUBLE PRECISION, as one Float64Array per column. */
export async function readNumberColumns(
  engine: SqlEngine,
  sql: string,
  columns: readonly string[],
  params: readonly SqlValue[] = [],
): Promise<Float64Array[]> {
  if (engine.readDoubles !== undefined) return engine.readDoubles(sql, params);
  const rows = await engine.all(sql, params);
  return columns.map((name) => {
    const out = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      const v = row[name];
      out[i] = v === null || v === undefined ? Number.NaN : Number(v);
    });
    return out;
  });
}

/** A temporary table of DOUBLE PRECISION columns, created once per connection and emptied. */
export async function prepareNumberTable(
  engine: SqlEngine,
  table: string,
  columns: readonly string[],
): Promise<void> {
  const cols = columns.map((c) => `${c} DOUBLE PRECISION`).join(', ');
  await engine.run(`CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (${cols})`);
  await engine.run(`DELETE FROM ${table}`);
}

/** Appends columns (every column of the table prepared by `prepareNumberTable`, in order). */
export async function appendNumberColumns(
  engine: SqlEngine,
  table: string,
  columns: readonly string[],
  data: readonly Float64Array[],
): Promise<void> {
  if (data.length !== columns.length)
    throw new Error(`${table}: ${data.length} columns for ${columns.length}`);
  if (engine.appendDoubles !== undefined) {
    await engine.appendDoubles(table, data);
    return;
  }
  await engine.load(
    table,
    columns.map((name) => ({ name, type: 'double' as const })),
    data.map((column) => Array.from(column, (v) => (Number.isNaN(v) ? null : v))),
  );
}
