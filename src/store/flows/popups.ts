/**
 * The SQL of onsite popups (src/app/popups.ts): who a storefront visitor is, whether they have
 * converted, and a popup message marked shown. A popup is an outbox row (`messages`, channel
 * `popup`) that the dispatcher leaves alone (`lockDueMessages`); the widget asks for it.
 */
import type { Store } from '../store.js';

/**
 * The customer a storefront visitor identified as: the `anonymous` identity that
 * `linkAnonymousIds` recorded on identify, followed to the customer it was merged into.
 */
export async function customerOfVisitor(
  store: Store,
  shopId: string,
  anonymousId: string,
): Promise<string | undefined> {
  const rows = await store.engine.all<{ customer_id: string }>(
    `SELECT COALESCE(c.merged_into, c.customer_id) AS customer_id
     FROM customer_identities ci JOIN customers c ON c.shop_id = ci.shop_id AND c.customer_id = ci.customer_id
     WHERE ci.shop_id = $1 AND ci.kind = 'anonymous' AND ci.value = $2
     ORDER BY ci.created_at LIMIT 1`,
    [shopId, anonymousId],
  );
  return rows[0]?.customer_id;
}

/**
 * When the customer last placed an order that still counts (not cancelled, failed in delivery or
 * returned), if ever.
 */
export async function lastValidOrderAt(
  store: Store,
  shopId: string,
  customerId: string,
): Promise<Date | undefined> {
  const rows = await store.engine.all<{ at: Date | null }>(
    `SELECT MAX(created_at) AS at FROM orders
     WHERE shop_id = $1 AND customer_id = $2 AND status NOT IN ('cancelled', 'failed_delivery', 'returned')`,
    [shopId, customerId],
  );
  return rows[0]?.at ?? undefined;
}

/** A popup message as the storefront endpoints need it. */
export interface PopupMessageRow {
  messageId: string;
  customerId: string;
  flowId: string | null;
  stepId: string | null;
  state: string;
  sentAt: Date | null;
}

/** A popup message of the shop (any state), if there is one with that id. */
export async function findPopupMessage(
  store: Store,
  shopId: string,
  messageId: string,
): Promise<PopupMessageRow | undefined> {
  const rows = await store.engine.all<{
    message_id: string;
    customer_id: string;
    flow_id: string | null;
    step_id: string | null;
    state: string;
    sent_at: Date | null;
  }>(
    `SELECT message_id, customer_id, flow_id, step_id, state, sent_at FROM messages
     WHERE shop_id = $1 AND message_id = $2 AND channel = 'popup'`,
    [shopId, messageId],
  );
  const r = rows[0];
  return r
    ? {
        messageId: r.message_id,
        customerId: r.customer_id,
        flowId: r.flow_id,
        stepId: r.step_id,
        state: r.state,
        sentAt: r.sent_at,
      }
    : undefined;
}

/**
 * Marks a queued popup message sent (shown on the storefront) at `at`, if it is due and not
 * expired then; false otherwise (shown already, not due, expired), so a repeat changes nothing.
 */
export async function markPopupShown(
  store: Store,
  shopId: string,
  messageId: string,
  at: Date,
): Promise<boolean> {
  const rows = await store.engine.all<{ message_id: string }>(
    `UPDATE messages SET state = 'sent', sent_at = $3, attempts = attempts + 1, updated_at = $3
     WHERE shop_id = $1 AND message_id = $2 AND channel = 'popup' AND state = 'queued'
       AND due_at <= $3 AND (expires_at IS NULL OR expires_at > $3)
     RETURNING message_id`,
    [shopId, messageId, at],
  );
  return rows.length > 0;
}
