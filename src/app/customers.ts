/**
 * Customers and orders as a seller looks them up: search with paging and a segment filter,
 * lookup by phone / e-mail / external id, one customer's whole picture, orders.
 */
import { z } from 'zod';
import { readCustomerSearch } from '../domain/customer-search.js';
import { normalizeEmail, normalizePhone } from '../domain/identity-keys.js';
import { describeQueryError, QueryError } from '../domain/segments/index.js';
import { NurtureError } from '../errors.js';
import {
  type CustomerFilter,
  type CustomerListItem,
  customerListRows,
  customerListRowsBetween,
  matchingCustomerIds,
} from '../store/customers/directory.js';
import {
  customerPrediction,
  customerStats,
  customerTimeline,
  getOrder,
  listShopOrders,
  type TimelineCursor,
  type TimelineEntry,
} from '../store/customers/queries.js';
import { customerMembershipHistory, type MembershipStay, resolveForShop } from '../store/segments/index.js';
import { INLINE_IDS } from '../store/segments/scope.js';
import type { CustomerRecord } from '../store/store.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';
import { countSegmentQuery } from './segments.js';

export type { CustomerListItem } from '../store/customers/directory.js';

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const customerListQuerySchema = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .describe('a phone or an e-mail in any form (0912 345 678), the start of one, or the start of a name'),
  segment_query: z.string().max(20_000).optional().describe('only customers matching this segment query'),
  cursor: z.string().max(100).optional().describe('nextCursor of the previous page'),
  limit: limit(500, 50),
});

export interface CustomerPage {
  customers: CustomerListItem[];
  nextCursor: string | null;
  /** How many customers the segment query matches in all (with segment_query). */
  matching?: number;
}

/**
 * Customers page by page (id order), by text and/or a segment query. The text is a phone, an
 * e-mail or the start of a name (domain/customer-search.ts), each found without reading every
 * customer (store/customers/directory.ts).
 */
export async function listCustomers(
  ctx: AppContext,
  shopId: string,
  query: z.input<typeof customerListQuerySchema>,
): Promise<CustomerPage> {
  const q = parseInput(customerListQuerySchema, query);
  await ctx.store.requireShop(shopId);
  const segmentQuery = q.segment_query?.trim() ? q.segment_query : undefined;
  const asOf = ctx.clock.now();
  // A wrong query fails here, with its position, before any read.
  const filter = await customerFilter(ctx, shopId, q.q, segmentQuery, asOf);
  // The count and the page at once: on the server's read connections they run side by side.
  const [matching, ids] = await Promise.all([
    segmentQuery === undefined
      ? undefined
      : countSegmentQuery(ctx, { shopId, query: segmentQuery, asOf: asOf.toISOString() }).then(
          (r) => r.count,
        ),
    matchingCustomerIds(ctx.store, shopId, filter, { after: q.cursor, limit: q.limit + 1 }),
  ]);
  const pageIds = ids.slice(0, q.limit);
  const customers: CustomerListItem[] = [];
  for (let at = 0; at < pageIds.length; at += INLINE_IDS)
    customers.push(...(await customerListRows(ctx.store, shopId, pageIds.slice(at, at + INLINE_IDS))));
  return {
    customers,
    nextCursor: ids.length > q.limit ? (pageIds.at(-1) ?? null) : null,
    ...(matching === undefined ? {} : { matching }),
  };
}

/**
 * The search text and segment query as the store's filter, the query resolved as of `asOf`; a
 * wrong query is invalid input with its line and a caret under the place (as app/segments.ts).
 */
async function customerFilter(
  ctx: AppContext,
  shopId: string,
  text: string | undefined,
  segmentQuery: string | undefined,
  asOf: Date,
): Promise<CustomerFilter> {
  const match = readCustomerSearch(text);
  if (segmentQuery === undefined) return { match, segment: undefined };
  try {
    return { match, segment: (await resolveForShop(ctx.store, shopId, segmentQuery, { asOf })).resolved };
  } catch (error) {
    if (error instanceof QueryError)
      throw new NurtureError('invalid_input', describeQueryError(segmentQuery, error), error.details);
    throw error;
  }
}

/** Ids read per query while exporting (a segment query runs once per batch). */
const EXPORT_ID_BATCH = 10_000;

/**
 * Every customer the list's filter matches, in id order, a batch of rows at a time (for a CSV
 * streamed as it is read): the ids in batches of 10,000, then the rows of each batch's id range
 * in one read, keeping the batch's ids (a segment query leaves others in the range).
 */
export async function* exportCustomers(
  ctx: AppContext,
  shopId: string,
  query: Pick<z.input<typeof customerListQuerySchema>, 'q' | 'segment_query'>,
): AsyncGenerator<CustomerListItem[]> {
  const q = parseInput(customerListQuerySchema, { ...query, limit: 1 });
  await ctx.store.requireShop(shopId);
  const segmentQuery = q.segment_query?.trim() ? q.segment_query : undefined;
  const filter = await customerFilter(ctx, shopId, q.q, segmentQuery, ctx.clock.now());
  let after = '';
  for (;;) {
    const ids = await matchingCustomerIds(ctx.store, shopId, filter, { after, limit: EXPORT_ID_BATCH });
    const first = ids[0];
    const last = ids.at(-1);
    if (first === undefined || last === undefined) return;
    const wanted = new Set(ids);
    const rows = await customerListRowsBetween(ctx.store, shopId, first, last);
    yield rows.filter((r) => wanted.has(r.customerId));
    if (ids.length < EXPORT_ID_BATCH) return;
    after = last;
  }
}

export const customerLookupSchema = z
  .object({
    phone: z.string().max(40).optional(),
    email: z.string().max(320).optional(),
    external_id: z
      .string()
      .max(200)
      .regex(/^[a-z][a-z0-9_-]*:.+$/, 'SOURCE:ID, e.g. shopify:7012345')
      .optional(),
  })
  .refine((o) => [o.phone, o.email, o.external_id].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of phone, email or external_id',
  });

/** The live customer holding a phone, an e-mail or an external id (`shopify:123`). */
export async function lookupCustomer(
  ctx: AppContext,
  shopId: string,
  query: z.input<typeof customerLookupSchema>,
): Promise<CustomerRecord> {
  const q = parseInput(customerLookupSchema, query);
  let key: { kind: string; value: string } | undefined;
  if (q.phone !== undefined) {
    const phone = normalizePhone(q.phone);
    if (!phone) throw invalid('phone', 'not a phone number');
    key = { kind: 'phone', value: phone };
  } else if (q.email !== undefined) {
    const email = normalizeEmail(q.email);
    if (!email) throw invalid('email', 'not an e-mail address');
    key = { kind: 'email', value: email };
  } else if (q.external_id !== undefined) {
    const at = q.external_id.indexOf(':');
    key = { kind: `external:${q.external_id.slice(0, at)}`, value: q.external_id.slice(at + 1) };
  }
  const found = key && (await ctx.store.findCustomerByKey(shopId, key.kind, key.value));
  if (!found) throw new NurtureError('not_found', 'no customer with that key');
  return found;
}

export interface CustomerProfile {
  customer: CustomerRecord;
  stats: Record<string, unknown> | null;
  prediction: Record<string, unknown> | null;
  segments: MembershipStay[];
  /** The latest `PROFILE_TIMELINE` entries of the timeline. */
  timeline: TimelineEntry[];
  /** The cursor of the older entries (`customerTimelinePage`), null when there are none. */
  timelineMore: string | null;
}

/** Timeline entries on a customer's page; older ones a page at a time. */
export const PROFILE_TIMELINE = 100;

/** Everything about one customer: identities and consent, stats and groups, predictions, segments, timeline. */
export async function getCustomerProfile(
  ctx: AppContext,
  shopId: string,
  customerId: string,
): Promise<CustomerProfile> {
  const { store } = ctx;
  // At once, the customer's own row too: on the server's read connections (and a PostgreSQL pool)
  // the page takes the time of its longest read; on one connection they queue, as they would one
  // after another. Reads of an unknown customer find nothing and are thrown away.
  // The stays come without the person (the customer's own row, read here anyway).
  const [customer, stats, prediction, stays, timeline] = await Promise.all([
    store.getCustomer(shopId, customerId),
    customerStats(store, shopId, customerId),
    customerPrediction(store, shopId, customerId),
    customerMembershipHistory(store.engine, shopId, customerId, 200),
    customerTimeline(store, shopId, customerId, PROFILE_TIMELINE + 1),
  ]);
  if (!customer) throw new NurtureError('not_found', `no customer ${customerId}`);
  const segments = stays(customer);
  const shown = timeline.slice(0, PROFILE_TIMELINE);
  return {
    customer,
    stats: stats ?? null,
    prediction: prediction ?? null,
    segments,
    timeline: shown,
    timelineMore: timeline.length > PROFILE_TIMELINE ? timelineCursor(shown.at(-1)) : null,
  };
}

export const orderListQuerySchema = z.object({
  customer_id: z.string().max(100).optional(),
  cursor: z.string().max(100).optional(),
  limit: limit(500, 50),
});

export async function listOrders(
  ctx: AppContext,
  shopId: string,
  query: z.input<typeof orderListQuerySchema>,
): Promise<{ orders: Awaited<ReturnType<typeof listShopOrders>>; nextCursor: string | null }> {
  const q = parseInput(orderListQuerySchema, query);
  await ctx.store.requireShop(shopId);
  const rows = await listShopOrders(ctx.store, shopId, {
    customerId: q.customer_id,
    before: q.cursor,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return { orders: page, nextCursor: rows.length > q.limit ? (page.at(-1)?.orderId ?? null) : null };
}

/** A customer's orders: 404 for a customer the shop does not have. */
export async function listCustomerOrders(
  ctx: AppContext,
  shopId: string,
  customerId: string,
  query: z.input<typeof orderListQuerySchema>,
): Promise<Awaited<ReturnType<typeof listOrders>>> {
  if (!(await ctx.store.getCustomer(shopId, customerId)))
    throw new NurtureError('not_found', `no customer ${customerId}`);
  return listOrders(ctx, shopId, { ...query, customer_id: customerId });
}

export async function getShopOrder(
  ctx: AppContext,
  shopId: string,
  orderId: string,
): Promise<NonNullable<Awaited<ReturnType<typeof getOrder>>>> {
  const found = await getOrder(ctx.store, shopId, orderId);
  if (!found) throw new NurtureError('not_found', `no order ${orderId}`);
  return found;
}

function invalid(path: string, reason: string): NurtureError {
  return new NurtureError('invalid_input', `${path}: ${reason}`, [{ path, reason }]);
}

export const timelinePageSchema = z.object({
  /** `ISO instant|entry id` of the last entry shown. */
  before: z
    .string()
    .max(200)
    .regex(/^[^|]+\|.+$/, 'INSTANT|ID of the last entry shown')
    .optional(),
  limit: limit(500, 100),
});

/** One page of a customer's timeline (orders and storefront events, newest first), after `before`. */
export async function customerTimelinePage(
  ctx: AppContext,
  shopId: string,
  customerId: string,
  query: z.input<typeof timelinePageSchema>,
): Promise<{ entries: TimelineEntry[]; nextBefore: string | null }> {
  const q = parseInput(timelinePageSchema, query);
  if (!(await ctx.store.getCustomer(shopId, customerId)))
    throw new NurtureError('not_found', `no customer ${customerId}`);
  let before: TimelineCursor | undefined;
  if (q.before !== undefined) {
    const at = q.before.indexOf('|');
    const instant = new Date(q.before.slice(0, at));
    if (Number.isNaN(instant.getTime())) throw invalid('before', 'not an instant');
    before = { at: instant, id: q.before.slice(at + 1) };
  }
  const rows = await customerTimeline(ctx.store, shopId, customerId, q.limit + 1, before);
  const entries = rows.slice(0, q.limit);
  return { entries, nextBefore: rows.length > q.limit ? timelineCursor(entries.at(-1)) : null };
}

/** The cursor that continues a timeline after this entry. */
export function timelineCursor(entry: TimelineEntry | undefined): string | null {
  return entry ? `${entry.at.toISOString()}|${entry.id}` : null;
}
