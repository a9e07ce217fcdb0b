import { zonedDayOf } from '../../domain/time.js';
import { ordersForMessages } from '../../store/flows/vars.js';
import { listCatalogue } from '../../store/products/index.js';
import type { Store } from '../../store/store.js';

const DAY_MS = 86_400_000;

/**
 * When the customer of each run will need to buy again what its order brought: the order's date
 * plus the catalogue's reorder cycle (product, then category, then the catalogue file: see
 * docs/catalogue.md) of its consumable lines, each times its quantity (two packs last twice as
 * long), the soonest of them — as a shop calendar day. Runs whose order has no consumable with a
 * cycle are left out. The learned per-product cycles of the recommendations will replace the
 * catalogue's figure here.
 */
export async function reorderDueDays(
  store: Store,
  shopId: string,
  runs: readonly { runId: string; orderId: string }[],
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
  const cycles = new Map(
    (await listCatalogue(store, shopId, { skus }))
      .filter((e) => e.consumable && e.reorderCycleDays !== undefined)
      .map((e) => [e.sku, e.reorderCycleDays!]),
  );
  for (const run of runs) {
    const order = orders.get(run.orderId);
    if (!order) continue;
    const days = order.lines.flatMap((l) => {
      const cycle = l.sku ? cycles.get(l.sku) : undefined;
      return cycle === undefined ? [] : [cycle * Math.max(1, l.quantity)];
    });
    if (days.length === 0) continue;
    out.set(
      run.runId,
      zonedDayOf(new Date(order.createdAt.getTime() + Math.min(...days) * DAY_MS), timeZone),
    );
  }
  return out;
}
