import { assertNever } from '../../errors.js';
import type { SqlEngine, SqlValue } from '../engine.js';
import { lookupHashInsert } from '../lookup-hash.js';
import { prepareStage, type StagingTable } from '../staging.js';
import { type CompileScope, compileCondition, customersFrom, SqlParams } from './compile-sql.js';
import type { PreparedSegment } from './membership.js';
import { type IdScope, scopeSql } from './scope.js';

/**
 * The set-based membership refresh (many customers, or all): the compiled segment queries run in
 * the database, and the changes are found and written with set statements.
 */

/** How many customers entered and exited, per segment id. */
export interface ChangeCounts {
  entered: Map<string, number>;
  exited: Map<string, number>;
}

const pair = (name: string): StagingTable => ({
  name,
  columns: [
    { name: 'segment_id', type: 'text' },
    { name: 'customer_id', type: 'text' },
  ],
});
const MATCHES = pair('segment_refresh_matches');
const CHANGES: StagingTable = {
  name: 'segment_refresh_changes',
  columns: [...pair('').columns, { name: 'entered', type: 'boolean' }],
};
const FLAGS = 'segment_refresh_flags';

/** Segments evaluated by one statement (one flag column each). */
const FLAGS_PER_STATEMENT = 32;

function compileScope(scope: IdScope): CompileScope | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'inline':
      return { ids: scope.ids };
    case 'table':
      return { table: scope.table };
    default:
      return assertNever(scope, 'scope');
  }
}

/**
 * The set-based refresh. One pass over the customers evaluates every segment as a flag column
 * (the customers and their stats are joined once, however many segments); the matches are
 * compared with the current members in one full outer join; then the exits move to the history
 * and the entries are added.
 */
export async function refreshWithSql(
  tx: SqlEngine,
  shopId: string,
  segments: readonly PreparedSegment[],
  scope: IdScope,
  asOf: Date,
): Promise<ChangeCounts> {
  await prepareStage(tx, MATCHES);
  for (let start = 0; start < segments.length; start += FLAGS_PER_STATEMENT)
    await stageMatches(tx, shopId, segments.slice(start, start + FLAGS_PER_STATEMENT), scope);
  await prepareStage(tx, CHANGES);
  const params: SqlValue[] = [shopId, ...segments.map((s) => s.segmentId)];
  const segmentList = segments.map((_, i) => `$${i + 2}`).join(', ');
  const inScope = scopeSql(scope, 'customer_id', params);
  await tx.run(
    `INSERT INTO ${CHANGES.name} (segment_id, customer_id, entered)
     SELECT COALESCE(n.segment_id, m.segment_id), COALESCE(n.customer_id, m.customer_id), n.customer_id IS NOT NULL
     FROM ${MATCHES.name} n
     FULL OUTER JOIN (SELECT segment_id, customer_id FROM segment_members
       WHERE shop_id = $1 AND segment_id IN (${segmentList})${inScope}) m
       ON m.segment_id = n.segment_id AND m.customer_id = n.customer_id
     WHERE n.customer_id IS NULL OR m.customer_id IS NULL`,
    params,
  );
  const changes = await countChanges(tx);
  if (changes.exited.size > 0) await moveStagedExits(tx, shopId, asOf);
  if (changes.entered.size > 0) {
    const hash = lookupHashInsert(tx.dialect, 'customer_id');
    await tx.run(
      `INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at${hash.column})
       SELECT $1, segment_id, customer_id, $2${hash.value} FROM ${CHANGES.name} WHERE entered`,
      [shopId, asOf],
    );
  }
  return changes;
}

/** Evaluates some segments in one pass and stages their (segment, customer) matches. */
async function stageMatches(
  tx: SqlEngine,
  shopId: string,
  segments: readonly PreparedSegment[],
  scope: IdScope,
): Promise<void> {
  const params = new SqlParams(shopId);
  const restrict = compileScope(scope);
  const options = restrict ? { scope: restrict } : {};
  const flags = segments.map((s) => compileCondition(s.resolved, params, options));
  const sources = new Set(flags.flatMap((f) => [...f.sources]));
  const from = customersFrom(sources, params, options);
  await tx.run(`DROP TABLE IF EXISTS ${FLAGS}`);
  await tx.run(
    `CREATE TEMPORARY TABLE ${FLAGS} AS SELECT c.customer_id, ${flags.map((f, i) => `${f.sql} AS f${i}`).join(',\n  ')}\n${from}`,
    params.values,
  );
  const ids: SqlValue[] = segments.map((s) => s.segmentId);
  await tx.run(
    `INSERT INTO ${MATCHES.name} (segment_id, customer_id)
     ${segments.map((_, i) => `SELECT $${i + 1}, customer_id FROM ${FLAGS} WHERE f${i}`).join('\n     UNION ALL ')}`,
    ids,
  );
  await tx.run(`DROP TABLE ${FLAGS}`);
}

async function countChanges(tx: SqlEngine): Promise<ChangeCounts> {
  const rows = await tx.all<{ segment_id: string; entered: boolean; n: number }>(
    `SELECT segment_id, entered, COUNT(*) AS n FROM ${CHANGES.name} GROUP BY segment_id, entered`,
  );
  const changes: ChangeCounts = { entered: new Map(), exited: new Map() };
  for (const r of rows) (r.entered ? changes.entered : changes.exited).set(r.segment_id, Number(r.n));
  return changes;
}

/**
 * Moves the staged exits from the current members to the history, closed at `asOf`. The stays are
 * found with a row-value `IN`, which both engines run as one hash semi-join; DuckDB plans the
 * equivalent correlated `EXISTS` as a delim join that first groups every current stay (5.4M at
 * 1M customers: 2.3 s for 5,000 exits, against 0.11 s).
 */
async function moveStagedExits(tx: SqlEngine, shopId: string, asOf: Date): Promise<void> {
  const isExit = `(segment_id, customer_id) IN (SELECT x.segment_id, x.customer_id FROM ${CHANGES.name} x WHERE NOT x.entered)`;
  await tx.run(
    `INSERT INTO segment_membership_history (shop_id, segment_id, customer_id, entered_at, exited_at)
     SELECT shop_id, segment_id, customer_id, entered_at, GREATEST($2, entered_at) FROM segment_members
     WHERE shop_id = $1 AND ${isExit}`,
    [shopId, asOf],
  );
  await tx.run(`DELETE FROM segment_members WHERE shop_id = $1 AND ${isExit}`, [shopId]);
}
