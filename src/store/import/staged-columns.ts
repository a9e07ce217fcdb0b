/**
 * Helpers of the import writer: staging-table columns (arrays of values, one per column) and the
 * SQL that reads them back.
 */
import type { SqlValue } from '../engine.js';
import type { StagingTable } from '../staging.js';

/** One empty value array per column of a staging table. */
export function columns(table: StagingTable): SqlValue[][] {
  return table.columns.map(() => []);
}

/** Appends one row's values to the column arrays. */
export function push(cols: SqlValue[][], values: readonly SqlValue[]): void {
  for (let i = 0; i < values.length; i++) cols[i]!.push(values[i] ?? null);
}

/** Index of a staging table's column, checked once at load time. */
export function columnIndex(table: StagingTable, name: string): number {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`${table.name} has no column ${name}`);
  return i;
}

/** A date as epoch milliseconds, the form staging tables hold times in. */
export const ms = (d: Date | undefined): number | null => (d ? d.getTime() : null);

/** A staged amount as the store's exact money type. */
export const money = (c: string): string => `CAST(${c} AS DECIMAL(18,2))`;
