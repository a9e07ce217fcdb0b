import { assertNever } from '../../errors.js';
import type { Dialect, SqlEngine, SqlValue } from '../engine.js';
import { HASHED_LOOKUP_TABLES, lookupHashFilter } from '../lookup-hash.js';
import { prepareStage, type StagingTable } from '../staging.js';

/**
 * A set of customer ids to restrict statements to. Up to `INLINE_IDS` ids travel as parameters
 * (`IN ($2, $3, …)`, cheapest for one customer); more are loaded into a temporary table, which
 * lives on one connection, so callers run inside `engine.transaction`.
 */
export type IdScope =
  | { kind: 'all' }
  | { kind: 'inline'; ids: readonly string[] }
  | { kind: 'table'; table: string };

/** Ids at most this many go inline as parameters. */
export const INLINE_IDS = 200;

export const SCOPE_TABLE: StagingTable = {
  name: 'segment_scope_ids',
  columns: [{ name: 'customer_id', type: 'text' }],
};

/** Whether these ids (counted once each) travel inline as parameters rather than in a table. */
export function fitsInline(ids: readonly string[]): boolean {
  return new Set(ids).size <= INLINE_IDS;
}

/** Builds the scope of a refresh (stages the ids when there are many). */
export async function makeScope(engine: SqlEngine, ids: readonly string[] | undefined): Promise<IdScope> {
  if (ids === undefined) return { kind: 'all' };
  const unique = [...new Set(ids)];
  if (fitsInline(unique)) return { kind: 'inline', ids: unique };
  await prepareStage(engine, SCOPE_TABLE);
  await engine.load(SCOPE_TABLE.name, SCOPE_TABLE.columns, [unique]);
  return { kind: 'table', table: SCOPE_TABLE.name };
}

/** Appends `values` to a statement's `params` and returns their references (`$n`), in order. */
export function paramRefs(values: readonly SqlValue[], params: SqlValue[]): string[] {
  return values.map((value) => {
    params.push(value);
    return `$${params.length}`;
  });
}

/**
 * ` AND column IN (…)` for a scope, adding inline ids to `params` (which already hold the
 * statement's other parameters). Empty for the whole shop.
 */
export function scopeSql(scope: IdScope, column: string, params: SqlValue[]): string {
  switch (scope.kind) {
    case 'all':
      return '';
    case 'inline': {
      if (scope.ids.length === 0) return ' AND FALSE';
      return ` AND ${column} IN (${paramRefs(scope.ids, params).join(', ')})`;
    }
    case 'table':
      return ` AND ${column} IN (SELECT customer_id FROM ${scope.table})`;
    default:
      return assertNever(scope, 'scope');
  }
}

/**
 * A derived table of a shop's rows (`$1` is the shop id) whose `key` column is in the scope, as
 * `(SELECT columns FROM table WHERE …)`; `columns` must include `shop_id` when `key` is not it.
 *
 * Written so that each engine looks the keys up in an index instead of scanning (the per-customer
 * refresh must take milliseconds at a million customers). PostgreSQL's indexes start with
 * shop_id, so it gets both conditions. DuckDB's (migration 007) are on the key alone, and DuckDB
 * uses an ART index only when the key's condition is the scan's one filter: a second filter on
 * shop_id turns the lookup into a full scan. So the shop condition sits outside an `OFFSET 0`
 * fence, which DuckDB does not push filters through (PostgreSQL neither, which is why it is not
 * used there: its index would then be useless). Tables with a lookup hash on DuckDB
 * (customer_stats, segment_members, see store/lookup-hash.ts) are filtered on the hash inside the
 * fence (a scan of integers, or segment_members' index) and compared on the key outside. All
 * forms return the same rows.
 */
export function shopRowsSql(
  dialect: Dialect,
  table: string,
  columns: string,
  key: string,
  scope: IdScope,
  params: SqlValue[],
): string {
  if (scope.kind !== 'inline' || dialect === 'postgres')
    return `(SELECT ${columns} FROM ${table} WHERE shop_id = $1${scopeSql(scope, key, params)})`;
  if (key === 'customer_id' && HASHED_LOOKUP_TABLES.has(table) && scope.ids.length > 0) {
    // The hashes alone inside the fence (the index's one condition, or the scan's one filter);
    // the ids are compared on the rows found, since hashes collide.
    const refs = paramRefs(scope.ids, params);
    const inner = `SELECT ${columns} FROM ${table} WHERE TRUE${lookupHashFilter(refs)} OFFSET 0`;
    return `(SELECT * FROM (${inner}) fenced WHERE fenced.shop_id = $1 AND fenced.${key} IN (${refs.join(', ')}))`;
  }
  const inner = `SELECT ${columns} FROM ${table} WHERE TRUE${scopeSql(scope, key, params)} OFFSET 0`;
  return `(SELECT * FROM (${inner}) fenced WHERE fenced.shop_id = $1)`;
}
