import type { Dialect, SqlEngine } from '../engine.js';

/** SQL fragments whose best form differs between the engines. */
export interface DialectSql {
  /** Aggregate: `value` of the row with the smallest (time, id) of the group. */
  firstByTime(value: string, time: string, id: string): string;
  /** Aggregate: the group's values sorted by byte order and joined with `separator` (a SQL literal). */
  sortedList(value: string, separator: string): string;
}

/**
 * The one place where the analytics SQL differs between engines; everything else is written once.
 * PostgreSQL has neither `arg_min` nor list functions. In DuckDB, an ordered `array_agg(…)[1]` is an
 * order of magnitude slower than `arg_min`, and an ordered `string_agg` several times slower than
 * sorting a list. Both forms give the same result on both engines: ties of (time, id) cannot occur
 * (order ids are unique), and both sort in byte order (PostgreSQL told so by COLLATE "C").
 */
export function dialectSql(dialect: Dialect): DialectSql {
  if (dialect === 'duckdb')
    return {
      firstByTime: (value, time, id) => `arg_min(${value}, (${time}, ${id}))`,
      sortedList: (value, separator) => `array_to_string(list_sort(list(${value})), ${separator})`,
    };
  return {
    firstByTime: (value, time, id) => `(array_agg(${value} ORDER BY ${time}, ${id}))[1]`,
    sortedList: (value, separator) => `string_agg(${value}, ${separator} ORDER BY ${value} COLLATE "C")`,
  };
}

/**
 * Session settings for a bulk recompute, for the rest of the current transaction only. PostgreSQL's
 * default work_mem (4 MB) makes it sort and hash a million customers on disk, in batches; the
 * recompute's few big aggregates and joins get 256 MB each instead (SET LOCAL ends with the
 * transaction). DuckDB sizes its operators from its memory limit and needs nothing.
 */
export async function tuneForBulk(engine: SqlEngine): Promise<void> {
  if (engine.dialect === 'postgres') await engine.run("SET LOCAL work_mem = '256MB'");
}
