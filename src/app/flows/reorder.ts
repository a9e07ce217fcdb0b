import { histories, predictNext } from '../../domain/replenish/cycles.js';
import { DEFAULT_REPLENISH_TIMING } from '../../domain/replenish/types.js';
import { zonedDayOf } from '../../domain/time.js';
import { ordersForMessages } from '../../store/flows/vars.js';
import { listCatalogue } from '../../store/products/index.js';
import { listReorderCycles, readCustomerPurchases } from '../../store/replenish/index.js';
import type { Store } from '../../store/store.js';

const DAY_MS = 86_400_000;

/**
 * When the customer of each run will need to buy again what its order brought, as a shop
 * calendar day: the soonest over the order's lines of
 * - the seller's own reorder cycle for the product or its category (`nurture products set`), times
 *   the quantity — the seller's word comes first;
 * - else, for a product the learned cycles call replenishable (`nurture products replenishment`),
 *   the day the customer's own rhythm shrunk toward the product's says they will have bought again
 *   with probability 0.5, from their valid purchases before this order and this order's quantity
 *   (docs/recommend.md, "Reorder cycles");
 * - else the catalogue file's cycle of a consumable, times the quantity.
 * Runs whose order has none of these are left out.
 */
export async function reorderDueDays(
  store: Store,
  shopId: string,
  runs: readonly { runId: string; orderId: string; customerId: string }[],
  timeZone: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (runs.length === 0) return out;
  const orders = await ordersForMessages(
    store,
    shopId,
    runs.map((r) => r.orderId),
  );
  const skus = [
    ...new Set([...orders.values()].flatMap((o) => o.lines.flatMap((l) => (l.sku ? [l.sku] : [])))),
  ];
  const catalogue = await listCatalogue(store, shopId, { skus });
  const sellerCycles = new Map<string, number>();
  const fileCycles = new Map<string, number>();
  for (const e of catalogue) {
    if (!e.consumable || e.reorderCycleDays === undefined) continue;
    if (e.reorderCycleFrom === 'product' || e.reorderCycleFrom === 'category')
      sellerCycles.set(e.sku, e.reorderCycleDays);
    else fileCycles.set(e.sku, e.reorderCycleDays);
  }
  const learned = new Map(
    (await listReorderCycles(store, shopId, { skus, replenishable: true })).cycles.map((c) => [c.sku, c]),
  );
  const learnedSkus = skus.filter((s) => learned.has(s) && !sellerCycles.has(s));
  for (const run of runs) {
    const order = orders.get(run.orderId);
    if (!order) continue;
    const before =
      learnedSkus.length === 0
        ? []
        : await readCustomerPurchases(store, shopId, [run.customerId], learnedSkus, order.createdAt);
    const days = order.lines.flatMap((l): number[] => {
      if (!l.sku) return [];
      const qty = Math.max(1, l.quantity);
      const seller = sellerCycles.get(l.sku);
      if (seller !== undefined) return [seller * qty];
      const cycle = learned.get(l.sku);
      if (cycle) {
        const at = order.createdAt.getTime();
        const mine = before.filter((p) => p.sku === l.sku && at - p.at >= DAY_MS);
        const [h] =
          histories([
            ...mine,
            { customerId: run.customerId, sku: l.sku, category: null, at, quantity: qty },
          ]).get(l.sku) ?? [];
        const p = h ? predictNext(cycle, h, { ...DEFAULT_REPLENISH_TIMING, leadDays: 0 }, timeZone) : null;
        if (p) return [(p.predictedAt.getTime() - at) / DAY_MS];
      }
      const file = fileCycles.get(l.sku);
      return file === undefined ? [] : [file * qty];
    });
    if (days.length === 0) continue;
    out.set(
      run.runId,
      zonedDayOf(new Date(order.createdAt.getTime() + Math.min(...days) * DAY_MS), timeZone),
    );
  }
  return out;
}
