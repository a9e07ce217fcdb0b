import { z } from 'zod';
import { createCoupon, createCouponBatch, listCoupons, MAX_BATCH, showCoupon } from '../../app/coupons.js';
import { COUPON_STATES, couponKindSchema } from '../../domain/coupons/index.js';
import { type RouteSpec, route } from '../route.js';

const terms = {
  kind: couponKindSchema.describe('fixed_amount | percent | free_shipping'),
  value: z
    .number()
    .optional()
    .describe('fixed_amount: the amount off in the shop currency; percent: 1-100; free_shipping: none'),
  min_order: z.number().optional().describe('the smallest order it applies to'),
  expires: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe('24h, 7d, 90m, or an ISO date-time (the shop time zone without an offset); default 7d'),
  prefix: z
    .string()
    .min(1)
    .max(10)
    .optional()
    .describe('letters or digits before the code: NUR → NUR-7KQ4-M2XP'),
  groups: z.number().int().min(2).max(4).optional().describe('groups of 4 random characters (default 2)'),
};

const termsInput = (b: {
  kind: z.infer<typeof couponKindSchema>;
  value?: number | undefined;
  min_order?: number | undefined;
  expires?: string | undefined;
  prefix?: string | undefined;
  groups?: number | undefined;
}) => ({
  kind: b.kind,
  ...(b.value !== undefined ? { value: b.value } : {}),
  ...(b.min_order !== undefined ? { minOrder: b.min_order } : {}),
  ...(b.expires !== undefined ? { expires: b.expires } : {}),
  ...(b.prefix !== undefined ? { prefix: b.prefix } : {}),
  ...(b.groups !== undefined ? { groups: b.groups } : {}),
});

/** Coupons of the key's shop: unique single-use codes, bulk batches, their redemptions. */
export const couponRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/coupons',
    auth: 'secret',
    tag: 'Coupons',
    summary: 'Coupons, newest first, by state, customer, batch or part of the code (`nurture coupon list`).',
    query: z.object({
      state: z.enum(COUPON_STATES).optional(),
      customer_id: z.string().min(1).max(100).optional(),
      batch: z.string().min(1).max(64).optional(),
      q: z.string().max(40).optional().describe('codes containing this text (any case)'),
      cursor: z.string().max(100).optional().describe('nextCursor of the previous page'),
      limit: z.coerce.number().int().min(1).max(1000).default(50),
    }),
    handler: ({ ctx, shopId, query }) =>
      listCoupons(ctx, {
        shopId,
        limit: query.limit,
        ...(query.state !== undefined ? { state: query.state } : {}),
        ...(query.customer_id !== undefined ? { customerId: query.customer_id } : {}),
        ...(query.batch !== undefined ? { batch: query.batch } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/coupons/:code',
    auth: 'secret',
    tag: 'Coupons',
    summary: 'One coupon by code (any case), with the order that redeemed it (`nurture coupon show`).',
    params: z.object({ code: z.string().min(1).max(60) }),
    handler: ({ ctx, shopId, params }) => showCoupon(ctx, { shopId, code: params.code }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/coupons',
    auth: 'secret',
    tag: 'Coupons',
    summary:
      'Create a coupon with a unique code, for a customer or anyone. Idempotent by `source_key`: the same key returns the coupon made the first time (`created: false`).',
    status: 201,
    body: z
      .object({
        ...terms,
        customer_id: z.string().min(1).max(100).optional(),
        source_key: z.string().min(1).max(200).optional().describe('e.g. flow:<run>:<step>'),
      })
      .strict(),
    handler: ({ ctx, shopId, body }) =>
      createCoupon(ctx, {
        shopId,
        ...termsInput(body),
        ...(body.customer_id !== undefined ? { customerId: body.customer_id } : {}),
        ...(body.source_key !== undefined ? { sourceKey: body.source_key } : {}),
      }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/coupons/bulk',
    auth: 'secret',
    tag: 'Coupons',
    summary:
      'Create a named batch of unassigned single-use codes (to paste into Shopify or Haravan). Idempotent by name: the same batch returns the same codes; a larger count adds the missing ones.',
    status: 201,
    body: z
      .object({
        ...terms,
        batch: z.string().min(1).max(64),
        count: z.number().int().min(1).max(MAX_BATCH),
      })
      .strict(),
    handler: ({ ctx, shopId, body }) =>
      createCouponBatch(ctx, { shopId, batch: body.batch, count: body.count, ...termsInput(body) }),
  }),
];
