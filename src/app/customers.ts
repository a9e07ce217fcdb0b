/**
 * Customers and orders as a seller looks them up: search with paging and a segment filter,
 * lookup by phone / e-mail / external id, one customer's whole picture, orders.
 */
import { z } from 'zod';
import { normalizeEmail, normalizePhone } from '../domain/identity-keys.js';
import { NurtureError } from '../errors.js';
import {
  type CustomerListItem,
  customerPrediction,
  customerStats,
  customerTimeline,
  getOrder,
  listShopOrders,
  searchCustomers,
  type TimelineEntry,
} from '../store/customers/queries.js';
import { type MembershipStay, membershipHistory, queryCustomerIds } from '../store/segments/index.js';
import type { CustomerRecord } from '../store/store.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';
import { countSegmentQuery } from './segments.js';

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const customerListQuerySchema = z.object({
  q: z.string().max(200).optional().describe('part of a name, a phone number or an e-mail'),
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

/** Customers page by page (id order), by text and/or a segment query. */
export async function listCustomers(
  ctx: AppContext,
  shopId: string,
  query: z.input<typeof customerListQuerySchema>,
): Promise<CustomerPage> {
  const q = parseInput(customerListQuerySchema, query);
  await ctx.store.requireShop(shopId);
  let onlyIds: string[] | undefined;
  let matching: number | undefined;
  if (q.segment_query !== undefined) {
    matching = (await countSegmentQuery(ctx, { shopId, query: q.segment_query })).count;
    onlyIds = await queryCustomerIds(ctx.store, shopId, q.segment_query, { asOf: ctx.clock.now() });
  }
  const customers = await searchCustomers(ctx.store, shopId, {
    text: q.q,
    onlyIds,
    after: q.cursor,
    limit: q.limit + 1,
  });
  const more = customers.length > q.limit;
  const page = customers.slice(0, q.limit);
  return {
    customers: page,
    nextCursor: more ? (page.at(-1)?.customerId ?? null) : null,
    ...(matching === undefined ? {} : { matching }),
  };
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
  timeline: TimelineEntry[];
}

/** Everything about one customer: identities and consent, stats and groups, predictions, segments, timeline. */
export async function getCustomerProfile(
  ctx: AppContext,
  shopId: string,
  customerId: string,
): Promise<CustomerProfile> {
  const { store } = ctx;
  const customer = await store.getCustomer(shopId, customerId);
  if (!customer) throw new NurtureError('not_found', `no customer ${customerId}`);
  // At once: on the server's read connections (and a PostgreSQL pool) the page takes the time of
  // its longest read; on one connection they queue, as they would one after another.
  const [stats, prediction, segments, timeline] = await Promise.all([
    customerStats(store, shopId, customerId),
    customerPrediction(store, shopId, customerId),
    membershipHistory(store.engine, shopId, { customerId, limit: 200 }),
    customerTimeline(store, shopId, customerId, 100),
  ]);
  return { customer, stats: stats ?? null, prediction: prediction ?? null, segments, timeline };
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
