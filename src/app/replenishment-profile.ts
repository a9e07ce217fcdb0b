/**
 * A customer's replenishment as the dashboard's profile shows it (issue 18, item 4): each
 * replenishable product they buy, their own rhythm beside the product's cycle, the predicted next
 * purchase and whether it is overdue, due soon or later. Reads what app/replenishment.ts serves
 * (the customer's current predictions) and the products' stored cycles; nothing is recomputed.
 */
import { z } from 'zod';
import { addDays, daysBetween, localDay } from '../domain/analytics/calendar.js';
import { shopSchema } from '../domain/model/shop.js';
import type { PurchasePattern } from '../domain/replenish/types.js';
import { listReorderCycles } from '../store/replenish/index.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';
import { customerReplenishment } from './replenishment.js';

/**
 * Where a prediction stands today: `overdue` once the predicted day has passed without a purchase,
 * `due` when its due day (predicted day minus the lead time) falls within the window, else `later`.
 */
export const REPLENISH_STATUSES = ['overdue', 'due', 'later'] as const;
export type ReplenishStatus = (typeof REPLENISH_STATUSES)[number];

export const replenishmentProfileInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  customerId: z.string().min(1).max(200),
  /** "Due" means a due day from today to this many days ahead (as `replenishment_due(within: 7d)`). */
  dueWithinDays: z.number().int().min(0).max(365).default(7),
});

/** One replenishable product of the customer. */
export interface ReplenishmentProfileItem {
  sku: string;
  title: string | null;
  /** Purchases of it (a day apart at least) and the last one's day and quantity. */
  purchases: number;
  lastPurchaseAt: Date;
  lastQuantity: number;
  /** The customer's rhythm in days per unit, shrunk toward the product's cycle. */
  customerIntervalDays: number;
  /** The product's cycle (days per unit) with its 95 % interval; null if not stored any more. */
  cycleDays: number | null;
  cycleLowDays: number | null;
  cycleHighDays: number | null;
  pattern: PurchasePattern;
  /** The predicted next purchase as a shop day, and the due day (minus the lead time). */
  predictedDay: string;
  dueDay: string;
  status: ReplenishStatus;
  /** Days from today to the predicted day (negative: overdue by that many). */
  daysToPredicted: number;
}

/** The customer's replenishment, overdue first, then by due day. */
export interface ReplenishmentProfile {
  customerId: string;
  /** When the cycles were last learned (null: never, so there can be no prediction yet). */
  computedAt: Date | null;
  /** The shop's today, against which the statuses are given. */
  today: string;
  items: ReplenishmentProfileItem[];
}

function statusOf(today: string, predictedDay: string, dueDay: string, within: number): ReplenishStatus {
  if (predictedDay < today) return 'overdue';
  if (dueDay <= addDays(today, within)) return 'due';
  return 'later';
}

const STATUS_ORDER: Record<ReplenishStatus, number> = { overdue: 0, due: 1, later: 2 };

/** One customer's replenishable products with their rhythm, cycle, predicted date and status. */
export async function customerReplenishmentProfile(
  ctx: AppContext,
  input: z.input<typeof replenishmentProfileInputSchema>,
): Promise<ReplenishmentProfile> {
  const q = parseInput(replenishmentProfileInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const own = await customerReplenishment(ctx, { shopId: q.shopId, customerId: q.customerId });
  // Without items, the empty SKU (which no product has) still reads when the cycles were learned.
  const stored = await listReorderCycles(
    ctx.store,
    q.shopId,
    own.items.length > 0 ? { skus: own.items.map((i) => i.sku) } : { sku: '' },
  );
  const cycles = new Map(stored.cycles.map((c) => [c.sku, c]));
  const today = localDay(ctx.clock.now(), shop.timezone);
  const items = own.items.map((i): ReplenishmentProfileItem => {
    const c = cycles.get(i.sku);
    const predictedDay = localDay(i.predictedAt, shop.timezone);
    return {
      sku: i.sku,
      title: i.title,
      purchases: i.purchases,
      lastPurchaseAt: i.lastPurchaseAt,
      lastQuantity: i.lastQuantity,
      customerIntervalDays: i.intervalDays,
      cycleDays: c?.cycleDays ?? null,
      cycleLowDays: c?.cycleLowDays ?? null,
      cycleHighDays: c?.cycleHighDays ?? null,
      pattern: c?.pattern ?? 'unknown',
      predictedDay,
      dueDay: i.dueDay,
      status: statusOf(today, predictedDay, i.dueDay, q.dueWithinDays),
      daysToPredicted: daysBetween(today, predictedDay),
    };
  });
  items.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.dueDay.localeCompare(b.dueDay));
  return { customerId: own.customerId, computedAt: stored.computedAt, today, items };
}
