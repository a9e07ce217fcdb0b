import { z } from 'zod';
import {
  listShopCategories,
  listShopProducts,
  productSetInputSchema,
  setProductSettings,
  showProduct,
} from '../../app/products.js';
import { type RouteSpec, route } from '../route.js';

const bool = z.enum(['true', 'false']).optional();

/** The product catalogue of the key's shop and its consumable / reorder-cycle settings. */
export const productRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/products',
    auth: 'secret',
    tag: 'Products',
    summary:
      "The shop's product catalogue by SKU, with each product's effective consumable flag and reorder cycle and where they come from (`nurture products list`).",
    query: z.object({
      category: z.string().min(1).max(200).optional(),
      consumable: bool,
      limit: z.coerce.number().int().min(1).max(100_000).default(1000),
    }),
    handler: ({ ctx, shopId, query }) =>
      listShopProducts(ctx, {
        shopId,
        limit: query.limit,
        ...(query.category !== undefined ? { category: query.category } : {}),
        ...(query.consumable !== undefined ? { consumable: query.consumable === 'true' } : {}),
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/products/:sku',
    auth: 'secret',
    tag: 'Products',
    summary: 'One product by SKU, with how often it was ordered (`nurture products show`).',
    params: z.object({ sku: z.string().min(1).max(200) }),
    handler: ({ ctx, shopId, params }) => showProduct(ctx, { shopId, sku: params.sku }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/product-categories',
    auth: 'secret',
    tag: 'Products',
    summary:
      "The catalogue's categories with their product counts and settings (`nurture products categories`).",
    handler: ({ ctx, shopId }) => listShopCategories(ctx, { shopId }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/product-settings',
    auth: 'secret',
    tag: 'Products',
    summary:
      'Set a product (by SKU) or a whole category as a consumable with its reorder cycle, or clear the setting (`nurture products set`).',
    body: z
      .object({
        sku: productSetInputSchema.shape.sku,
        category: productSetInputSchema.shape.category,
        consumable: z.boolean().optional(),
        reorder_cycle_days: z.number().int().min(1).max(3650).optional(),
        clear: z.boolean().optional(),
      })
      .strict(),
    handler: ({ ctx, shopId, body }) =>
      setProductSettings(ctx, {
        shopId,
        ...(body.sku !== undefined ? { sku: body.sku } : {}),
        ...(body.category !== undefined ? { category: body.category } : {}),
        ...(body.consumable !== undefined ? { consumable: body.consumable } : {}),
        ...(body.reorder_cycle_days !== undefined ? { reorderCycleDays: body.reorder_cycle_days } : {}),
        ...(body.clear !== undefined ? { clear: body.clear } : {}),
      }),
  }),
];
