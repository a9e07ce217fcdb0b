import { assertTimeZone } from '../../domain/analytics/calendar.js';
import {
  isTimeDependent,
  matches,
  mergeNeeds,
  needsOf,
  parseSegmentQuery,
  QueryError,
  type RecordNeeds,
  type ResolvedQuery,
  resolveQuery,
  type SegmentQuery,
} from '../../domain/segments/index.js';
import { assertNever, NurtureError } from '../../errors.js';
import { tuneForBulk } from '../bulk.js';
import type { Dialect, SqlEngine, SqlValue } from '../engine.js';
import { lookupHashFilter, lookupHashInsert } from '../lookup-hash.js';
import { prepareStage, type StagingTable } from '../staging.js';
import { type CompileScope, compileCondition, customersFrom, SqlParams } from './compile-sql.js';
import { compareText, loadRefreshInputs } from './records.js';
import { fitsInline, type IdScope, makeScope, paramRefs, scopeSql } from './scope.js';

/**
 * Segment membership and its history. A customer's stay in a segment is a row of
 * `segment_members` from the refresh that first found them matching (`entered_at`); when a later
 * refresh finds them no longer matching, the row moves to `segment_membership_history` with its
 * `exited_at`. Two ways keep it fresh, and they agree:
 *
 * - per customer, when a customer's data changed (an imported order or event): the customers'
 *   records are loaded and every segment is evaluated in memory (few customers), or the compiled
 *   SQL runs restricted to them (many customers);
 * - a full pass over all customers, for conditions that drift with time (`last_order_date < -90d`
 *   turns true one day without any new data) and after scores are recomputed.
 *
 * A stay never ends before it began: a refresh as of a moment before a stay's entry closes it at
 * its entry.
 */

export interface RefreshMembershipOptions {
  /** The moment of the refresh: relative dates count from it and history rows carry it. */
  asOf: Date;
  /** Refresh only these customers (their data changed); all customers without. */
  customerIds?: readonly string[];
  /** Which segments: all (default), those whose answer drifts with time, or these ids. */
  segments?: 'all' | 'time-dependent' | readonly string[];
  /**
   * How: 'memory' loads the customers and evaluates in memory, 'sql' runs the compiled queries;
   * 'auto' (default) takes memory for a few customers, SQL otherwise.
   */
  strategy?: 'auto' | 'memory' | 'sql';
}

export interface SegmentChanges {
  segmentId: string;
  name: string;
  entered: number;
  exited: number;
}

export interface RefreshMembershipResult {
  mode: 'full' | 'customers';
  strategy: 'memory' | 'sql';
  segments: number;
  entered: number;
  exited: number;
  bySegment: SegmentChanges[];
  /** Saved segments whose query no longer parses (they are left as they were). */
  skipped: { segmentId: string; name: string; reason: string }[];
  /**
   * Saved segments whose query the database failed to run (`refreshSegmentsApart`): left as they
   * were, with the database's error; the others were refreshed.
   */
  failed: { segmentId: string; name: string; reason: string }[];
}

/** A saved segment ready to evaluate. */
export interface PreparedSegment {
  segmentId: string;
  name: string;
  query: SegmentQuery;
  resolved: ResolvedQuery;
}

const parsed = new Map<string, SegmentQuery | QueryError>();
const PARSE_CACHE_SIZE = 2_000;

/** Parses a saved query once per process (queries are immutable text). */
export function parseCached(text: string): SegmentQuery {
  let hit = parsed.get(text);
  if (hit === undefined) {
    try {
      hit = parseSegmentQuery(text);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      hit = error;
    }
    if (parsed.size >= PARSE_CACHE_SIZE) parsed.clear();
    parsed.set(text, hit);
  }
  if (hit instanceof QueryError) throw hit;
  return hit;
}

/**
 * Brings segment membership up to date as of `asOf`, for all customers or some, and records who
 * entered and who left. Runs in one transaction (inside the caller's, if any), except the
 * per-customer refresh on PostgreSQL outside a caller's transaction: its reads need none and its
 * writes are atomic statements (`writeChangesPostgres`).
 */
export async function refreshMembership(
  engine: SqlEngine,
  shopId: string,
  options: RefreshMembershipOptions,
): Promise<RefreshMembershipResult> {
  const ids = options.customerIds;
  const mode = ids === undefined ? 'full' : 'customers';
  const strategy = chooseStrategy(options.strategy ?? 'auto', ids);
  const empty = {
    mode,
    strategy,
    segments: 0,
    entered: 0,
    exited: 0,
    bySegment: [],
    skipped: [],
    failed: [],
  } as const;
  if (ids !== undefined && ids.length === 0) return { ...empty, bySegment: [], skipped: [], failed: [] };
  // PostgreSQL runs the per-customer refresh without a transaction of its own: its reads need
  // none and its writes are one statement per chunk of changes (see `writeChangesPostgres`), which
  // saves the BEGIN and COMMIT round trips.
  // (Many ids are staged in a temporary table, which lives on one connection: a transaction.)
  const inOwnTransaction =
    strategy === 'sql' || engine.dialect === 'duckdb' || (ids !== undefined && !fitsInline(ids));
  const refresh = async (tx: SqlEngine): Promise<RefreshMembershipResult> => {
    if (strategy === 'sql') await tuneForBulk(tx);
    const scope = await makeScope(tx, ids);
    const prefetched = strategy === 'memory' && !inOwnTransaction ? prefetch(tx, shopId, scope) : undefined;
    const { prepared, skipped } = await prepareSegments(tx, shopId, options);
    if (prepared.length === 0) {
      await prefetched?.inputs.catch(() => undefined);
      return { ...empty, bySegment: [], skipped, failed: [] };
    }
    const changes =
      strategy === 'memory'
        ? await refreshInMemory(tx, shopId, prepared, scope, options.asOf, prefetched)
        : await refreshWithSql(tx, shopId, prepared, scope, options.asOf);
    if (mode === 'full')
      await tx.run(
        `UPDATE segments SET refreshed_at = $2 WHERE shop_id = $1 AND segment_id IN (${prepared.map((_, i) => `$${i + 3}`).join(', ')})`,
        [shopId, options.asOf, ...prepared.map((p) => p.segmentId)],
      );
    const bySegment = prepared.map((p) => ({
      segmentId: p.segmentId,
      name: p.name,
      entered: changes.entered.get(p.segmentId) ?? 0,
      exited: changes.exited.get(p.segmentId) ?? 0,
    }));
    const sum = (k: 'entered' | 'exited') => bySegment.reduce((s, b) => s + b[k], 0);
    return {
      mode,
      strategy,
      segments: prepared.length,
      entered: sum('entered'),
      exited: sum('exited'),
      bySegment,
      skipped,
      failed: [],
    };
  };
  return inOwnTransaction ? engine.transaction(refresh) : refresh(engine);
}

/**
 * A full refresh in which one segment that the database fails to run (a saved query too deep for
 * DuckDB, too many parameters for PostgreSQL) does not stop the others: the segments are refreshed
 * together in one transaction as `refreshMembership` does; if that fails, each is refreshed in a
 * transaction of its own, and the ones that fail again are reported in `failed` with the
 * database's error and left as they were. Call it outside any transaction (a failed statement
 * aborts a PostgreSQL transaction). A NurtureError (no such shop) is thrown as it is.
 */
export async function refreshSegmentsApart(
  engine: SqlEngine,
  shopId: string,
  options: Omit<RefreshMembershipOptions, 'customerIds'>,
): Promise<RefreshMembershipResult> {
  try {
    return await refreshMembership(engine, shopId, options);
  } catch (error) {
    if (error instanceof NurtureError) throw error;
  }
  const { prepared, skipped } = await prepareSegments(engine, shopId, options);
  const results: RefreshMembershipResult[] = [];
  const failed: RefreshMembershipResult['failed'] = [];
  for (const p of prepared) {
    try {
      results.push(await refreshMembership(engine, shopId, { ...options, segments: [p.segmentId] }));
    } catch (error) {
      if (error instanceof NurtureError) throw error;
      failed.push({ segmentId: p.segmentId, name: p.name, reason: databaseMessage(error) });
    }
  }
  const bySegment = results.flatMap((r) => r.bySegment);
  return {
    mode: 'full',
    strategy: options.strategy === 'memory' ? 'memory' : 'sql',
    segments: bySegment.length,
    entered: bySegment.reduce((n, b) => n + b.entered, 0),
    exited: bySegment.reduce((n, b) => n + b.exited, 0),
    bySegment,
    skipped,
    failed,
  };
}

/** The first line of a database error (DuckDB appends hints about settings a user cannot change here). */
export function databaseMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? text;
  return line.replace(/ Use "SET [^"]*" to .*$/, '');
}

function chooseStrategy(
  wanted: 'auto' | 'memory' | 'sql',
  ids: readonly string[] | undefined,
): 'memory' | 'sql' {
  if (wanted !== 'auto') return wanted;
  return ids !== undefined && fitsInline(ids) ? 'memory' : 'sql';
}

/** The segments to refresh, parsed and resolved as of `asOf`. */
export async function prepareSegments(
  engine: SqlEngine,
  shopId: string,
  options: Pick<RefreshMembershipOptions, 'asOf' | 'segments'>,
): Promise<{ prepared: PreparedSegment[]; skipped: RefreshMembershipResult['skipped'] }> {
  const which = options.segments ?? 'all';
  const params: SqlValue[] = [shopId];
  let filter = '';
  if (Array.isArray(which)) {
    if (which.length === 0) return { prepared: [], skipped: [] };
    filter = ` AND g.segment_id IN (${paramRefs(which, params).join(', ')})`;
  }
  // The shop's time zone and its segments in one round trip (this runs after every import).
  const rows = await engine.all<{ timezone: string; segment_id: string | null; name: string; query: string }>(
    `SELECT s.timezone, g.segment_id, g.name, g.query FROM shops s
     LEFT JOIN segments g ON g.shop_id = s.shop_id${filter}
     WHERE s.shop_id = $1`,
    params,
  );
  // Sorted here: DuckDB's sort costs milliseconds even for a few rows (this runs after every import).
  rows.sort((a, b) => compareText(a.segment_id ?? '', b.segment_id ?? ''));
  const first = rows[0];
  if (!first) throw new NurtureError('not_found', `no shop '${shopId}' in this database`);
  const timeZone = assertTimeZone(first.timezone);
  const prepared: PreparedSegment[] = [];
  const skipped: RefreshMembershipResult['skipped'] = [];
  for (const r of rows) {
    if (r.segment_id === null) continue;
    try {
      const query = parseCached(r.query);
      if (which === 'time-dependent' && !isTimeDependent(query.condition)) continue;
      const resolved = resolveQuery(query, { asOf: options.asOf, timeZone });
      prepared.push({ segmentId: r.segment_id, name: r.name, query, resolved });
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      skipped.push({ segmentId: r.segment_id, name: r.name, reason: error.message });
    }
  }
  return { prepared, skipped };
}

interface Changes {
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
async function refreshWithSql(
  tx: SqlEngine,
  shopId: string,
  segments: readonly PreparedSegment[],
  scope: IdScope,
  asOf: Date,
): Promise<Changes> {
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

async function countChanges(tx: SqlEngine): Promise<Changes> {
  const rows = await tx.all<{ segment_id: string; entered: boolean; n: number }>(
    `SELECT segment_id, entered, COUNT(*) AS n FROM ${CHANGES.name} GROUP BY segment_id, entered`,
  );
  const changes: Changes = { entered: new Map(), exited: new Map() };
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

type RefreshInputs = Awaited<ReturnType<typeof loadRefreshInputs>>;

/** Inputs read while the segments are, with the parts a shop's segments read last time. */
interface Prefetch {
  needs: RecordNeeds;
  inputs: Promise<RefreshInputs>;
}

/** The parts of a record each shop's segments read at its last per-customer refresh. */
const lastNeeds = new Map<string, RecordNeeds>();
const LAST_NEEDS_SIZE = 1_000;

/**
 * PostgreSQL: starts reading the customers' inputs at once, on other pooled connections, with the
 * parts the shop's segments read last time, so that the reads do not wait for the list of
 * segments. `refreshInMemory` uses them if they cover what the segments read now (they do unless
 * a segment changed), and reads again otherwise. None for a shop not seen yet.
 */
function prefetch(engine: SqlEngine, shopId: string, scope: IdScope): Prefetch | undefined {
  const needs = lastNeeds.get(shopId);
  if (needs === undefined) return undefined;
  return { needs, inputs: loadRefreshInputs(engine, shopId, scope, needs) };
}

function covers(have: RecordNeeds, want: RecordNeeds): boolean {
  return (Object.keys(want) as (keyof RecordNeeds)[]).every((k) => !want[k] || have[k]);
}

/** The per-customer refresh: load the customers and their stays, evaluate every segment in memory, diff. */
async function refreshInMemory(
  tx: SqlEngine,
  shopId: string,
  segments: readonly PreparedSegment[],
  scope: IdScope,
  asOf: Date,
  prefetched?: Prefetch,
): Promise<Changes> {
  const needs = mergeNeeds(segments.map((s) => needsOf(s.query.condition)));
  if (lastNeeds.size >= LAST_NEEDS_SIZE) lastNeeds.clear();
  lastNeeds.set(shopId, needs);
  const usable = prefetched !== undefined && covers(prefetched.needs, needs);
  if (prefetched && !usable) await prefetched.inputs.catch(() => undefined);
  const { customers, stays } = usable
    ? await prefetched.inputs
    : await loadRefreshInputs(tx, shopId, scope, needs);
  const wanted = new Set<string>();
  for (const c of customers)
    for (const s of segments) if (matches(s.resolved, c)) wanted.add(pairKey(s.segmentId, c.customerId));
  const refreshed = new Set(segments.map((s) => s.segmentId));
  const current = new Map(
    stays
      .filter((s) => refreshed.has(s.segmentId))
      .map((s) => [pairKey(s.segmentId, s.customerId), s.enteredAt]),
  );
  const entries = [...wanted].filter((k) => !current.has(k)).map(splitKey);
  const exits = [...current]
    .filter(([k]) => !wanted.has(k))
    .map(([k, enteredAt]) => ({ key: splitKey(k), enteredAt }));
  if (tx.dialect === 'postgres') await writeChangesPostgres(tx, shopId, exits, entries, asOf);
  else {
    await writeExits(tx, shopId, exits, asOf);
    await writeEntries(tx, shopId, entries, asOf);
  }
  return { entered: countBySegment(entries), exited: countBySegment(exits.map((e) => e.key)) };
}

const SEP = '\u0000';
const pairKey = (segmentId: string, customerId: string) => `${segmentId}${SEP}${customerId}`;
const splitKey = (key: string): [string, string] => key.split(SEP) as [string, string];

function countBySegment(pairs: readonly [string, string][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [s] of pairs) out.set(s, (out.get(s) ?? 0) + 1);
  return out;
}

/** Rows per multi-row INSERT (4 or 5 parameters each). */
const INSERT_CHUNK = 500;

async function writeEntries(tx: SqlEngine, shopId: string, pairs: readonly [string, string][], asOf: Date) {
  for (let start = 0; start < pairs.length; start += INSERT_CHUNK) {
    const chunk = pairs.slice(start, start + INSERT_CHUNK);
    const params: SqlValue[] = [shopId, asOf];
    const rows = chunk.map(([segmentId, customerId]) => {
      params.push(segmentId, customerId);
      const customer = `$${params.length}`;
      return `($1, $${params.length - 1}, ${customer}, $2${lookupHashInsert(tx.dialect, customer).value})`;
    });
    const { column } = lookupHashInsert(tx.dialect, 'customer_id');
    await tx.run(
      `INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at${column}) VALUES ${rows.join(', ')}`,
      params,
    );
  }
}

/**
 * PostgreSQL: the exits and entries of a per-customer refresh as one statement per chunk, which is
 * atomic by itself, so that the refresh needs no transaction of its own (several chunks get one).
 * The exits are deleted with RETURNING and moved to the history closed at `asOf` (never before
 * their entry), and entries that a concurrent refresh added first are skipped, not an error.
 */
async function writeChangesPostgres(
  engine: SqlEngine,
  shopId: string,
  exits: readonly Exit[],
  entries: readonly [string, string][],
  asOf: Date,
): Promise<void> {
  const changes = [
    ...exits.map((e) => ({ exit: true, key: e.key })),
    ...entries.map((key) => ({ exit: false, key })),
  ];
  if (changes.length === 0) return;
  const write = async (tx: SqlEngine) => {
    for (let start = 0; start < changes.length; start += INSERT_CHUNK) {
      const chunk = changes.slice(start, start + INSERT_CHUNK);
      const params: SqlValue[] = [shopId, asOf];
      const values = (exit: boolean) =>
        chunk
          .filter((c) => c.exit === exit)
          .map(({ key: [segmentId, customerId] }) => {
            params.push(segmentId, customerId);
            return `($${params.length - 1}, $${params.length})`;
          });
      await tx.run(changesStatement(values(true), values(false)), params);
    }
  };
  await (changes.length > INSERT_CHUNK ? engine.transaction(write) : write(engine));
}

/** The statement of `writeChangesPostgres` for VALUES rows of (segment, customer) pairs. */
function changesStatement(exits: readonly string[], entries: readonly string[]): string {
  const insertEntries = `INSERT INTO segment_members (shop_id, segment_id, customer_id, entered_at)
    SELECT CAST($1 AS VARCHAR), x.segment_id, x.customer_id, CAST($2 AS TIMESTAMPTZ) FROM (VALUES ${entries.join(', ')}) x(segment_id, customer_id)
    ON CONFLICT (shop_id, segment_id, customer_id) DO NOTHING`;
  if (exits.length === 0) return insertEntries;
  const moveExits = `WITH gone AS (
      DELETE FROM segment_members m USING (VALUES ${exits.join(', ')}) x(segment_id, customer_id)
      WHERE m.shop_id = $1 AND m.segment_id = x.segment_id AND m.customer_id = x.customer_id
      RETURNING m.segment_id, m.customer_id, m.entered_at
    )`;
  const history = `INSERT INTO segment_membership_history (shop_id, segment_id, customer_id, entered_at, exited_at)
    SELECT $1, segment_id, customer_id, entered_at, GREATEST($2, entered_at) FROM gone`;
  return entries.length === 0
    ? `${moveExits}\n${history}`
    : `${moveExits}, moved AS (${history})\n${insertEntries}`;
}

/** A stay that ends: its (segment, customer) and when it began. */
interface Exit {
  key: [string, string];
  enteredAt: Date;
}

/**
 * Moves stays to the history, closed at `asOf` (never before their entry): one INSERT of the
 * stays as read (a VALUES list, no second read of segment_members) and one DELETE per chunk.
 * The DELETE finds the chunk's customers by their lookup hash alone (indexed, see `shopRowsSql`) and
 * keeps the exact stays with a semi-join on a VALUES list of keys, which DuckDB does not turn into
 * a scan filter and PostgreSQL answers from segment_members_key.
 */
async function writeExits(tx: SqlEngine, shopId: string, exits: readonly Exit[], asOf: Date) {
  for (let start = 0; start < exits.length; start += INSERT_CHUNK) {
    const chunk = exits.slice(start, start + INSERT_CHUNK);
    const moveParams: SqlValue[] = [shopId];
    const rows = chunk.map(({ key: [segmentId, customerId], enteredAt }) => {
      const exitedAt = enteredAt.getTime() > asOf.getTime() ? enteredAt : asOf;
      moveParams.push(segmentId, customerId, enteredAt, exitedAt);
      const n = moveParams.length;
      return `($1, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await tx.run(
      `INSERT INTO segment_membership_history (shop_id, segment_id, customer_id, entered_at, exited_at)
       VALUES ${rows.join(', ')}`,
      moveParams,
    );
    const pairs = chunk.map((e) => e.key);
    const deleteParams: SqlValue[] = [shopId];
    const inChunk = customersFilter(tx.dialect, [...new Set(pairs.map(([, c]) => c))], deleteParams);
    await tx.run(
      `DELETE FROM segment_members WHERE TRUE${inChunk} AND ${isStay(pairs, 'segment_members', deleteParams)}`,
      deleteParams,
    );
  }
}

/**
 * ` AND …`: a segment_members row of one of these customers, by the index on the lookup hash on
 * DuckDB (the exact stays are then kept by `isStay`, which also compares the ids).
 */
function customersFilter(dialect: Dialect, customerIds: readonly string[], params: SqlValue[]): string {
  if (dialect === 'postgres') return scopeSql({ kind: 'inline', ids: customerIds }, 'customer_id', params);
  return lookupHashFilter(paramRefs(customerIds, params));
}

/**
 * `EXISTS (…)`: the row of `alias` is the stay of one of `pairs` in the shop `$1`. For the few
 * customers of a per-customer refresh DuckDB keeps the index lookup by lookup hash under it (a
 * row-value `IN` over the VALUES list measured 20 ms against 4–6 ms); the full refresh's exits use
 * the `IN` form (`moveStagedExits`).
 */
function isStay(pairs: readonly [string, string][], alias: string, params: SqlValue[]): string {
  const keys = pairs.map(([segmentId, customerId]) => {
    params.push(segmentId, customerId);
    return `($1, $${params.length - 1}, $${params.length})`;
  });
  return `EXISTS (SELECT 1 FROM (VALUES ${keys.join(', ')}) x(shop_id, segment_id, customer_id)
    WHERE x.shop_id = ${alias}.shop_id AND x.segment_id = ${alias}.segment_id AND x.customer_id = ${alias}.customer_id)`;
}
