import { assertTimeZone } from '../../domain/analytics/calendar.js';
import {
  isTimeDependent,
  parseSegmentQuery,
  QueryError,
  type ResolvedQuery,
  resolveQuery,
  type SegmentQuery,
} from '../../domain/segments/index.js';
import { NurtureError } from '../../errors.js';
import { tuneForBulk } from '../bulk.js';
import type { SqlEngine, SqlValue } from '../engine.js';
import { prefetch, refreshInMemory } from './membership-memory.js';
import { refreshWithSql } from './membership-sql.js';
import { compareText } from './records.js';
import { fitsInline, makeScope, paramRefs } from './scope.js';

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
 * its entry. The two ways live in membership-memory.ts and membership-sql.ts.
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
