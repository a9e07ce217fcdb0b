import { z } from 'zod';
import { type OrderStatus, orderStatusSchema } from '../model/index.js';

/**
 * Which orders are revenue. A shop that sells cash on delivery (COD) books many orders that never
 * turn into money: the buyer refuses the parcel (failed_delivery), sends it back (returned), or
 * the order is cancelled. By default only paid or delivered orders count, net of the amount
 * refunded, and an order refunded in full is not a valid order at all.
 */
export const validOrderRuleSchema = z.object({
  /** Statuses whose orders count. Default: paid, delivered. */
  statuses: z.array(orderStatusSchema).min(1),
  /** Subtract `refunded` from `total` (partial refunds). Default: true. */
  netOfRefunds: z.boolean(),
  /** An order whose refunds reach its total is not an order (it bought nothing). Default: true. */
  excludeFullyRefunded: z.boolean(),
});
/** Which orders count and how much they are worth. */
export type ValidOrderRule = z.infer<typeof validOrderRuleSchema>;

/** Paid or delivered, net of refunds, fully refunded orders excluded. */
export const DEFAULT_VALID_ORDER_RULE: ValidOrderRule = {
  statuses: ['paid', 'delivered'],
  netOfRefunds: true,
  excludeFullyRefunded: true,
};

/**
 * Cash-on-delivery outcomes. A COD order has an outcome once the parcel reached the buyer or came
 * back: paid/delivered (the buyer paid the courier), failed_delivery (refused or unreachable, the
 * "bom hàng" every Vietnamese seller knows), returned or refunded. Pending and cancelled orders
 * never left or are still on the way.
 */
export const COD_OUTCOME_STATUSES: readonly OrderStatus[] = [
  'paid',
  'delivered',
  'failed_delivery',
  'returned',
  'refunded',
];

/** The COD outcome that counts as a failure: the parcel was not accepted. */
export const COD_FAILED_STATUSES: readonly OrderStatus[] = ['failed_delivery'];

/** The subset of an order the rule looks at. */
export interface OrderForRule {
  status: OrderStatus;
  total: number;
  refunded: number;
}

/** True when the order counts as a purchase (in memory; same rule as `validOrderSql`). */
export function isValidOrder(order: OrderForRule, rule: ValidOrderRule = DEFAULT_VALID_ORDER_RULE): boolean {
  if (!rule.statuses.includes(order.status)) return false;
  // A zero-total order (a free gift, a 100% coupon) is still an order; only refunds void one.
  return !rule.excludeFullyRefunded || order.refunded < order.total || order.total === 0;
}

/** The revenue an order brings (in memory; same rule as `orderValueSql`). */
export function orderValue(order: OrderForRule, rule: ValidOrderRule = DEFAULT_VALID_ORDER_RULE): number {
  return rule.netOfRefunds ? order.total - order.refunded : order.total;
}
