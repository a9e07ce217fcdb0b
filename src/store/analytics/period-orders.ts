import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import { customerName } from '../../domain/names.js';
import type { SqlEngine } from '../engine.js';
import { orderValueSql, validOrderSql } from './model-sql.js';
import { localDaySql } from './sql.js';

/**
 * Reads of a period's valid orders for the dashboard: revenue and orders per shop day (the
 * overview's chart) and the customers who bought the most in the period (seed 002's best
 * customers, for any period). "Valid" and "revenue" are those of the analysis (valid-orders.ts:
 * paid or delivered, net of refunds, so a COD parcel refused at the door is not revenue), and only
 * customers not merged into another count. Every read is one aggregate, bounded by LIMIT.
 */

/** Revenue and valid orders of one shop day. */
export interface DayTotals {
  /** 'YYYY-MM-DD' in the shop's time zone. */
  day: string;
  revenue: number;
  orders: number;
}

/** Revenue and valid orders per shop day of [from, to); days without orders are absent. */
export async function revenueByDay(
  engine: SqlEngine,
  shopId: string,
  period: { from: Date; to: Date },
  rule: ValidOrderRule,
  timeZone: string,
): Promise<DayTotals[]> {
  const rows = await engine.all<{ day: Date | string; revenue: number | string | null; orders: number }>(
    `SELECT CAST(${localDaySql('o.created_at', timeZone)} AS VARCHAR) AS day,
       SUM(${orderValueSql(rule, 'o')}) AS revenue, COUNT(*) AS orders
     FROM orders o
     WHERE o.shop_id = $1 AND ${validOrderSql(rule, 'o')} AND o.created_at >= $2 AND o.created_at < $3
     GROUP BY 1 ORDER BY 1
     LIMIT 40000`,
    [shopId, period.from, period.to],
  );
  return rows.map((r) => ({
    day: String(r.day).slice(0, 10),
    revenue: Number(r.revenue ?? 0),
    orders: Number(r.orders),
  }));
}

/** How a period's best customers are ranked. */
export type BestRanking = 'revenue' | 'orders';

/** One of a period's best customers. */
export interface PeriodCustomer {
  customerId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  /** Valid orders in the period. */
  orders: number;
  /** Their value (net of refunds) in the period. */
  revenue: number;
  /** The last valid order in the period. */
  lastOrderAt: Date;
}

const RANKING: Record<BestRanking, string> = {
  revenue: 'revenue DESC, orders DESC, b.customer_id',
  orders: 'orders DESC, revenue DESC, b.customer_id',
};

/**
 * The `limit` customers with the most revenue (or the most valid orders) in [from, to), ties
 * broken by the other measure, then by id.
 */
export async function bestCustomersInPeriod(
  engine: SqlEngine,
  shopId: string,
  options: { from: Date; to: Date; by: BestRanking; limit: number },
  rule: ValidOrderRule,
): Promise<PeriodCustomer[]> {
  const limit = Math.max(1, Math.min(1000, Math.floor(options.limit)));
  const rows = await engine.all<{
    customer_id: string;
    first_name: string | null;
    last_name: string | null;
    phone: string | null;
    email: string | null;
    orders: number;
    revenue: number | string;
    last_order_at: Date;
  }>(
    `WITH b AS (
       SELECT o.customer_id, COUNT(*) AS orders, SUM(${orderValueSql(rule, 'o')}) AS revenue,
         MAX(o.created_at) AS last_order_at
       FROM orders o
       WHERE o.shop_id = $1 AND ${validOrderSql(rule, 'o')} AND o.created_at >= $2 AND o.created_at < $3
       GROUP BY o.customer_id
     )
     SELECT b.customer_id, c.first_name, c.last_name, c.phone, c.email, b.orders, b.revenue, b.last_order_at
     FROM b JOIN customers c ON c.shop_id = $1 AND c.customer_id = b.customer_id
     WHERE c.merged_into IS NULL
     ORDER BY ${RANKING[options.by]}
     LIMIT ${limit}`,
    [shopId, options.from, options.to],
  );
  return rows.map((r) => {
    return {
      customerId: r.customer_id,
      name: customerName(r.first_name, r.last_name),
      phone: r.phone,
      email: r.email,
      orders: Number(r.orders),
      revenue: Number(r.revenue),
      lastOrderAt: r.last_order_at,
    };
  });
}

/**
 * What the shop's analysis depends on, as one text that changes whenever an order or a customer
 * is written (imports and webhooks set `imported_at` / `updated_at`, a refund moves `refunded`, a
 * merge changes the count of live customers): a cached analysis is current while this is unchanged.
 */
export async function shopDataVersion(engine: SqlEngine, shopId: string): Promise<string> {
  const [row] = await engine.all<{
    n: number;
    at: Date | null;
    refunded: number | string | null;
    c: number;
    cat: Date | null;
  }>(
    `SELECT (SELECT COUNT(*) FROM orders WHERE shop_id = $1) AS n,
       (SELECT MAX(imported_at) FROM orders WHERE shop_id = $1) AS at,
       (SELECT SUM(refunded) FROM orders WHERE shop_id = $1) AS refunded,
       (SELECT COUNT(*) FROM customers WHERE shop_id = $1 AND merged_into IS NULL) AS c,
       (SELECT MAX(updated_at) FROM customers WHERE shop_id = $1) AS cat`,
    [shopId],
  );
  const time = (d: Date | null | undefined) => (d ? new Date(d).getTime() : 0);
  return [row?.n, time(row?.at), row?.refunded ?? 0, row?.c, time(row?.cat)].map(String).join('|');
}
