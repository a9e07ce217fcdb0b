import type { Dialect, SqlEngine } from '../engine.js';
import { sqlString } from './sql.js';

/** SQL fragments whose best form differs between the engines. */
export interface DialectSql {
  /**
   * Aggregate: `value` of the group's earliest row (smallest `time`); of several rows at that
   * instant, the largest value. `value` is money (at most two decimals, as DECIMAL(18,2)).
   */
  firstByTime(value: string, time: string): string;
  /** Aggregate: the group's values sorted by byte order and joined with `separator` (a SQL literal). */
  sortedList(value: string, separator: string): string;
}

/** 10^19: the weight of a microsecond in DuckDB's first-value key (see `dialectSql`). */
const FIRST_KEY_SCALE = '10000000000000000000';

/**
 * The one place where the analytics SQL differs between engines; everything else is written once.
 * PostgreSQL has neither `arg_min` nor list functions. In DuckDB, an ordered `array_agg(…)[1]` is an
 * order of magnitude slower than `arg_min`, and an ordered `string_agg` several times slower than
 * sorting a list. Both forms give the same result on both engines: the first value orders by (time,
 * value descending), whose ties have one value, and both sort in byte order (PostgreSQL told so by
 * COLLATE "C").
 *
 * DuckDB's first value is `arg_min` over one HUGEINT key, epoch microseconds × 10^19 − cents: the
 * cents of a DECIMAL(18,2) are below 10^18 in magnitude, so the key orders as (time, value
 * descending). A struct key (time, order id), the tie-break before, cost about 1 CPU s more at
 * 10M orders: structs compare field by field, and the id column had to be read.
 */
export function dialectSql(dialect: Dialect): DialectSql {
  if (dialect === 'duckdb')
    return {
      firstByTime: (value, time) =>
        `arg_min(${value}, CAST(epoch_us(${time}) AS HUGEINT) * ${FIRST_KEY_SCALE} - ${centsSql(value)})`,
      sortedList: (value, separator) => `array_to_string(list_sort(list(${value})), ${separator})`,
    };
  return {
    firstByTime: (value, time) => `(array_agg(${value} ORDER BY ${time}, ${value} DESC))[1]`,
    sortedList: (value, separator) => `string_agg(${value}, ${separator} ORDER BY ${value} COLLATE "C")`,
  };
}

/**
 * The cents of a DECIMAL(18,2) as a BIGINT, exactly. `value * 100` keeps the type DECIMAL(18,2) in
 * DuckDB and overflows above 10^14; whole units and the fraction apart do not (a wider DECIMAL
 * would, but its casts cost four times as much).
 */
function centsSql(value: string): string {
  return `(CAST(${value} - ${value} % 1 AS BIGINT) * 100 + CAST(${value} % 1 * 100 AS BIGINT))`;
}

/**
 * Runs `fn` with DuckDB's hash joins built on the side the SQL puts on the right (the build side
 * optimizer off), then restores the setting; PostgreSQL runs `fn` as is. For statements that read
 * a table written earlier in the same transaction: DuckDB estimates such a table at 0 rows, so the
 * optimizer builds every hash join with it on it, rows and all — in the full recompute, the 1M
 * staged rows with their 16 columns under the 100k referral counts (and under the event
 * streaks, even with no events). The SQL such a statement runs must put the smaller input of
 * each join on the right.
 */
export async function withJoinsAsWritten<T>(engine: SqlEngine, fn: () => Promise<T>): Promise<T> {
  if (engine.dialect !== 'duckdb') return fn();
  const [row] = await engine.all<{ value: string | null }>(
    "SELECT current_setting('disabled_optimizers') AS value",
  );
  const before = row?.value ?? '';
  const disabled = [...before.split(',').filter((o) => o.trim() !== ''), 'build_side_probe_side'];
  await engine.run(`SET disabled_optimizers = ${sqlString(disabled.join(','))}`);
  try {
    return await fn();
  } finally {
    await engine.run(`SET disabled_optimizers = ${sqlString(before)}`);
  }
}
