/**
 * Tenancy and authentication over every registered route, on both engines: a key of shop A never
 * reaches shop B. The table below must name every route; a new route without a case fails.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listShopApiKeys } from '../../src/app/api-keys.js';
import { createCoupon, createCouponBatch } from '../../src/app/coupons.js';
import { hmacSha256 } from '../../src/app/customer-tokens.js';
import { recordAnswer } from '../../src/app/feedback.js';
import { createFlow } from '../../src/app/flows/definitions.js';
import { importFile } from '../../src/app/imports.js';
import { setProgram } from '../../src/app/loyalty/program.js';
import { recomputeReorderCycles } from '../../src/app/replenishment.js';
import { createShopSegment } from '../../src/app/segments.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { setSitePopup } from '../../src/app/site-popups.js';
import { createStaffTask } from '../../src/app/tasks.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { WebhookIntake } from '../../src/app/webhook-intake.js';
import { signCustomerToken } from '../../src/domain/customer-token.js';
import { DEFAULT_PROGRAM } from '../../src/domain/loyalty/program.js';
import { openApiPath } from '../../src/server/openapi.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { loyaltyStorefrontRoutes } from '../../src/server/routes/loyalty.js';
import { surveyRoutes } from '../../src/server/routes/loyalty-feedback.js';
import { popupRoutes, sitePopupRoutes } from '../../src/server/routes/popups.js';
import { storefrontRecommendationRoutes } from '../../src/server/routes/recommend.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { webhookRoutes } from '../../src/server/routes/webhooks.js';
import { widgetRoutes } from '../../src/server/routes/widget.js';
import { enqueueJob } from '../../src/store/jobs/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { type Answer, call, seedShop, startTestServer, type TestServer } from './support.js';

interface ShopFixture {
  secret: string;
  publishable: string;
  customerId: string;
  orderId: string;
  keyId: string;
  jobId: string;
}

/** How a route is called with shop A's key on shop B's things, and what must hold. */
type Case = (
  a: ShopFixture,
  b: ShopFixture,
) => {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  expect: (answer: Answer) => void;
};

const notFound = (answer: Answer) => {
  expect(answer.status).toBe(404);
  expect((answer.body as { error: { code: string } }).error.code).toBe('not_found');
};
/** A list of A's things: none of B's ids appear in it. */
const withoutB = (b: ShopFixture) => (answer: Answer) => {
  expect(answer.status).toBeLessThan(300);
  for (const id of [b.customerId, b.orderId, b.keyId, b.jobId]) expect(answer.text).not.toContain(id);
};

/** Shop B's loyalty programme: a reward only it has. */
const B_PROGRAM = {
  ...DEFAULT_PROGRAM,
  enabled: true,
  rewards: [
    { kind: 'gift', id: 'b-only-reward', name: { vi: 'Chỉ của B', en: 'B only' }, cost: 1, validDays: 30 },
  ],
};
const B_WIDGET_SECRET = 'b-widget-secret-0123456789';
/** A customer token of shop B, signed with B's secret. */
const bToken = (b: ShopFixture) =>
  signCustomerToken(hmacSha256(B_WIDGET_SECRET), 'shop-b', b.customerId, new Date(Date.now() + 3_600_000));

/** A flow only shop B has (a draft). */
const B_FLOW = {
  name: 'b-flow',
  trigger: { kind: 'order', status: 'placed' },
  steps: [{ kind: 'tag', id: 'tag', add: ['b'] }],
};

const CASES: Record<string, Case> = {
  'GET /api/v1/customers': (_a, b) => ({ path: '/api/v1/customers?limit=500', expect: withoutB(b) }),
  'GET /api/v1/customers/lookup': () => ({
    path: '/api/v1/customers/lookup?phone=0988000111',
    expect: notFound,
  }),
  'GET /api/v1/customers/{id}': (_a, b) => ({ path: `/api/v1/customers/${b.customerId}`, expect: notFound }),
  'GET /api/v1/customers/{id}/orders': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/orders`,
    expect: notFound,
  }),
  'GET /api/v1/orders': (_a, b) => ({ path: '/api/v1/orders?limit=500', expect: withoutB(b) }),
  'GET /api/v1/orders/{id}': (_a, b) => ({ path: `/api/v1/orders/${b.orderId}`, expect: notFound }),
  'GET /api/v1/products': (_a, b) => ({
    path: '/api/v1/products',
    expect: (r) => {
      withoutB(b)(r);
      expect(r.text).not.toContain('B-ONLY-SKU');
    },
  }),
  'GET /api/v1/products/{sku}': () => ({ path: '/api/v1/products/B-ONLY-SKU', expect: notFound }),
  'GET /api/v1/products/replenishment': (_a, b) => ({
    path: '/api/v1/products/replenishment',
    expect: (r) => {
      withoutB(b)(r);
      expect(r.text).not.toContain('B-ONLY-SKU');
    },
  }),
  'GET /api/v1/products/{sku}/replenishment': () => ({
    path: '/api/v1/products/B-ONLY-SKU/replenishment',
    expect: notFound,
  }),
  'GET /api/v1/customers/{id}/replenishment': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/replenishment`,
    expect: notFound,
  }),
  'GET /api/v1/customers/{id}/recommendations': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/recommendations`,
    expect: notFound,
  }),
  'GET /api/v1/products/{sku}/together': () => ({
    path: '/api/v1/products/B-ONLY-SKU/together',
    expect: notFound,
  }),
  'GET /api/v1/products/popular': (_a, b) => ({
    path: '/api/v1/products/popular?limit=50',
    expect: (r) => {
      withoutB(b)(r);
      expect(r.text).not.toContain('B-ONLY-SKU');
    },
  }),
  'GET /api/v1/product-categories': () => ({
    path: '/api/v1/product-categories',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('b-only-category');
    },
  }),
  'POST /api/v1/product-settings': () => ({
    path: '/api/v1/product-settings',
    body: { category: 'b-only-category', reorder_cycle_days: 7 },
    expect: notFound,
  }),
  'GET /api/v1/coupons': (_a, b) => ({
    path: '/api/v1/coupons?limit=1000',
    expect: (r) => {
      withoutB(b)(r);
      expect(r.text).not.toContain('BONLY');
    },
  }),
  'GET /api/v1/coupons/{code}': () => ({ path: '/api/v1/coupons/BONLY-2222-2222', expect: notFound }),
  'POST /api/v1/coupons': (_a, b) => ({
    path: '/api/v1/coupons',
    body: { kind: 'percent', value: 10, customer_id: b.customerId },
    expect: notFound,
  }),
  'POST /api/v1/coupons/bulk': () => ({
    path: '/api/v1/coupons/bulk',
    // A batch of the same name in A is A's own; B's (other terms) is no conflict and stays as it was.
    body: { batch: 'b-only-batch', count: 1, kind: 'percent', value: 50 },
    expect: (r) => {
      expect(r.status).toBe(201);
      expect(r.text).not.toContain('BONLY');
    },
  }),
  'GET /api/v1/segments': () => ({
    path: '/api/v1/segments',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('only-in-b');
    },
  }),
  'POST /api/v1/segments': () => ({
    path: '/api/v1/segments',
    body: { name: 'only-in-b', query: 'number_of_orders >= 1' },
    // Creating a segment of the same name in A is A's own segment, and B's stays as it was.
    expect: (r) => expect(r.status).toBe(201),
  }),
  'GET /api/v1/segments/{name}': () => ({ path: '/api/v1/segments/b-private', expect: notFound }),
  'PATCH /api/v1/segments/{name}': () => ({
    path: '/api/v1/segments/b-private',
    body: { query: 'number_of_orders >= 5' },
    expect: notFound,
  }),
  'DELETE /api/v1/segments/{name}': () => ({ path: '/api/v1/segments/b-private', expect: notFound }),
  'GET /api/v1/segments/{name}/members': () => ({
    path: '/api/v1/segments/b-private/members',
    expect: notFound,
  }),
  'GET /api/v1/segments/{name}/history': () => ({
    path: '/api/v1/segments/b-private/history',
    expect: notFound,
  }),
  'GET /api/v1/segments/{name}/export': () => ({
    path: '/api/v1/segments/b-private/export?format=csv',
    expect: notFound,
  }),
  'POST /api/v1/segments/count': () => ({
    path: '/api/v1/segments/count',
    body: { query: "phone = '+84988000111'" },
    expect: (r) => expect((r.body as { count: number }).count).toBe(0),
  }),
  'POST /api/v1/segments/explain': () => ({
    path: '/api/v1/segments/explain',
    body: { query: 'number_of_orders >= 1' },
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).toContain('"shop-a"');
      expect(r.text).not.toContain('"shop-b"');
    },
  }),
  'POST /api/v1/segments/refresh': (_a, b) => ({
    path: '/api/v1/segments/refresh',
    body: {},
    expect: withoutB(b),
  }),
  'POST /api/v1/analyze': (_a, b) => ({ path: '/api/v1/analyze', body: { lang: 'en' }, expect: withoutB(b) }),
  'POST /api/v1/predictions': () => ({
    path: '/api/v1/predictions',
    body: {},
    // Shop A alone is too small to fit: the answer is about A, never B's data.
    expect: (r) => expect([200, 422]).toContain(r.status),
  }),
  'POST /api/v1/imports': () => ({
    path: '/api/v1/imports?format=shopify-customers',
    body: 'Customer ID,Email,Phone\n77,a77@shop-a.vn,\n',
    headers: { 'content-type': 'text/csv' },
    expect: (r) => expect(r.status).toBe(200),
  }),
  'GET /api/v1/shop': () => ({
    path: '/api/v1/shop',
    expect: (r) => {
      expect((r.body as { shopId: string }).shopId).toBe('shop-a');
      expect(r.text).not.toContain('b-webhook-secret');
    },
  }),
  'PUT /api/v1/shop/settings/{key}': () => ({
    path: '/api/v1/shop/settings/name',
    body: { value: 'Shop A renamed' },
    expect: (r) => expect(r.status).toBe(200),
  }),
  'GET /api/v1/flows': () => ({
    path: '/api/v1/flows',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('b-flow');
    },
  }),
  'POST /api/v1/flows': () => ({
    path: '/api/v1/flows',
    // A flow of the same name in A is A's own; B's stays a draft.
    body: { document: { ...B_FLOW, name: 'a-flow' } },
    expect: (r) => expect(r.status).toBe(201),
  }),
  'GET /api/v1/flows/{name}': () => ({ path: '/api/v1/flows/b-flow', expect: notFound }),
  'PUT /api/v1/flows/{name}': () => ({
    path: '/api/v1/flows/b-flow',
    body: { document: B_FLOW },
    expect: notFound,
  }),
  'POST /api/v1/flows/{name}/state': () => ({
    path: '/api/v1/flows/b-flow/state',
    body: { action: 'activate' },
    expect: notFound,
  }),
  'GET /api/v1/flows/{name}/stats': () => ({ path: '/api/v1/flows/b-flow/stats', expect: notFound }),
  'POST /api/v1/flows/run-due': () => ({
    path: '/api/v1/flows/run-due',
    body: {},
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ started: 0, advanced: 0 });
    },
  }),
  'GET /api/v1/messages': (_a, b) => ({ path: '/api/v1/messages', expect: withoutB(b) }),
  'POST /api/v1/flows/{name}/preview': () => ({
    path: '/api/v1/flows/b-flow/preview',
    body: { step: 'tag' },
    expect: notFound,
  }),
  'POST /api/v1/flows/{name}/test-send': () => ({
    path: '/api/v1/flows/b-flow/test-send',
    body: { step: 'tag', to: '+84912345678' },
    expect: notFound,
  }),
  'GET /api/v1/flow-templates': () => ({
    path: '/api/v1/flow-templates',
    expect: (r) => expect(r.text).toContain('replenishment'),
  }),
  'POST /api/v1/flow-templates/{name}': () => ({
    path: '/api/v1/flow-templates/replenishment',
    body: { draft: true },
    // A's own flow; B has none.
    expect: (r) => expect(r.status).toBe(201),
  }),
  'GET /api/v1/channels': () => ({
    path: '/api/v1/channels',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('BONLY');
    },
  }),
  'GET /api/v1/channels/{channel}': () => ({
    path: '/api/v1/channels/esms',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('BONLY');
    },
  }),
  'PUT /api/v1/channels/{channel}/{key}': () => ({
    path: '/api/v1/channels/esms/brandname',
    body: { value: 'AONLY' },
    expect: (r) => expect(r.status).toBe(200),
  }),
  'GET /api/v1/api-keys': (_a, b) => ({ path: '/api/v1/api-keys', expect: withoutB(b) }),
  'POST /api/v1/api-keys': () => ({
    path: '/api/v1/api-keys',
    body: { kind: 'publishable' },
    expect: (r) => expect(r.status).toBe(201),
  }),
  'DELETE /api/v1/api-keys/{id}': (_a, b) => ({ path: `/api/v1/api-keys/${b.keyId}`, expect: notFound }),
  'GET /api/v1/jobs': () => ({
    path: '/api/v1/jobs?limit=1000',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('"shop-b"');
    },
  }),
  'GET /api/v1/jobs/{id}': (_a, b) => ({ path: `/api/v1/jobs/${b.jobId}`, expect: notFound }),
  'POST /api/v1/jobs/{id}/retry': (_a, b) => ({ path: `/api/v1/jobs/${b.jobId}/retry`, expect: notFound }),
  'GET /api/v1/referrals': (_a, b) => ({ path: '/api/v1/referrals?limit=1000', expect: withoutB(b) }),
  'GET /api/v1/referrals/kpis': (_a, b) => ({
    path: '/api/v1/referrals/kpis',
    // Both shops are seeded alike: A's figures are A's (no id of B in them).
    expect: withoutB(b),
  }),
  'GET /api/v1/customers/{id}/referral': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/referral`,
    expect: notFound,
  }),
  'POST /api/v1/feedback': (_a, b) => ({
    path: '/api/v1/feedback',
    body: { customer_id: b.customerId, kind: 'nps', score: 9 },
    expect: notFound,
  }),
  'GET /api/v1/feedback/report': () => ({
    path: '/api/v1/feedback/report',
    // Shop B has an answer (score 2); A has none.
    expect: (r) => expect(r.body).toMatchObject({ responses: 0, nps: null }),
  }),
  'GET /api/v1/tasks': (_a, b) => ({
    path: '/api/v1/tasks?limit=1000',
    expect: (r) => {
      withoutB(b)(r);
      expect(r.text).not.toContain('B-ONLY-TASK');
    },
  }),
  'GET /api/v1/tasks/{id}': () => ({ path: '/api/v1/tasks/task_b_only', expect: notFound }),
  'POST /api/v1/tasks': (_a, b) => ({
    path: '/api/v1/tasks',
    body: { customer_id: b.customerId, title: 'x' },
    expect: notFound,
  }),
  'POST /api/v1/tasks/{id}/done': () => ({
    path: '/api/v1/tasks/task_b_only/done',
    body: {},
    expect: notFound,
  }),
  'POST /api/v1/tasks/{id}/skip': () => ({
    path: '/api/v1/tasks/task_b_only/skip',
    body: {},
    expect: notFound,
  }),
  // A token signed with shop B's secret for B's customer is not a token of A.
  'POST /t/v1/answers': (_a, b) => ({
    path: '/t/v1/answers',
    body: {
      customerToken: signCustomerToken(
        hmacSha256(B_WIDGET_SECRET),
        'shop-b',
        b.customerId,
        new Date(Date.now() + 3_600_000),
      ),
      kind: 'nps',
      score: 10,
    },
    expect: (r) => expect(r.status).toBe(401),
  }),
  'POST /t/v1/batch': () => ({
    path: '/t/v1/batch',
    body: {
      batch: [{ type: 'track', event: 'Product Viewed', anonymousId: 'anon-a', properties: { sku: 'X' } }],
    },
    expect: (r) => expect(r.status).toBe(200),
  }),
  'GET /t/v1/config': () => ({
    path: '/t/v1/config',
    // Shop B requires consent; A's key answers A's setting.
    expect: (r) => expect(r.body).toEqual({ consentRequired: false }),
  }),
  'GET /api/v1/site-popups': () => ({
    path: '/api/v1/site-popups',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('b-welcome');
    },
  }),
  // A's own popup of the same name (paused: the storefront cases below see none); B's stays.
  'PUT /api/v1/site-popups/{name}': () => ({
    path: '/api/v1/site-popups/b-welcome',
    body: { state: 'paused', content: { title: 'A', body: 'A' } },
    expect: (r) => expect(r.status).toBe(200),
  }),
  'DELETE /api/v1/site-popups/{name}': () => ({ path: '/api/v1/site-popups/b-only', expect: notFound }),
  // test/server/popups.test.ts checks another shop's popups in depth (a real popup of the other shop).
  'GET /t/v1/recommendations': () => ({
    path: '/t/v1/recommendations?block=together&sku=B-ONLY-SKU&anonymousId=a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    expect: (r) => expect(r.body).toEqual({ block: 'together', items: [] }),
  }),
  'GET /t/v1/popups': () => ({
    path: '/t/v1/popups?anonymousId=a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
    expect: (r) => expect(r.body).toEqual({ popups: [] }),
  }),
  'POST /t/v1/popups/{messageId}/{action}': () => ({
    path: '/t/v1/popups/msg_not_of_this_shop/shown',
    body: { anonymousId: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' },
    expect: notFound,
  }),
  'GET /api/v1/loyalty/program': () => ({
    path: '/api/v1/loyalty/program',
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('b-only');
    },
  }),
  'PUT /api/v1/loyalty/program': () => ({
    path: '/api/v1/loyalty/program',
    body: { program: { ...DEFAULT_PROGRAM, enabled: true } },
    expect: (r) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('b-only');
    },
  }),
  'GET /api/v1/customers/{id}/points': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/points`,
    expect: notFound,
  }),
  'POST /api/v1/customers/{id}/points/adjustments': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/points/adjustments`,
    body: { amount: 100, reason: 'tenancy' },
    expect: notFound,
  }),
  'POST /api/v1/customers/{id}/points/redemptions': (_a, b) => ({
    path: `/api/v1/customers/${b.customerId}/points/redemptions`,
    body: { reward: 'b-only-reward' },
    expect: notFound,
  }),
  // B's token under A's key: A's secret does not verify it.
  'GET /t/v1/loyalty': (_a, b) => ({
    path: `/t/v1/loyalty?token=${encodeURIComponent(bToken(b))}`,
    expect: (r) => expect(r.status).toBe(401),
  }),
  'POST /t/v1/loyalty/redeem': (_a, b) => ({
    path: '/t/v1/loyalty/redeem',
    body: { token: bToken(b), reward: 'b-only-reward' },
    expect: (r) => expect(r.status).toBe(401),
  }),
};

/** Storefront routes: a publishable key is what they take. */
const STOREFRONT = new Set([
  'POST /t/v1/answers',
  'POST /t/v1/batch',
  'GET /t/v1/config',
  'GET /t/v1/popups',
  'POST /t/v1/popups/{messageId}/{action}',
  'GET /t/v1/loyalty',
  'POST /t/v1/loyalty/redeem',
  'GET /t/v1/recommendations',
]);

/** Routes that take no key: they are checked by their own tests (signatures, health). */
const UNAUTHENTICATED = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /api/openapi.json',
  'GET /api/docs',
  'POST /webhooks/shopify/{shop}',
  'POST /webhooks/haravan/{shop}',
  'GET /webhooks/haravan/{shop}',
  'OPTIONS /t/v1/batch',
  'OPTIONS /t/v1/loyalty/redeem',
  'GET /widget.js',
]);

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`tenancy and auth over every route (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let a: ShopFixture;
    let b: ShopFixture;

    async function fixtureOf(shopId: string): Promise<ShopFixture> {
      const seeded = await seedShop(store, shopId);
      const customers = await store.listCustomerIds(shopId);
      const orders = await store.listOrders(shopId);
      const keys = await listShopApiKeys(seeded.ctx, { shopId });
      const job = await enqueueJob(
        store,
        { shopId, kind: 'test.tenancy', dedupeKey: `t-${shopId}` },
        new Date(),
      );
      return {
        secret: seeded.secret,
        publishable: seeded.publishable,
        customerId: customers[0]!,
        orderId: orders[0]!.orderId,
        keyId: keys[0]!.keyId,
        jobId: job.jobId,
      };
    }

    beforeAll(async () => {
      store = await engine.open();
      a = await fixtureOf('shop-a');
      b = await fixtureOf('shop-b');
      const ctx = (await import('../../src/app/context.js')).makeContext(store);
      await createShopSegment(ctx, { shopId: 'shop-b', name: 'b-private', query: 'number_of_orders >= 1' });
      await createFlow(ctx, { shopId: 'shop-b', document: B_FLOW });
      await setProgram(ctx, { shopId: 'shop-b', program: B_PROGRAM });
      await setShopSetting(ctx, { shopId: 'shop-b', key: 'widget.customer_secret', value: B_WIDGET_SECRET });
      await setShopSetting(ctx, {
        shopId: 'shop-a',
        key: 'widget.customer_secret',
        value: 'a-widget-secret-0123456789',
      });
      const only = { shopId: 'shop-b', kind: 'percent', value: 10, prefix: 'BONLY' } as const;
      await createCoupon(ctx, only, { random: () => 0 });
      await createCouponBatch(ctx, { ...only, batch: 'b-only-batch', count: 3 });
      const catalogue = join(mkdtempSync(join(tmpdir(), 'nurture-tenancy-')), 'products.csv');
      writeFileSync(
        catalogue,
        'Handle,Title,Type,Variant SKU\nb-only,Chỉ của B,b-only-category,B-ONLY-SKU\n',
      );
      await importFile(ctx, { shopId: 'shop-b', format: 'shopify-products', path: catalogue });
      await recomputeReorderCycles(ctx, { shopId: 'shop-b' });
      // B's recommendations exist (its popular list holds B-ONLY-SKU's neighbours at least).
      await (await import('../../src/app/recommend.js')).recomputeRecommendations(ctx, { shopId: 'shop-b' });
      await (await import('../../src/app/shop-settings.js')).setShopSetting(ctx, {
        shopId: 'shop-b',
        key: 'shopify.webhook_secret',
        value: 'b-webhook-secret',
      });
      await (await import('../../src/app/shop-settings.js')).setShopSetting(ctx, {
        shopId: 'shop-b',
        key: 'tracking.consent_required',
        value: 'true',
      });
      for (const name of ['b-welcome', 'b-only'])
        await setSitePopup(ctx, {
          shopId: 'shop-b',
          document: { name, content: { title: 'Chỉ của B', body: 'B' } },
        });
      // Shop B's own feedback and task, which A must never see.
      await setShopSetting(ctx, {
        shopId: 'shop-b',
        key: 'widget.customer_secret',
        value: B_WIDGET_SECRET,
      });
      await recordAnswer(ctx, { shopId: 'shop-b', customerId: b.customerId, kind: 'nps', score: 2 });
      await createStaffTask(ctx, { shopId: 'shop-b', customerId: b.customerId, title: 'B-ONLY-TASK' });
      await (await import('../../src/app/channel-settings.js')).setChannelSetting(ctx, {
        shopId: 'shop-b',
        channel: 'esms',
        key: 'brandname',
        value: 'BONLY',
      });
      server = await startTestServer(store, (c) => [
        ...webhookRoutes(new WebhookIntake(c, { handOver: async () => undefined })),
        ...trackingRoutes(c, new TrackingWriter(c), {
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
        ...sitePopupRoutes(),
        ...popupRoutes(c, {
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
        ...storefrontRecommendationRoutes(c, {
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
        ...widgetRoutes(),
        ...loyaltyStorefrontRoutes({
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
        ...surveyRoutes(c, {
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
      ]);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('has a tenancy case for every route that takes a key, and no stale case', () => {
      const keyed = server.server.routes
        .map((r) => `${r.method} ${openApiPath(r.url)}`)
        .filter((name) => !UNAUTHENTICATED.has(name));
      expect(keyed.filter((name) => !(name in CASES))).toEqual([]);
      expect(Object.keys(CASES).filter((name) => !keyed.includes(name))).toEqual([]);
    });

    it("answers shop A's key with nothing of shop B on every route", async () => {
      for (const [name, make] of Object.entries(CASES)) {
        const method = name.split(' ')[0]!;
        const c = make(a, b);
        const answer = await call(server.url, method, c.path, {
          key: a.secret,
          ...(c.body !== undefined ? { body: c.body } : {}),
          ...(c.headers ? { headers: c.headers } : {}),
        });
        try {
          c.expect(answer);
        } catch (error) {
          throw new Error(
            `${name}: ${(error as Error).message}\n${answer.status} ${answer.text.slice(0, 500)}`,
          );
        }
      }
      // B's own segment and settings are as they were.
      const own = await call(server.url, 'GET', '/api/v1/segments/b-private', { key: b.secret });
      expect(own.status).toBe(200);
      const bFlow = await call(server.url, 'GET', '/api/v1/flows/b-flow', { key: b.secret });
      expect(bFlow.body).toMatchObject({ name: 'b-flow', state: 'draft', version: 1 });
      const bCustomer = await call(server.url, 'GET', `/api/v1/customers/${b.customerId}`, { key: b.secret });
      expect(bCustomer.status).toBe(200);
      const bChannel = await call(server.url, 'GET', '/api/v1/channels/esms', { key: b.secret });
      expect(bChannel.text).toContain('BONLY');
      const bPopups = await call(server.url, 'GET', '/api/v1/site-popups', { key: b.secret });
      expect(bPopups.body).toMatchObject({
        sitePopups: [
          { name: 'b-only', state: 'live' },
          { name: 'b-welcome', state: 'live', content: { title: 'Chỉ của B' } },
        ],
      });
      const bCycle = await call(server.url, 'GET', '/api/v1/products/B-ONLY-SKU/replenishment', {
        key: b.secret,
      });
      expect(bCycle.body).toMatchObject({
        cycle: { sku: 'B-ONLY-SKU', replenishable: false, reason: 'too_few_buyers' },
      });
      const bProduct = await call(server.url, 'GET', '/api/v1/products/B-ONLY-SKU', { key: b.secret });
      expect(bProduct.body).toMatchObject({
        product: { sku: 'B-ONLY-SKU', consumable: false, consumableFrom: 'catalogue' },
      });
    });

    it('refuses every keyed route without a key (401), with an unknown key (401), and a publishable key on the API (403)', async () => {
      for (const [name, make] of Object.entries(CASES)) {
        const method = name.split(' ')[0]!;
        const c = make(a, b);
        const opts = {
          ...(c.body !== undefined ? { body: c.body } : {}),
          ...(c.headers ? { headers: c.headers } : {}),
        };
        const none = await call(server.url, method, c.path, opts);
        expect(none.status, name).toBe(401);
        const unknown = await call(server.url, method, c.path, {
          ...opts,
          key: 'sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        });
        expect(unknown.status, name).toBe(401);
        if (!STOREFRONT.has(name)) {
          const publishable = await call(server.url, method, c.path, { ...opts, key: a.publishable });
          expect(publishable.status, name).toBe(403);
        }
      }
    });
  });
}
