import { localDay } from '../../src/domain/analytics/calendar.js';
import { isValidOrder, orderValue, type ValidOrderRule } from '../../src/domain/analytics/valid-orders.js';
import { epochDay, type TransactionLog } from '../../src/domain/clv/index.js';
import { seededRandom } from '../../src/domain/ids.js';
import type { OrderStatus } from '../../src/domain/model/index.js';
import type { Store } from '../../src/store/store.js';

/** Orders written straight into the orders table, and the same orders as the pure domain sees them. */

export const SHOP = 'shop_clv';
export const TZ = 'Asia/Ho_Chi_Minh';

export interface TestOrder {
  customerId: string;
  status: OrderStatus;
  total: number;
  refunded: number;
  createdAt: Date;
}

const STATUSES: readonly OrderStatus[] = [
  'paid',
  'paid',
  'delivered',
  'delivered',
  'delivered',
  'failed_delivery',
  'returned',
  'refunded',
  'cancelled',
  'pending',
];

/**
 * A shop's orders with every case the summary must get right: invalid statuses, partial and full
 * refunds, several orders on one day, orders just before and after midnight in Vietnam (17:00 UTC),
 * customers whose only orders are invalid, and whose first order comes late.
 */
export function randomOrders(seed: number, customers: number, startDay: number, days: number): TestOrder[] {
  const u = seededRandom(seed);
  const orders: TestOrder[] = [];
  for (let c = 0; c < customers; c++) {
    const id = `cus_${String(c).padStart(5, '0')}`;
    const first = startDay + Math.floor(u() * days);
    const count = 1 + Math.floor(u() * u() * 9);
    let firstOrderDay = 0;
    for (let k = 0; k < count; k++) {
      // The first order comes first; a second order on its day now and then (two parcels, one purchase day).
      const later = k === 0 || (k === 1 && u() < 0.6) ? 0 : Math.floor(u() * u() * (days + 60));
      const day = k === 0 ? first : Math.min(firstOrderDay + later, startDay + days + 59);
      if (k === 0) firstOrderDay = day;
      // Minutes around 17:00 UTC = midnight in Vietnam, so the shop day differs from the UTC day.
      const minute = u() < 0.4 ? 17 * 60 - 20 + Math.floor(u() * 40) : Math.floor(u() * 1440);
      const total = Math.round(50_000 + u() * 900_000) + (u() < 0.2 ? 0.5 : 0);
      const status = STATUSES[Math.floor(u() * STATUSES.length)] as OrderStatus;
      const refundDraw = u();
      const refunded = refundDraw < 0.1 ? total : refundDraw < 0.25 ? Math.round(total * 0.3) : 0;
      orders.push({
        customerId: id,
        status,
        total,
        refunded,
        createdAt: new Date(day * 86_400_000 + minute * 60_000),
      });
    }
  }
  return orders;
}

/** Writes the orders (and the shop) with SQL: the summary reads nothing else. */
export async function insertOrders(
  store: Store,
  orders: readonly TestOrder[],
  shopId = SHOP,
  timezone = TZ,
): Promise<void> {
  await store.ensureShop({ shopId, timezone });
  await store.transaction(async (tx) => {
    const e = tx.engine;
    await e.run(
      `CREATE TEMPORARY TABLE IF NOT EXISTS test_orders (customer_id VARCHAR, status VARCHAR, total DOUBLE PRECISION,
        refunded DOUBLE PRECISION, created_at TIMESTAMPTZ, n BIGINT)`,
    );
    await e.run('DELETE FROM test_orders');
    await e.load(
      'test_orders',
      [
        { name: 'customer_id', type: 'text' },
        { name: 'status', type: 'text' },
        { name: 'total', type: 'double' },
        { name: 'refunded', type: 'double' },
        { name: 'created_at', type: 'timestamp' },
        { name: 'n', type: 'integer' },
      ],
      [
        orders.map((o) => o.customerId),
        orders.map((o) => o.status),
        orders.map((o) => o.total),
        orders.map((o) => o.refunded),
        orders.map((o) => o.createdAt),
        orders.map((_, i) => i),
      ],
    );
    await e.run(
      `INSERT INTO orders (shop_id, order_id, source, external_id, customer_id, status, currency, subtotal, shipping,
         taxes, discount, total, refunded, created_at, imported_at)
       SELECT $1, 'ord_' || customer_id || '_' || CAST(n AS VARCHAR), 'test', customer_id || '_' || CAST(n AS VARCHAR),
         customer_id, status, 'VND',
         CAST(total AS DECIMAL(18,2)), 0, 0, 0, CAST(total AS DECIMAL(18,2)), CAST(refunded AS DECIMAL(18,2)),
         created_at, created_at
       FROM test_orders`,
      [shopId],
    );
  });
}

/** The valid orders as a transaction log for the pure domain functions, and its customer ids. */
export function pureLog(
  orders: readonly TestOrder[],
  rule?: ValidOrderRule,
  timeZone = TZ,
): { log: TransactionLog; ids: string[] } {
  const ids = [...new Set(orders.map((o) => o.customerId))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const valid = orders.filter((o) => isValidOrder(o, rule));
  return {
    ids,
    log: {
      customer: Int32Array.from(valid, (o) => index.get(o.customerId) as number),
      day: Int32Array.from(valid, (o) => dayOf(o.createdAt, timeZone)),
      amount: Float64Array.from(valid, (o) => orderValue(o, rule)),
      customerCount: ids.length,
    },
  };
}

/** Days since 1970-01-01 of an instant's calendar day in a zone (Vietnam by default). */
export function dayOf(instant: Date, timeZone = TZ): number {
  const [y, m, d] = localDay(instant, timeZone).split('-').map(Number) as [number, number, number];
  return epochDay(y, m, d);
}
