/**
 * Flows in test time, on both engines: events → run-due at a moment → assert, with real channels
 * sending to local fake providers (eSMS, SMTP) that check the contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { changeFlowState, updateFlowDocument } from '../../src/app/flows/definitions.js';
import { flowStats } from '../../src/app/flows/messages.js';
import { recordOptOut } from '../../src/store/flows/recipients.js';
import { runsOfCustomer } from '../../src/store/flows/runs.js';
import { ENGINES } from '../support/engines.js';
import { customer, event, type FlowShop, openFlowShop, order, SHOP, smsStep, vn } from './support.js';

const PHONE = '+84912345678';

/** Seed 003: paper pushed 7 days after a printer, at 09:00 shop time. */
const paperFlow = {
  name: 'printer-paper',
  trigger: { kind: 'order', status: 'placed', skus: ['PRN-01'] },
  entry: { policy: 'every', key: 'order' },
  steps: [
    { kind: 'wait', id: 'wait-7d', duration: '7d', at: '09:00' },
    smsStep('paper', 'Chào {{ customer.first_name }}, máy in đã hết giấy chưa? Giấy A4 giảm 10% hôm nay.'),
  ],
};

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let shop: FlowShop | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });
    const open = async (start: Date) => {
      shop = await openFlowShop(engine, start);
      return shop;
    };

    it('a printer bought on day 0 at 02:00 → the paper SMS on day 7 at 09:00 shop time', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow(paperFlow);
      s.at(vn('2027-03-01', '02:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '02:00'))],
      });
      expect((await s.runDue(vn('2027-03-01', '02:05'))).started).toBe(1);
      expect((await s.runDue(vn('2027-03-08', '08:59'))).messages.sent).toBe(0);
      expect(s.esms.received).toHaveLength(0);
      const r = await s.runDue(vn('2027-03-08', '09:00'));
      expect(r.messages.sent).toBe(1);
      expect(s.esms.received).toHaveLength(1);
      expect(s.esms.received[0]?.phone).toBe('84912345678');
      // Promotional SMS in Vietnam carry [QC] (Decree 91).
      expect(s.esms.received[0]?.content).toMatch(/^\[QC\] Chào Lan, máy in/);
      expect(s.esms.violations).toEqual([]);
      const [m] = await s.messages();
      expect(m?.state).toBe('sent');
      expect(m?.sentAt?.toISOString()).toBe(vn('2027-03-08', '09:00').toISOString());
    });

    it('running due work twice for the same moment sends nothing twice', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow(paperFlow);
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      await s.runDue(vn('2027-03-08', '10:00'));
      const again = await s.runDue(vn('2027-03-08', '10:00'));
      expect(again).toMatchObject({ started: 0, advanced: 0 });
      expect(again.messages.considered).toBe(0);
      expect(s.esms.received).toHaveLength(1);
    });

    it('one run per order under re-entry per order: a re-imported order starts nothing, a new one does', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow(paperFlow);
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      expect((await s.runDue(vn('2027-03-01', '10:01'))).started).toBe(1);
      // The same order again (a retried webhook, a re-import): imported anew, same order id.
      s.at(vn('2027-03-01', '11:00'));
      await s.load({ orders: [order('1001', PHONE, vn('2027-03-01', '10:00'), { status: 'delivered' })] });
      expect((await s.runDue(vn('2027-03-01', '11:01'))).started).toBe(0);
      s.at(vn('2027-03-02', '11:00'));
      await s.load({ orders: [order('1002', PHONE, vn('2027-03-02', '11:00'))] });
      expect((await s.runDue(vn('2027-03-02', '11:01'))).started).toBe(1);
      expect(await runsOfCustomer(s.store, SHOP, await s.idOf(PHONE))).toHaveLength(2);
    });

    it('a second promotion the same day is deferred to the next day, not dropped', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow({
        name: 'two-promos',
        trigger: { kind: 'order', status: 'placed' },
        steps: [
          smsStep('first', 'Ưu đãi 1'),
          { kind: 'wait', id: 'w', duration: '2h' },
          smsStep('second', 'Ưu đãi 2'),
        ],
      });
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      await s.runDue(vn('2027-03-01', '10:00'));
      const noon = await s.runDue(vn('2027-03-01', '12:00'));
      expect(noon.messages).toMatchObject({ sent: 0, deferred: 1 });
      const deferred = (await s.messages()).find((m) => m.stepId === 'second');
      expect(deferred).toMatchObject({ state: 'queued', planned: true });
      expect(deferred?.deferred).toMatch(/^daily_cap/);
      // The next day at 08:00, when quiet hours end (shop time).
      expect(deferred?.dueAt.toISOString()).toBe(vn('2027-03-02', '08:00').toISOString());
      expect(s.esms.received).toHaveLength(1);
      await s.runDue(vn('2027-03-02', '08:00'));
      expect(s.esms.received.map((r) => r.content)).toEqual(['[QC] Ưu đãi 1', '[QC] Ưu đãi 2']);
    });

    it('a voucher reminder that cannot go before its expiry is recorded as expired, with the reason', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow({
        name: 'voucher',
        trigger: { kind: 'order', status: 'placed' },
        steps: [
          smsStep('first', 'Cảm ơn bạn'),
          smsStep('reminder', 'Voucher còn 2 giờ!', { expiresAfter: '2h' }),
        ],
      });
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      const r = await s.runDue(vn('2027-03-01', '10:00'));
      expect(r.messages).toMatchObject({ sent: 1, expired: 1 });
      const expired = (await s.messages()).find((m) => m.stepId === 'reminder');
      expect(expired?.state).toBe('expired');
      expect(expired?.reason).toMatch(/deferred_past_expiry .*2027-03-02T01:00:00.000Z/);
    });

    it('an opted-out customer is never messaged; one without consent to promotions neither', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow({
        name: 'thanks',
        trigger: { kind: 'order', status: 'placed' },
        steps: [smsStep('s', 'Xin chào')],
      });
      s.at(vn('2027-03-01', '10:00'));
      const other = '+84987654321';
      await s.load({
        customers: [customer(PHONE), customer(other, { consent: {} })],
        orders: [
          order('1001', PHONE, vn('2027-03-01', '10:00')),
          order('1002', other, vn('2027-03-01', '10:00')),
        ],
      });
      await recordOptOut(s.store, SHOP, {
        channel: 'sms',
        address: PHONE,
        customerId: null,
        source: 'STOP',
        at: vn('2027-03-01', '09:00'),
      });
      const r = await s.runDue(vn('2027-03-01', '10:01'));
      expect(r.messages).toMatchObject({ sent: 0, suppressed: 2 });
      expect(s.esms.received).toHaveLength(0);
      const reasons = (await s.messages()).map((m) => m.reason).sort();
      expect(reasons).toEqual(['sms: no consent to promotions recorded', 'sms: opted out']);
    });

    it('a run exits before its next step once the customer has bought again', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow({ ...paperFlow, name: 'paper-exit', exitWhen: [{ kind: 'placed_order' }] });
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      await s.runDue(vn('2027-03-01', '10:01'));
      s.at(vn('2027-03-05', '10:00'));
      await s.load({
        orders: [order('1002', PHONE, vn('2027-03-05', '10:00'), { sku: 'PAP-A4', total: 90_000 })],
      });
      await s.runDue(vn('2027-03-09', '10:00'));
      expect(s.esms.received).toHaveLength(0);
      const runs = await runsOfCustomer(s.store, SHOP, await s.idOf(PHONE));
      expect(runs[runs.length - 1]).toMatchObject({ state: 'exited', stepId: null });
    });

    it('an abandoned checkout: a reminder only when no order follows within the hour', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow({
        name: 'abandoned-checkout',
        trigger: {
          kind: 'event',
          event: 'Checkout Started',
          unless: { event: 'Order Completed', within: '1h' },
        },
        entry: { policy: 'every', key: 'occurrence' },
        steps: [smsStep('remind', 'Bạn quên giỏ hàng?', { promotional: false })],
      });
      const buyer = '+84911111111';
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE), customer(buyer)],
        events: [
          event('Checkout Started', PHONE, vn('2027-03-01', '10:00'), 'e1'),
          event('Checkout Started', buyer, vn('2027-03-01', '10:00'), 'e2'),
          event('Order Completed', buyer, vn('2027-03-01', '10:20'), 'e3'),
        ],
      });
      expect((await s.runDue(vn('2027-03-01', '10:30'))).started).toBe(2);
      expect(s.esms.received).toHaveLength(0);
      await s.runDue(vn('2027-03-01', '11:00'));
      expect(s.esms.received.map((r) => r.phone)).toEqual(['84912345678']);
    });

    it('splits by weight and keeps a holdout that gets nothing', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow({
        name: 'ab',
        trigger: { kind: 'order', status: 'placed' },
        holdoutPercent: 20,
        steps: [
          {
            kind: 'split',
            id: 'ab',
            branches: [
              { name: 'a', weight: 3, steps: [{ kind: 'tag', id: 'ta', add: ['got-a'] }] },
              { name: 'b', weight: 1, steps: [{ kind: 'tag', id: 'tb', add: ['got-b'] }] },
            ],
          },
        ],
      });
      s.at(vn('2027-03-01', '10:00'));
      const n = 1000;
      const phones = Array.from({ length: n }, (_, i) => `+849${String(10_000_000 + i).slice(0, 8)}`);
      await s.load({
        customers: phones.map((p) => customer(p)),
        orders: phones.map((p, i) => order(`o${i}`, p, vn('2027-03-01', '10:00'))),
      });
      await s.runDue(vn('2027-03-01', '10:01'));
      const stats = await flowStats(s.ctx, { shopId: SHOP, name: 'ab' });
      const sd = (p: number) => 4 * Math.sqrt(n * p * (1 - p));
      expect(stats.runs.entered).toBe(n);
      expect(Math.abs(stats.runs.control - 0.2 * n)).toBeLessThan(sd(0.2));
      const a = stats.steps.find((x) => x.stepId === 'ab')?.outcomes['branch:a'] ?? 0;
      const b = stats.steps.find((x) => x.stepId === 'ab')?.outcomes['branch:b'] ?? 0;
      expect(a + b).toBe(n - stats.runs.control);
      expect(Math.abs(a / (a + b) - 0.75)).toBeLessThan(4 * Math.sqrt((0.75 * 0.25) / (a + b)));
    });

    it('a paused flow sends nothing until resumed; an edit starts new runs on the new version only', async () => {
      const s = await open(vn('2027-03-01', '01:00'));
      await s.flow(paperFlow);
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(PHONE)],
        orders: [order('1001', PHONE, vn('2027-03-01', '10:00'))],
      });
      await s.runDue(vn('2027-03-01', '10:01'));
      await changeFlowState(s.ctx, { shopId: SHOP, name: 'printer-paper', action: 'pause' });
      const v2 = {
        ...paperFlow,
        steps: [
          paperFlow.steps[0],
          smsStep('paper', 'Phiên bản 2: {{ customer.first_name }} ơi, giấy A4 đây'),
        ],
      };
      const view = await updateFlowDocument(s.ctx, { shopId: SHOP, name: 'printer-paper', document: v2 });
      expect(view).toMatchObject({ version: 2, liveVersion: 2, state: 'paused' });
      await s.runDue(vn('2027-03-08', '09:30'));
      expect(s.esms.received).toHaveLength(0);
      await changeFlowState(s.ctx, { shopId: SHOP, name: 'printer-paper', action: 'resume' });
      s.at(vn('2027-03-08', '10:00'));
      await s.load({ orders: [order('1002', PHONE, vn('2027-03-08', '10:00'))] });
      await s.runDue(vn('2027-03-08', '10:00'));
      // The run that started on version 1 finishes version 1.
      expect(s.esms.received.map((r) => r.content)).toEqual([
        '[QC] Chào Lan, máy in đã hết giấy chưa? Giấy A4 giảm 10% hôm nay.',
      ]);
      await s.runDue(vn('2027-03-15', '09:00'));
      expect(s.esms.received[1]?.content).toBe('[QC] Phiên bản 2: Lan ơi, giấy A4 đây');
    });
  });
