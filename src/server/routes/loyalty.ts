import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adjustPoints, pointsOf, redeemReward, resolveCustomer } from '../../app/loyalty/points.js';
import { setProgram, showProgram } from '../../app/loyalty/program.js';
import { widgetLoyalty, widgetRedeem } from '../../app/loyalty/widget.js';
import { type RouteSpec, route } from '../route.js';
import { allowOrigin, checkOrigin, type TrackingLimits } from './tracking.js';

const customerParam = z.object({
  id: z.string().min(1).max(200).describe('a customer id, a phone (any spelling) or an e-mail'),
});

/** The loyalty programme and customers' points of the key's shop (docs/loyalty.md, "CLI and API"). */
export const loyaltyRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/loyalty/program',
    auth: 'secret',
    tag: 'Loyalty',
    summary:
      'The loyalty programme in force: rules, multipliers, tiers, rewards, settings (`nurture loyalty program show`).',
    handler: ({ ctx, shopId }) => showProgram(ctx, { shopId }),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/loyalty/program',
    auth: 'secret',
    tag: 'Loyalty',
    summary:
      'Store a programme as the next version (`nurture loyalty program set`). Validated whole: an invalid one changes nothing and every problem is named by its path. Past ledger entries keep the version they were earned under.',
    body: z.object({ program: z.unknown() }).strict(),
    handler: ({ ctx, shopId, body }) => setProgram(ctx, { shopId, program: body.program }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/customers/:id/points',
    auth: 'secret',
    tag: 'Loyalty',
    summary:
      "A customer's balance, pending points and why, tier and the next one, rewards and the latest ledger entries (`nurture points show`).",
    params: customerParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) }),
    handler: async ({ ctx, shopId, params, query }) => {
      await ctx.store.requireShop(shopId);
      return pointsOf(ctx, shopId, await resolveCustomer(ctx, shopId, params.id), query.limit);
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/customers/:id/points/adjustments',
    auth: 'secret',
    tag: 'Loyalty',
    summary:
      'Add or take points by hand, with the reason (`nurture points adjust`); never below a zero balance.',
    status: 201,
    params: customerParam,
    body: z.object({ amount: z.number().int(), reason: z.string().min(1).max(500) }).strict(),
    handler: ({ ctx, shopId, params, body, key }) =>
      adjustPoints(ctx, {
        shopId,
        customer: params.id,
        amount: body.amount,
        reason: body.reason,
        ...(key ? { by: key.keyId } : {}),
      }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/customers/:id/points/redemptions',
    auth: 'secret',
    tag: 'Loyalty',
    summary:
      'Spend points on a reward of the catalogue (a coupon, free shipping, or a gift as a staff task). Atomic: never overdraws; idempotent by `request_key`.',
    status: 201,
    params: customerParam,
    body: z
      .object({ reward: z.string().min(1).max(40), request_key: z.string().min(1).max(100).optional() })
      .strict(),
    handler: ({ ctx, shopId, params, body }) =>
      redeemReward(ctx, {
        shopId,
        customer: params.id,
        reward: body.reward,
        ...(body.request_key !== undefined ? { requestKey: body.request_key } : {}),
      }),
  }),
];

const tokenQuery = z.object({
  writeKey: z.string().max(100).optional().describe('the publishable key (pk_…)'),
  token: z.string().min(1).max(400).describe("the customer's token, signed by the shop (docs/loyalty.md)"),
  lang: z.enum(['vi', 'en']).default('vi'),
});

/**
 * The widget's loyalty panel: `GET /t/v1/loyalty` and `POST /t/v1/loyalty/redeem`, with the
 * shop's publishable key and the customer's signed token, from the shop's allowed origins. They
 * run on the handler's context: redemptions are written on the server's one writer connection.
 */
export function loyaltyStorefrontRoutes(limits: TrackingLimits): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/t/v1/loyalty',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        "The signed-in customer's loyalty panel (`?token=` signed by the shop): balance, pending points and why, tier and progress, rewards, referral link.",
      query: tokenQuery,
      handler: async ({ ctx, key, query, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        await checkOrigin(ctx, shopId, request, reply);
        reply.header('cache-control', 'no-store');
        return widgetLoyalty(ctx, { shopId, token: query.token, lang: query.lang });
      },
    }),
    route({
      method: 'POST',
      url: '/t/v1/loyalty/redeem',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        'The signed-in customer redeems a reward with points (JSON, or text/plain JSON to avoid a preflight).',
      body: z.object({
        writeKey: z.string().max(100).optional(),
        token: z.string().min(1).max(400),
        reward: z.string().min(1).max(40),
        requestKey: z.string().min(1).max(100).optional(),
        lang: z.enum(['vi', 'en']).default('vi'),
      }),
      handler: async ({ ctx, key, body, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        limits.perKey.take(key?.keyId ?? '', 'key');
        await checkOrigin(ctx, shopId, request, reply);
        return widgetRedeem(ctx, {
          shopId,
          token: body.token,
          reward: body.reward,
          lang: body.lang,
          ...(body.requestKey ? { requestKey: body.requestKey } : {}),
        });
      },
    }),
    route({
      method: 'OPTIONS',
      url: '/t/v1/loyalty/redeem',
      auth: 'none',
      tag: 'Storefront',
      summary: 'CORS preflight (the POST itself checks the origin against the shop of the key).',
      hidden: true,
      handler: async ({ request, reply }: { request: FastifyRequest; reply: FastifyReply }) => {
        const origin = request.headers.origin;
        if (origin !== undefined) allowOrigin(reply, origin);
        return reply.status(204).send();
      },
    }),
  ];
}
