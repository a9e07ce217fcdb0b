/**
 * Replenishment (issue 18): learn every product's reorder cycle from the shop's valid orders and
 * predict when each customer will buy each replenishable product again; list and show them, per
 * product and per customer; evaluate the prediction on a time split. The CLI (`nurture products
 * replenishment`), the API (`/api/v1/products/replenishment`, `/api/v1/customers/{id}/replenishment`),
 * the dashboard's product pages and the nightly job call these.
 */
import { z } from 'zod';
import { localDay } from '../domain/analytics/calendar.js';
import { shopSchema } from '../domain/model/shop.js';
import type { ProductInfo, Purchase } from '../domain/replenish/cycles.js';
import {
  defaultSplit,
  evaluateReplenishment,
  type ReplenishEvaluation,
} from '../domain/replenish/evaluate.js';
import {
  type CustomerReplenishment,
  DEFAULT_REPLENISH_THRESHOLDS,
  type ProductCycle,
  replenishTimingSchema,
} from '../domain/replenish/types.js';
import { startOfDay } from '../domain/segments/resolve.js';
import { NurtureError } from '../errors.js';
import { listCatalogue } from '../store/products/index.js';
import { currentReplenishment, listReorderCycles, readPurchases } from '../store/replenish/index.js';
import { recomputeCyclesInStore } from '../store/replenish/recompute.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

const shopId = shopSchema.shape.shopId;

/** The products as the cycles need them: category, and the seller's "not a consumable". */
async function productInfos(store: Store, shop: string): Promise<ProductInfo[]> {
  return (await listCatalogue(store, shop)).map((e) => ({
    sku: e.sku,
    category: e.category ?? null,
    // Only the seller's own word (a product or category setting) vetoes a learned cycle.
    sellerConsumable:
      !e.consumable && (e.consumableFrom === 'product' || e.consumableFrom === 'category') ? false : null,
  }));
}

export const recomputeCyclesInputSchema = z.object({
  shopId,
  level: replenishTimingSchema.shape.level,
  leadDays: replenishTimingSchema.shape.leadDays,
});
export type RecomputeCyclesInput = z.input<typeof recomputeCyclesInputSchema>;

export interface RecomputeCyclesResult {
  computedAt: Date;
  products: number;
  replenishable: number;
  /** Customer × product predictions written. */
  predictions: number;
  seconds: { read: number; learn: number; write: number };
}

/**
 * The full recompute: every cycle and every customer's prediction of the shop, as of now,
 * replacing what was stored (one transaction). The engine does the work over the purchases
 * (src/store/replenish/recompute.ts); the domain's `learnCycles` and `predictNext` are its
 * reference.
 */
export async function recomputeReorderCycles(
  ctx: AppContext,
  input: RecomputeCyclesInput,
): Promise<RecomputeCyclesResult> {
  const q = parseInput(recomputeCyclesInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const now = ctx.clock.now();
  const products = await productInfos(ctx.store, q.shopId);
  const r = await recomputeCyclesInStore(ctx.store, q.shopId, {
    end: now,
    products,
    thresholds: DEFAULT_REPLENISH_THRESHOLDS,
    timing: { level: q.level, leadDays: q.leadDays },
    timeZone: shop.timezone,
  });
  return {
    computedAt: now,
    products: r.cycles.length,
    replenishable: r.cycles.filter((c) => c.replenishable).length,
    predictions: r.predictions,
    seconds: r.seconds,
  };
}

/** A cycle with the product's title (null for a SKU met only on order lines without one). */
export type TitledCycle = ProductCycle & { title: string | null };

export const listCyclesInputSchema = z.object({ shopId, replenishable: z.boolean().optional() });

/** The stored cycles, with titles. `computedAt` null: never computed (run the recompute). */
export async function listProductCycles(
  ctx: AppContext,
  input: z.input<typeof listCyclesInputSchema>,
): Promise<{ computedAt: Date | null; timezone: string; cycles: TitledCycle[] }> {
  const q = parseInput(listCyclesInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const stored = await listReorderCycles(
    ctx.store,
    q.shopId,
    q.replenishable === undefined ? {} : { replenishable: q.replenishable },
  );
  const titles = new Map(
    (await listCatalogue(ctx.store, q.shopId, { skus: stored.cycles.map((c) => c.sku) })).map((e) => [
      e.sku,
      e.title,
    ]),
  );
  return {
    computedAt: stored.computedAt,
    timezone: shop.timezone,
    cycles: stored.cycles.map((c) => ({ ...c, title: titles.get(c.sku) ?? null })),
  };
}

export const showCycleInputSchema = z.object({ shopId, sku: z.string().min(1).max(200) });

/** One product's cycle; not_found when the catalogue and the cycles both lack the SKU. */
export async function showProductCycle(
  ctx: AppContext,
  input: z.input<typeof showCycleInputSchema>,
): Promise<{ computedAt: Date | null; cycle: TitledCycle | null; title: string; category: string | null }> {
  const q = parseInput(showCycleInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const [product] = await listCatalogue(ctx.store, q.shopId, { sku: q.sku });
  const stored = await listReorderCycles(ctx.store, q.shopId, { sku: q.sku });
  const cycle = stored.cycles[0];
  if (product === undefined && cycle === undefined)
    throw new NurtureError('not_found', `no product with SKU ${q.sku}`);
  const title = product?.title ?? q.sku;
  return {
    computedAt: stored.computedAt,
    cycle: cycle ? { ...cycle, title } : null,
    title,
    category: product?.category ?? cycle?.category ?? null,
  };
}

export const customerReplenishmentInputSchema = z.object({ shopId, customerId: z.string().min(1).max(200) });

/**
 * One customer's predicted next purchases of replenishable products, soonest due first, leaving
 * out those made stale by a purchase since the last recompute.
 */
export async function customerReplenishment(
  ctx: AppContext,
  input: z.input<typeof customerReplenishmentInputSchema>,
): Promise<{ customerId: string; items: (CustomerReplenishment & { title: string | null })[] }> {
  const q = parseInput(customerReplenishmentInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const customer = await ctx.store.getCustomer(q.shopId, q.customerId);
  if (!customer) throw new NurtureError('not_found', `no customer ${q.customerId}`);
  const items = await currentReplenishment(ctx.store, q.shopId, [customer.customerId]);
  const titles = new Map(
    (await listCatalogue(ctx.store, q.shopId, { skus: items.map((i) => i.sku) })).map((e) => [
      e.sku,
      e.title,
    ]),
  );
  return {
    customerId: customer.customerId,
    items: items.map((i) => ({ ...i, title: titles.get(i.sku) ?? null })),
  };
}

export const evaluateReplenishmentInputSchema = z.object({
  shopId,
  /** The split day (YYYY-MM-DD, from its start in the shop's time zone); default: 80 % into the orders' span. */
  splitAt: z.iso.date().optional(),
  level: replenishTimingSchema.shape.level,
});

/** The MAE of the next-purchase prediction on the shop's own history, against the product median. */
export async function evaluateShopReplenishment(
  ctx: AppContext,
  input: z.input<typeof evaluateReplenishmentInputSchema>,
): Promise<ReplenishEvaluation & { splitDay: string }> {
  const q = parseInput(evaluateReplenishmentInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const purchases = await readPurchases(ctx.store, q.shopId, ctx.clock.now());
  const products = await productInfos(ctx.store, q.shopId);
  const split = q.splitAt !== undefined ? startOfDay(q.splitAt, shop.timezone) : defaultSplit(purchases);
  if (split === null || !purchases.some((p: Purchase) => p.at < split.getTime()))
    throw new NurtureError('not_enough_data', 'no valid orders before the split: nothing to learn from');
  const e = evaluateReplenishment(purchases, products, split, DEFAULT_REPLENISH_THRESHOLDS, {
    level: q.level,
    leadDays: 0,
  });
  return { ...e, splitDay: localDay(split, shop.timezone) };
}
