import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import type { SqlEngine } from '../engine.js';
import { orderValueSql, validOrderSql } from './model-sql.js';
import { localDaySql } from './sql.js';

/**
 * The valid orders of a shop created before an instant, numbered per customer in time order, in a
 * temporary table the period metrics read. The window functions and the time-zone conversion run
 * once per report instead of once per metric.
 *
 * seq: 1 for the customer's first valid order, 2 for the next… in time order; orders at one instant
 * by value, largest first (so the first order is the one customer_stats.first_order_value is of),
 * then by order id.
 * day / prev_day: the shop-calendar day of the order and of the customer's previous valid order.
 */
export const VALID_ORDERS_TABLE = 'analytics_valid_orders';

export async function prepareValidOrders(
  engine: SqlEngine,
  shopId: string,
  before: Date,
  rule: ValidOrderRule,
  timeZone: string,
): Promise<string> {
  await engine.run(
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${VALID_ORDERS_TABLE} (
      customer_id VARCHAR, order_id VARCHAR, created_at TIMESTAMPTZ, value DECIMAL(18,2),
      discount DECIMAL(18,2), coupon_code VARCHAR, seq BIGINT, day DATE, prev_day DATE)`,
  );
  await engine.run(`DELETE FROM ${VALID_ORDERS_TABLE}`);
  const window = 'OVER (PARTITION BY customer_id ORDER BY created_at, value DESC, order_id)';
  await engine.run(
    `INSERT INTO ${VALID_ORDERS_TABLE}
     SELECT customer_id, order_id, created_at, value, discount, coupon_code,
       ROW_NUMBER() ${window}, day, LAG(day) ${window}
     FROM (
       SELECT o.customer_id, o.order_id, o.created_at, ${orderValueSql(rule, 'o')} AS value, o.discount,
         o.coupon_code, ${localDaySql('o.created_at', timeZone)} AS day
       FROM orders o WHERE o.shop_id = $1 AND ${validOrderSql(rule, 'o')} AND o.created_at < $2
     ) v`,
    [shopId, before],
  );
  return VALID_ORDERS_TABLE;
}
