import { z } from 'zod';
import { boughtTogether, personalRecommendations, popularProducts } from '../../app/recommend.js';
import { LIST_SIZES, recommendedItemSchema } from '../../domain/recommend/model.js';
import { type RouteSpec, route } from '../route.js';

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
