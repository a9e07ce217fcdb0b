import { matches, mergeNeeds, needsOf, type RecordNeeds } from '../../domain/segments/index.js';
import type { Dialect, SqlEngine, SqlValue } from '../engine.js';
import { lookupHashFilter, lookupHashInsert } from '../lookup-hash.js';
import type { PreparedSegment } from './membership.js';
import type { ChangeCounts } from './membership-sql.js';
import { loadRefreshInputs } from './records.js';
import { type IdScope, paramRefs, scopeSql } from './scope.js';

/**
 * The per-customer membership refresh (a few customers whose data changed): their records are
 * loaded, every segment is evaluated in memory, and the differences are written row by row.
 */

type RefreshInputs = Awaited<ReturnType<typeof loadRefreshInputs>>;

/** Inputs read while the segments are, with the parts a shop's segments read last time. */
export interface Prefetch {
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
export function prefetch(engine: SqlEngine, shopId: string, scope: IdScope): Prefetch | undefined {
  const needs = lastNeeds.get(shopId);
  if (needs === undefined) return undefined;
  return { needs, inputs: loadRefreshInputs(engine, shopId, scope, needs) };
}

function covers(have: RecordNeeds, want: RecordNeeds): boolean {
  return (Object.keys(want) as (keyof RecordNeeds)[]).every((k) => !want[k] || have[k]);
}

/** The per-customer refresh: load the customers and their stays, evaluate every segment in memory, diff. */
export async function refreshInMemory(
  tx: SqlEngine,
  shopId: string,
  segments: readonly PreparedSegment[],
  scope: IdScope,
  asOf: Date,
  prefetched?: Prefetch,
): Promise<ChangeCounts> {
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
