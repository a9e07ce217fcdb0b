/** The orders of a shop, listed. */
import type { Store } from '../store.js';

/** One order in a list: its keys, owner, status and amounts, and how many lines it has. */
export interface OrderListItem {
  orderId: string;
  source: string;
  externalId: string;
  customerId: string;
  status: string;
  total: number;
  refunded: number;
  createdAt: Date;
  lines: number;
}

/** A shop's orders (one customer's when given), oldest first, with their line counts. */
export async function listOrders(
  store: Store,
  shopId: string,
  filter: { customerId?: string } = {},
): Promise<OrderListItem[]> {
  const rows = await store.engine.all<{
    order_id: string;
    source: string;
    external_id: string;
    customer_id: string;
    status: string;
    total: number;
    refunded: number;
    created_at: Date;
    lines: number;
  }>(
    `SELECT o.order_id, o.source, o.external_id, o.customer_id, o.status, o.total, o.refunded, o.created_at,
       (SELECT COUNT(*) FROM order_lines l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id) AS lines
     FROM orders o WHERE o.shop_id = $1 AND ($2 = '' OR o.customer_id = $2)
     ORDER BY o.created_at, o.external_id`,
    [shopId, filter.customerId ?? ''],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    source: r.source,
    externalId: r.external_id,
    customerId: r.customer_id,
    status: r.status,
    total: Number(r.total),
    refunded: Number(r.refunded),
    createdAt: r.created_at,
    lines: Number(r.lines),
  }));
}
