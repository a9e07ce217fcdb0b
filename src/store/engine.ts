/**
 * The storage port at its lowest level: an SQL engine that both DuckDB and PostgreSQL implement.
 * SQL above this seam is written once, in the subset both engines run, with `$1…` parameters.
 */
export type SqlValue = string | number | boolean | null | Date;
export type Row = Record<string, unknown>;

/** Column kinds for bulk loads. Money travels as text and is cast to DECIMAL in SQL. */
export type LoadColumnType = 'text' | 'integer' | 'double' | 'boolean' | 'timestamp';

export interface LoadColumn {
  name: string;
  type: LoadColumnType;
}

export type Dialect = 'duckdb' | 'postgres';

export interface SqlEngine {
  readonly dialect: Dialect;
  /** Runs a query and returns its rows; integers and decimals come back as numbers, DATE as 'YYYY-MM-DD'. */
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Appends rows (column-major) to an existing table; the fast path for imports. */
  load(table: string, columns: readonly LoadColumn[], data: readonly (readonly SqlValue[])[]): Promise<void>;
  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (engine: SqlEngine) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Column-major data for `load`, one array per column. */
export function emptyColumns(count: number): SqlValue[][] {
  return Array.from({ length: count }, () => []);
}
