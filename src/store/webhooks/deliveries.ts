import { emptyColumns, type LoadColumn, type SqlValue } from '../engine.js';
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

const DELIVERY_COLUMNS: readonly LoadColumn[] = [
  { name: 'shop_id', type: 'text' },
  { name: 'delivery_id', type: 'text' },
  { name: 'source', type: 'text' },
  { name: 'topic', type: 'text' },
  { name: 'webhook_id', type: 'text' },
  { name: 'body', type: 'text' },
  { name: 'received_at', type: 'timestamp' },
];

/** What `keepDeliveries` made of one delivery: the id it is kept under, and whether this call kept it. */
export interface KeptDelivery {
  deliveryId: string;
  /** False for a re-delivery (same shop, source and webhook id as one kept before or earlier in the list). */
  inserted: boolean;
}

/**
 * Keeps deliveries as they arrived, in one bulk load; one result per delivery, in order. A
 * re-delivery (same shop, source and webhook id) changes nothing and answers the id kept the
 * first time. Call inside a transaction: the check and the load must see the same table (two
 * processes keeping the same delivery at once: the later commit fails as a conflict, and its
 * retry finds the first).
 */
export async function keepDeliveries(
  store: Store,
  deliveries: readonly WebhookDelivery[],
): Promise<KeptDelivery[]> {
  const keyOf = (d: WebhookDelivery) => `${d.shopId}\u0000${d.source}\u0000${d.webhookId}`;
  const kept = new Map<string, string>();
  for (const [shopId, group] of groupBy(deliveries, (d) => d.shopId)) {
    const ids = [...new Set(group.map((d) => d.webhookId))];
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      const chunk = ids.slice(start, start + LOOKUP_CHUNK);
      const rows = await store.engine.all<{ source: string; webhook_id: string; delivery_id: string }>(
        `SELECT source, webhook_id, delivery_id FROM webhook_deliveries
         WHERE shop_id = $1 AND webhook_id IN (${chunk.map((_, i) => `$${i + 2}`).join(', ')})`,
        [shopId, ...chunk],
      );
      for (const r of rows) kept.set(`${shopId}\u0000${r.source}\u0000${r.webhook_id}`, r.delivery_id);
    }
  }
  const columns = emptyColumns(DELIVERY_COLUMNS.length);
  const results = deliveries.map((d): KeptDelivery => {
    const earlier = kept.get(keyOf(d));
    if (earlier !== undefined) return { deliveryId: earlier, inserted: false };
    kept.set(keyOf(d), d.deliveryId);
    const row: SqlValue[] = [d.shopId, d.deliveryId, d.source, d.topic, d.webhookId, d.body, d.receivedAt];
    row.forEach((value, c) => {
      columns[c]!.push(value);
    });
    return { deliveryId: d.deliveryId, inserted: true };
  });
  await store.engine.load('webhook_deliveries', DELIVERY_COLUMNS, columns);
  return results;
}

/** Webhook ids looked up per statement (a parameter each). */
const LOOKUP_CHUNK = 500;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
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

/** Marks kept deliveries of a shop as waiting for processing. */
export async function notePendingDeliveries(
  store: Store,
  shopId: string,
  deliveryIds: readonly string[],
): Promise<void> {
  await store.engine.load(
    'pending_deliveries',
    [
      { name: 'shop_id', type: 'text' },
      { name: 'delivery_id', type: 'text' },
    ],
    [deliveryIds.map(() => shopId), deliveryIds],
  );
}

/** The shops that have deliveries waiting (after a restart: each gets its batch job again). */
export async function shopsWithPendingDeliveries(store: Store): Promise<string[]> {
  const rows = await store.engine.all<{ shop_id: string }>(
    'SELECT DISTINCT shop_id FROM pending_deliveries ORDER BY shop_id',
  );
  return rows.map((r) => r.shop_id);
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
