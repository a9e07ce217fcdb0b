import type { SqlValue } from '../engine.js';

/** Rows (one array per row) as the column-major data `stage` and `load` take. */
export function toColumns(rows: readonly (readonly SqlValue[])[], width: number): SqlValue[][] {
  const cols: SqlValue[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) cols[i]!.push(row[i] ?? null);
  return cols;
}
