/**
 * The seeds' ready flows: each enables on a fresh shop (its segments are the built-in ones), each
 * send step renders in Vietnamese and English, and preview / test-send work on real data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { previewFlowMessage, testSendFlowMessage } from '../../src/app/flows/preview.js';
import { enableFlowTemplate, listFlowTemplates } from '../../src/app/flows/templates.js';
import { setProductSettings } from '../../src/app/products.js';
import { allSteps } from '../../src/domain/flows/plan.js';
import { NurtureError } from '../../src/errors.js';
import { ENGINES } from '../support/engines.js';
import { customer, type FlowShop, openFlowShop, order, SHOP, vn } from './support.js';

const REQUIRED = [
  'welcome',
  'post-purchase',
  'replenishment',
  'winback',
  'needs-attention',
  'vip-gift',
  'nps-after-delivery',
  'abandoned-checkout',
  'standard-fewer-promos',
];

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let shop: FlowShop | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });

    it('every template enables, and every message renders in vi and en', async () => {
      shop = await openFlowShop(engine, vn('2027-03-01', '09:00'));
      const s = shop;
      const names = listFlowTemplates().map((t) => t.name);
      for (const name of REQUIRED) expect(names).toContain(name);
      for (const name of names) {
        const view = await enableFlowTemplate(s.ctx, { shopId: SHOP, name });
        expect(view).toMatchObject({ name, state: 'live', version: 1 });
        for (const step of allSteps(view.document.steps)) {
          if (step.kind !== 'send') continue;
          for (const channel of step.channels)
            for (const lang of ['vi', 'en'] as const) {
              const p = await previewFlowMessage(s.ctx, { shopId: SHOP, name, step: step.id, channel, lang });
              expect(JSON.stringify(p.message)).not.toMatch(/\{\{|\{%/);
            }
        }
      }
    });

    it('parameters change the flow; unknown templates and parameters create nothing', async () => {
      shop = await openFlowShop(engine, vn('2027-03-01', '09:00'));
      const s = shop;
      const view = await enableFlowTemplate(s.ctx, {
        shopId: SHOP,
        name: 'replenishment',
        params: { days: '15', categories: 'paper, ink' },
        draft: true,
      });
      expect(view.state).toBe('draft');
      expect(view.document.trigger).toMatchObject({ kind: 'order', categories: ['paper', 'ink'] });
      expect(view.document.steps[0]).toMatchObject({ kind: 'wait', duration: '15d', at: '09:00' });
      await expect(enableFlowTemplate(s.ctx, { shopId: SHOP, name: 'nope' })).rejects.toThrow(
        /no flow template "nope"/,
      );
      const bad = await enableFlowTemplate(s.ctx, {
        shopId: SHOP,
        name: 'welcome',
        params: { colour: 'red' },
      }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(NurtureError);
      expect((bad as NurtureError).details).toEqual([{ path: 'params.colour', reason: 'unknown parameter' }]);
    });

    it("replenishment follows the catalogue's reorder cycle (times the quantity), a fallback without one", async () => {
      shop = await openFlowShop(engine, vn('2027-03-01', '08:00'));
      const s = shop;
      await enableFlowTemplate(s.ctx, { shopId: SHOP, name: 'replenishment' });
      const paper = '+84912000010';
      const printer = '+84912000011';
      s.at(vn('2027-03-01', '10:00'));
      await s.load({
        customers: [customer(paper), customer(printer)],
        orders: [
          {
            ...order('p1', paper, vn('2027-03-01', '10:00'), { sku: 'PAP-A4', total: 180_000 }),
            lines: [
              { sku: 'PAP-A4', title: 'Giấy A4 Double A', category: 'paper', quantity: 2, price: '90000' },
            ],
          },
          order('p2', printer, vn('2027-03-01', '10:00')),
        ],
      });
      // The seller says a ream of A4 lasts 15 days (nurture products set PAP-A4 --reorder-cycle-days 15).
      await setProductSettings(s.ctx, { shopId: SHOP, sku: 'PAP-A4', reorderCycleDays: 15 });
      await s.runDue(vn('2027-03-01', '10:01'));
      const wakes = await s.store.engine.all<{ customer_id: string; wake_at: Date }>(
        'SELECT customer_id, wake_at FROM flow_runs WHERE shop_id = $1',
        [SHOP],
      );
      const byCustomer = new Map(wakes.map((w) => [w.customer_id, w.wake_at.toISOString()]));
      // Two reams: 30 days, reminded a day before, at 09:00 shop time.
      expect(byCustomer.get(await s.idOf(paper))).toBe(vn('2027-03-30', '09:00').toISOString());
      // A printer has no cycle: the fallback, 7 days at 09:00.
      expect(byCustomer.get(await s.idOf(printer))).toBe(vn('2027-03-08', '09:00').toISOString());
    });

    it("previews with a customer's last order and sends a test to a phone", async () => {
      shop = await openFlowShop(engine, vn('2027-03-01', '09:00'));
      const s = shop;
      await s.load({
        customers: [customer('+84912345678')],
        orders: [order('1001', '+84912345678', vn('2027-03-01', '09:00'))],
      });
      await enableFlowTemplate(s.ctx, { shopId: SHOP, name: 'replenishment' });
      const customerId = await s.idOf('+84912345678');
      const preview = await previewFlowMessage(s.ctx, {
        shopId: SHOP,
        name: 'replenishment',
        step: 'reminder',
        channel: 'sms',
        customerId,
      });
      expect(preview.message).toMatchObject({ channel: 'sms' });
      const text = preview.message.channel === 'sms' ? preview.message.text : '';
      expect(text).toMatch(/^\[QC\] /);
      // The ready SMS goes without tone marks (GSM-7: 160 characters a segment).
      expect(text).toContain('May in Canon LBP 2900');
      expect(text).toContain('NUR-XEM-THU');
      const sent = await testSendFlowMessage(
        s.ctx,
        { shopId: SHOP, name: 'replenishment', step: 'reminder', channel: 'sms', to: '+84987000111' },
        { channels: s.channels },
      );
      expect(sent.outcome.kind).toBe('sent');
      expect(s.esms.received.map((r) => r.phone)).toEqual(['84987000111']);
      expect(s.esms.violations).toEqual([]);
      await expect(
        previewFlowMessage(s.ctx, { shopId: SHOP, name: 'replenishment', step: 'wait' }),
      ).rejects.toThrow(/no send step "wait"; its send steps: reminder/);
    });
  });
