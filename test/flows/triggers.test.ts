/**
 * Every trigger and the steps not covered by scenarios.test.ts, in test time on both engines:
 * segment entry and exit, dates (birthdays), broadcasts, cron schedules in the shop's zone,
 * conditions, waits for events, coupons in messages, tags, attributes, staff tasks, and the Zalo
 * → SMS fallback when the customer has no Zalo account.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadChannels, setChannelSetting } from '../../src/app/channel-settings.js';
import { runDueFlows } from '../../src/app/flows/run-due.js';
import { createShopSegment } from '../../src/app/segments.js';
import { listTasks } from '../../src/store/flows/effects.js';
import { listMessages } from '../../src/store/flows/messages.js';
import { ENGINES } from '../support/engines.js';
import { startWebhookFake, WEBHOOK_FAKE_SECRET } from '../support/fakes/webhook.js';
import { startZaloFake, ZALO_FAKE } from '../support/fakes/zalo.js';
import { customer, event, type FlowShop, openFlowShop, order, SHOP, smsStep, vn } from './support.js';

const A = '+84912000001';
const B = '+84912000002';

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let shop: FlowShop | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });
    const open = async (start = vn('2027-03-01', '08:00')) => {
      shop = await openFlowShop(engine, start);
      return shop;
    };

    it('segment entered and exited start runs once per entry, at the time of entry', async () => {
      const s = await open();
      await s.load({ customers: [customer(A), customer(B)] });
      await createShopSegment(s.ctx, { shopId: SHOP, name: 'repeat-buyers', query: 'number_of_orders >= 2' });
      await s.flow({
        name: 'in',
        trigger: { kind: 'segment_entered', segment: 'repeat-buyers' },
        steps: [smsStep('hi', 'Cảm ơn bạn đã quay lại')],
      });
      await s.flow({
        name: 'out',
        trigger: { kind: 'segment_exited', segment: 'repeat-buyers' },
        steps: [{ kind: 'tag', id: 't', add: ['left'] }],
      });
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        orders: [
          order('1', A, vn('2027-03-01', '10:00')),
          order('2', A, vn('2027-03-01', '10:00'), { sku: 'PAP-A4' }),
        ],
      });
      const first = await s.runDue(vn('2027-03-01', '10:05'));
      expect(first.started).toBe(1);
      expect(s.esms.received.map((r) => r.phone)).toEqual(['84912000001']);
      // A recomputed segment with the same members starts nothing.
      s.at(vn('2027-03-01', '11:00'));
      await s.load({ orders: [order('3', B, vn('2027-03-01', '11:00'))] });
      expect((await s.runDue(vn('2027-03-01', '11:05'))).started).toBe(0);
      // A's orders cancelled: A leaves the segment, the exit flow tags A.
      s.at(vn('2027-03-02', '10:00'));
      await s.load({
        orders: [
          order('1', A, vn('2027-03-01', '10:00'), { status: 'cancelled' }),
          order('2', A, vn('2027-03-01', '10:00'), { sku: 'PAP-A4', status: 'cancelled' }),
        ],
      });
      expect((await s.runDue(vn('2027-03-02', '10:05'))).started).toBe(1);
      const tags = await s.store.engine.all<{ tag: string }>(
        'SELECT tag FROM customer_tags WHERE shop_id = $1 AND customer_id = $2',
        [SHOP, await s.idOf(A)],
      );
      expect(tags.map((t) => t.tag)).toEqual(['left']);
    });

    it('a birthday flow runs on the day at 09:00 shop time, once a year', async () => {
      const s = await open(vn('2027-03-01', '08:00'));
      await s.load({
        customers: [
          customer(A, { attributes: { birthday: '1990-03-03' } }),
          customer(B, { attributes: { birthday: '03-09' } }),
        ],
      });
      await s.flow({
        name: 'birthday',
        trigger: { kind: 'date', property: 'birthday', at: '09:00' },
        entry: { policy: 'every', key: 'year' },
        steps: [smsStep('hpbd', 'Chúc mừng sinh nhật {{ customer.first_name }}!')],
      });
      expect((await s.runDue(vn('2027-03-03', '08:59'))).started).toBe(0);
      const r = await s.runDue(vn('2027-03-03', '09:00'));
      expect(r.started).toBe(1);
      expect(s.esms.received.map((x) => x.phone)).toEqual(['84912000001']);
      expect((await s.runDue(vn('2027-03-10', '12:00'))).started).toBe(1);
      expect(s.esms.received.map((x) => x.phone)).toEqual(['84912000001', '84912000002']);
    });

    it('a broadcast goes to the segment at its time; a cron schedule ticks in the shop zone', async () => {
      const s = await open();
      await s.load({ customers: [customer(A), customer(B)] });
      await createShopSegment(s.ctx, { shopId: SHOP, name: 'everyone', query: "phone != ''" });
      await s.flow({
        name: 'tet',
        trigger: { kind: 'broadcast', segment: 'everyone', at: '2027-03-05T10:00' },
        steps: [{ kind: 'tag', id: 't', add: ['tet'] }],
      });
      await s.flow({
        name: 'mondays',
        trigger: { kind: 'schedule', cron: '0 9 * * 1', segment: 'everyone' },
        entry: { policy: 'every', key: 'occurrence' },
        steps: [{ kind: 'tag', id: 't', add: ['monday'] }],
      });
      // 2027-03-01 is a Monday: its 09:00 tick comes after the flows went live at 08:00.
      expect((await s.runDue(vn('2027-03-01', '09:00'))).started).toBe(2);
      expect((await s.runDue(vn('2027-03-05', '09:59'))).started).toBe(0);
      expect((await s.runDue(vn('2027-03-05', '10:00'))).started).toBe(2);
      // Two ticks caught up at once (03-08 and 03-15): one run per customer and tick.
      expect((await s.runDue(vn('2027-03-15', '09:00'))).started).toBe(4);
      const runs = await s.store.engine.all<{ entered_at: Date }>(
        "SELECT r.entered_at FROM flow_runs r JOIN flows f ON f.flow_id = r.flow_id WHERE f.name = 'mondays' ORDER BY r.entered_at",
      );
      expect([...new Set(runs.map((r) => r.entered_at.toISOString()))]).toEqual([
        vn('2027-03-01', '09:00').toISOString(),
        vn('2027-03-08', '09:00').toISOString(),
        vn('2027-03-15', '09:00').toISOString(),
      ]);
    });

    it('conditions, waits for events, coupons in messages, attributes and staff tasks', async () => {
      const s = await open();
      await s.flow({
        name: 'care',
        trigger: { kind: 'order', status: 'placed' },
        entry: { policy: 'every', key: 'order' },
        steps: [
          {
            kind: 'condition',
            id: 'big',
            query: 'amount_spent >= 3000000',
            yes: [{ kind: 'task', id: 'call', title: 'Gọi điện cảm ơn', dueIn: '1d' }],
            no: [{ kind: 'set_attribute', id: 'small', name: 'tier', value: 'small' }],
          },
          {
            kind: 'wait_for_event',
            id: 'review',
            event: 'Product Reviewed',
            timeout: '3d',
            onEvent: [{ kind: 'tag', id: 'reviewer', add: ['reviewer'] }],
            onTimeout: [
              {
                kind: 'coupon',
                id: 'voucher',
                coupon: { kind: 'fixed_amount', value: 50000, validFor: '24h' },
              },
              smsStep(
                'ask',
                'Tặng bạn mã {{ coupon.code }} giảm {{ coupon | coupon_value }}, hạn {{ coupon.expires_at | datetime }}',
              ),
            ],
          },
        ],
      });
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(A), customer(B)],
        orders: [
          order('1', A, vn('2027-03-01', '10:00'), { total: 3_500_000 }),
          order('2', B, vn('2027-03-01', '10:00'), { total: 200_000 }),
        ],
      });
      await s.runDue(vn('2027-03-01', '10:01'));
      const tasks = await listTasks(s.store, SHOP);
      expect(tasks.map((t) => [t.customerId, t.title])).toEqual([[await s.idOf(A), 'Gọi điện cảm ơn']]);
      const [b] = await s.store.engine.all<{ attributes: string }>(
        'SELECT attributes FROM customers WHERE shop_id = $1 AND customer_id = $2',
        [SHOP, await s.idOf(B)],
      );
      expect(JSON.parse(b?.attributes ?? '{}')).toMatchObject({ tier: 'small' });
      // A reviews the next day: the onEvent branch at once, not at the timeout.
      s.at(vn('2027-03-02', '10:00'));
      await s.load({ events: [event('Product Reviewed', A, vn('2027-03-02', '10:00'), 'rev1')] });
      await s.runDue(vn('2027-03-02', '10:01'));
      const aTags = await s.store.engine.all<{ tag: string }>(
        'SELECT tag FROM customer_tags WHERE shop_id = $1 AND customer_id = $2',
        [SHOP, await s.idOf(A)],
      );
      expect(aTags.map((t) => t.tag)).toEqual(['reviewer']);
      expect(s.esms.received).toHaveLength(0);
      // B never reviews: after 3 days, a 24 h coupon and the SMS with its code.
      await s.runDue(vn('2027-03-04', '10:00'));
      expect(s.esms.received).toHaveLength(1);
      const coupon = await s.store.engine.all<{ code: string; customer_id: string }>(
        'SELECT code, customer_id FROM coupons WHERE shop_id = $1',
        [SHOP],
      );
      expect(coupon).toHaveLength(1);
      expect(coupon[0]?.customer_id).toBe(await s.idOf(B));
      const text = s.esms.received[0]?.content ?? '';
      expect(text).toContain(`Tặng bạn mã ${coupon[0]?.code} giảm 50.000 ₫`);
      // Valid 24 h from the step, shown in shop time.
      expect(text).toContain('05/03/2027');
    });

    it('a refused COD parcel calls the shop webhook at once at night; a promotion then waits for 08:00', async () => {
      const s = await open();
      const hook = await startWebhookFake();
      try {
        await setChannelSetting(s.ctx, { shopId: SHOP, channel: 'webhook', key: 'url', value: hook.hookUrl });
        await setChannelSetting(s.ctx, {
          shopId: SHOP,
          channel: 'webhook',
          key: 'secret',
          value: WEBHOOK_FAKE_SECRET,
        });
        const channels = await loadChannels(s.ctx, SHOP);
        await s.flow({
          name: 'cod-refused',
          trigger: { kind: 'order', status: 'failed_delivery' },
          entry: { policy: 'every', key: 'order' },
          steps: [
            { kind: 'send', id: 'hook', channels: ['webhook'], promotional: false, content: { webhook: {} } },
          ],
        });
        await s.flow({
          name: 'viewed-paper',
          trigger: { kind: 'event', event: 'Product Viewed', where: { sku: 'PAP-A4' } },
          entry: { policy: 'every', key: 'occurrence' },
          steps: [smsStep('promo', 'Giấy A4 đang giảm giá')],
        });
        s.at(vn('2027-03-01', '10:00'));
        await s.load({
          customers: [customer(A)],
          orders: [order('1', A, vn('2027-03-01', '10:00'), { status: 'pending' })],
        });
        s.at(vn('2027-03-01', '23:00'));
        await s.load({
          orders: [order('1', A, vn('2027-03-01', '10:00'), { status: 'failed_delivery' })],
          events: [
            event('Product Viewed', A, vn('2027-03-01', '23:00'), 'v1', { sku: 'PAP-A4' }),
            event('Product Viewed', A, vn('2027-03-01', '23:00'), 'v2', { sku: 'INK-K' }),
          ],
        });
        const night = await runDueFlows(
          s.ctx,
          { shopId: SHOP, asOf: vn('2027-03-01', '23:01') },
          { channels },
        );
        expect(night.started).toBe(2);
        expect(hook.received).toHaveLength(1);
        expect(hook.received[0]?.body).toMatchObject({ customer: { id: await s.idOf(A) } });
        expect(hook.violations).toEqual([]);
        const promo = (await listMessages(s.store, SHOP)).find((m) => m.stepId === 'promo');
        expect(promo).toMatchObject({ state: 'queued', planned: true });
        expect(promo?.deferred).toMatch(/quiet_hours|sms_hours/);
        expect(promo?.dueAt.toISOString()).toBe(vn('2027-03-02', '08:00').toISOString());
        await runDueFlows(s.ctx, { shopId: SHOP, asOf: vn('2027-03-02', '08:00') }, { channels });
        expect(s.esms.received.map((r) => r.content)).toEqual(['[QC] Giấy A4 đang giảm giá']);
      } finally {
        await hook.close();
      }
    });

    it('Zalo first, SMS when the customer has no Zalo account (-118)', async () => {
      const s = await open();
      const zalo = await startZaloFake();
      try {
        for (const [key, value] of [
          ['base_url', zalo.url],
          ['oauth_url', zalo.url],
          ['app_id', ZALO_FAKE.appId],
          ['secret_key', ZALO_FAKE.secretKey],
          ['access_token', ZALO_FAKE.accessToken],
          ['refresh_token', ZALO_FAKE.refreshToken],
        ] as const)
          await setChannelSetting(s.ctx, { shopId: SHOP, channel: 'zalo', key, value });
        const channels = await loadChannels(s.ctx, SHOP);
        await s.flow({
          name: 'confirm',
          trigger: { kind: 'order', status: 'placed' },
          entry: { policy: 'every', key: 'order' },
          steps: [
            {
              kind: 'send',
              id: 'confirm',
              channels: ['zalo', 'sms'],
              promotional: false,
              content: {
                zalo: { templateId: '231245', data: { order: '{{ order.name }}' } },
                sms: { text: 'Đơn {{ order.name }} đã xác nhận' },
              },
            },
          ],
        });
        zalo.failFor('84912000002', '-118');
        s.at(vn('2027-03-01', '10:00'));
        await s.load({
          customers: [
            customer(A, { consent: { sms: true, zalo: true } }),
            customer(B, { consent: { sms: true, zalo: true } }),
          ],
          orders: [order('1', A, vn('2027-03-01', '10:00')), order('2', B, vn('2027-03-01', '10:00'))],
        });
        const r = await runDueFlows(s.ctx, { shopId: SHOP, asOf: vn('2027-03-01', '10:01') }, { channels });
        expect(r.messages).toMatchObject({ sent: 2, unreachable: 1 });
        expect(zalo.received.map((m) => m.phone)).toEqual(['84912000001']);
        expect(s.esms.received.map((m) => [m.phone, m.content])).toEqual([
          ['84912000002', 'Đơn #2 đã xác nhận'],
        ]);
        const byB = (await listMessages(s.store, SHOP)).find((m) => m.recipient === B);
        expect(byB).toMatchObject({ channel: 'sms', state: 'sent', channelIndex: 1 });
        expect(zalo.violations).toEqual([]);
      } finally {
        await zalo.close();
      }
    });
  });
