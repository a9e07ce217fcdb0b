/**
 * Site popups over real HTTP on both engines: written through the API (secret key), given to
 * every storefront visitor of their audience (`new`: not known to have ordered; `all`), in the
 * page's language for a visitor nobody identified, and their shown/clicked reports recorded on
 * the visitor's anonymous id once a day; nothing of another shop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { popupRoutes, sitePopupRoutes } from '../../src/server/routes/popups.js';
import { linkAnonymousIds } from '../../src/store/tracking/anonymous.js';
import { customer, type FlowShop, openFlowShop, order, SHOP, vn } from '../flows/support.js';
import { ENGINES } from '../support/engines.js';
import { call, startTestServer, type TestServer } from './support.js';

const ORIGIN = 'https://shop.example.vn';
const STRANGER = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const BUYER = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const BUYER_PHONE = '+84912345678';

const welcome = {
  audience: 'new',
  content: {
    title: { vi: 'Chào mừng bạn đến {{ shop.name }}!', en: 'Welcome to {{ shop.name }}!' },
    body: { vi: 'Giảm 50.000 ₫ cho đơn đầu tiên.', en: '50,000 ₫ off your first order.' },
    cta: { vi: 'Mua sắm ngay', en: 'Shop now' },
    url: '/collections/all',
    show: { on: 'delay', delay: 5 },
    frequency: { days: 30 },
  },
};

interface Popup {
  id: string;
  title: string;
  show: { on: string };
  days?: number;
  stop: boolean;
  since: string;
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(`site popups (${engine.title})`, () => {
    let shop: FlowShop | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await shop?.close();
      shop = undefined;
      server = undefined;
    });

    async function open() {
      const s = await openFlowShop(engine, vn('2027-03-01', '09:00'));
      shop = s;
      // A customer who has ordered, identified in their browser as BUYER.
      await s.load({
        customers: [customer(BUYER_PHONE)],
        orders: [order('1001', BUYER_PHONE, vn('2027-02-01'))],
      });
      await s.store.transaction((tx) =>
        linkAnonymousIds(tx, SHOP, {
          identified: [{ anonymousId: BUYER, phone: BUYER_PHONE }],
          seen: [],
          now: vn('2027-03-01', '09:00'),
        }),
      );
      const limits = {
        perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
      };
      server = await startTestServer(s.store, (c) => [...popupRoutes(c, limits), ...sitePopupRoutes()]);
      await setShopSetting(s.ctx, { shopId: SHOP, key: 'tracking.allowed_origins', value: ORIGIN });
      const pk = (await createApiKey(s.ctx, { shopId: SHOP, kind: 'publishable' })).key;
      const sk = (await createApiKey(s.ctx, { shopId: SHOP, kind: 'secret' })).key;
      return { s, srv: server, pk, sk };
    }

    const popupsOf = async (srv: TestServer, pk: string, visitor: string, lang = 'vi') => {
      const r = await call(
        srv.url,
        'GET',
        `/t/v1/popups?writeKey=${pk}&anonymousId=${visitor}&lang=${lang}`,
        {
          headers: { origin: ORIGIN },
        },
      );
      expect(r.status, r.text).toBe(200);
      return (r.body as { popups: Popup[] }).popups;
    };

    it('is written, listed and deleted through the API; a template error names its field', async () => {
      const { srv, sk } = await open();
      const put = await call(srv.url, 'PUT', '/api/v1/site-popups/welcome', { key: sk, body: welcome });
      expect(put.status, put.text).toBe(200);
      expect(put.body).toMatchObject({
        name: 'welcome',
        audience: 'new',
        state: 'live',
        content: { show: { on: 'delay', delay: 5 }, frequency: { days: 30, stopAfterConversion: true } },
      });
      const bad = await call(srv.url, 'PUT', '/api/v1/site-popups/broken', {
        key: sk,
        body: { content: { title: 'Chào {{ shop.name ', body: 'x' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('content.title');
      const list = await call(srv.url, 'GET', '/api/v1/site-popups', { key: sk });
      expect((list.body as { sitePopups: { name: string }[] }).sitePopups.map((p) => p.name)).toEqual([
        'welcome',
      ]);
      expect((await call(srv.url, 'DELETE', '/api/v1/site-popups/welcome', { key: sk })).body).toEqual({
        deleted: 'welcome',
      });
      expect((await call(srv.url, 'DELETE', '/api/v1/site-popups/welcome', { key: sk })).status).toBe(404);
    });

    it('gives a new visitor the welcome popup in the page language, not a customer who has ordered', async () => {
      const { srv, pk, sk } = await open();
      await call(srv.url, 'PUT', '/api/v1/site-popups/welcome', { key: sk, body: welcome });
      expect(await popupsOf(srv, pk, STRANGER, 'en')).toEqual([
        {
          id: 'site:welcome',
          title: 'Welcome to Giấy Mực An Phát!',
          body: '50,000 ₫ off your first order.',
          cta: 'Shop now',
          url: '/collections/all',
          show: { on: 'delay', delay: 5 },
          days: 30,
          stop: true,
          since: new Date(0).toISOString(),
        },
      ]);
      expect((await popupsOf(srv, pk, STRANGER))[0]?.title).toBe('Chào mừng bạn đến Giấy Mực An Phát!');
      expect(await popupsOf(srv, pk, BUYER)).toEqual([]);
      // For everyone, not stopped by a conversion: the buyer gets it too. Paused: nobody does.
      await call(srv.url, 'PUT', '/api/v1/site-popups/welcome', {
        key: sk,
        body: {
          ...welcome,
          audience: 'all',
          content: { ...welcome.content, frequency: { stopAfterConversion: false } },
        },
      });
      expect((await popupsOf(srv, pk, BUYER)).map((p) => p.id)).toEqual(['site:welcome']);
      await call(srv.url, 'PUT', '/api/v1/site-popups/welcome', {
        key: sk,
        body: { ...welcome, state: 'paused' },
      });
      expect(await popupsOf(srv, pk, STRANGER)).toEqual([]);
    });

    it("records a visitor's shown and clicked on their anonymous id, once a day; nothing for another shop", async () => {
      const { s, srv, pk, sk } = await open();
      await call(srv.url, 'PUT', '/api/v1/site-popups/welcome', { key: sk, body: welcome });
      const report = (key: string, action: string) =>
        call(srv.url, 'POST', `/t/v1/popups/site:welcome/${action}`, {
          body: JSON.stringify({ writeKey: key, anonymousId: STRANGER }),
          headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN },
        });
      for (const action of ['shown', 'shown', 'clicked', 'clicked', 'closed'])
        expect((await report(pk, action)).body).toEqual({ recorded: true });
      const events = await s.store.engine.all<{
        name: string;
        anonymous_id: string;
        customer_id: string | null;
      }>(
        "SELECT name, anonymous_id, customer_id FROM events WHERE shop_id = $1 AND name LIKE 'Message %' ORDER BY name",
        [SHOP],
      );
      expect(events).toEqual(
        ['Message Clicked', 'Message Delivered', 'Message Opened', 'Message Sent'].map((name) => ({
          name,
          anonymous_id: STRANGER,
          customer_id: null,
        })),
      );
      await s.store.ensureShop({ shopId: 'other-shop' });
      await setShopSetting(s.ctx, { shopId: 'other-shop', key: 'tracking.allowed_origins', value: ORIGIN });
      const otherPk = (await createApiKey(s.ctx, { shopId: 'other-shop', kind: 'publishable' })).key;
      expect(await popupsOf(srv, otherPk, STRANGER)).toEqual([]);
      expect((await report(otherPk, 'shown')).status).toBe(404);
    });
  });
