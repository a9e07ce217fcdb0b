/**
 * Store webhooks over real HTTP, on both engines: signatures good, bad and missing; re-delivery;
 * malformed bodies; unknown topics; Haravan's subscription check; and the kept delivery processed
 * through the after-orders pipeline.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeferredAfterOrders } from '../../src/app/after-orders.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { WebhookIntake } from '../../src/app/webhook-intake.js';
import { processPendingWebhooks, processWebhookDelivery } from '../../src/app/webhooks.js';
import { webhookRoutes } from '../../src/server/routes/webhooks.js';
import { listJobs } from '../../src/store/jobs/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { call, startTestServer, type TestServer } from './support.js';

const SAMPLES = new URL('../../../shared/data/webhooks/', import.meta.url).pathname;
const SECRET = 'shpss_test_secret_1234';
const SHOP = 'shop-w';

const sign = (body: Buffer | string, secret = SECRET, encoding: 'base64' | 'hex' = 'base64') =>
  createHmac('sha256', secret).update(body).digest(encoding);

/** A Vietnamese COD order as Shopify sends it (orders/create). */
function codOrder(id: number): string {
  return JSON.stringify({
    id,
    name: `#${id}`,
    email: `buyer${id}@example.vn`,
    phone: '0912 345 678',
    created_at: '2026-11-20T10:00:00+07:00',
    currency: 'VND',
    financial_status: 'pending',
    fulfillment_status: null,
    cancelled_at: null,
    payment_gateway_names: ['Cash on Delivery (COD)'],
    subtotal_price: '500000',
    total_price: '530000',
    total_tax: '0',
    total_discounts: '0',
    total_shipping_price_set: { shop_money: { amount: '30000', currency_code: 'VND' } },
    customer: {
      id: id + 1,
      email: `buyer${id}@example.vn`,
      phone: '+84912345678',
      first_name: 'Lan',
      last_name: 'Nguyễn',
    },
    line_items: [{ id: id + 2, title: 'Giấy in A4', sku: 'PAPER-A4', quantity: 2, price: '250000' }],
    refunds: [],
  });
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`store webhooks over HTTP (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    const enqueued: string[] = [];
    const count = async (table: string) =>
      Number(
        (
          await store.engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE shop_id = $1`, [
            SHOP,
          ])
        )[0]?.n,
      );

    beforeAll(async () => {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP });
      server = await startTestServer(store, (c) =>
        webhookRoutes(
          new WebhookIntake(c, {
            handOver: async (_ctx, _shop, deliveryIds) => {
              enqueued.push(...deliveryIds);
              return undefined;
            },
          }),
        ),
      );
      await setShopSetting(server.ctx, { shopId: SHOP, key: 'shopify.webhook_secret', value: SECRET });
      await setShopSetting(server.ctx, { shopId: SHOP, key: 'haravan.webhook_secret', value: SECRET });
      await setShopSetting(server.ctx, { shopId: SHOP, key: 'haravan.verify_token', value: 'verify-me-123' });
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    const shopify = (body: string | Buffer, headers: Record<string, string>) =>
      call(server.url, 'POST', `/webhooks/shopify/${SHOP}`, {
        body,
        headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', ...headers },
      });

    it('refuses a missing or bad signature with 401 and keeps nothing', async () => {
      const body = codOrder(5001);
      const missing = await shopify(body, {});
      expect(missing.status).toBe(401);
      const bad = await shopify(body, { 'x-shopify-hmac-sha256': sign(body, 'another-secret-xyz') });
      expect(bad.status).toBe(401);
      const tampered = await shopify(body.replace('530000', '1'), { 'x-shopify-hmac-sha256': sign(body) });
      expect(tampered.status).toBe(401);
      expect(await count('webhook_deliveries')).toBe(0);
      expect(enqueued).toEqual([]);
    });

    it('keeps a signed delivery, enqueues it, and a re-delivery changes nothing', async () => {
      const body = codOrder(5002);
      const first = await shopify(body, {
        'x-shopify-hmac-sha256': sign(body),
        'x-shopify-webhook-id': 'wh-1',
      });
      expect(first.status).toBe(200);
      const receipt = first.body as { deliveryId: string; duplicate: boolean };
      expect(receipt.duplicate).toBe(false);
      const again = await shopify(body, {
        'x-shopify-hmac-sha256': sign(body),
        'x-shopify-webhook-id': 'wh-1',
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ deliveryId: receipt.deliveryId, duplicate: true });
      expect(await count('webhook_deliveries')).toBe(1);

      // The job: the order, the customer (phone-first), and the stats follow.
      await processWebhookDelivery(server.ctx, { shopId: SHOP, deliveryId: receipt.deliveryId });
      await processWebhookDelivery(server.ctx, { shopId: SHOP, deliveryId: receipt.deliveryId });
      expect(await count('orders')).toBe(1);
      const customer = await store.findCustomerByKey(SHOP, 'phone', '+84912345678');
      expect(customer).toBeDefined();
      const stats = await store.engine.all<{ orders: number }>(
        'SELECT orders FROM customer_stats WHERE shop_id = $1 AND customer_id = $2',
        [SHOP, customer!.customerId],
      );
      expect(stats[0]?.orders).toBeDefined();
    });

    it('defers the after-orders pipeline of a webhook job to one job a second for all its customers', async () => {
      const body = codOrder(5010)
        .replace('+84912345678', '+84912999888')
        .replace('0912 345 678', '0912 999 888');
      const r = await shopify(body, {
        'x-shopify-hmac-sha256': sign(body),
        'x-shopify-webhook-id': 'wh-defer',
      });
      const { deliveryId } = r.body as { deliveryId: string };
      await processWebhookDelivery(server.ctx, { shopId: SHOP, deliveryId }, { deferAfterOrders: true });
      const customer = await store.findCustomerByKey(SHOP, 'phone', '+84912999888');
      const statsOf = () =>
        store.engine.all('SELECT orders FROM customer_stats WHERE shop_id = $1 AND customer_id = $2', [
          SHOP,
          customer!.customerId,
        ]);
      expect(await statsOf()).toEqual([]);
      const queued = await listJobs(store, SHOP, { kind: 'after-orders' });
      expect(queued).toHaveLength(1);
      await runDeferredAfterOrders(server.ctx, SHOP);
      expect((await statsOf()).length).toBe(1);
      expect(await count('stale_customers')).toBe(0);
    });

    it('processes the pending deliveries of a shop as one batch, an order keeping its latest state', async () => {
      const batchServer = await startTestServer(store, (c) => webhookRoutes(new WebhookIntake(c)));
      try {
        const send = (body: string, id: string, topic = 'orders/create') =>
          call(batchServer.url, 'POST', `/webhooks/shopify/${SHOP}`, {
            body,
            headers: {
              'content-type': 'application/json',
              'x-shopify-topic': topic,
              'x-shopify-webhook-id': id,
              'x-shopify-hmac-sha256': sign(body),
            },
          });
        const created = codOrder(6001);
        const fulfilled = created
          .replace('"fulfillment_status":null', '"fulfillment_status":"fulfilled"')
          .replace('"financial_status":"pending"', '"financial_status":"paid"');
        const other = codOrder(6002)
          .replace('+84912345678', '+84912777666')
          .replace('0912 345 678', '0912 777 666');
        expect((await send(created, 'b-1')).status).toBe(200);
        expect((await send(fulfilled, 'b-2', 'orders/updated')).status).toBe(200);
        expect((await send(other, 'b-3')).status).toBe(200);
        expect((await send(other, 'b-3')).status).toBe(200); // a re-delivery: not pending twice
        expect(await count('pending_deliveries')).toBe(3);
        const queued = await listJobs(store, SHOP, { kind: 'webhooks.process' });
        expect(queued.length).toBeGreaterThanOrEqual(1);

        const outcome = await processPendingWebhooks(server.ctx, SHOP);
        expect(outcome).toMatchObject({ deliveries: 3, orders: 2, skipped: 0 });
        expect(await count('pending_deliveries')).toBe(0);
        const rows = await store.engine.all<{ external_id: string; status: string }>(
          "SELECT external_id, status FROM orders WHERE shop_id = $1 AND external_id IN ('6001', '6002') ORDER BY external_id",
          [SHOP],
        );
        expect(rows.map((r) => r.external_id)).toEqual(['6001', '6002']);
        expect(rows[0]!.status).not.toBe('pending');
        const customer = await store.findCustomerByKey(SHOP, 'phone', '+84912777666');
        const stats = await store.engine.all(
          'SELECT orders FROM customer_stats WHERE shop_id = $1 AND customer_id = $2',
          [SHOP, customer!.customerId],
        );
        expect(stats).toHaveLength(1);
        expect(await processPendingWebhooks(server.ctx, SHOP)).toMatchObject({ deliveries: 0, orders: 0 });
      } finally {
        await batchServer.close();
      }
    });

    it('answers a malformed body with 400 and where, an unknown topic with 202', async () => {
      const kept = await count('webhook_deliveries');
      const broken = '{"id": 1, "line_items": [';
      const r = await shopify(broken, { 'x-shopify-hmac-sha256': sign(broken) });
      expect(r.status).toBe(400);
      expect((r.body as { error: { code: string } }).error.code).toBe('invalid_input');
      const badPrice = codOrder(5003).replace('"price":"250000"', '"price":"abc"');
      const r2 = await shopify(badPrice, { 'x-shopify-hmac-sha256': sign(badPrice) });
      expect(r2.status).toBe(400);
      expect(r2.text).toContain('line_items[0].price');
      const other = '{"id": 7}';
      const r3 = await shopify(other, {
        'x-shopify-hmac-sha256': sign(other),
        'x-shopify-topic': 'products/create',
      });
      expect(r3.status).toBe(202);
      expect(await count('webhook_deliveries')).toBe(kept);
    });

    it("accepts Shopify's published orders/create sample", async () => {
      const sample = readFileSync(`${SAMPLES}shopify-order-create-doc.json`);
      const r = await shopify(sample, {
        'x-shopify-hmac-sha256': sign(sample),
        'x-shopify-webhook-id': 'doc-sample',
      });
      expect(r.status).toBe(200);
    });

    it('takes Haravan signatures in base64 or hex, and answers its subscription check', async () => {
      const body = readFileSync(`${SAMPLES}haravan-order-doc.json`);
      const post = (signature: string) =>
        call(server.url, 'POST', `/webhooks/haravan/${SHOP}`, {
          body,
          headers: {
            'content-type': 'application/json',
            'x-haravan-topic': 'orders/create',
            'x-haravan-org-id': '1000',
            'x-haravan-hmacsha256': signature,
          },
        });
      expect((await post(sign(body))).status).toBe(200);
      expect((await post(sign(body, SECRET, 'hex'))).status).toBe(200);
      expect((await post(sign(body, 'wrong-secret-000'))).status).toBe(401);
      const ok = await call(
        server.url,
        'GET',
        `/webhooks/haravan/${SHOP}?hub.mode=subscribe&hub.verify_token=verify-me-123&hub.challenge=abc123`,
      );
      expect(ok.status).toBe(200);
      expect(ok.text).toBe('abc123');
      const no = await call(
        server.url,
        'GET',
        `/webhooks/haravan/${SHOP}?hub.mode=subscribe&hub.verify_token=nope-nope&hub.challenge=abc123`,
      );
      expect(no.status).toBe(401);
    });

    it('answers 404 for a shop that does not exist', async () => {
      const body = codOrder(5009);
      const r = await call(server.url, 'POST', '/webhooks/shopify/no-such-shop', {
        body,
        headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign(body) },
      });
      expect(r.status).toBe(404);
    });
  });
}
