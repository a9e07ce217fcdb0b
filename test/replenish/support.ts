import type { OrderInput } from '../../src/domain/model/index.js';
import type { Purchase } from '../../src/domain/replenish/cycles.js';

/** The valid purchases of generated orders (delivered, not refunded), as the store reads them. */
export function purchasesOf(orders: readonly OrderInput[]): Purchase[] {
  return orders
    .filter((o) => o.status === 'delivered' || o.status === 'paid')
    .flatMap((o) =>
      o.lines.map((l) => ({
        customerId: o.customer.externalId ?? '',
        sku: l.sku ?? '',
        category: l.category ?? null,
        at: o.createdAt.getTime(),
        quantity: l.quantity,
      })),
    );
}

/** Imports a generated shop (customers, then orders) into a store, as an import does. */
export async function importCycleShop(
  store: import('../../src/store/store.js').Store,
  shopId: string,
  shop: import('../../src/ingest/demo/cycle-shop.js').CycleShop,
  at: Date,
): Promise<void> {
  await store.ensureShop({ shopId, timezone: 'Asia/Ho_Chi_Minh' });
  await store.transaction(async (tx) => {
    await tx.importBatch(
      shopId,
      { customers: shop.customers, orders: shop.orders, events: [] },
      'imp_cycles',
      at,
    );
  });
}
