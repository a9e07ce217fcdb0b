import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { anonymousIdSchema } from '../../app/popups.js';
import { boughtTogether, personalRecommendations, popularProducts } from '../../app/recommend.js';
import {
  STOREFRONT_BLOCKS,
  storefrontItemSchema,
  storefrontRecommendations,
} from '../../app/recommend-storefront.js';
import { LIST_SIZES, recommendedItemSchema } from '../../domain/recommend/model.js';
import { type RouteSpec, route } from '../route.js';
import { checkOrigin, type TrackingLimits } from './tracking.js';

const lang = z.enum(['vi', 'en']).default('vi');

const listSchema = z.array(recommendedItemSchema);

/**
 * Recommendations of the key's shop (docs/recommend.md, "Output"): a customer's "for you" list
 * (and the linked shops' products when the customer consented), the products bought together
 * with a SKU and its bundle, and the most bought / viewed / trending products. They read what
 * the last recompute stored (`nurture recommend recompute`, nightly).
 */
export const recommendRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/customers/:id/recommendations',
    auth: 'secret',
    tag: 'Recommendations',
    summary:
      "A customer's recommendations, best first, each with its reason (`nurture recommend personal --customer`); `crossShop` holds the linked shops' products for a customer with marketing consent.",
    params: z.object({ id: z.string().min(1).max(200) }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(LIST_SIZES.personal).default(10),
      lang,
    }),
    response: z.object({
      customerId: z.string(),
      computedAt: z.string().nullable(),
      fallback: z.boolean(),
      items: listSchema,
      crossShop: listSchema,
    }),
    handler: ({ ctx, shopId, params, query }) =>
      personalRecommendations(ctx, { shopId, customerId: params.id, limit: query.limit, lang: query.lang }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/products/:sku/together',
    auth: 'secret',
    tag: 'Recommendations',
    summary:
      'The products bought in the same order as this SKU (pair rules with support, confidence and lift > 1) and a bundle with its combined price (`nurture recommend together`).',
    params: z.object({ sku: z.string().min(1).max(200) }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(LIST_SIZES.neighbours).default(5), lang }),
    handler: ({ ctx, shopId, params, query }) =>
      boughtTogether(ctx, { shopId, sku: params.sku, limit: query.limit, lang: query.lang }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/products/popular',
    auth: 'secret',
    tag: 'Recommendations',
    summary:
      'The most bought (`kind=bought`), most viewed or trending products of the shop or of a category (`nurture recommend popular`).',
    query: z.object({
      kind: z.enum(['bought', 'viewed', 'trending']).default('bought'),
      category: z.string().min(1).max(200).optional(),
      limit: z.coerce.number().int().min(1).max(LIST_SIZES.popular).default(10),
      lang,
    }),
    handler: ({ ctx, shopId, query }) =>
      popularProducts(ctx, {
        shopId,
        kind: query.kind,
        limit: query.limit,
        lang: query.lang,
        ...(query.category !== undefined ? { category: query.category } : {}),
      }),
  }),
];

/**
 * `GET /t/v1/recommendations`: a storefront block's items for the widget (docs/widget.md,
 * "Recommendations"), with a publishable key (`?writeKey=`) from the shop's allowed origins.
 */
export function storefrontRecommendationRoutes(ctx: AppContext, limits: TrackingLimits): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/t/v1/recommendations',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        'A recommendation block for the storefront widget: `together` (with `sku`), `for-you` (the visitor, by `anonymousId`, once identified; else the most bought) or `most-viewed` (optionally of a `category`).',
      query: z.object({
        writeKey: z.string().max(100).optional(),
        block: z.enum(STOREFRONT_BLOCKS),
        anonymousId: anonymousIdSchema,
        sku: z.string().min(1).max(200).optional(),
        category: z.string().min(1).max(200).optional(),
        limit: z.coerce.number().int().min(1).max(12).default(4),
        lang,
      }),
      response: z.object({ block: z.enum(STOREFRONT_BLOCKS), items: z.array(storefrontItemSchema) }),
      handler: async ({ key, query, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        await checkOrigin(ctx, shopId, request, reply);
        reply.header('cache-control', 'no-store');
        return storefrontRecommendations(ctx, {
          shopId,
          block: query.block,
          anonymousId: query.anonymousId,
          limit: query.limit,
          lang: query.lang,
          ...(query.sku !== undefined ? { sku: query.sku } : {}),
          ...(query.category !== undefined ? { category: query.category } : {}),
        });
      },
    }),
  ];
}
