import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { customerInputSchema, eventInputSchema, orderInputSchema } from '../../src/domain/model/index.js';
import { NurtureError } from '../../src/errors.js';
import {
  parseWebhook,
  parseWebhookBody,
  shopifyOrderAfterRefund,
  verifyHaravanHmac,
  verifyShopifyHmac,
} from '../../src/ingest/webhooks/index.js';

const SAMPLES = new URL('../../../shared/data/webhooks/', import.meta.url).pathname;
const raw = (name: string) => readFileSync(`${SAMPLES}${name}`);
const VN = { currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' };

function batchOf(result: ReturnType<typeof parseWebhook>) {
  if (result.kind !== 'batch') throw new Error(`expected a batch, got ${result.kind}`);
  return result.batch;
}

/** The error parseWebhook throws, with its JSON paths. */
function failure(fn: () => unknown): NurtureError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NurtureError) return error;
    throw error;
  }
  throw new Error('expected a NurtureError');
}

describe('parseWebhookBody', () => {
  it('keeps ids above 2^53 exact and leaves strings and small numbers alone', () => {
    const body = parseWebhookBody(
      '{"id": 820982911946154508, "n": -1234567890123456789, "s": "x 12345678901234567 y", "p": "404.95", "q": 1, "f": 1234567890123456.5}',
    );
    expect(body).toEqual({
      id: '820982911946154508',
      n: '-1234567890123456789',
      s: 'x 12345678901234567 y',
      p: '404.95',
      q: 1,
      f: 1234567890123456.5,
    });
  });

  it('refuses a body that is not JSON', () => {
    const e = failure(() => parseWebhookBody('{"id": '));
    expect(e.code).toBe('invalid_input');
    expect(e.details[0]?.path).toBe('(body)');
  });
});

describe('Shopify samples', () => {
  it('orders/create: the published Order sample', () => {
    const batch = batchOf(
      parseWebhook('shopify', 'orders/create', parseWebhookBody(raw('shopify-order-create-doc.json')), VN),
    );
    expect(batch.orders).toHaveLength(1);
    expect(batch.customers).toEqual([]);
    const o = batch.orders[0]!.value;
    expect(orderInputSchema.safeParse(o).success).toBe(true);
    expect(o).toMatchObject({
      source: 'shopify',
      externalId: '820982911946154508',
      name: '#9999',
      // cancelled_at is set and the order is voided.
      status: 'cancelled',
      financialStatus: 'voided',
      fulfillmentStatus: 'unfulfilled',
      paymentMethod: 'card',
      currency: 'USD',
      subtotal: '404.95',
      shipping: '10',
      taxes: '0',
      discount: '20',
      total: '404.95',
      refunded: '0',
      couponCode: undefined,
      tags: ['tag1', 'tag2'],
      customer: {
        externalId: '115310627314723954',
        email: 'jon@example.com',
        // customer.phone is null and the address phones ("555-555-SHIP") are not phone numbers.
        phone: undefined,
        firstName: 'Steve Shipper',
        city: 'Shippington',
        province: 'Kentucky',
        country: 'US',
      },
    });
    expect(o.createdAt.toISOString()).toBe('2022-01-01T00:00:00.000Z');
    expect(o.cancelledAt?.toISOString()).toBe('2022-01-01T00:00:00.000Z');
    expect(o.lines.map((l) => [l.sku, l.title, l.quantity, l.price])).toEqual([
      ['SKU2006-001', 'Aviator sunglasses', 1, '89.99'],
      ['LENS-PROTECT-2YR', 'Lens Protection Plan (2 Year)', 1, '19.99'],
      ['CASE-LEATHER-PREM', 'Premium Leather Case', 1, '24.99'],
      ['SKU2006-020', 'Mid-century lounger', 1, '159.99'],
      ['SKU2006-035', 'Coffee table', 1, '119.99'],
    ]);
  });

  it('every orders/* topic reads the same body the same way', () => {
    const body = parseWebhookBody(raw('shopify-order-create-doc.json'));
    const first = batchOf(parseWebhook('shopify', 'orders/create', body, VN)).orders[0]!.value;
    for (const topic of [
      'orders/updated',
      'orders/paid',
      'orders/fulfilled',
      'orders/cancelled',
      'ORDERS/UPDATED',
    ])
      expect(batchOf(parseWebhook('shopify', topic, body, VN)).orders[0]!.value).toEqual(first);
  });

  it('an order body parsed with JSON.parse has rounded ids: refused, naming them', () => {
    const e = failure(() =>
      parseWebhook(
        'shopify',
        'orders/create',
        JSON.parse(raw('shopify-order-create-doc.json').toString()),
        VN,
      ),
    );
    expect(e.code).toBe('invalid_input');
    expect(e.details.map((d) => d.path)).toEqual(['id', 'customer.id']);
    expect(e.details[0]!.reason).toMatch(/parseWebhookBody/);
  });

  it('refunds/create: the refund, its order id and the money returned', () => {
    const result = parseWebhook(
      'shopify',
      'refunds/create',
      parseWebhookBody(raw('shopify-refund-create-doc.json')),
      VN,
    );
    if (result.kind !== 'refund') throw new Error(result.kind);
    expect(result.refund).toMatchObject({
      source: 'shopify',
      refundId: '890088186047892319',
      orderExternalId: '820982911946154508',
      // Two successful refund transactions: 75.00 + 10.00.
      amount: '85',
      note: 'Things were damaged',
    });
    expect(result.refund.lines).toHaveLength(5);
    expect(result.refund.lines[0]).toEqual({ sku: 'SKU2006-001', title: 'Aviator sunglasses', quantity: 1 });
  });

  it('customers/create: read as the customers export is', () => {
    const batch = batchOf(
      parseWebhook(
        'shopify',
        'customers/create',
        parseWebhookBody(raw('shopify-customer-create-doc.json')),
        VN,
      ),
    );
    const c = batch.customers[0]!.value;
    expect(customerInputSchema.safeParse(c).success).toBe(true);
    expect(c).toMatchObject({
      source: 'shopify',
      externalId: '706405506930370084',
      firstName: 'Bob',
      lastName: 'Biller',
      email: 'bob@biller.com',
      // No customer phone: the default address's, normalised as the export's is.
      phone: '+5555555555',
      city: 'Ottawa',
      province: 'ON',
      country: 'CA',
      note: 'This customer loves ice cream',
      attributes: { address1: "151 O'Connor Street", zip: 'K2P 2L8' },
    });
    const update = batchOf(
      parseWebhook(
        'shopify',
        'customers/update',
        parseWebhookBody(raw('shopify-customer-create-doc.json')),
        VN,
      ),
    );
    expect(update.customers[0]!.value).toEqual(c);
  });

  it('an order listing refunds counts them and records each as an Order Refunded event', () => {
    const body = parseWebhookBody(raw('shopify-order-create-doc.json')) as Record<string, unknown>;
    const refund = parseWebhookBody(raw('shopify-refund-create-doc.json'));
    const batch = batchOf(
      parseWebhook(
        'shopify',
        'orders/updated',
        { ...body, cancelled_at: null, financial_status: 'partially_refunded', refunds: [refund] },
        VN,
      ),
    );
    expect(batch.orders[0]!.value).toMatchObject({ status: 'paid', refunded: '85' });
    expect(batch.events).toHaveLength(1);
    const event = batch.events[0]!.value;
    expect(eventInputSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      messageId: 'shopify:refund:890088186047892319',
      event: 'Order Refunded',
      email: 'jon@example.com',
      properties: { order_id: '820982911946154508', refund_id: '890088186047892319', amount: '85' },
    });
  });

  it('unknown topics are ignored', () => {
    expect(parseWebhook('shopify', 'products/create', {}, VN)).toEqual({
      kind: 'ignored',
      reason: 'shopify topic "products/create" is not read by Nurture',
    });
    expect(parseWebhook('haravan', 'refunds/create', {}, VN).kind).toBe('ignored');
    expect(parseWebhook('shopify', 'orders/delete', {}, VN).kind).toBe('ignored');
  });
});

describe('Haravan sample', () => {
  it('the Order object of the Orders API, as the haravan mapping reads the export', () => {
    const body = parseWebhookBody(raw('haravan-order-doc.json'));
    const batch = batchOf(parseWebhook('haravan', 'orders/create', body, VN));
    const o = batch.orders[0]!.value;
    expect(orderInputSchema.safeParse(o).success).toBe(true);
    expect(o).toMatchObject({
      source: 'haravan',
      // The export's Mã đơn hàng.
      externalId: '#100020',
      name: undefined,
      // paid / notfulfilled: the mapping's "paid / *".
      status: 'paid',
      financialStatus: 'paid',
      fulfillmentStatus: 'notfulfilled',
      paymentMethod: 'cod',
      currency: 'VND',
      subtotal: '13200000',
      shipping: '0',
      discount: '0',
      total: '13200000',
      refunded: '0',
      customer: {
        externalId: '1036847352',
        email: 'hello@haravan.com',
        phone: undefined,
        firstName: 'Haravan Demo',
        city: 'Quận 11',
        province: 'Hồ Chí Minh',
      },
      lines: [
        {
          sku: undefined,
          title: 'Đầm babydoll tay lỡ khoét lỗ',
          category: undefined,
          quantity: 22,
          price: '600000',
        },
      ],
    });
    expect(o.createdAt.toISOString()).toBe('2020-09-19T01:12:10.062Z');
    for (const topic of ['orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/cancelled'])
      expect(batchOf(parseWebhook('haravan', topic, body, VN)).orders[0]!.value).toEqual(o);
  });

  it('statuses: cancelled, failed delivery, returned, delivered, refunded', () => {
    const body = parseWebhookBody(raw('haravan-order-doc.json')) as Record<string, unknown>;
    const status = (patch: Record<string, unknown>) =>
      batchOf(parseWebhook('haravan', 'orders/updated', { ...body, ...patch }, VN)).orders[0]!.value.status;
    expect(status({ fulfillment_status: 'fulfilled' })).toBe('delivered');
    expect(status({ financial_status: 'pending' })).toBe('pending');
    expect(status({ financial_status: 'pending', fulfillment_status: 'fulfilled' })).toBe('pending');
    expect(status({ cancelled_status: 'cancelled' })).toBe('cancelled');
    expect(status({ financial_status: 'voided' })).toBe('cancelled');
    expect(status({ financial_status: 'refunded', fulfillment_status: 'fulfilled' })).toBe('returned');
    expect(status({ financial_status: 'refunded' })).toBe('refunded');
    expect(status({ financial_status: 'partially_refunded', fulfillment_status: 'fulfilled' })).toBe(
      'delivered',
    );
    const failed = { fulfillments: [{ carrier_status_code: 'notmeetcustomer' }] };
    expect(status({ financial_status: 'pending', ...failed })).toBe('failed_delivery');
    expect(status({ financial_status: 'pending', cancelled_status: 'cancelled', ...failed })).toBe(
      'failed_delivery',
    );
    expect(
      status({
        financial_status: 'pending',
        fulfillments: [{ carrier_status_code: 'return' }],
        fulfillment_status: 'fulfilled',
      }),
    ).toBe('returned');
    const refunded = batchOf(
      parseWebhook('haravan', 'orders/updated', { ...body, financial_status: 'refunded' }, VN),
    ).orders[0]!.value;
    expect(refunded.refunded).toBe('13200000');
    const partial = batchOf(
      parseWebhook(
        'haravan',
        'orders/updated',
        {
          ...body,
          financial_status: 'partially_refunded',
          refunds: [{ transactions: [{ kind: 'refund', amount: -600000 }] }],
        },
        VN,
      ),
    ).orders[0]!.value;
    expect(partial).toMatchObject({ status: 'paid', refunded: '600000' });
  });
});

describe('malformed bodies name the JSON path', () => {
  const order = () => parseWebhookBody(raw('shopify-order-create-doc.json')) as Record<string, unknown>;
  const paths = (source: 'shopify' | 'haravan', body: unknown, topic = 'orders/create') => {
    const e = failure(() => parseWebhook(source, topic, body, VN));
    expect(e.code).toBe('invalid_input');
    return e.details.map((d) => `${d.path}: ${d.reason}`);
  };

  it('a bad line price, a missing total, a bad date, an unknown status', () => {
    const o = order();
    const lines = (o['line_items'] as Record<string, unknown>[]).map((l) => ({ ...l }));
    lines[2]!['price'] = 'abc';
    lines[3]!['quantity'] = -1;
    expect(paths('shopify', { ...o, line_items: lines })).toEqual([
      'line_items[2].price: not an amount: "abc"',
      'line_items[3].quantity: not a whole quantity: -1',
    ]);
    const { total_price: _, ...noTotal } = o;
    expect(paths('shopify', noTotal)).toEqual(['total_price: expected a string or a number']);
    expect(paths('shopify', { ...o, created_at: '2024-13-45' })).toEqual([
      'created_at: not a date: "2024-13-45" (expected ISO 8601)',
    ]);
    expect(paths('shopify', { ...o, financial_status: 'on_the_moon' })).toEqual([
      'financial_status: unknown financial status "on_the_moon"',
    ]);
    expect(paths('shopify', { ...o, total_price: '-5' })).toEqual(['total_price: negative amount: "-5"']);
    expect(paths('shopify', { ...o, line_items: 'none' })).toEqual(['line_items: expected array']);
    expect(paths('shopify', [])).toEqual(['(body): expected object']);
  });

  it('an order without any identity', () => {
    const o = order();
    expect(paths('shopify', { ...o, email: null, contact_email: null, customer: null })).toEqual([
      'customer: no customer identity (no customer id, valid email or phone)',
    ]);
  });

  it('refunds and Haravan orders too', () => {
    const r = parseWebhookBody(raw('shopify-refund-create-doc.json')) as Record<string, unknown>;
    expect(paths('shopify', { ...r, order_id: null }, 'refunds/create')).toEqual([
      'order_id: expected a string or a number',
    ]);
    const h = parseWebhookBody(raw('haravan-order-doc.json')) as Record<string, unknown>;
    const lines = (h['line_items'] as Record<string, unknown>[]).map((l) => ({ ...l, price: 'x' }));
    expect(paths('haravan', { ...h, line_items: lines })).toEqual([
      'line_items[0].price: not an amount: "x"',
    ]);
    expect(paths('haravan', { ...h, financial_status: 'lost' })).toEqual([
      'financial_status: unknown financial status "lost"',
    ]);
  });
});

describe('signatures', () => {
  const body = raw('shopify-order-create-doc.json');
  const secret = 'hush';
  const mac = () => createHmac('sha256', secret).update(body);
  const b64 = mac().digest('base64');
  const hex = mac().digest('hex');

  it('Shopify: base64 HMAC-SHA256 of the raw body', () => {
    expect(verifyShopifyHmac(body, b64, secret)).toEqual({ ok: true });
    expect(verifyShopifyHmac(body, ` ${b64} `, secret)).toEqual({ ok: true });
    expect(verifyShopifyHmac(body, undefined, secret)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyShopifyHmac(body, '', secret)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyShopifyHmac(body, b64, 'other secret')).toEqual({ ok: false, reason: 'bad' });
    expect(verifyShopifyHmac(Buffer.concat([body, Buffer.from(' ')]), b64, secret)).toEqual({
      ok: false,
      reason: 'bad',
    });
    // Shopify signs in base64 only; a short or non-base64 value is bad, never an exception.
    expect(verifyShopifyHmac(body, hex, secret)).toEqual({ ok: false, reason: 'bad' });
    expect(verifyShopifyHmac(body, 'c2hvcnQ=', secret)).toEqual({ ok: false, reason: 'bad' });
    expect(verifyShopifyHmac(body, 'not base64!', secret)).toEqual({ ok: false, reason: 'bad' });
  });

  it('Haravan: base64, hex tolerated', () => {
    const h = raw('haravan-order-doc.json');
    const m = () => createHmac('sha256', secret).update(h);
    expect(verifyHaravanHmac(h, m().digest('base64'), secret)).toEqual({ ok: true });
    expect(verifyHaravanHmac(h, m().digest('hex'), secret)).toEqual({ ok: true });
    expect(verifyHaravanHmac(h, m().digest('hex').toUpperCase(), secret)).toEqual({ ok: true });
    expect(verifyHaravanHmac(h, undefined, secret)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyHaravanHmac(h, b64, secret)).toEqual({ ok: false, reason: 'bad' });
    expect(verifyHaravanHmac(h, hex, secret)).toEqual({ ok: false, reason: 'bad' });
    expect(verifyHaravanHmac(h, 'zz', secret)).toEqual({ ok: false, reason: 'bad' });
  });
});

describe('shopifyOrderAfterRefund', () => {
  const order = {
    orderId: 'ord_1',
    customerId: 'cus_1',
    status: 'delivered',
    financialStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
    total: '1180000',
    refunded: '0',
    cancelled: false,
    tags: [],
  };

  it('a partial refund keeps a delivered order delivered; a full one makes it returned', () => {
    expect(shopifyOrderAfterRefund(order, '200000')).toEqual({
      refunded: '200000',
      status: 'delivered',
      financialStatus: 'partially_refunded',
    });
    expect(shopifyOrderAfterRefund({ ...order, refunded: '200000.00' }, '980000')).toEqual({
      refunded: '1180000',
      status: 'returned',
      financialStatus: 'refunded',
    });
    // Never more than the total.
    expect(shopifyOrderAfterRefund(order, '5000000').refunded).toBe('1180000');
    expect(
      shopifyOrderAfterRefund({ ...order, fulfillmentStatus: 'unfulfilled', status: 'paid' }, '1180000'),
    ).toEqual({
      refunded: '1180000',
      status: 'refunded',
      financialStatus: 'refunded',
    });
  });

  it('an unpaid order keeps its status; the amount is still counted', () => {
    expect(
      shopifyOrderAfterRefund({ ...order, financialStatus: 'pending', status: 'pending' }, '1000'),
    ).toEqual({
      refunded: '1000',
      status: 'pending',
      financialStatus: 'pending',
    });
  });
});
