import type { Store } from '../store.js';

export interface WebhookDelivery {
  shopId: string;
  deliveryId: string;
  source: 'shopify' | 'haravan';
  topic: string;
  /** The platform's id of the delivery (X-Shopify-Webhook-Id), or the body's hash. */
  webhookId: string;
  body: string;
  receivedAt: Date;
}

type DeliveryRow = {
  shop_id: string;
  delivery_id: string;
  source: 'shopify' | 'haravan';
  topic: string;
  webhook_id: string;
  body: string;
  received_at: Date;
};

/**
 * Keeps a delivery as it arrived. A re-delivery (same source and webhook id) changes nothing:
 * returns the delivery id kept the first time, and whether this call stored it.
 */
export async function storeDelivery(
  store: Store,
  d: WebhookDelivery,
): Promise<{ deliveryId: string; inserted: boolean }> {
  const inserted = await store.engine.all<{ delivery_id: string }>(
    `INSERT INTO webhook_deliveries (shop_id, delivery_id, source, topic, webhook_id, body, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (shop_id, source, webhook_id) DO NOTHING RETURNING delivery_id`,
    [d.shopId, d.deliveryId, d.source, d.topic, d.webhookId, d.body, d.receivedAt],
  );
  if (inserted.length > 0) return { deliveryId: d.deliveryId, inserted: true };
  const kept = await store.engine.all<{ delivery_id: string }>(
    'SELECT delivery_id FROM webhook_deliveries WHERE shop_id = $1 AND source = $2 AND webhook_id = $3',
    [d.shopId, d.source, d.webhookId],
  );
  return { deliveryId: kept[0]?.delivery_id ?? d.deliveryId, inserted: false };
}

export async function getDelivery(
  store: Store,
  shopId: string,
  deliveryId: string,
): Promise<WebhookDelivery | undefined> {
  const rows = await store.engine.all<DeliveryRow>(
    `SELECT shop_id, delivery_id, source, topic, webhook_id, body, received_at
     FROM webhook_deliveries WHERE shop_id = $1 AND delivery_id = $2`,
    [shopId, deliveryId],
  );
  const r = rows[0];
  return r && toDelivery(r);
}

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    shopId: r.shop_id,
    deliveryId: r.delivery_id,
    source: r.source,
    topic: r.topic,
    webhookId: r.webhook_id,
    body: r.body,
    receivedAt: r.received_at,
  };
}

/** Marks a kept delivery as waiting for processing. */
export async function notePendingDelivery(store: Store, shopId: string, deliveryId: string): Promise<void> {
  await store.engine.run('INSERT INTO pending_deliveries (shop_id, delivery_id) VALUES ($1, $2)', [
    shopId,
    deliveryId,
  ]);
}

/**
 * Takes every pending delivery of a shop, oldest first (removed: call inside the transaction
 * that processes them, so that a failure puts them back).
 */
export async function takePendingDeliveries(store: Store, shopId: string): Promise<WebhookDelivery[]> {
  const taken = await store.engine.all<{ delivery_id: string }>(
    'DELETE FROM pending_deliveries WHERE shop_id = $1 RETURNING delivery_id',
    [shopId],
  );
  if (taken.length === 0) return [];
  const rows = await store.engine.all<DeliveryRow>(
    `SELECT shop_id, delivery_id, source, topic, webhook_id, body, received_at
     FROM webhook_deliveries
     WHERE shop_id = $1 AND delivery_id IN (${taken.map((_, i) => `$${i + 2}`).join(', ')})
     ORDER BY received_at, delivery_id`,
    [shopId, ...new Set(taken.map((t) => t.delivery_id))],
  );
  return rows.map(toDelivery);
}
