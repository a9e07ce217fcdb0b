import type { Store } from '../store.js';
import type { RunContext } from './runs.js';

/** An order as message templates read it. */
export interface OrderVars {
  orderId: string;
  name: string | null;
  total: number;
  createdAt: Date;
  status: string;
  lines: { title: string; sku: string | null; quantity: number; price: number }[];
}

function idList(n: number, first: number): string {
  return Array.from({ length: n }, (_, i) => `$${i + first}`).join(', ');
}

/** The contexts of runs (their order, coupons), by run id. */
export async function runContexts(
  store: Store,
  shopId: string,
  runIds: readonly string[],
): Promise<Map<string, RunContext>> {
  const ids = [...new Set(runIds)];
  if (ids.length === 0) return new Map();
  const rows = await store.engine.all<{ run_id: string; context: string }>(
    `SELECT run_id, context FROM flow_runs WHERE shop_id = $1 AND run_id IN (${idList(ids.length, 2)})`,
    [shopId, ...ids],
  );
  return new Map(rows.map((r) => [r.run_id, JSON.parse(r.context) as RunContext]));
}

/** Orders with their lines, by order id. */
export async function ordersForMessages(
  store: Store,
  shopId: string,
  orderIds: readonly string[],
): Promise<Map<string, OrderVars>> {
  const ids = [...new Set(orderIds)];
  const out = new Map<string, OrderVars>();
  if (ids.length === 0) return out;
  const orders = await store.engine.all<{
    order_id: string;
    name: string | null;
    total: string;
    created_at: Date;
    status: string;
  }>(
    `SELECT order_id, name, CAST(total AS VARCHAR) AS total, created_at, status FROM orders
     WHERE shop_id = $1 AND order_id IN (${idList(ids.length, 2)})`,
    [shopId, ...ids],
  );
  for (const o of orders)
    out.set(o.order_id, {
      orderId: o.order_id,
      name: o.name,
      total: Number(o.total),
      createdAt: o.created_at,
      status: o.status,
      lines: [],
    });
  const lines = await store.engine.all<{
    order_id: string;
    title: string;
    sku: string | null;
    quantity: number;
    price: string;
  }>(
    `SELECT order_id, title, sku, quantity, CAST(price AS VARCHAR) AS price FROM order_lines
     WHERE shop_id = $1 AND order_id IN (${idList(ids.length, 2)}) ORDER BY order_id, line_no`,
    [shopId, ...ids],
  );
  for (const l of lines)
    out.get(l.order_id)?.lines.push({
      title: l.title,
      sku: l.sku,
      quantity: Number(l.quantity),
      price: Number(l.price),
    });
  return out;
}
