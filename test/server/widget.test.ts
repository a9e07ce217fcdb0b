/**
 * The storefront widget over real HTTP: `GET /widget.js` (bundle, ETag → 304, the gzip budget),
 * `GET /t/v1/config` (origins, consent flag), and referral landings kept in `referral_visits`
 * (idempotent, linked to the customer on identify), on both engines.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { referralVisits } from '../../src/app/referrals.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { TrackingWriter } from '../../src/app/tracking.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { widgetRoutes } from '../../src/server/routes/widget.js';
import { WIDGET_GZIP_BUDGET } from '../../src/server/widget-bundle.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { call, startTestServer, type TestServer } from './support.js';

const SHOP = 'shop-w';
const ORIGIN = 'https://shop.example.vn';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`storefront widget over HTTP (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    let pk: string;

    beforeAll(async () => {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP });
      server = await startTestServer(store, (ctx) => [
        ...trackingRoutes(ctx, new TrackingWriter(ctx), {
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
        ...widgetRoutes(),
      ]);
      pk = (await createApiKey(server.ctx, { shopId: SHOP, kind: 'publishable' })).key;
      await setShopSetting(server.ctx, { shopId: SHOP, key: 'tracking.allowed_origins', value: ORIGIN });
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('serves /widget.js as JavaScript within the gzip budget, revalidated by its ETag (304)', async () => {
      const first = await call(server.url, 'GET', '/widget.js');
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(first.headers.get('cache-control')).toContain('max-age=');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]+"$/);
      // The bundle: an IIFE that only defines window.nurture, built from widget/src.
      expect(first.text).toContain('/t/v1/config');
      expect(first.text).not.toMatch(/^(import|export) /m);
      const gzipped = gzipSync(first.text, { level: 9 }).length;
      expect(gzipped).toBeLessThanOrEqual(WIDGET_GZIP_BUDGET);
      const again = await call(server.url, 'GET', '/widget.js', { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const stale = await call(server.url, 'GET', '/widget.js', { headers: { 'if-none-match': '"old"' } });
      expect(stale.status).toBe(200);
    });

    it("answers the widget's config to the shop's origins, with the consent flag the shop sets", async () => {
      const path = `/t/v1/config?writeKey=${pk}`;
      const ok = await call(server.url, 'GET', path, { headers: { origin: ORIGIN } });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ consentRequired: false });
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      await setShopSetting(server.ctx, { shopId: SHOP, key: 'tracking.consent_required', value: 'true' });
      expect((await call(server.url, 'GET', path, { headers: { origin: ORIGIN } })).body).toEqual({
        consentRequired: true,
      });
      await setShopSetting(server.ctx, { shopId: SHOP, key: 'tracking.consent_required', value: 'false' });
      const evil = await call(server.url, 'GET', path, { headers: { origin: 'https://evil.example.com' } });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect((await call(server.url, 'GET', '/t/v1/config')).status).toBe(401);
      expect((await call(server.url, 'GET', '/t/v1/config?writeKey=pk_nope')).status).toBe(401);
      await expect(
        setShopSetting(server.ctx, { shopId: SHOP, key: 'tracking.consent_required', value: 'yes' }),
      ).rejects.toThrow('true or false');
    });

    it('keeps a referral landing on the visitor at once, once, and moves it to the customer on identify', async () => {
      const landing = (messageId: string, code = 'HOA-2024') => ({
        writeKey: pk,
        batch: [
          {
            type: 'track',
            event: 'Referral Link Opened',
            anonymousId: 'v-ref',
            messageId,
            properties: { code, url: `${ORIGIN}/p/tra?ref=${code}` },
          },
        ],
      });
      const first = await call(server.url, 'POST', '/t/v1/batch', { body: landing('ref-v-ref-HOA-2024') });
      expect(first.body).toEqual({ accepted: 1, rejected: [] });
      // A reload sends the same message id; another message id for the same code is still one visit.
      await call(server.url, 'POST', '/t/v1/batch', { body: landing('ref-v-ref-HOA-2024') });
      await call(server.url, 'POST', '/t/v1/batch', { body: landing('another-id') });
      const visits = await referralVisits(server.ctx, { shopId: SHOP, anonymousId: 'v-ref' });
      expect(visits).toHaveLength(1);
      expect(visits[0]).toMatchObject({
        code: 'HOA-2024',
        customerId: null,
        landingUrl: `${ORIGIN}/p/tra?ref=HOA-2024`,
      });
      const bad = await call(server.url, 'POST', '/t/v1/batch', { body: landing('m-bad', 'no spaces!') });
      expect((bad.body as { rejected: { reason: string }[] }).rejected[0]?.reason).toContain(
        'properties.code',
      );

      await call(server.url, 'POST', '/t/v1/batch', {
        body: {
          writeKey: pk,
          batch: [{ type: 'identify', anonymousId: 'v-ref', traits: { phone: '0912 345 678' } }],
        },
      });
      const customer = await store.findCustomerByKey(SHOP, 'phone', '+84912345678');
      expect(customer).toBeDefined();
      const linked = await referralVisits(server.ctx, { shopId: SHOP, customerId: customer!.customerId });
      expect(linked.map((v) => [v.anonymousId, v.code])).toEqual([['v-ref', 'HOA-2024']]);

      // A visitor identified before landing gets the customer at once.
      await call(server.url, 'POST', '/t/v1/batch', { body: landing('ref-v-ref-LAN', 'LAN') });
      const both = await referralVisits(server.ctx, { shopId: SHOP, customerId: customer!.customerId });
      expect(both.map((v) => v.code).sort()).toEqual(['HOA-2024', 'LAN']);
      const events = await store.engine.all<{ n: number }>(
        `SELECT COUNT(*) AS n FROM events WHERE shop_id = $1 AND name = 'Referral Link Opened'`,
        [SHOP],
      );
      expect(Number(events[0]?.n)).toBe(3);
    });
  });
}
