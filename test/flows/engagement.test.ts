/**
 * Engagement and honest attribution over a real server on loopback, on both engines: tracked
 * links and the open pixel become events, a click followed by a valid order is a conversion, an
 * unsubscribe (one click) stops the channel at once, eSMS's delivery report marks the message
 * delivered, forged links record nothing, and the lift is measured against the holdout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flowStats } from '../../src/app/flows/messages.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { listMessages } from '../../src/store/flows/messages.js';
import { startTestServer, type TestServer } from '../server/support.js';
import { ENGINES } from '../support/engines.js';
import { customer, type FlowShop, openFlowShop, order, SHOP, vn } from './support.js';

const PHONE = '+84912345678';

const newsletter = {
  name: 'newsletter',
  trigger: { kind: 'order', status: 'placed' },
  entry: { policy: 'every', key: 'order' },
  steps: [
    {
      kind: 'send',
      id: 'mail',
      channels: ['email'],
      content: {
        email: {
          subject: 'Hàng mới về',
          html: '<p>Chào {{ customer.first_name }}, xem <a href="https://shop.example.vn/moi?utm=1&amp;x=2">hàng mới</a>.</p><p><a href="{{ unsubscribe_url }}">Hủy đăng ký</a></p>',
        },
      },
    },
    {
      kind: 'send',
      id: 'sms',
      channels: ['sms'],
      promotional: false,
      content: { sms: { text: 'Đơn {{ order.name }} đã xác nhận. Xem: https://shop.example.vn/don' } },
    },
  ],
};

async function get(url: string, init: RequestInit = {}) {
  return fetch(url, { redirect: 'manual', ...init });
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let shop: FlowShop | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await shop?.close();
      shop = undefined;
      server = undefined;
    });

    async function open() {
      shop = await openFlowShop(engine, vn('2027-03-01', '09:00'));
      server = await startTestServer(shop.store);
      await setShopSetting(shop.ctx, { shopId: SHOP, key: 'public_url', value: server.url });
      return { s: shop, base: server.url };
    }

    it('clicks, opens, conversions, unsubscribe and delivery reports', async () => {
      const { s, base } = await open();
      await s.flow(newsletter);
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      await s.runDue(vn('2027-03-01', '10:00'));
      const messages = await listMessages(s.store, SHOP);
      const mail = messages.find((m) => m.stepId === 'mail')!;
      const sms = messages.find((m) => m.stepId === 'sms')!;
      expect(mail.reason).toBeNull();
      expect(mail.state).toBe('sent');
      const rendered = JSON.parse(mail.rendered!) as { html: string; links: string[] };
      expect(rendered.links).toEqual(['https://shop.example.vn/moi?utm=1&x=2']);
      const click = /href="([^"]+\/c\/[^"]+)"/.exec(rendered.html)?.[1];
      const pixel = /<img src="([^"]+\/o\/[^"]+)"/.exec(rendered.html)?.[1];
      const unsub = /href="([^"]+\/u\/[^"]+)"/.exec(rendered.html)?.[1];
      expect(click?.startsWith(`${base}/m/${SHOP}/c/`)).toBe(true);
      expect(pixel && unsub).toBeTruthy();
      // One-click unsubscribe headers (RFC 8058) need an https public_url; over this http test
      // server the e-mail carries the link in its text only (the fake SMTP checks the contract).
      expect(s.smtp.received[0]!.raw).not.toMatch(/List-Unsubscribe:/);
      expect(s.smtp.violations).toEqual([]);
      // The SMS link is tracked too, and eSMS is told where to report delivery.
      expect(s.esms.received[0]!.content).toMatch(new RegExp(`Xem: ${base}/m/${SHOP}/c/`));
      expect(s.esms.received[0]!.callbackUrl).toMatch(new RegExp(`^${base}/m/${SHOP}/esms\\?k=`));

      s.at(vn('2027-03-01', '11:00'));
      const pixelAnswer = await get(pixel!);
      expect(pixelAnswer.headers.get('content-type')).toBe('image/gif');
      const clickAnswer = await get(click!);
      expect(clickAnswer.status).toBe(302);
      expect(clickAnswer.headers.get('location')).toBe('https://shop.example.vn/moi?utm=1&x=2');
      await get(click!); // a second click is one more event, not a second first click
      // A forged or altered token records nothing.
      expect((await get(click!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(404);
      expect((await get(`${base}/m/${SHOP}/c/msg_x.0.AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);

      // eSMS reports the SMS delivered (a report without the shop's key is ignored).
      const report = `RequestId=${sms.idempotencyKey}&SMSID=1&SendStatus=5&SendSuccess=1&SendFailed=0`;
      await get(`${base}/m/${SHOP}/esms?k=wrong&${report}`);
      expect((await listMessages(s.store, SHOP)).find((m) => m.stepId === 'sms')?.deliveredAt).toBeNull();
      const answer = await get(`${s.esms.received[0]!.callbackUrl}&${report}`);
      expect(await answer.text()).toBe('OK');
      expect((await listMessages(s.store, SHOP)).find((m) => m.stepId === 'sms')).toMatchObject({
        state: 'delivered',
      });

      // A valid order within the window after the click is the mail's conversion.
      s.at(vn('2027-03-02', '10:00'));
      await s.load({
        orders: [order('1002', PHONE, vn('2027-03-02', '10:00'), { total: 450_000, sku: 'PAP-A4' })],
      });
      const stats = await flowStats(s.ctx, { shopId: SHOP, name: 'newsletter' });
      const step = stats.steps.find((x) => x.stepId === 'mail')!;
      expect(step).toMatchObject({ sent: 1, opened: 1, clicked: 1, converted: 1, revenue: 450_000 });
      expect(stats.steps.find((x) => x.stepId === 'sms')).toMatchObject({ delivered: 1, converted: 0 });

      // Unsubscribe with one click: the e-mail address never gets this shop's e-mail again.
      const page = await get(unsub!);
      expect(await page.text()).toContain('Hủy nhận tin');
      const oneClick = await get(unsub!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status).toBe(200);
      await s.runDue(vn('2027-03-02', '10:01'));
      const next = (await listMessages(s.store, SHOP)).filter((m) => m.stepId === 'mail');
      expect(next.map((m) => m.state).sort()).toEqual(['sent', 'suppressed']);
      expect(next.find((m) => m.state === 'suppressed')?.reason).toBe('email: opted out');
      expect(s.smtp.received).toHaveLength(1);

      const events = await s.store.engine.all<{ name: string; n: number | bigint }>(
        `SELECT name, COUNT(*) AS n FROM events WHERE shop_id = $1 AND name LIKE 'Message %' GROUP BY name ORDER BY name`,
        [SHOP],
      );
      expect(events.map((e) => [e.name, Number(e.n)])).toEqual([
        ['Message Clicked', 1],
        ['Message Delivered', 1],
        ['Message Opened', 1],
        ['Message Sent', 3],
      ]);
    });

    it('measures the lift against the holdout, with an interval', async () => {
      const { s } = await open();
      await s.flow({
        name: 'lift',
        trigger: { kind: 'order', status: 'placed' },
        holdoutPercent: 50,
        attributionWindow: '7d',
        steps: [{ kind: 'tag', id: 'tag', add: ['x'] }],
      });
      s.at(vn('2027-03-01', '10:00'));
      const phones = Array.from({ length: 400 }, (_, i) => `+8491${String(1_000_000 + i)}`);
      await s.load({
        customers: phones.map((p) => customer(p)),
        orders: phones.map((p, i) => order(`o${i}`, p, vn('2027-03-01', '10:00'))),
      });
      await s.runDue(vn('2027-03-01', '10:01'));
      const runs = await s.store.engine.all<{ customer_id: string; control: boolean }>(
        'SELECT customer_id, control FROM flow_runs WHERE shop_id = $1',
        [SHOP],
      );
      // Every treated customer buys again within the week, no control customer does.
      const treated = runs.filter((r) => !r.control).map((r) => r.customer_id);
      const phoneOf = new Map<string, string>();
      for (const p of phones) phoneOf.set(await s.idOf(p), p);
      s.at(vn('2027-03-03', '10:00'));
      await s.load({
        orders: treated.map((id, i) =>
          order(`r${i}`, phoneOf.get(id)!, vn('2027-03-03', '10:00'), { total: 100_000, sku: 'PAP-A4' }),
        ),
      });
      const stats = await flowStats(s.ctx, { shopId: SHOP, name: 'lift' });
      expect(stats.lift.treated.runs + stats.lift.control.runs).toBe(400);
      expect(stats.lift.treated.rate).toBe(1);
      expect(stats.lift.control.rate).toBe(0);
      expect(stats.lift.difference).toBe(100);
      expect(stats.lift.significant).toBe(true);
      expect(stats.lift.revenuePerRun).toBe(100_000);
    });
  });
