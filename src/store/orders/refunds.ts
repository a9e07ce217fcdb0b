/**
 * A refund that arrives on its own (Shopify's refunds/create carries only the refund and its
 * order's id) applied to the stored order. Each refund is recorded once, as an 'Order Refunded'
 * event whose dedupe key is the refund's id: the insert that records it is also what decides
 * whether the refund is new, so a retried webhook, or a refund already read from an order body
 * (which writes the same event), changes nothing.
 */
import type { EventInput } from '../../domain/model/index.js';
import type { SqlEngine } from '../engine.js';
import { eventIdentity } from '../import/index.js';

/** The stored order a refund applies to; amounts as exact decimal text. */
export interface RefundableOrder {
  orderId: string;
  customerId: string;
  status: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  total: string;
  refunded: string;
  cancelled: boolean;
  tags: string[];
}

/** What the order becomes once the refund is counted. */
export interface RefundedOrder {
  refunded: string;
  status: string;
  financialStatus: string | null;
}

export type RefundOutcome =
  | { applied: true; orderId: string; customerId: string; refunded: string; status: string }
  | { applied: false; reason: 'order_not_found' | 'already_applied' };

/**
 * Applies one refund to the order (source, external id) of a shop: records its event and, when
 * the event is new, updates the order's refunded amount and status as `decide` says. Runs in one
 * transaction (joining the caller's, if any). The caller refreshes the customer's stats.
 */
export function applyOrderRefund(
  engine: SqlEngine,
  shopId: string,
  input: { source: string; orderExternalId: string; event: EventInput },
  decide: (order: RefundableOrder) => RefundedOrder,
): Promise<RefundOutcome> {
  return engine.transaction(async (db) => {
    const rows = await db.all<{
      order_id: string;
      customer_id: string;
      status: string;
      financial_status: string | null;
      fulfillment_status: string | null;
      total: string;
      refunded: string;
      cancelled_at: unknown;
      tags: string | null;
    }>(
      `SELECT order_id, customer_id, status, financial_status, fulfillment_status,
         CAST(total AS VARCHAR) AS total, CAST(refunded AS VARCHAR) AS refunded, cancelled_at, tags
       FROM orders WHERE shop_id = $1 AND source = $2 AND external_id = $3`,
      [shopId, input.source, input.orderExternalId],
    );
    const row = rows[0];
    if (row === undefined) return { applied: false, reason: 'order_not_found' };
    const { eventId, dedupeKey } = eventIdentity(input.event);
    const inserted = await db.all<{ event_id: string }>(
      `INSERT INTO events (shop_id, event_id, dedupe_key, name, customer_id, anonymous_id, occurred_at, properties)
       VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)
       ON CONFLICT (shop_id, dedupe_key) DO NOTHING
       RETURNING event_id`,
      [
        shopId,
        eventId,
        dedupeKey,
        input.event.event,
        row.customer_id,
        input.event.timestamp,
        JSON.stringify(input.event.properties),
      ],
    );
    if (inserted.length === 0) return { applied: false, reason: 'already_applied' };
    const next = decide({
      orderId: row.order_id,
      customerId: row.customer_id,
      status: row.status,
      financialStatus: row.financial_status,
      fulfillmentStatus: row.fulfillment_status,
      total: String(row.total),
      refunded: String(row.refunded),
      cancelled: row.cancelled_at !== null && row.cancelled_at !== undefined,
      tags: row.tags === null || row.tags === '' ? [] : row.tags.split(', '),
    });
    await db.run(
      `UPDATE orders SET refunded = CAST($3 AS DECIMAL(18,2)), status = $4, financial_status = $5
       WHERE shop_id = $1 AND order_id = $2`,
      [shopId, row.order_id, next.refunded, next.status, next.financialStatus],
    );
    return {
      applied: true,
      orderId: row.order_id,
      customerId: row.customer_id,
      refunded: next.refunded,
      status: next.status,
    };
  });
}
