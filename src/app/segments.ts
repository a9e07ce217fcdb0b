/**
 * Saved segments and ad-hoc queries, as the CLI (`nurture segment …`) and the API
 * (`/api/v1/segments…`) both use them. Each function resolves the as-of once (app/as-of), turns a
 * query error into invalid input pointing at the place, and calls the store's segment functions.
 */
import type { AudienceFile } from '../domain/segments/audience.js';
import { describeQueryError, QueryError } from '../domain/segments/index.js';
import type { ExportFormat } from '../domain/segments/input.js';
import { NurtureError } from '../errors.js';
import { type CustomerListItem, customerListRows } from '../store/customers/directory.js';
import { type MembershipFlowDay, membershipFlow } from '../store/segments/flow.js';
import {
  countAndFirstIds,
  countQuery,
  createSegment,
  deleteSegment,
  type Explanation,
  explainQuery,
  exportAudience,
  getSegment,
  listMembers,
  listSegments,
  type MembershipStay,
  membershipHistory,
  type RefreshMembershipResult,
  refreshSegmentsApart,
  type Segment,
  type SegmentMember,
  segmentMembers,
  updateSegment,
} from '../store/segments/index.js';
import { resolveAsOf } from './as-of.js';
import type { AppContext } from './context.js';

/** What every segment call names: the shop, and optionally the moment (default now). */
export interface SegmentScope {
  shopId: string;
  /** `YYYY-MM-DD` (the end of that day in the shop's zone) or an instant; default now. */
  asOf?: string | undefined;
}

/** The as-of instant of a segment call, in the shop's time zone. */
async function asOfIn(ctx: AppContext, scope: SegmentScope): Promise<Date> {
  const now = ctx.clock.now();
  if (scope.asOf === undefined) return now;
  const shop = await ctx.store.requireShop(scope.shopId);
  return resolveAsOf(scope.asOf, { timeZone: shop.timezone, now });
}

/** Runs a call; a query error becomes invalid input with the query line and a caret. */
async function withQueryErrors<T>(query: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof QueryError && query !== undefined)
      throw new NurtureError('invalid_input', describeQueryError(query, error), error.details);
    throw error;
  }
}

export function listShopSegments(ctx: AppContext, scope: SegmentScope): Promise<Segment[]> {
  return listSegments(ctx.store, scope.shopId);
}

export async function showSegment(
  ctx: AppContext,
  scope: SegmentScope & { name: string },
): Promise<Segment & { recentChanges: MembershipStay[] }> {
  const segment = await getSegment(ctx.store, scope.shopId, scope.name);
  const recentChanges = await membershipHistory(ctx.store.engine, scope.shopId, {
    segmentId: segment.segmentId,
    limit: 10,
  });
  return { ...segment, recentChanges };
}

export async function createShopSegment(
  ctx: AppContext,
  input: SegmentScope & { name: string; query: string; description?: string | undefined },
): Promise<{ segment: Segment; refresh: RefreshMembershipResult }> {
  const asOf = await asOfIn(ctx, input);
  return withQueryErrors(input.query, () =>
    createSegment(
      ctx.store,
      input.shopId,
      {
        name: input.name,
        query: input.query,
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
      { asOf },
    ),
  );
}

export async function updateShopSegment(
  ctx: AppContext,
  input: SegmentScope & {
    name: string;
    query?: string | undefined;
    description?: string | undefined;
    rename?: string | undefined;
  },
): Promise<{ segment: Segment; refresh: RefreshMembershipResult | null }> {
  const asOf = await asOfIn(ctx, input);
  const changes = {
    ...(input.query !== undefined ? { query: input.query } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.rename !== undefined ? { rename: input.rename } : {}),
  };
  return withQueryErrors(input.query, () =>
    updateSegment(ctx.store, input.shopId, input.name, changes, { asOf }),
  );
}

export function deleteShopSegment(ctx: AppContext, input: SegmentScope & { name: string }): Promise<Segment> {
  return deleteSegment(ctx.store, input.shopId, input.name);
}

/** Refreshes the named segments (all, or those whose answer drifts with time) as of the scope. */
export async function refreshShopSegments(
  ctx: AppContext,
  input: SegmentScope & { names?: readonly string[]; timeDependent?: boolean | undefined },
): Promise<RefreshMembershipResult> {
  const asOf = await asOfIn(ctx, input);
  const names = input.names ?? [];
  await listSegments(ctx.store, input.shopId);
  const ids = await Promise.all(
    names.map(async (n) => (await getSegment(ctx.store, input.shopId, n)).segmentId),
  );
  const which = names.length > 0 ? ids : input.timeDependent ? 'time-dependent' : 'all';
  return refreshSegmentsApart(ctx.store.engine, input.shopId, { asOf, segments: which });
}

export async function shopSegmentMembers(
  ctx: AppContext,
  input: SegmentScope & { name: string; limit?: number | undefined },
): Promise<{ segment: Segment; members: SegmentMember[] }> {
  const asOf = await asOfIn(ctx, input);
  const { segment, members } = await segmentMembers(ctx.store, input.shopId, input.name, {
    asOf,
    ...(input.limit !== undefined ? { limit: input.limit } : {}),
  });
  return { segment, members };
}

export async function segmentHistory(
  ctx: AppContext,
  input: SegmentScope & { name: string; limit?: number | undefined },
): Promise<MembershipStay[]> {
  const segment = await getSegment(ctx.store, input.shopId, input.name);
  return membershipHistory(ctx.store.engine, input.shopId, {
    segmentId: segment.segmentId,
    ...(input.limit !== undefined ? { limit: input.limit } : {}),
  });
}

export async function countSegmentQuery(
  ctx: AppContext,
  input: SegmentScope & { query: string },
): Promise<{ query: string; asOf: Date; count: number }> {
  const asOf = await asOfIn(ctx, input);
  const count = await withQueryErrors(input.query, () =>
    countQuery(ctx.store, input.shopId, input.query, { asOf }),
  );
  return { query: input.query, asOf, count };
}

export async function explainSegmentQuery(
  ctx: AppContext,
  input: SegmentScope & { query: string },
): Promise<Explanation> {
  const asOf = await asOfIn(ctx, input);
  return withQueryErrors(input.query, () => explainQuery(ctx.store, input.shopId, input.query, { asOf }));
}

/** An audience file of a segment's current members: its text and what was left out. */
export async function exportSegment(
  ctx: AppContext,
  input: SegmentScope & {
    name: string;
    format: ExportFormat;
    hash?: boolean | undefined;
    includeWithoutConsent?: boolean | undefined;
  },
): Promise<AudienceFile & { segment: Segment }> {
  const asOf = await asOfIn(ctx, input);
  return exportAudience(ctx.store, input.shopId, input.name, {
    format: input.format,
    hash: input.hash ?? false,
    includeWithoutConsent: input.includeWithoutConsent ?? false,
    asOf,
  });
}

/** What the dashboard's editor shows for a query being written: its count now and its first members. */
export interface QueryPreview {
  query: string;
  asOf: Date;
  count: number;
  /** The first matching customers in id order (at most `limit`). */
  members: CustomerListItem[];
}

/**
 * A draft query's count and first members, without saving anything (the editor's live check): one
 * evaluation of the query gives both, and the members are looked up by those few ids only.
 */
export async function previewSegmentQuery(
  ctx: AppContext,
  input: SegmentScope & { query: string; limit?: number | undefined },
): Promise<QueryPreview> {
  const asOf = await asOfIn(ctx, input);
  const limit = Math.max(1, Math.min(100, input.limit ?? 20));
  const { count, ids } = await withQueryErrors(input.query, () =>
    countAndFirstIds(ctx.store, input.shopId, input.query, { asOf, limit }),
  );
  const members = ids.length === 0 ? [] : await customerListRows(ctx.store, input.shopId, ids);
  return { query: input.query, asOf, count, members };
}

/** One saved segment by name (built-in or the shop's own), with its size as of its last refresh. */
export function getShopSegment(ctx: AppContext, input: SegmentScope & { name: string }): Promise<Segment> {
  return getSegment(ctx.store, input.shopId, input.name);
}

/** What the page of one segment shows: the segment, its daily entries and exits, its first members. */
export interface SegmentOverview {
  segment: Segment;
  /** The first current members (as of the last refresh; nothing is refreshed, so a page may read it). */
  members: SegmentMember[];
  timeZone: string;
  /** The start of the window of `flow`. */
  since: Date;
  /** Entries and exits per day of the shop's calendar since `since` (days without moves left out). */
  flow: MembershipFlowDay[];
}

/** A segment's page: the segment, its first `limit` members and its moves over the last `days` days. */
export async function segmentOverview(
  ctx: AppContext,
  input: SegmentScope & { name: string; limit: number; days: number },
): Promise<SegmentOverview> {
  const shop = await ctx.store.requireShop(input.shopId);
  const segment = await getSegment(ctx.store, input.shopId, input.name);
  const since = new Date(ctx.clock.now().getTime() - Math.max(1, input.days) * 86_400_000);
  const members = await listMembers(ctx.store.engine, input.shopId, segment.segmentId, {
    limit: input.limit,
  });
  const flow = await membershipFlow(ctx.store.engine, input.shopId, segment.segmentId, {
    since,
    timeZone: shop.timezone,
  });
  return { segment, members, timeZone: shop.timezone, since, flow };
}
