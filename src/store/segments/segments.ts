import {
  BUILTIN_SEGMENTS,
  describeDateRef,
  isBuiltinName,
  parseSegmentQuery,
  printTree,
  type ResolvedQuery,
  resolveQuery,
  type SegmentQuery,
} from '../../domain/segments/index.js';
import {
  type CreateSegmentInput,
  createSegmentSchema,
  parseInput,
  type UpdateSegmentInput,
  updateSegmentSchema,
} from '../../domain/segments/input.js';
import { didYouMean } from '../../domain/segments/suggest.js';
import { NurtureError } from '../../errors.js';
import { shopTimeZone } from '../analytics/common.js';
import { tuneForBulk } from '../bulk.js';
import type { Row, SqlEngine, SqlValue } from '../engine.js';
import type { Store } from '../store.js';
import { countAndFirstIdsSql, countSql, selectIdsSql } from './compile-sql.js';
import {
  databaseMessage,
  type RefreshMembershipResult,
  refreshMembership,
  refreshSegmentsApart,
} from './membership.js';

/** A saved segment and its current size. */
export interface Segment {
  segmentId: string;
  name: string;
  query: string;
  description: string | null;
  builtin: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** The last full refresh of its membership (null: never). */
  refreshedAt: Date | null;
  /** Customers in the segment as of its last refresh. */
  members: number;
}

type SegmentRow = {
  segment_id: string;
  name: string;
  query: string;
  description: string | null;
  builtin: boolean;
  created_at: Date;
  updated_at: Date;
  refreshed_at: Date | null;
  members: number | null;
};

const SELECT_SEGMENTS = `SELECT g.segment_id, g.name, g.query, g.description, g.builtin, g.created_at, g.updated_at,
    g.refreshed_at, m.n AS members
  FROM segments g
  LEFT JOIN (SELECT segment_id, COUNT(*) AS n FROM segment_members
    WHERE shop_id = $1 GROUP BY segment_id) m ON m.segment_id = g.segment_id
  WHERE g.shop_id = $1`;

function toSegment(r: SegmentRow): Segment {
  return {
    segmentId: r.segment_id,
    name: r.name,
    query: r.query,
    description: r.description,
    builtin: Boolean(r.builtin),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    refreshedAt: r.refreshed_at,
    members: Number(r.members ?? 0),
  };
}

/** Every segment of the shop: built-in ones first, then by name. */
export async function listSegments(store: Store, shopId: string): Promise<Segment[]> {
  await ensureBuiltinSegments(store, shopId);
  const rows = await store.engine.all<SegmentRow>(`${SELECT_SEGMENTS} ORDER BY g.builtin DESC, g.name`, [
    shopId,
  ]);
  return rows.map(toSegment);
}

/**
 * One segment by name (exact, then case-insensitive); not_found names the nearest. Only the segment
 * found is counted (its rows of segment_members), not every segment of the shop as the list does.
 */
export async function getSegment(store: Store, shopId: string, name: string): Promise<Segment> {
  await ensureBuiltinSegments(store, shopId);
  const rows = await store.engine.all<Omit<SegmentRow, 'members'>>(
    `SELECT segment_id, name, query, description, builtin, created_at, updated_at, refreshed_at
     FROM segments WHERE shop_id = $1 ORDER BY name`,
    [shopId],
  );
  const hit =
    rows.find((r) => r.name === name) ?? rows.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (hit) {
    const [size] = await store.engine.all<{ n: number | bigint }>(
      'SELECT COUNT(*) AS n FROM segment_members WHERE shop_id = $1 AND segment_id = $2',
      [shopId, hit.segment_id],
    );
    return toSegment({ ...hit, members: Number(size?.n ?? 0) });
  }
  const hint = didYouMean(
    name,
    rows.map((r) => r.name),
    "'",
  );
  throw new NurtureError('not_found', `no segment '${name}'${hint}`);
}

/**
 * Saves the built-in segments of a shop that are missing (and brings changed definitions of
 * existing ones up to date). Called by every segment operation, so a shop has them from its first.
 * A shop that does not exist is not_found (a mistyped --shop creates nothing).
 */
export async function ensureBuiltinSegments(store: Store, shopId: string): Promise<number> {
  await store.requireShop(shopId);
  const existing = await store.engine.all<{ name: string; query: string; description: string | null }>(
    'SELECT name, query, description FROM segments WHERE shop_id = $1 AND builtin',
    [shopId],
  );
  const byName = new Map(existing.map((r) => [r.name, r]));
  const now = new Date(store.ids.now());
  let added = 0;
  for (const b of BUILTIN_SEGMENTS) {
    const description = `${b.description.vi} / ${b.description.en}`;
    const have = byName.get(b.name);
    if (have && have.query === b.query && have.description === description) continue;
    if (have)
      await store.engine.run(
        'UPDATE segments SET query = $3, description = $4, updated_at = $5 WHERE shop_id = $1 AND name = $2',
        [shopId, b.name, b.query, description, now],
      );
    else {
      await store.engine.run(
        `INSERT INTO segments (shop_id, segment_id, name, query, description, builtin, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6) ON CONFLICT (shop_id, name) DO NOTHING`,
        [shopId, store.newId('seg'), b.name, b.query, description, now],
      );
      added++;
    }
  }
  return added;
}

/**
 * Brings every segment of a shop, built-ins included, up to date as of `asOf` in one full pass:
 * what follows a recompute of the scores, which moves customers between the groups that the
 * built-in segments (and any query on rfm_group, lifecycle or value_group) read. A segment that
 * the database fails to run is reported in `failed` and does not stop the others.
 */
export async function refreshAllSegments(
  store: Store,
  shopId: string,
  asOf: Date,
): Promise<RefreshMembershipResult> {
  await ensureBuiltinSegments(store, shopId);
  return refreshSegmentsApart(store.engine, shopId, { asOf });
}

/**
 * Fills a segment just written in the caller's transaction, which proves that the database runs
 * its query before the row is committed: a query it cannot run (too deep for DuckDB, too many
 * values for PostgreSQL) is invalid input and the transaction rolls back, so no saved segment can
 * block the full refreshes that follow.
 */
async function fillOrRefuse(
  tx: Store,
  shopId: string,
  segmentId: string,
  asOf: Date,
): Promise<RefreshMembershipResult> {
  try {
    return await refreshMembership(tx.engine, shopId, { asOf, segments: [segmentId] });
  } catch (error) {
    if (error instanceof NurtureError) throw error;
    throw new NurtureError(
      'invalid_input',
      `the database cannot run this query (${databaseMessage(error)}); nothing was saved. ` +
        "Write alternatives of one function as one list (products_purchased(sku: ('A', 'B'))) or split the segment",
    );
  }
}

/** Options of the operations that evaluate a query: the as-of moment (default: the store's now). */
export interface AsOfOptions {
  asOf?: Date;
}

function asOfOf(store: Store, options: AsOfOptions): Date {
  return options.asOf ?? new Date(store.ids.now());
}

/** Creates a segment and fills its membership as of now (or `asOf`). */
export async function createSegment(
  store: Store,
  shopId: string,
  input: CreateSegmentInput,
  options: AsOfOptions = {},
): Promise<{ segment: Segment; refresh: RefreshMembershipResult }> {
  const valid = parseInput(createSegmentSchema, input);
  parseSegmentQuery(valid.query);
  await ensureBuiltinSegments(store, shopId);
  const asOf = asOfOf(store, options);
  const segmentId = store.newId('seg');
  const refresh = await store.transaction(async (tx) => {
    await assertNameFree(tx.engine, shopId, valid.name);
    const now = new Date(store.ids.now());
    await tx.engine.run(
      `INSERT INTO segments (shop_id, segment_id, name, query, description, builtin, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, FALSE, $6, $6)`,
      [shopId, segmentId, valid.name, valid.query, valid.description ?? null, now],
    );
    return fillOrRefuse(tx, shopId, segmentId, asOf);
  });
  return { segment: await getSegment(store, shopId, valid.name), refresh };
}

async function assertNameFree(engine: SqlEngine, shopId: string, name: string): Promise<void> {
  const rows = await engine.all<{ name: string }>('SELECT name FROM segments WHERE shop_id = $1', [shopId]);
  const clash = rows.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (clash) throw new NurtureError('conflict', `a segment named '${clash.name}' already exists`);
}

function assertEditable(segment: Segment, what: string): void {
  if (segment.builtin || isBuiltinName(segment.name))
    throw new NurtureError('conflict', `'${segment.name}' is a built-in segment: it cannot be ${what}`);
}

/**
 * Changes a segment's query, description or name. A new query is applied at once: customers who
 * no longer match leave (their stay gets its exit time), new matches enter.
 */
export async function updateSegment(
  store: Store,
  shopId: string,
  name: string,
  input: UpdateSegmentInput,
  options: AsOfOptions = {},
): Promise<{ segment: Segment; refresh: RefreshMembershipResult | null }> {
  const valid = parseInput(updateSegmentSchema, input);
  if (valid.query !== undefined) parseSegmentQuery(valid.query);
  const segment = await getSegment(store, shopId, name);
  assertEditable(segment, 'changed');
  const refresh = await store.transaction(async (tx) => {
    if (valid.rename !== undefined && valid.rename.toLowerCase() !== segment.name.toLowerCase())
      await assertNameFree(tx.engine, shopId, valid.rename);
    await tx.engine.run(
      `UPDATE segments SET name = $3, query = $4, description = $5, updated_at = $6
       WHERE shop_id = $1 AND segment_id = $2`,
      [
        shopId,
        segment.segmentId,
        valid.rename ?? segment.name,
        valid.query ?? segment.query,
        valid.description ?? segment.description,
        new Date(store.ids.now()),
      ],
    );
    // A new query is applied at once, in the same transaction: one the database cannot run is refused.
    return valid.query !== undefined && valid.query !== segment.query
      ? fillOrRefuse(tx, shopId, segment.segmentId, asOfOf(store, options))
      : null;
  });
  return { segment: await getSegment(store, shopId, valid.rename ?? segment.name), refresh };
}

/** Deletes a segment and its membership history. */
export async function deleteSegment(store: Store, shopId: string, name: string): Promise<Segment> {
  const segment = await getSegment(store, shopId, name);
  assertEditable(segment, 'deleted');
  await store.transaction(async (tx) => {
    for (const table of ['segment_members', 'segment_membership_history'])
      await tx.engine.run(`DELETE FROM ${table} WHERE shop_id = $1 AND segment_id = $2`, [
        shopId,
        segment.segmentId,
      ]);
    await tx.engine.run('DELETE FROM segments WHERE shop_id = $1 AND segment_id = $2', [
      shopId,
      segment.segmentId,
    ]);
  });
  return segment;
}

/** A query parsed, checked and resolved for the shop's calendar. */
export async function resolveForShop(
  store: Store,
  shopId: string,
  text: string,
  options: AsOfOptions = {},
): Promise<{ query: SegmentQuery; resolved: ResolvedQuery }> {
  const query = parseSegmentQuery(text);
  const timeZone = await shopTimeZone(store.engine, shopId);
  return { query, resolved: resolveQuery(query, { asOf: asOfOf(store, options), timeZone }) };
}

/** How many customers a query matches now, without saving anything. */
export async function countQuery(
  store: Store,
  shopId: string,
  text: string,
  options: AsOfOptions = {},
): Promise<number> {
  const { resolved } = await resolveForShop(store, shopId, text, options);
  const { sql, params } = countSql(resolved, shopId);
  const [row] = await allOverShop<{ n: number }>(store, sql, params);
  return Number(row?.n ?? 0);
}

/** The ids of the customers a query matches now (in id order, at most `limit`). */
export async function queryCustomerIds(
  store: Store,
  shopId: string,
  text: string,
  options: AsOfOptions & { limit?: number } = {},
): Promise<string[]> {
  const { resolved } = await resolveForShop(store, shopId, text, options);
  const { sql, params } = selectIdsSql(
    resolved,
    shopId,
    options.limit === undefined ? {} : { limit: options.limit },
  );
  return (await allOverShop<{ customer_id: string }>(store, sql, params)).map((r) => r.customer_id);
}

/** How many customers a query matches now and the first `limit` of them (id order), in one pass. */
export async function countAndFirstIds(
  store: Store,
  shopId: string,
  text: string,
  options: AsOfOptions & { limit: number },
): Promise<{ count: number; ids: string[] }> {
  const { resolved } = await resolveForShop(store, shopId, text, options);
  const { sql, params } = countAndFirstIdsSql(resolved, shopId, options.limit);
  const rows = await allOverShop<{ customer_id: string; n: number | bigint }>(store, sql, params);
  return { count: Number(rows[0]?.n ?? 0), ids: rows.map((r) => r.customer_id) };
}

/**
 * Runs a compiled query over the whole shop with the engine set up for bulk work. PostgreSQL needs
 * it: with its default work_mem a `customer_id IN (SELECT … FROM events …)` of a million customers
 * is planned as a subquery re-run for every customer instead of one hash (measured: a 20-segment
 * refresh at 1M customers still running after 24 minutes).
 */
async function allOverShop<T extends Row>(
  store: Store,
  sql: string,
  params: readonly SqlValue[],
): Promise<T[]> {
  return store.engine.transaction(async (tx) => {
    await tuneForBulk(tx);
    return tx.all<T>(sql, params);
  });
}

export interface Explanation {
  query: string;
  asOf: Date;
  today: string;
  timeZone: string;
  /** The checked tree as written (relative dates as -90d). */
  tree: string;
  /** The tree with relative dates resolved for `asOf`. */
  resolvedTree: string;
  sql: string;
  params: (string | number | boolean)[];
}

/** The parsed tree and the SQL a query compiles to, for `nurture segment explain`. */
export async function explainQuery(
  store: Store,
  shopId: string,
  text: string,
  options: AsOfOptions = {},
): Promise<Explanation> {
  const { query, resolved } = await resolveForShop(store, shopId, text, options);
  const { sql, params } = selectIdsSql(resolved, shopId);
  return {
    query: text,
    asOf: resolved.asOf,
    today: resolved.today,
    timeZone: resolved.timeZone,
    tree: printTree(query.condition, describeDateRef),
    resolvedTree: printTree(resolved.condition, (d) => d),
    sql,
    params: params.map((p) => (p instanceof Date ? p.toISOString() : p)),
  };
}
