/**
 * The feedback loop in test time, on both engines, with real channels sending to local fake
 * providers: the nps-after-delivery SMS carries Nurture's signed answer link; a detractor's answer
 * through it starts the nps-detractor flow (a staff task due within a day and an apology SMS);
 * a promoter's answer starts nps-promoter, whose invitation carries their referral code and
 * link. Answers are stored with customer, order and channel, and as `Survey Answered` events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { answerFromLink, feedbackReport, recordAnswer } from '../../src/app/feedback.js';
import { recordClick } from '../../src/app/flows/engagement.js';
import { enableFlowTemplate } from '../../src/app/flows/templates.js';
import { referralCodeOfCustomer, settleReferrals } from '../../src/app/referral-program.js';
import { createShopSegment } from '../../src/app/segments.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { listStaffTasks } from '../../src/app/tasks.js';
import { customer, type FlowShop, openFlowShop, order, SHOP, vn } from '../flows/support.js';
import { ENGINES } from '../support/engines.js';

const LAN = '+84912345678';
const MINH = '+84912345679';
const PUBLIC = 'https://nurture.anphat.vn';

/** The answer link's token behind the tracked link of a sent SMS (the tap goes through the click redirect). */
async function tokenIn(ctx: AppContext, text: string | undefined): Promise<string> {
  const click = /\/m\/flowshop\/c\/([A-Za-z0-9_.-]+)/.exec(text ?? '');
  if (!click) throw new Error(`no link in ${text}`);
  const target = await recordClick(ctx, { shopId: SHOP, token: click[1]! });
  const m = /^https:\/\/nurture\.anphat\.vn\/m\/flowshop\/a\/([A-Za-z0-9_.-]+)$/.exec(target);
  if (!m) throw new Error(`not an answer link: ${target}`);
  return m[1]!;
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let shop: FlowShop | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });

    it('a detractor answer by the NPS link creates a call task and sends an apology; a promoter gets the invitation', async () => {
      const s = await openFlowShop(engine, vn('2027-03-01', '08:00'));
      shop = s;
      const { ctx } = s;
      await setShopSetting(ctx, { shopId: SHOP, key: 'public_url', value: PUBLIC });
      await setShopSetting(ctx, { shopId: SHOP, key: 'url', value: 'https://anphat.vn' });
      for (const name of ['nps-after-delivery', 'nps-detractor', 'nps-passive', 'nps-promoter'])
        await enableFlowTemplate(ctx, {
          shopId: SHOP,
          name,
          ...(name === 'nps-after-delivery' ? { params: { after: '1h' } } : {}),
          ...(name === 'nps-promoter' ? { params: { review_url: 'https://g.page/anphat/review' } } : {}),
        });
      await createShopSegment(ctx, { shopId: SHOP, name: 'buyers', query: 'number_of_orders >= 1' });
      s.at(vn('2027-03-01', '09:00'));
      await s.load({
        customers: [
          customer(LAN, { email: undefined }),
          customer(MINH, { email: undefined, firstName: 'Minh' }),
        ],
        orders: [
          order('1001', LAN, vn('2027-03-01', '09:00'), { status: 'delivered' }),
          order('1002', MINH, vn('2027-03-01', '09:00'), { status: 'delivered' }),
        ],
      });
      await s.runDue(vn('2027-03-01', '09:01'));
      await s.runDue(vn('2027-03-01', '10:00'));
      expect(s.esms.received).toHaveLength(2);
      const lan = await s.idOf(LAN);
      const minh = await s.idOf(MINH);
      const sms = (phone: string) => s.esms.received.filter((m) => m.phone === phone.slice(1));
      const lanToken = await tokenIn(ctx, sms(LAN)[0]?.content);

      // Lan answers 3 from her phone at 10:30; a second tap on the same link changes nothing.
      s.at(vn('2027-03-01', '10:30'));
      const answered = await answerFromLink(ctx, { shopId: SHOP, token: lanToken, score: '3' });
      expect(answered).toMatchObject({ recorded: true, group: 'detractor' });
      expect((await answerFromLink(ctx, { shopId: SHOP, token: lanToken, score: '9' })).recorded).toBe(false);
      await expect(answerFromLink(ctx, { shopId: SHOP, token: `${lanToken}x`, score: '3' })).rejects.toThrow(
        'not known',
      );
      const events = await s.store.engine.all<{ properties: string }>(
        `SELECT properties FROM events WHERE shop_id = $1 AND name = 'Survey Answered' AND customer_id = $2`,
        [SHOP, lan],
      );
      expect(events.map((e) => JSON.parse(e.properties))).toEqual([
        expect.objectContaining({
          kind: 'nps',
          score: 3,
          channel: 'sms',
          group: 'detractor',
          orderId: expect.any(String),
        }),
      ]);

      const before = s.esms.received.length;
      await s.runDue(vn('2027-03-01', '10:31'));
      const tasks = await listStaffTasks(ctx, { shopId: SHOP });
      expect(tasks.tasks).toHaveLength(1);
      expect(tasks.tasks[0]).toMatchObject({
        customerId: lan,
        state: 'open',
        title: expect.stringContaining('Gọi'),
        // A day after the answer (the event's time), not after the scan that found it.
        dueAt: vn('2027-03-02', '10:30'),
      });
      const apology = s.esms.received.slice(before);
      expect(apology).toHaveLength(1);
      expect(apology[0]).toMatchObject({ phone: LAN.slice(1) });
      expect(apology[0]?.content).toContain('Xin loi');

      // Minh answers 10: the invitation with his code and link, and the review page; no task.
      s.at(vn('2027-03-01', '11:00'));
      await answerFromLink(ctx, {
        shopId: SHOP,
        token: await tokenIn(ctx, sms(MINH)[0]?.content),
        score: '10',
      });
      await s.runDue(vn('2027-03-01', '11:01'));
      const code = await referralCodeOfCustomer(ctx, SHOP, minh);
      const invite = sms(MINH).at(-1)?.content ?? '';
      expect(sms(MINH)).toHaveLength(2);
      expect(invite).toContain(code);
      // Both links are tracked: behind them, the referral link and the review page.
      const targets: string[] = [];
      for (const m of invite.matchAll(/\/m\/flowshop\/c\/([A-Za-z0-9_.-]+)/g))
        targets.push(await recordClick(ctx, { shopId: SHOP, token: m[1]! }));
      expect(targets).toEqual([`https://anphat.vn/?ref=${code}`, 'https://g.page/anphat/review']);
      expect((await listStaffTasks(ctx, { shopId: SHOP })).tasks).toHaveLength(1);
      expect(s.esms.violations).toEqual([]);

      // A friend buys with Minh's code; delivered and kept past the return window, Minh gets a coupon.
      await enableFlowTemplate(ctx, { shopId: SHOP, name: 'referral-thanks' });
      const FRIEND = '+84912345670';
      s.at(vn('2027-03-02', '09:00'));
      await s.load({
        customers: [customer(FRIEND, { email: undefined, firstName: 'Tú' })],
        orders: [order('2001', FRIEND, vn('2027-03-02', '09:00'), { status: 'delivered', couponCode: code })],
      });
      s.at(vn('2027-03-09', '09:00'));
      expect((await settleReferrals(ctx, SHOP)).converted).toHaveLength(1);
      await s.runDue(vn('2027-03-09', '09:01'));
      const thanks = sms(MINH).at(-1)?.content ?? '';
      expect(sms(MINH)).toHaveLength(3);
      expect(thanks).toMatch(/Cam on quy khach da gioi thieu ban be! Tang quy khach ma [A-Z0-9-]+ /);

      // A rating of a product from the widget path is stored and reported.
      await recordAnswer(ctx, {
        shopId: SHOP,
        customerId: minh,
        kind: 'rating',
        score: 5,
        sku: 'PRN-01',
        channel: 'widget',
      });
      const report = await feedbackReport(ctx, { shopId: SHOP, days: 30 });
      expect(report).toMatchObject({ nps: 0, responses: 2, promoters: 1, detractors: 1 });
      expect(report.segments).toContainEqual({ segment: 'buyers', nps: 0, responses: 2 });
      expect(report.ratings).toEqual([expect.objectContaining({ sku: 'PRN-01', ratings: 1, average: 5 })]);
    });
  });
