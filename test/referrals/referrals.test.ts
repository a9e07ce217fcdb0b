/**
 * The referral programme on both engines, with a test clock: a friend who opened the link in one
 * browser and bought a week later in another (matched by phone) rewards the referrer only after
 * the delivery and the return window; a return within the window cancels it; self-referrals,
 * rings and caps are refused with their reasons; a code typed at checkout, a Shopify note
 * attribute and an imported `referred_by` attribute friends too.
 */
import { describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { referralCodeOfCustomer, referralLinkOf, settleReferrals } from '../../src/app/referral-program.js';
import { listReferrals, referralKpis } from '../../src/app/referrals.js';
import { setShopSetting } from '../../src/app/shop-settings.js';
import { applyParsedWebhook } from '../../src/app/webhooks.js';
import {
  DEFAULT_REFERRAL_SETTINGS,
  normalizeAddress,
  type ReferralParty,
  referralCodeFor,
  refusalOf,
} from '../../src/domain/referrals.js';
import { parseWebhook } from '../../src/ingest/webhooks/index.js';
import { referralOfFriend } from '../../src/store/referrals/program.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { arrive, customer, customerIdOf, DAY, SHOP, storefront } from './support.js';

const HOA = '+84912000111';
const LAN = '+84912000222';
const T0 = Date.parse('2026-11-02T03:00:00Z');

async function convertedEvents(store: Store) {
  return store.engine.all<{ customer_id: string; properties: string }>(
    `SELECT customer_id, properties FROM events WHERE shop_id = $1 AND name = 'Referral Converted'`,
    [SHOP],
  );
}

/** Hoa, a customer with a delivered order, and her code. */
async function referrer(ctx: AppContext): Promise<{ hoa: string; code: string }> {
  await arrive(ctx, {
    customers: [customer(HOA, { email: 'hoa@example.vn', firstName: 'Hoa' })],
    orders: [{ id: 'H1', phone: HOA, at: new Date(T0 - 30 * DAY), total: 300_000, status: 'delivered' }],
  });
  const hoa = await customerIdOf(ctx, HOA);
  return { hoa, code: await referralCodeOfCustomer(ctx, SHOP, hoa) };
}

describe('referral rules', () => {
  const party = (customerId: string, over: Partial<ReferralParty> = {}): ReferralParty => ({
    customerId,
    phone: null,
    email: null,
    address: null,
    devices: [],
    ...over,
  });
  const facts = (friend: ReferralParty, referrer: ReferralParty) => ({
    friend,
    referrer,
    referrerReferredByFriend: false,
    referrerCount: 0,
    friendOrderedBefore: false,
  });
  it('refuse the same device or address, and an existing customer', () => {
    const s = DEFAULT_REFERRAL_SETTINGS;
    expect(refusalOf(facts(party('a', { devices: ['x', 'y'] }), party('b', { devices: ['y'] })), s)).toBe(
      'same_device',
    );
    const street = normalizeAddress(['12 Lý Thường Kiệt,', 'Q.1', 'Hà Nội']);
    expect(normalizeAddress(['12  lý thường kiệt', 'q 1', 'hà nội'])).toBe(street);
    expect(refusalOf(facts(party('a', { address: street }), party('b', { address: street })), s)).toBe(
      'same_address',
    );
    expect(refusalOf({ ...facts(party('a'), party('b')), friendOrderedBefore: true }, s)).toBe(
      'existing_customer',
    );
    expect(refusalOf(facts(party('a'), party('b')), s)).toBeUndefined();
  });
});

describe('referral codes', () => {
  it('are stable per customer and avoid ambiguous characters', () => {
    const a = referralCodeFor('s', 'cus_1');
    expect(a).toBe(referralCodeFor('s', 'cus_1'));
    expect(a).toMatch(/^GT[2-9A-HJKMNP-Z]{6}$/);
    expect(referralCodeFor('s', 'cus_1', 1)).not.toBe(a);
  });
});

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('rewards a friend who bought a week later in another browser, matched by phone, after delivery and the return window', async () => {
      const clock = new TestClock(T0);
      const store = await engine.open(clock);
      const ctx = makeContext(store);
      const { hoa, code } = await referrer(ctx);
      expect(await referralCodeOfCustomer(ctx, SHOP, hoa)).toBe(code);
      await setShopSetting(ctx, { shopId: SHOP, key: 'url', value: 'https://tra.example.vn/' });
      expect((await referralLinkOf(ctx, SHOP, hoa)).url).toBe(`https://tra.example.vn/?ref=${code}`);

      // Browser A: Lan lands with Hoa's link and leaves her phone (spelt her way) in a form.
      await storefront(ctx, [
        {
          type: 'track',
          event: 'Referral Link Opened',
          anonymousId: 'browser-a',
          messageId: 'm1',
          properties: { code, url: `https://tra.example.vn/?ref=${code}` },
        },
        { type: 'identify', anonymousId: 'browser-a', traits: { phone: '0912 000 222', firstName: 'Lan' } },
      ]);
      // A week later, browser B (nothing tracked there): a COD order from the shop with her phone.
      clock.advance(7 * DAY);
      const placed = new Date(clock.now());
      await arrive(ctx, {
        orders: [{ id: 'L1', phone: LAN, at: placed, total: 250_000, status: 'pending', payment: 'cod' }],
      });
      const lan = await customerIdOf(ctx, LAN);
      expect(await referralOfFriend(store, SHOP, lan)).toMatchObject({
        referrerId: hoa,
        source: 'link',
        state: 'pending',
        code,
      });
      // Paid is not delivered (COD): still pending.
      clock.advance(DAY);
      await arrive(ctx, {
        orders: [{ id: 'L1', phone: LAN, at: placed, total: 250_000, status: 'delivered', payment: 'cod' }],
      });
      const delivered = await referralOfFriend(store, SHOP, lan);
      expect(delivered).toMatchObject({ state: 'delivered', orderId: expect.any(String) });
      expect(delivered!.rewardDueAt!.getTime()).toBe(clock.now() + 7 * DAY);
      expect(await convertedEvents(store)).toEqual([]);

      // Within the return window nothing is paid; after it, the referrer's event, once.
      clock.advance(6 * DAY);
      expect((await settleReferrals(ctx, SHOP)).converted).toEqual([]);
      clock.advance(DAY);
      const settled = await settleReferrals(ctx, SHOP);
      expect(settled.converted).toEqual([{ friendId: lan, referrerId: hoa, orderId: delivered!.orderId }]);
      expect((await settleReferrals(ctx, SHOP)).converted).toEqual([]);
      const events = await convertedEvents(store);
      expect(events).toHaveLength(1);
      expect(events[0]!.customer_id).toBe(hoa);
      expect(JSON.parse(events[0]!.properties)).toEqual({
        friendCustomerId: lan,
        orderId: delivered!.orderId,
      });
      expect(await referralOfFriend(store, SHOP, lan)).toMatchObject({ state: 'converted' });
      await store.close();
    });

    it('cancels a referral whose first order is returned within the window', async () => {
      const clock = new TestClock(T0);
      const store = await engine.open(clock);
      const ctx = makeContext(store);
      const { code } = await referrer(ctx);
      const at = new Date(T0);
      await arrive(ctx, {
        orders: [
          { id: 'L1', phone: LAN, at, total: 250_000, status: 'delivered', coupon: code.toLowerCase() },
        ],
      });
      const lan = await customerIdOf(ctx, LAN);
      expect(await referralOfFriend(store, SHOP, lan)).toMatchObject({
        source: 'checkout_code',
        state: 'delivered',
      });
      clock.advance(3 * DAY);
      await arrive(ctx, {
        orders: [{ id: 'L1', phone: LAN, at, total: 250_000, status: 'returned', coupon: code }],
      });
      expect(await referralOfFriend(store, SHOP, lan)).toMatchObject({
        state: 'cancelled',
        reason: 'first_order_returned',
      });
      clock.advance(10 * DAY);
      await settleReferrals(ctx, SHOP);
      expect(await convertedEvents(store)).toEqual([]);
      await store.close();
    });

    it('refuses self-referrals, rings and referrers over the cap, each with its reason', async () => {
      const clock = new TestClock(T0);
      const store = await engine.open(clock);
      const ctx = makeContext(store);
      const { hoa, code } = await referrer(ctx);
      const at = () => new Date(clock.now());
      // Hoa's own code on her own order.
      await arrive(ctx, { orders: [{ id: 'H2', phone: HOA, at: at(), total: 100_000, coupon: code }] });
      expect(await referralOfFriend(store, SHOP, hoa)).toMatchObject({
        state: 'refused',
        reason: 'self_referral',
        referrerId: hoa,
      });
      // A "friend" with another phone but Hoa's e-mail.
      await arrive(ctx, {
        customers: [customer('+84912000333', { email: 'hoa@example.vn ' })],
        orders: [{ id: 'X1', phone: '+84912000333', at: at(), total: 100_000, coupon: code }],
      });
      const twin = await customerIdOf(ctx, '+84912000333');
      expect(await referralOfFriend(store, SHOP, twin)).toMatchObject({
        state: 'refused',
        reason: 'same_email',
      });
      // Lan, a real friend.
      await setShopSetting(ctx, { shopId: SHOP, key: 'referrals.cap_per_referrer', value: '1' });
      await arrive(ctx, {
        orders: [{ id: 'L1', phone: LAN, at: at(), total: 250_000, status: 'pending', coupon: code }],
      });
      const lan = await customerIdOf(ctx, LAN);
      expect(await referralOfFriend(store, SHOP, lan)).toMatchObject({
        reason: null,
        state: 'pending',
        referrerId: hoa,
      });
      // Cap of one: the next friend is refused.
      await arrive(ctx, {
        orders: [{ id: 'M1', phone: '+84912000555', at: at(), total: 250_000, coupon: code }],
      });
      const minh = await customerIdOf(ctx, '+84912000555');
      expect(await referralOfFriend(store, SHOP, minh)).toMatchObject({
        state: 'refused',
        reason: 'cap_reached',
      });
      // A ring: Binh refers Chi, then Chi's code on Binh's first order.
      await setShopSetting(ctx, { shopId: SHOP, key: 'referrals.cap_per_referrer', value: '0' });
      await arrive(ctx, { customers: [customer('+84912000666')] });
      const binh = await customerIdOf(ctx, '+84912000666');
      const binhCode = await referralCodeOfCustomer(ctx, SHOP, binh);
      await arrive(ctx, {
        orders: [{ id: 'C1', phone: '+84912000777', at: at(), total: 250_000, coupon: binhCode }],
      });
      const chi = await customerIdOf(ctx, '+84912000777');
      expect(await referralOfFriend(store, SHOP, chi)).toMatchObject({ state: 'pending', referrerId: binh });
      const chiCode = await referralCodeOfCustomer(ctx, SHOP, chi);
      clock.advance(DAY);
      await arrive(ctx, {
        orders: [{ id: 'B1', phone: '+84912000666', at: at(), total: 250_000, coupon: chiCode }],
      });
      expect(await referralOfFriend(store, SHOP, binh)).toMatchObject({
        state: 'refused',
        reason: 'ring',
        referrerId: chi,
      });
      const refused = await listReferrals(ctx, { shopId: SHOP, state: 'refused' });
      expect(refused.referrals.map((r) => r.reason).sort()).toEqual([
        'cap_reached',
        'ring',
        'same_email',
        'self_referral',
      ]);
      await store.close();
    });

    it('attributes a code from a Shopify note attribute and an imported referred_by', async () => {
      const clock = new TestClock(T0);
      const store = await engine.open(clock);
      const ctx = makeContext(store);
      const { hoa, code } = await referrer(ctx);
      const body = {
        id: 5748293847,
        name: '#1042',
        email: 'lan.tran@example.vn',
        phone: null,
        created_at: '2026-11-02T14:03:11+07:00',
        cancelled_at: null,
        financial_status: 'pending',
        fulfillment_status: null,
        currency: 'VND',
        total_price: '330000',
        discount_codes: [],
        note_attributes: [
          { name: 'Mã giới thiệu', value: ` ${code.toLowerCase()} ` },
          { name: 'gift_wrap', value: 'yes' },
        ],
        payment_gateway_names: ['Cash on Delivery (COD)'],
        tags: 'vip',
        customer: { id: 7489302847, email: 'lan.tran@example.vn', phone: LAN, first_name: 'Lan' },
        line_items: [{ name: 'Trà', title: 'Trà', sku: 'TRA', quantity: 1, price: '330000' }],
      };
      const parsed = parseWebhook('shopify', 'orders/create', body, {
        currency: 'VND',
        timezone: 'Asia/Ho_Chi_Minh',
      });
      expect(parsed.kind === 'batch' && parsed.batch.orders[0]!.value.tags).toEqual([
        'vip',
        `ref:${code.toLowerCase()}`,
      ]);
      await applyParsedWebhook(ctx, SHOP, parsed);
      const lan = await customerIdOf(ctx, LAN);
      expect(await referralOfFriend(store, SHOP, lan)).toMatchObject({
        source: 'note',
        referrerId: hoa,
        state: 'pending',
      });

      await arrive(ctx, {
        customers: [customer('+84912000888', { referredBy: HOA })],
        orders: [{ id: 'K1', phone: '+84912000888', at: new Date(T0), total: 120_000, status: 'delivered' }],
      });
      const khoa = await customerIdOf(ctx, '+84912000888');
      expect(await referralOfFriend(store, SHOP, khoa)).toMatchObject({
        source: 'imported',
        referrerId: hoa,
        state: 'delivered',
      });
      const kpis = await referralKpis(ctx, { shopId: SHOP });
      expect(kpis).toMatchObject({ referredCustomers: 2, converted: 0 });
      await store.close();
    });
  });
