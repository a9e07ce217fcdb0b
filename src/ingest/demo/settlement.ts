/**
 * How a demo order ends: COD paid on delivery or failed, transfers paid or voided, returns and
 * partial refunds once the buyer has had the goods, and orders still on the road at the end of
 * history; with Shopify's financial and fulfillment statuses.
 */
import { chance, pickOne, type Rng } from './random.js';
import type { SimContext } from './simulate.js';
import type { DemoOrder, OrderOutcome } from './types.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const between = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();

/** How an order ended and when its steps happened. */
interface Settlement {
  outcome: OrderOutcome;
  paidAt?: number;
  fulfilledAt?: number;
  deliveredAt?: number;
  cancelledAt?: number;
}

/**
 * How the order ends, with Shopify's financial and fulfillment statuses: COD is paid on delivery
 * or fails (pending + cancelled, tag failed_delivery); transfers are paid at once or voided;
 * orders still on the road at the end of history stay open.
 */
export function settle(rng: Rng, ctx: SimContext, order: DemoOrder): void {
  const s = settlement(rng, ctx, order);
  if (s.outcome === 'partially_refunded')
    order.refunded = Math.min(pickOne(rng, order.lines).price, order.total);
  finish(order, s);
}

function settlement(rng: Rng, ctx: SimContext, order: DemoOrder): Settlement {
  const p = ctx.params;
  const until = ctx.until;
  const shippedAt = order.createdAt + Math.round(between(rng, 0.2, 1.5) * DAY_MS);
  const [dmin, dmax] = order.customer.address.city.deliveryDays;
  const deliveredAt = shippedAt + Math.round(between(rng, dmin, dmax + 1) * DAY_MS);
  const prepaidAt = order.createdAt + Math.round(between(rng, 2, 60) * MINUTE_MS);
  const cod = order.paymentMethod === 'cod';
  if (order.paymentMethod === 'bank' && chance(rng, p.unpaidTransferRate)) {
    const cancelledAt = order.createdAt + Math.round(between(rng, 1, 3) * DAY_MS);
    return cancelledAt < until ? { outcome: 'voided', cancelledAt } : { outcome: 'in_transit' };
  }
  const failure = cod && chance(rng, order.sequence === 0 ? p.codFailureFirstOrder : p.codFailureRepeatOrder);
  if (failure) {
    const cancelledAt = deliveredAt + Math.round(between(rng, 1, 3) * DAY_MS);
    if (cancelledAt < until) return { outcome: 'failed_delivery', fulfilledAt: shippedAt, cancelledAt };
  }
  if (deliveredAt >= until || failure) {
    const transit: Settlement = { outcome: 'in_transit' };
    if (shippedAt < until) transit.fulfilledAt = shippedAt;
    if (!cod) transit.paidAt = prepaidAt;
    return transit;
  }
  const done = { paidAt: cod ? deliveredAt : prepaidAt, fulfilledAt: shippedAt, deliveredAt };
  // A return is only known once the buyer has had the goods for a while.
  const returnable = deliveredAt + 10 * DAY_MS < until;
  const x = rng();
  if (returnable && x < p.returnRate) return { outcome: 'returned', ...done };
  if (returnable && x < p.returnRate + p.partialRefundRate) return { outcome: 'partially_refunded', ...done };
  return { outcome: 'delivered', ...done };
}

const STATUSES: Record<OrderOutcome, { financialStatus: DemoOrder['financialStatus']; tag?: string }> = {
  delivered: { financialStatus: 'paid' },
  in_transit: { financialStatus: 'pending' },
  failed_delivery: { financialStatus: 'pending', tag: 'failed_delivery' },
  returned: { financialStatus: 'refunded', tag: 'returned' },
  partially_refunded: { financialStatus: 'partially_refunded' },
  voided: { financialStatus: 'voided' },
};

function finish(order: DemoOrder, s: Settlement): void {
  const status = STATUSES[s.outcome];
  order.outcome = s.outcome;
  order.paidAt = s.paidAt;
  order.fulfilledAt = s.fulfilledAt;
  order.deliveredAt = s.deliveredAt;
  order.cancelledAt = s.cancelledAt;
  // A prepaid order on the road is paid already.
  order.financialStatus =
    s.outcome === 'in_transit' && s.paidAt !== undefined ? 'paid' : status.financialStatus;
  order.fulfillmentStatus = s.fulfilledAt !== undefined ? 'fulfilled' : 'unfulfilled';
  if (s.outcome === 'returned') order.refunded = order.total;
  if (status.tag) order.tags = [status.tag];
}
