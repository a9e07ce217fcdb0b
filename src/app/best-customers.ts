import { z } from 'zod';
import { resolveAnalyticsConfig } from '../domain/analytics/config.js';
import { shopSchema } from '../domain/model/shop.js';
import {
  type BestRanking,
  bestCustomersInPeriod,
  type PeriodCustomer,
} from '../store/analytics/period-orders.js';
import type { AppContext } from './context.js';
import { type ChosenPeriod, choosePeriod, periodInputSchema } from './period.js';

/** How many best customers a list shows (and its CSV holds). */
export const BEST_CUSTOMERS_LIMIT = 50;

export const bestCustomersInputSchema = periodInputSchema.extend({
  shopId: shopSchema.shape.shopId,
  by: z.enum(['revenue', 'orders']).default('revenue'),
  limit: z.number().int().min(1).max(1000).default(BEST_CUSTOMERS_LIMIT),
});
export type BestCustomersInput = z.input<typeof bestCustomersInputSchema>;

/**
 * Seed 002's best customers "by revenue and by number of orders, for a period": the customers
 * with the most revenue (or valid orders) in the chosen period, valid orders as `analyze` counts
 * them (paid or delivered, net of refunds). One bounded aggregate over the period's orders.
 */
export async function bestCustomersOfPeriod(
  ctx: AppContext,
  input: BestCustomersInput,
): Promise<{ period: ChosenPeriod; by: BestRanking; customers: PeriodCustomer[] }> {
  const parsed = bestCustomersInputSchema.parse(input);
  const shop = await ctx.store.requireShop(parsed.shopId);
  const period = choosePeriod(parsed, { timeZone: shop.timezone, now: ctx.clock.now() });
  const customers = await bestCustomersInPeriod(
    ctx.store.engine,
    parsed.shopId,
    { from: period.from, to: period.to, by: parsed.by, limit: parsed.limit },
    resolveAnalyticsConfig().validOrders,
  );
  return { period, by: parsed.by, customers };
}
