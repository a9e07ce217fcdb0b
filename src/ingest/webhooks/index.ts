/**
 * Webhook bodies into the records the importers write (see docs/webhooks.md). The HTTP side
 * verifies the signature on the raw body (signature.ts), reads it with parseWebhookBody (ids above
 * 2^53 stay exact), calls parseWebhook, and writes the batch as importFile writes a file's batches
 * (Store.importBatch in a transaction, then the customers' stats); a refund goes through
 * applyRefund.
 */

import {
  applyOrderRefund,
  type RefundableOrder,
  type RefundedOrder,
  type RefundOutcome,
} from '../../store/orders/refunds.js';
import type { Store } from '../../store/store.js';
import {
  fromCents,
  isFinancial,
  isFulfillment,
  shopifyOrderStatus,
  toCents,
} from '../formats/shopify-orders.js';
import type { ParsedBatch } from '../records.js';
import type { WebhookContext } from './common.js';
import {
  HARAVAN_CUSTOMER_TOPICS,
  HARAVAN_ORDER_TOPICS,
  parseHaravanCustomer,
  parseHaravanOrder,
} from './haravan.js';
import {
  type OrderRefund,
  parseShopifyCustomer,
  parseShopifyOrder,
  parseShopifyRefund,
  refundMessageId,
  refundProperties,
  SHOPIFY_CUSTOMER_TOPICS,
  SHOPIFY_ORDER_TOPICS,
  SHOPIFY_REFUND_TOPICS,
} from './shopify.js';

export type { RefundOutcome } from '../../store/orders/refunds.js';
export { parseWebhookBody, type WebhookContext } from './common.js';
export type { OrderRefund } from './shopify.js';
export {
  SIGNATURE_HEADERS,
  type SignatureResult,
  verifyHaravanHmac,
  verifyShopifyHmac,
} from './signature.js';

export const WEBHOOK_SOURCES = ['shopify', 'haravan'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

export type ParsedWebhook =
  /** Records to write with Store.importBatch, as an import writes a batch. */
  | { kind: 'batch'; batch: ParsedBatch }
  /** A refund that carries only itself: apply it to the stored order with applyRefund. */
  | { kind: 'refund'; refund: OrderRefund }
  /** A topic Nurture does not read; answer 200 all the same. */
  | { kind: 'ignored'; reason: string };

function isOneOf<T extends string>(list: readonly T[], topic: string): topic is T {
  return (list as readonly string[]).includes(topic);
}

/**
 * Parses one webhook body by source and topic (X-Shopify-Topic / X-Haravan-Topic). A malformed
 * body throws NurtureError('invalid_input') whose details name each bad JSON path
 * (`line_items[2].price`); an unknown topic is `ignored`.
 */
export function parseWebhook(
  source: WebhookSource,
  topic: string,
  body: unknown,
  ctx: WebhookContext,
): ParsedWebhook {
  const t = topic.trim().toLowerCase();
  if (source === 'shopify') {
    if (isOneOf(SHOPIFY_ORDER_TOPICS, t)) return { kind: 'batch', batch: parseShopifyOrder(body, ctx) };
    if (isOneOf(SHOPIFY_CUSTOMER_TOPICS, t)) return { kind: 'batch', batch: parseShopifyCustomer(body, ctx) };
    if (isOneOf(SHOPIFY_REFUND_TOPICS, t)) return { kind: 'refund', refund: parseShopifyRefund(body, ctx) };
  } else {
    if (isOneOf(HARAVAN_ORDER_TOPICS, t)) return { kind: 'batch', batch: parseHaravanOrder(body, ctx) };
    if (isOneOf(HARAVAN_CUSTOMER_TOPICS, t)) return { kind: 'batch', batch: parseHaravanCustomer(body, ctx) };
  }
  return { kind: 'ignored', reason: `${source} topic ${JSON.stringify(topic)} is not read by Nurture` };
}

/**
 * Applies a refunds/create refund to the stored order: adds its amount to `refunded` (at most the
 * total) and moves the status as the orders export would read the new financial status
 * (partially_refunded, or refunded once the refunds reach the total). Idempotent by refund id,
 * also against the same refund read earlier from an orders/updated body. An order not stored yet
 * is left alone ('order_not_found'): Shopify's orders/updated for the refund carries it too.
 * The caller refreshes the returned customer's stats (refreshCustomerStats).
 */
export function applyRefund(store: Store, shopId: string, refund: OrderRefund): Promise<RefundOutcome> {
  return applyOrderRefund(
    store.engine,
    shopId,
    {
      source: refund.source,
      orderExternalId: refund.orderExternalId,
      event: {
        messageId: refundMessageId(refund),
        event: 'Order Refunded',
        timestamp: refund.createdAt,
        properties: refundProperties(refund),
      },
    },
    (order) => shopifyOrderAfterRefund(order, refund.amount),
  );
}

const PAID = new Set(['paid', 'partially_refunded', 'refunded']);

/** The order once `amount` more is refunded. */
export function shopifyOrderAfterRefund(order: RefundableOrder, amount: string): RefundedOrder {
  const total = toCents(order.total);
  const sum = toCents(order.refunded) + toCents(amount);
  // biome-ignore lint/complexity/useMathMinMax: bigints
  const refunded = sum > total ? total : sum;
  const financial = order.financialStatus?.toLowerCase();
  const fulfillment = order.fulfillmentStatus?.toLowerCase() ?? 'unfulfilled';
  if (
    financial === undefined ||
    !isFinancial(financial) ||
    !PAID.has(financial) ||
    !isFulfillment(fulfillment)
  )
    return { refunded: fromCents(refunded), status: order.status, financialStatus: order.financialStatus };
  const next = refunded >= total ? 'refunded' : 'partially_refunded';
  return {
    refunded: fromCents(refunded),
    status: shopifyOrderStatus(next, fulfillment, order.cancelled, order.tags),
    financialStatus: next,
  };
}
