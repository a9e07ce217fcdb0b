/**
 * Merged customers (docs/loyalty.md, "Merged customers"), on both engines in test time: when an
 * import shows that two customer records are one person, the absorbed customer's points, pending
 * points, bonuses, tier and referrals become the survivor's in the merge's transaction; the
 * survivor's balance is the sum, re-imported orders, a re-delivered Shopify webhook and events
 * earn nothing again, once-only rewards are not given a second time, the merged balance can be
 * spent and still expires.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runLoyaltyDaily } from '../../src/app/loyalty/events.js';
import { redeemReward, showPoints } from '../../src/app/loyalty/points.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { WebhookIntake } from '../../src/app/webhook-intake.js';
import { processWebhookDelivery, receiveWebhook } from '../../src/app/webhooks.js';
import { DEFAULT_PROGRAM } from '../../src/domain/loyalty/program.js';
import type { EventInput } from '../../src/domain/model/index.js';
import { saveReferral } from '../../src/store/referrals/program.js';
import { ENGINES, TestClock } from '../support/engines.js';
import {
  arrive,
  customer,
  DAY,
  eventsNamed,
  idOf,
  type LoyalShop,
  ledger,
  openShop,
  program,
  SHOP,
} from './support.js';

const LAN = '+84912345678';
const MAI = '+84987654321';
const EMAIL = 'lan@example.vn';
const start = Date.parse('2027-03-01T03:00:00Z');

const signedUp = (id: string, phone: string, at: Date): EventInput =>
  ({ messageId: id, event: 'Signed Up', phone, timestamp: at, properties: {} }) as never;

/** A, then B (one hour younger, known by phone and e-mail): A survives their merge. */
async function twoCustomers(shop: LoyalShop, bAttributes: Record<string, string> = {}) {
  await arrive(shop.ctx, { customers: [customer(LAN)] });
  shop.clock.advance(3_600_000);
  await arrive(shop.ctx, { customers: [customer(MAI, { email: EMAIL, attributes: bAttributes })] });
  return { a: await idOf(shop.ctx, LAN), b: await idOf(shop.ctx, MAI) };
}

/** The record that shows A and B are one person: A's phone with B's e-mail. */
async function merge(shop: LoyalShop, over: Parameters<typeof customer>[1] = {}) {
  await arrive(shop.ctx, { customers: [customer(LAN, { email: EMAIL, ...over })] });
}

/** B's order 2001, delivered, as Shopify sends it again (orders/updated), signed with the shop's secret. */
async function redeliverWebhook(shop: LoyalShop): Promise<void> {
  const secret = 'shpss_merge_test';
  await setShopSetting(shop.ctx, { shopId: SHOP, key: 'shopify.webhook_secret', value: secret });
  const body = Buffer.from(
    JSON.stringify({
      id: 2001,
      name: '#2001',
      phone: MAI,
      created_at: '2027-03-01T11:00:00+07:00',
      currency: 'VND',
      financial_status: 'paid',
      fulfillment_status: 'fulfilled',
      cancelled_at: null,
      payment_gateway_names: ['Cash on Delivery (COD)'],
      subtotal_price: '3200000',
      total_price: '3200000',
      total_tax: '0',
      total_discounts: '0',
      total_shipping_price_set: { shop_money: { amount: '0', currency_code: 'VND' } },
      customer: { id: 77, phone: MAI, first_name: 'Mai' },
      line_items: [{ id: 1, title: 'Item', sku: 'SKU-1', quantity: 1, price: '3200000' }],
      refunds: [],
    }),
  );
  const intake = new WebhookIntake(shop.ctx, { handOver: async () => undefined });
  const receipt = await receiveWebhook(
    shop.ctx,
    {
      source: 'shopify',
      shopId: SHOP,
      topic: 'orders/updated',
      webhookId: 'wh-2001-again',
      signature: createHmac('sha256', secret).update(body).digest('base64'),
      rawBody: body,
    },
    intake,
  );
  if (!receipt.deliveryId) throw new Error('the webhook was not kept');
  await processWebhookDelivery(shop.ctx, { shopId: SHOP, deliveryId: receipt.deliveryId });
}

const balance = async (shop: LoyalShop, id: string) =>
  (await showPoints(shop.ctx, { shopId: SHOP, customer: id })).balance;

const reasons = async (shop: LoyalShop, id: string) =>
  (await ledger(shop.store, id)).map((e) => `${e.reason}:${e.points}/${e.pending}`).sort();

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('the survivor holds both ledgers: the sum, pending points, nothing earned twice, redeemable, expiring', async () => {
      const clock = new TestClock(start);
      const shop = await openShop(engine, clock);
      const { store, ctx } = shop;
      const { a, b } = await twoCustomers(shop);
      const at = new Date(clock.now());
      await arrive(ctx, {
        events: [signedUp('sa', LAN, at), signedUp('sb', MAI, at)],
        orders: [
          { id: '1001', phone: LAN, at, total: 1_000_000, status: 'delivered' },
          { id: '2001', phone: MAI, at, total: 3_200_000, status: 'delivered' },
          { id: '2002', phone: MAI, at, total: 300_000 },
        ],
      });
      await runLoyaltyDaily(ctx, { shopId: SHOP });
      expect(await balance(shop, a)).toMatchObject({ points: 150, pending: 0 });
      // 320 for the order, 50 for signing up, 50 for reaching Bạc; 30 waiting for delivery.
      expect(await balance(shop, b)).toMatchObject({ points: 420, pending: 30 });
      expect((await showPoints(ctx, { shopId: SHOP, customer: b })).tier?.id).toBe('silver');
      // B spends 300 of them on a coupon, which the person keeps after the merge.
      await redeemReward(ctx, { shopId: SHOP, customer: b, reward: 'free-ship' });
      const tierEvents = (await eventsNamed(store, 'Tier Changed')).length;
      const before = [...(await reasons(shop, a)), ...(await reasons(shop, b))].sort();

      clock.advance(DAY);
      await merge(shop);
      const [absorbed] = await store.engine.all<{ merged_into: string }>(
        'SELECT merged_into FROM customers WHERE shop_id = $1 AND customer_id = $2',
        [SHOP, b],
      );
      expect(absorbed?.merged_into).toBe(a);
      expect(await ledger(store, b)).toEqual([]);
      // Both ledgers, kept as they were (both sign-up bonuses too), plus the second-order bonus
      // the person now earned: two delivered orders.
      expect(await reasons(shop, a)).toEqual([...before, 'second_order:100/0'].sort());
      expect(await balance(shop, a)).toMatchObject({ points: 370, pending: 30 });
      const moved = await store.engine.all<{ n: number | bigint }>(
        'SELECT COUNT(*) AS n FROM loyalty_ledger WHERE shop_id = $1 AND customer_id = $2 AND merged_from = $3',
        [SHOP, a, b],
      );
      expect(Number(moved[0]?.n)).toBe(before.length - 3);
      // B's tier is the survivor's; the person held it already, so no Tier Changed and no entry points.
      const view = await showPoints(ctx, { shopId: SHOP, customer: MAI });
      expect(view.customerId).toBe(a);
      expect(view.tier?.id).toBe('silver');
      expect(view.entries.filter((e) => e.mergedFrom === b)).toHaveLength(before.length - 3);
      expect((await eventsNamed(store, 'Tier Changed')).length).toBe(tierEvents);
      const members = await store.engine.all<{ customer_id: string }>(
        'SELECT customer_id FROM loyalty_members WHERE shop_id = $1 ORDER BY customer_id',
        [SHOP],
      );
      expect(members.map((m) => m.customer_id)).toEqual([a]);

      // B's orders re-delivered (a webhook again, a file imported again) under B's own identity.
      clock.advance(DAY);
      const count = (await ledger(store, a)).length;
      await arrive(ctx, {
        orders: [
          { id: '2001', phone: MAI, at, total: 3_200_000, status: 'delivered' },
          { id: '2002', phone: MAI, at, total: 300_000 },
          { id: '1001', phone: LAN, at, total: 1_000_000, status: 'delivered' },
        ],
      });
      expect((await ledger(store, a)).length).toBe(count);
      await redeliverWebhook(shop);
      // Processed: the webhook's customer id became one of the survivor's keys.
      const keys = await store.engine.all<{ customer_id: string }>(
        "SELECT customer_id FROM customer_identities WHERE shop_id = $1 AND value = '77'",
        [SHOP],
      );
      expect(keys.map((k) => k.customer_id)).toEqual([a]);
      expect((await ledger(store, a)).length).toBe(count);
      // B's pending order delivered: approved under the survivor, not earned again.
      await arrive(ctx, { orders: [{ id: '2002', phone: MAI, at, total: 300_000, status: 'delivered' }] });
      expect((await ledger(store, a)).slice(count)).toEqual([
        { kind: 'approve', points: 30, pending: -30, reason: 'order_delivered' },
      ]);
      expect(await balance(shop, a)).toMatchObject({ points: 400, pending: 0 });
      // Signing up again, on either record's phone: the person has the bonus.
      await arrive(ctx, {
        events: [signedUp('sa2', LAN, new Date(clock.now())), signedUp('sb2', MAI, new Date(clock.now()))],
      });
      await runLoyaltyDaily(ctx, { shopId: SHOP });
      expect((await reasons(shop, a)).filter((r) => r.startsWith('signed_up'))).toHaveLength(2);
      expect(await balance(shop, a)).toMatchObject({ points: 400 });

      // 300 points: more than either record had left (150, 120), less than the person has.
      const r = await redeemReward(ctx, { shopId: SHOP, customer: MAI, reward: 'free-ship' });
      expect(r).toMatchObject({ created: true, balance: 100, entry: { customerId: a } });
      const coupons = await store.engine.all<{ customer_id: string }>(
        'SELECT customer_id FROM coupons WHERE shop_id = $1',
        [SHOP],
      );
      expect(coupons.map((c) => c.customer_id)).toEqual([a, a]);

      // A year without activity: the merged balance expires as one.
      clock.advance(366 * DAY);
      const daily = await runLoyaltyDaily(ctx, { shopId: SHOP });
      expect(daily.expired).toBe(1);
      expect(await balance(shop, a)).toMatchObject({ points: 0 });
      expect((await ledger(store, a)).filter((e) => e.kind === 'expire')).toEqual([
        { kind: 'expire', points: -100, pending: 0, reason: 'inactivity' },
      ]);
      expect(await ledger(store, b)).toEqual([]);
      await store.close();
    });

    it('once-only rewards the absorbed customer had are not given to the survivor: sign-up, birthday, tier entry', async () => {
      const clock = new TestClock(start);
      const tiers = {
        ...structuredClone(DEFAULT_PROGRAM.tiers),
        downgrade: { kind: 'after_days' as const, days: 1 },
      };
      const shop = await openShop(engine, clock, program({ tiers }));
      const { store, ctx } = shop;
      const birthday = { birthday: '1990-03-03' };
      const { a, b } = await twoCustomers(shop, birthday);
      const at = new Date(clock.now());
      // B signs up, reaches Bạc (entry points), returns the order and falls back to Thành viên.
      await arrive(ctx, {
        events: [signedUp('sb', MAI, at)],
        orders: [{ id: '2001', phone: MAI, at, total: 3_200_000, status: 'delivered' }],
      });
      clock.advance(DAY);
      await arrive(ctx, { orders: [{ id: '2001', phone: MAI, at, total: 3_200_000, status: 'returned' }] });
      clock.advance(DAY);
      // 2027-03-03 in Vietnam: B's birthday.
      const first = await runLoyaltyDaily(ctx, { shopId: SHOP });
      expect(first.birthdays).toBe(1);
      expect(await reasons(shop, b)).toEqual(
        [
          'birthday:100/0',
          'order_delivered:320/-320',
          'order_placed:0/320',
          'order_returned:-320/0',
          'signed_up:50/0',
          'tier_entry:50/0',
        ].sort(),
      );
      expect((await showPoints(ctx, { shopId: SHOP, customer: b })).tier?.id).toBe('member');

      // Merged the same day; the merging record brings the birthday to A.
      await merge(shop, { attributes: birthday });
      await arrive(ctx, { events: [signedUp('sa', LAN, new Date(clock.now()))] });
      const again = await runLoyaltyDaily(ctx, { shopId: SHOP });
      expect(again.birthdays).toBe(0);
      // A reaches Bạc: a tier change, but the person had Bạc's entry points.
      clock.advance(DAY);
      await arrive(ctx, {
        orders: [
          { id: '1001', phone: LAN, at: new Date(clock.now()), total: 3_500_000, status: 'delivered' },
        ],
      });
      expect((await showPoints(ctx, { shopId: SHOP, customer: a })).tier?.id).toBe('silver');
      const held = await reasons(shop, a);
      expect(held.filter((r) => r.startsWith('signed_up'))).toEqual(['signed_up:50/0']);
      expect(held.filter((r) => r.startsWith('birthday'))).toEqual(['birthday:100/0']);
      expect(held.filter((r) => r.startsWith('tier_entry'))).toEqual(['tier_entry:50/0']);
      // Next year's birthday is the person's again.
      clock.advance(365 * DAY);
      expect((await runLoyaltyDaily(ctx, { shopId: SHOP })).birthdays).toBe(1);
      await store.close();
    });

    it('referrals follow the survivor: as referrer, and one referral per person as friend', async () => {
      const clock = new TestClock(start);
      const shop = await openShop(engine, clock);
      const { store, ctx } = shop;
      await arrive(ctx, { customers: [customer('+84900000001'), customer('+84900000002')] });
      const [r1, r2] = [await idOf(ctx, '+84900000001'), await idOf(ctx, '+84900000002')];
      clock.advance(3_600_000);
      const { a, b } = await twoCustomers(shop);
      const at = (h: number) => new Date(start + h * 3_600_000);
      const row = (friendId: string, referrerId: string, state: 'pending' | 'converted', hour: number) => ({
        friendId,
        referrerId,
        code: null,
        source: 'imported' as const,
        state,
        reason: null,
        orderId: null,
        attributedAt: at(hour),
        deliveredAt: null,
        rewardDueAt: null,
        decidedAt: state === 'converted' ? at(hour + 1) : null,
      });
      // A was referred (pending) by r1; B, later, by r2 and converted: B's referral paid, it stands.
      await saveReferral(store, SHOP, row(a, r1, 'pending', 0));
      await saveReferral(store, SHOP, row(b, r2, 'converted', 1));
      // B referred a friend (pending): the survivor is now the referrer.
      const friend = r2;
      await saveReferral(store, SHOP, row(friend, b, 'pending', 2));
      clock.advance(DAY);
      await merge(shop);
      const rows = await store.engine.all<{
        friend_id: string;
        referrer_id: string;
        state: string;
        reason: string | null;
      }>(
        'SELECT friend_id, referrer_id, state, reason FROM referrals WHERE shop_id = $1 ORDER BY friend_id',
        [SHOP],
      );
      const byFriend = new Map(rows.map((r) => [r.friend_id, r]));
      expect(byFriend.get(a)).toMatchObject({ referrer_id: r2, state: 'converted' });
      expect(byFriend.get(b)).toMatchObject({
        referrer_id: r1,
        state: 'cancelled',
        reason: 'merged_duplicate',
      });
      expect(byFriend.get(friend)).toMatchObject({ referrer_id: a, state: 'pending' });
      expect(rows).toHaveLength(3);
      await store.close();
    });

    it('a referral between the two merged records is a self-referral: refused, never rewarded', async () => {
      const clock = new TestClock(start);
      const shop = await openShop(engine, clock);
      const { store } = shop;
      const { a, b } = await twoCustomers(shop);
      await saveReferral(store, SHOP, {
        friendId: b,
        referrerId: a,
        code: null,
        source: 'link',
        state: 'pending',
        reason: null,
        orderId: null,
        attributedAt: new Date(clock.now()),
        deliveredAt: null,
        rewardDueAt: null,
        decidedAt: null,
      });
      clock.advance(DAY);
      await merge(shop);
      const rows = await store.engine.all<{
        friend_id: string;
        referrer_id: string;
        state: string;
        reason: string;
      }>('SELECT friend_id, referrer_id, state, reason FROM referrals WHERE shop_id = $1', [SHOP]);
      expect(rows).toEqual([{ friend_id: a, referrer_id: a, state: 'refused', reason: 'self_referral' }]);
      await store.close();
    });
  });
