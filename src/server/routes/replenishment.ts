import { z } from 'zod';
import { customerReplenishment, listProductCycles, showProductCycle } from '../../app/replenishment.js';
import { type RouteSpec, route } from '../route.js';

/**
 * The learned reorder cycles of the key's shop and one customer's predicted next purchases
 * (docs/recommend.md). `/api/v1/products/replenishment` is a static path, so it wins over the
 * product route `/api/v1/products/:sku` (a SKU named "replenishment" is read through the list).
 */
export const replenishmentRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/products/replenishment',
    auth: 'secret',
    tag: 'Products',
    summary:
      "Each product's reorder cycle learned from the valid orders (days per unit, 95 % interval), its evidence (buyers, repeat probability, interval quartiles and histogram, regularity), and whether it is replenishable or why not (`nurture products replenishment`). `computedAt` is null until the first recompute.",
    query: z.object({ replenishable: z.enum(['true', 'false']).optional() }),
    handler: ({ ctx, shopId, query }) =>
      listProductCycles(ctx, {
        shopId,
        ...(query.replenishable !== undefined ? { replenishable: query.replenishable === 'true' } : {}),
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/products/:sku/replenishment',
    auth: 'secret',
    tag: 'Products',
    summary:
      "One product's learned reorder cycle (null before the first recompute or for a SKU never ordered).",
    params: z.object({ sku: z.string().min(1).max(200) }),
    handler: ({ ctx, shopId, params }) => showProductCycle(ctx, { shopId, sku: params.sku }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/customers/:id/replenishment',
    auth: 'secret',
    tag: 'Customers',
    summary:
      "A customer's predicted next purchases of replenishable products, soonest due first: their rhythm shrunk toward the product's cycle, the predicted instant, and the due day (minus the lead time, the shop's calendar). Predictions made stale by a purchase since the last recompute are left out.",
    params: z.object({ id: z.string().min(1).max(200) }),
    handler: ({ ctx, shopId, params }) => customerReplenishment(ctx, { shopId, customerId: params.id }),
  }),
];
