/**
 * Onsite popups over real HTTP on both engines (issue 16, item 3): a flow's popup step queues a
 * message; `GET /t/v1/popups` gives the due ones of the visitor's customer, rendered with their
 * display rules; `POST /t/v1/popups/:id/shown|clicked|closed` records the message sent and its
 * events once; nothing of another shop, visitor or origin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { popupRoutes } from '../../src/server/routes/popups.js';
import { linkAnonymousIds } from '../../src/store/tracking/anonymous.js';
import { customer, event, type FlowShop, openFlowShop, order, SHOP, vn } from '../flows/support.js';
import { ENGINES } from '../support/engines.js';
import { call, startTestServer, type TestServer } from './support.js';

const PHONE = '+84912345678';
const VISITOR = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const ORIGIN = 'https://shop.example.vn';

const popupStep = (
  id: string,
  over: Record<string, unknown> = {},
  content: Record<string, unknown> = {},
) => ({
  kind: 'send',
  id,
  channels: ['popup'],
  content: {
    popup: {
      title: { vi: 'Chào {{ customer.first_name }}!', en: 'Hi {{ customer.first_name }}!' },
      body: { vi: 'Giảm 10% hôm nay.', en: '10% off today.' },
      cta: { vi: 'Mua ngay', en: 'Shop now' },
      url: 'https://shop.example.vn/sale?from={{ shop.name | url_encode }}',
      show: { on: 'exit_intent', delay: 8 },
      frequency: { days: 7 },
      ...content,
    },
  },
  ...over,
});

const checkoutFlow = (name: string, steps: unknown[]) => ({
  name,
  trigger: { kind: 'event', event: 'Checkout Started' },
  entry: { policy: 'once' },
  steps,
});

interface Popup {
  id: string;
  title: string;
  body: string;
  cta?: string;
  url?: string;
  show: { on: string; delay?: number };
  days?: number;
  stop: boolean;
  since: string;
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(`storefront popups (${engine.title})`, () => {
    let shop: FlowShop | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await shop?.close();
      shop = undefined;
      server = undefined;
    });

    /** A shop with the flows, a customer who identified as VISITOR and started a checkout at 10:00. */
    async function open(flows: Record<string, unknown>[], lang?: 'en') {
      const s = await openFlowShop(engine, vn('2027-03-01', '09:00'));
      shop = s;
      for (const f of flows) await s.flow(f);
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE, lang ? { attributes: { lang } } : {})],
        events: [event('Checkout Started', PHONE, vn('2027-03-01', '10:00'), 'evt-1')],
      });
      await s.store.transaction((tx) =>
        linkAnonymousIds(tx, SHOP, {
          identified: [{ anonymousId: VISITOR, phone: PHONE }],
          seen: [],
          now: vn('2027-03-01', '10:00'),
        }),
      );
      await s.runDue(vn('2027-03-01', '10:01'));
      server = await startTestServer(s.store, (c) =>
        popupRoutes(c, {
          perKey: new RateLimiter({ perSecond: 1000, burst: 1000 }),
          perIp: new RateLimiter({ perSecond: 1000, burst: 1000 }),
        }),
      );
      await setShopSetting(s.ctx, { shopId: SHOP, key: 'tracking.allowed_origins', value: ORIGIN });
      const pk = (await createApiKey(s.ctx, { shopId: SHOP, kind: 'publishable' })).key;
      return { s, srv: server, pk };
    }

    const popupsOf = async (srv: TestServer, pk: string, visitor = VISITOR, origin = ORIGIN) => {
      const r = await call(srv.url, 'GET', `/t/v1/popups?writeKey=${pk}&anonymousId=${visitor}`, {
        headers: { origin },
      });
      expect(r.status, r.text).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe(origin);
      return (r.body as { popups: Popup[] }).popups;
    };
    /** What a beacon sends: text/plain JSON with the key in the body. */
    const report = (srv: TestServer, pk: string, id: string, action: string, visitor = VISITOR) =>
      call(srv.url, 'POST', `/t/v1/popups/${id}/${action}`, {
        body: JSON.stringify({ writeKey: pk, anonymousId: visitor }),
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN },
      });
    const eventsOf = async (s: FlowShop) =>
      (
        await s.store.engine.all<{ name: string }>(
          "SELECT name FROM events WHERE shop_id = $1 AND name LIKE 'Message %' ORDER BY name",
          [SHOP],
        )
      ).map((r) => r.name);

    it('gives a customer their due popup, rendered in their language with its display rules', async () => {
      const { s, srv, pk } = await open([checkoutFlow('checkout-popup', [popupStep('offer')])]);
      const [m] = await s.messages();
      expect(m).toMatchObject({ channel: 'popup', state: 'queued' });
      const popups = await popupsOf(srv, pk);
      expect(popups).toEqual([
        {
          id: m!.messageId,
          title: 'Chào Lan!',
          body: 'Giảm 10% hôm nay.',
          cta: 'Mua ngay',
          url: 'https://shop.example.vn/sale?from=Gi%E1%BA%A5y+M%E1%BB%B1c+An+Ph%C3%A1t',
          show: { on: 'exit_intent', delay: 8 },
          days: 7,
          stop: true,
          since: m!.createdAt.toISOString(),
        },
      ]);
      // A visitor nobody identified gets nothing.
      expect(await popupsOf(srv, pk, 'ffffffffffffffffffffffffffffffff')).toEqual([]);
    });

    it('renders English for a customer whose language is en; a javascript: link is dropped', async () => {
      const { srv, pk } = await open(
        [checkoutFlow('checkout-popup', [popupStep('offer', {}, { url: 'javascript:alert(1)' })])],
        'en',
      );
      const [p] = await popupsOf(srv, pk);
      expect(p).toMatchObject({ title: 'Hi Lan!', body: '10% off today.', cta: 'Shop now' });
      expect(p?.url).toBeUndefined();
    });

    it('does not give a popup before it is due, nor once it has expired', async () => {
      const { s, srv, pk } = await open([
        checkoutFlow('later', [
          { kind: 'wait', id: 'wait-2d', duration: '2d' },
          popupStep('later-offer', {}, { title: 'Later' }),
        ]),
        checkoutFlow('short', [popupStep('short-offer', { expiresAfter: '1h' }, { title: 'Short' })]),
      ]);
      expect((await popupsOf(srv, pk)).map((p) => p.title)).toEqual(['Short']);
      s.at(vn('2027-03-01', '11:30'));
      expect(await popupsOf(srv, pk)).toEqual([]);
      // The expired one cannot be reported shown either.
      const short = (await s.messages()).find((m) => m.stepId === 'short-offer')!;
      expect((await report(srv, pk, short.messageId, 'shown')).body).toEqual({ recorded: false });
      await s.runDue(vn('2027-03-03', '10:05'));
      expect((await popupsOf(srv, pk)).map((p) => p.title)).toEqual(['Later']);
    });

    it('records shown and clicked once: the message sent, Message Sent/Delivered/Opened/Clicked one each', async () => {
      const { s, srv, pk } = await open([checkoutFlow('checkout-popup', [popupStep('offer')])]);
      const [p] = await popupsOf(srv, pk);
      s.at(vn('2027-03-01', '10:30'));
      for (let i = 0; i < 2; i++)
        expect((await report(srv, pk, p!.id, 'shown')).body).toEqual({ recorded: true });
      s.at(vn('2027-03-01', '10:31'));
      for (let i = 0; i < 2; i++) expect((await report(srv, pk, p!.id, 'clicked')).status).toBe(200);
      expect((await report(srv, pk, p!.id, 'closed')).status).toBe(200);
      const [m] = await s.messages();
      expect(m?.state).toBe('sent');
      expect(m?.sentAt?.toISOString()).toBe(vn('2027-03-01', '10:30').toISOString());
      expect(await eventsOf(s)).toEqual([
        'Message Clicked',
        'Message Delivered',
        'Message Opened',
        'Message Sent',
      ]);
      // Shown: not offered again.
      expect(await popupsOf(srv, pk)).toEqual([]);
    });

    it('stops a popup once the customer has placed an order after it was queued', async () => {
      const { s, srv, pk } = await open([checkoutFlow('checkout-popup', [popupStep('offer')])]);
      expect(await popupsOf(srv, pk)).toHaveLength(1);
      s.at(vn('2027-03-01', '10:20'));
      await s.load({ orders: [order('1001', PHONE, vn('2027-03-01', '10:20'))] });
      expect(await popupsOf(srv, pk)).toEqual([]);
    });

    it("gives another shop's key, another visitor and another origin nothing", async () => {
      const { s, srv, pk } = await open([checkoutFlow('checkout-popup', [popupStep('offer')])]);
      const [p] = await popupsOf(srv, pk);
      await s.store.ensureShop({ shopId: 'other-shop' });
      await setShopSetting(s.ctx, { shopId: 'other-shop', key: 'tracking.allowed_origins', value: ORIGIN });
      const otherPk = (await createApiKey(s.ctx, { shopId: 'other-shop', kind: 'publishable' })).key;
      expect(await popupsOf(srv, otherPk)).toEqual([]);
      expect((await report(srv, otherPk, p!.id, 'shown')).status).toBe(404);
      expect((await report(srv, pk, p!.id, 'shown', 'ffffffffffffffffffffffffffffffff')).status).toBe(404);
      const evil = await call(srv.url, 'GET', `/t/v1/popups?writeKey=${pk}&anonymousId=${VISITOR}`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(evil.status).toBe(403);
      expect((await s.messages())[0]?.state).toBe('queued');
      expect(await eventsOf(s)).toEqual([]);
    });
  });
