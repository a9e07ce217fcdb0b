/**
 * Redemption through store webhooks on both engines: a Shopify orders/create body whose
 * discount_codes carry a customer's coupon (in lower case, beside another code) redeems it; the
 * same delivery again changes nothing; orders/cancelled of the shipped, unpaid COD parcel (a
 * refused delivery) releases it.
 */
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { createCoupon, showCoupon } from '../../src/app/coupons.js';
import { applyParsedWebhook } from '../../src/app/webhooks.js';
import { parseWebhook } from '../../src/ingest/webhooks/index.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { arrive, customer, customerIdOf, SHOP } from './support.js';

const VN = { currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' };
const PHONE = '+84912345678';

function orderBody(code: string, v: { fulfillment: string | null; cancelledAt?: string }) {
  return {
    id: 5748293847,
    name: '#1042',
    email: 'lan.tran@example.vn',
    phone: null,
    created_at: '2026-12-01T14:03:11+07:00',
    cancelled_at: v.cancelledAt ?? null,
    financial_status: 'pending',
    fulfillment_status: v.fulfillment,
    currency: 'VND',
    subtotal_price: '350000',
    total_discounts: '50000',
    total_tax: '0',
    total_price: '330000',
    total_shipping_price_set: { shop_money: { amount: '30000' } },
    discount_codes: [{ code: code.toLowerCase() }, { code: 'FREESHIP' }],
    payment_gateway_names: ['Cash on Delivery (COD)'],
    tags: '',
    customer: {
      id: 7489302847,
      email: 'lan.tran@example.vn',
      phone: PHONE,
      first_name: 'Lan',
      last_name: 'Trần Thị',
    },
    line_items: [
      { name: 'Giấy in nhiệt A6', title: 'Giấy in nhiệt A6', sku: 'PAP-A6', quantity: 1, price: '350000' },
    ],
  };
}

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('a webhook order redeems the coupon once; a refused COD parcel releases it', async () => {
      const clock = new TestClock(Date.parse('2026-12-01T02:00:00Z'));
      const store = await engine.open(clock);
      const ctx = makeContext(store);
      await arrive(ctx, {
        customers: [
          customer(PHONE, { email: 'lan.tran@example.vn', source: 'shopify', externalId: '7489302847' }),
        ],
      });
      const lan = await customerIdOf(ctx, PHONE);
      const { coupon } = await createCoupon(ctx, {
        shopId: SHOP,
        customerId: lan,
        kind: 'fixed_amount',
        value: 50_000,
      });
      clock.advance(6 * 3_600_000);

      const created = parseWebhook(
        'shopify',
        'orders/create',
        orderBody(coupon.code, { fulfillment: null }),
        VN,
      );
      await applyParsedWebhook(ctx, SHOP, created);
      const redeemed = await showCoupon(ctx, { shopId: SHOP, code: coupon.code });
      expect(redeemed.coupon).toMatchObject({ state: 'redeemed', customerId: lan });
      expect(redeemed.order).toMatchObject({ name: '#1042', status: 'pending' });
      const before = await store.engine.all('SELECT * FROM coupons');
      await applyParsedWebhook(ctx, SHOP, created);
      expect(await store.engine.all('SELECT * FROM coupons')).toEqual(before);

      clock.advance(3 * 86_400_000);
      const refused = parseWebhook(
        'shopify',
        'orders/cancelled',
        orderBody(coupon.code, { fulfillment: 'fulfilled', cancelledAt: '2026-12-04T10:00:00+07:00' }),
        VN,
      );
      await applyParsedWebhook(ctx, SHOP, refused);
      const released = await showCoupon(ctx, { shopId: SHOP, code: coupon.code });
      expect(released.coupon).toMatchObject({ state: 'released', releaseReason: 'failed_delivery' });
      expect(released.order).toMatchObject({ status: 'failed_delivery' });
      await store.close();
    });
  });
