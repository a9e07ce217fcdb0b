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
