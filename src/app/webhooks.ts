/**
 * Store webhooks (Shopify, Haravan): received, checked and kept durably before the answer, then
 * processed as a job through the same order normalisation as the CSV importers and the one
 * after-orders pipeline. A re-delivery is recognised and changes nothing.
 */
import { createHash } from 'node:crypto';
import type { CustomerInput, EventInput, OrderInput } from '../domain/model/index.js';
import { NurtureError } from '../errors.js';
import type { Located } from '../ingest/records.js';
import {
  applyRefund,
  type ParsedWebhook,
  parseWebhook,
  parseWebhookBody,
  type RefundOutcome,
  verifyHaravanHmac,
  verifyShopifyHmac,
  type WebhookSource,
} from '../ingest/webhooks/index.js';
import { getDelivery, takePendingDeliveries } from '../store/webhooks/deliveries.js';
import { afterOrders, deferAfterOrders } from './after-orders.js';
import type { AppContext } from './context.js';
import { cachedShopSettings } from './shop-settings.js';
import type { WebhookIntake } from './webhook-intake.js';

export { WEBHOOKS_BATCH_JOB } from './webhook-intake.js';

/** The job kind that processes a kept delivery. */
export const WEBHOOK_JOB = 'webhook.process';

export interface WebhookReceipt {
  /** Whether the delivery was kept to be processed (false: ignored topic). */
  accepted: boolean;
  deliveryId?: string;
  /** A re-delivery of one already kept. */
  duplicate?: boolean;
  ignored?: string;
}

export interface IncomingWebhook {
  source: WebhookSource;
  shopId: string;
  topic: string | undefined;
  /** The platform's delivery id (X-Shopify-Webhook-Id); without one, the body's hash. */
  webhookId: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
}

/**
 * Checks the signature (401 without the shop's secret or with a bad one, nothing kept), reads and
 * validates the body (400 naming the JSON path), keeps it and hands it over to its processing
 * (through the intake, with the deliveries that arrive beside it). An unknown topic is accepted
 * and ignored.
 */
export async function receiveWebhook(
  ctx: AppContext,
  incoming: IncomingWebhook,
  intake: WebhookIntake,
): Promise<WebhookReceipt> {
  // Through the intake's connection: a receiver never waits behind the jobs' writes.
  const settings = await cachedShopSettings(intake.context, incoming.shopId);
  const secret =
    incoming.source === 'shopify' ? settings.shopifyWebhookSecret : settings.haravanWebhookSecret;
  if (secret === undefined)
    throw new NurtureError(
      'unauthorized',
      `shop ${incoming.shopId} has no ${incoming.source}.webhook_secret: set it with nurture shop set`,
    );
  const verify = incoming.source === 'shopify' ? verifyShopifyHmac : verifyHaravanHmac;
  const check = verify(incoming.rawBody, incoming.signature, secret);
  if (!check.ok)
    throw new NurtureError(
      'unauthorized',
      check.reason === 'missing' ? 'the signature header is missing' : 'bad signature',
    );
  if (!incoming.topic)
    throw new NurtureError('invalid_input', 'the topic header is missing', [
      { path: 'topic', reason: 'missing' },
    ]);
  const body = parseWebhookBody(incoming.rawBody);
  const parsed = parseWebhook(incoming.source, incoming.topic, body, {
    currency: settings.currency,
    timezone: settings.timezone,
  });
  if (parsed.kind === 'ignored') {
    ctx.log.info(
      { shopId: incoming.shopId, source: incoming.source, topic: incoming.topic },
      `webhook ignored: ${parsed.reason}`,
    );
    return { accepted: false, ignored: parsed.reason };
  }
  const webhookId =
    incoming.webhookId ??
    createHash('sha256').update(incoming.topic).update('\0').update(incoming.rawBody).digest('hex');
  // Kept and handed over in one transaction: a delivery is never kept without its processing.
  const kept = await intake.keep({
    shopId: incoming.shopId,
    deliveryId: ctx.newId('whk'),
    source: incoming.source,
    topic: incoming.topic,
    webhookId,
    body: incoming.rawBody.toString('utf8'),
    receivedAt: ctx.clock.now(),
  });
  return { accepted: true, deliveryId: kept.deliveryId, duplicate: !kept.inserted };
}

/** Processes one kept delivery: writes its records, then the after-orders pipeline, in one transaction. */
export async function processWebhookDelivery(
  ctx: AppContext,
  input: { shopId: string; deliveryId: string },
  options: { deferAfterOrders?: boolean } = {},
): Promise<{ kind: ParsedWebhook['kind']; customers: number }> {
  const delivery = await getDelivery(ctx.store, input.shopId, input.deliveryId);
  if (!delivery) throw new NurtureError('not_found', `no webhook delivery ${input.deliveryId}`);
  const shop = await ctx.store.requireShop(input.shopId);
  const parsed = parseWebhook(delivery.source, delivery.topic, parseWebhookBody(delivery.body), {
    currency: shop.currency,
    timezone: shop.timezone,
  });
  return {
    kind: parsed.kind,
    customers: (await applyParsedWebhook(ctx, input.shopId, parsed, options)).customers,
  };
}

/**
 * Writes a parsed webhook as an import writes a batch, then the after-orders pipeline, in one
 * transaction; says how many customers it touched (and, for a refund, what became of it).
 */
export function applyParsedWebhook(
  ctx: AppContext,
  shopId: string,
  parsed: ParsedWebhook,
  options: { deferAfterOrders?: boolean } = {},
): Promise<{ customers: number; refund?: RefundOutcome }> {
  if (parsed.kind === 'ignored') return Promise.resolve({ customers: 0 });
  return ctx.store.transaction(async (tx) => {
    let customerIds: string[] = [];
    let refund: RefundOutcome | undefined;
    if (parsed.kind === 'refund') {
      refund = await applyRefund(tx, shopId, parsed.refund);
      if (refund.applied) customerIds = [refund.customerId];
    } else {
      const b = parsed.batch;
      const result = await tx.importBatch(
        shopId,
        {
          customers: b.customers.map((c) => c.value),
          orders: b.orders.map((o) => o.value),
          events: b.events.map((e) => e.value),
        },
        ctx.newId('imp'),
        ctx.clock.now(),
      );
      customerIds = result.customerIds;
    }
    // The jobs defer the pipeline so that one run serves every order of the last second.
    if (options.deferAfterOrders) await deferAfterOrders(ctx, shopId, customerIds, tx);
    else await afterOrders(ctx, shopId, customerIds, tx);
    return { customers: customerIds.length, ...(refund ? { refund } : {}) };
  });
}

export interface BatchOutcome {
  deliveries: number;
  orders: number;
  refunds: number;
  customers: number;
  /** Deliveries that no longer parse (kept; logged): they change nothing. */
  skipped: number;
}

/**
 * The `webhooks.process` job: every pending delivery of the shop, oldest first, written as one
 * import batch (an order sent several times keeps its latest state: each body is a full
 * snapshot), then refunds in order, then the after-orders pipeline once for every customer
 * touched — all in one transaction, so that a failure leaves the deliveries pending.
 */
export async function processPendingWebhooks(ctx: AppContext, shopId: string): Promise<BatchOutcome> {
  const shop = await ctx.store.requireShop(shopId);
  const context = { currency: shop.currency, timezone: shop.timezone };
  return ctx.store.transaction(async (tx) => {
    const deliveries = await takePendingDeliveries(tx, shopId);
    const orders = new Map<string, Located<OrderInput>>();
    const customers: CustomerInput[] = [];
    const events: EventInput[] = [];
    const refunds: ParsedWebhook[] = [];
    let skipped = 0;
    for (const d of deliveries) {
      let parsed: ParsedWebhook;
      try {
        parsed = parseWebhook(d.source, d.topic, parseWebhookBody(d.body), context);
      } catch (error) {
        skipped++;
        ctx.log.warn({ shopId, deliveryId: d.deliveryId, err: error }, 'webhook delivery no longer parses');
        continue;
      }
      if (parsed.kind === 'refund') refunds.push(parsed);
      else if (parsed.kind === 'batch') {
        for (const o of parsed.batch.orders) orders.set(`${o.value.source}\u0000${o.value.externalId}`, o);
        customers.push(...parsed.batch.customers.map((c) => c.value));
        events.push(...parsed.batch.events.map((e) => e.value));
      }
    }
    const touched = new Set<string>();
    if (orders.size + customers.length + events.length > 0) {
      const result = await tx.importBatch(
        shopId,
        { customers, orders: [...orders.values()].map((o) => o.value), events },
        ctx.newId('imp'),
        ctx.clock.now(),
      );
      for (const id of result.customerIds) touched.add(id);
    }
    for (const r of refunds) {
      if (r.kind !== 'refund') continue;
      const outcome = await applyRefund(tx, shopId, r.refund);
      if (outcome.applied) touched.add(outcome.customerId);
    }
    await afterOrders(ctx, shopId, [...touched], tx);
    return {
      deliveries: deliveries.length,
      orders: orders.size,
      refunds: refunds.length,
      customers: touched.size,
      skipped,
    };
  });
}
