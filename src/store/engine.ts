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

/** Column-major rows for `load`: one array per column; undefined and null are NULL. */
export type LoadData = readonly (readonly (SqlValue | undefined)[])[];

export type Dialect = 'duckdb' | 'postgres';

export interface SqlEngine {
  readonly dialect: Dialect;
  /** Runs a query and returns its rows; integers and decimals come back as numbers, DATE as 'YYYY-MM-DD'. */
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Appends rows (column-major; undefined is NULL) to an existing table; the fast path for imports. */
  load(table: string, columns: readonly LoadColumn[], data: LoadData): Promise<void>;
  /**
   * Optional staging path (DuckDB): makes `name` a temporary relation holding exactly `data`,
   * for set-based statements to read (never to write). Callers fall back on a temporary table
   * filled with `load` (src/store/staging.ts).
   */
  stage?(name: string, columns: readonly LoadColumn[], data: LoadData): Promise<void>;
  /**
   * Optional (DuckDB): sets the engine up for one long bulk write while a parse worker takes a
   * core, and returns what undoes it. Callers without it need nothing.
   */
  tuneForBulkWrite?(): Promise<() => Promise<void>>;
  /**
   * Optional (DuckDB): another connection to the same database, whose queue and transactions are
   * its own, so that its work does not wait behind this connection's. PostgreSQL's engine is a
   * pool already: callers use it as it is.
   */
  connect?(): Promise<SqlEngine>;
  /**
   * Optional: what the connections of one database share (DuckDB: its first connection), for
   * caches that must see one database's changes whichever connection made them.
   */
  readonly database?: object;
  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (engine: SqlEngine) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Optional bulk path for numbers (DuckDB): a query whose columns are all DOUBLE PRECISION, as
   * one Float64Array per column (NULL is NaN). Callers fall back on `all` (src/store/clv/columns.ts).
   */
  readDoubles?(sql: string, params?: readonly SqlValue[]): Promise<Float64Array[]>;
  /**
   * Optional bulk path for numbers (DuckDB): appends equally long Float64Arrays to every column of
   * `table` (all DOUBLE PRECISION, in table order; NaN is NULL). Callers fall back on `load`.
   */
  appendDoubles?(table: string, data: readonly Float64Array[]): Promise<void>;
}

/** Column-major data for `load`, one array per column. */
export function emptyColumns(count: number): SqlValue[][] {
  return Array.from({ length: count }, () => []);
}

/**
 * Whether a statement failed on a unique or primary key (DuckDB's constraint error, PostgreSQL's
 * 23505): the transaction is aborted, and a caller that wrote optimistically writes it again.
 */
export function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { code?: unknown }).code === '23505') return true;
  const message = error instanceof Error ? error.message : '';
  return /Duplicate key .* violates (unique|primary key) constraint/i.test(message);
}
