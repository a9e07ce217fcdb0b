/**
 * Webhooks against the CSV importers, on real stores: the same order sent as a webhook and
 * exported as CSV gives the same rows; a webhook applied twice changes nothing; updates move the
 * status; a refund reduces revenue as the export's refunded amount does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import { applyParsedWebhook } from '../../src/app/webhooks.js';
import { type ParsedWebhook, parseWebhook, parseWebhookBody } from '../../src/ingest/webhooks/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES, TestClock } from '../support/engines.js';

const SHOP = 'webhooks';
const VN = { currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' };
const NOW = Date.parse('2024-04-01T03:00:00Z');
const SAMPLES = new URL('../../../shared/data/webhooks/', import.meta.url).pathname;

const ORDER_ID = '5748293847563829104';
const CUSTOMER_ID = '7489302847561238475';

// ---------------------------------------------------------------------------------------------
// One realistic Vietnamese cash-on-delivery order: two lines, a coupon, shipping, a phone written
// the way shops write it. Amounts: 2 × 500,000 + 250,000 = 1,250,000, coupon −100,000, subtotal
// 1,150,000, shipping 30,000, total 1,180,000 đồng.
// ---------------------------------------------------------------------------------------------

interface Variant {
  financial: string;
  fulfillment: string | null;
  cancelledAt?: string;
  refunds?: { id: string; amount: string; at: string }[];
}

const COD: Variant = { financial: 'pending', fulfillment: null };

function shopifyBody(v: Variant): string {
  const address = {
    first_name: 'Lan',
    last_name: 'Trần Thị',
    name: 'Trần Thị Lan',
    address1: '12 Nguyễn Huệ',
    phone: '0912 345 678',
    city: 'Quận 1',
    province: 'Hồ Chí Minh',
    province_code: 'HC',
    country: 'Vietnam',
    country_code: 'VN',
    zip: '700000',
  };
  const refunds = (v.refunds ?? []).map((r) => ({
    id: r.id,
    order_id: '@ORDER_ID@',
    created_at: r.at,
    note: 'Khách trả một khăn',
    refund_line_items: [],
    transactions: [
      { kind: 'refund', status: 'success', gateway: 'Cash on Delivery (COD)', amount: r.amount },
    ],
  }));
  const body = {
    id: '@ORDER_ID@',
    name: '#1042',
    email: 'Lan.Tran@Example.vn',
    contact_email: 'Lan.Tran@Example.vn',
    phone: null,
    created_at: '2024-03-05T14:03:11+07:00',
    updated_at: '2024-03-05T14:03:11+07:00',
    processed_at: '2024-03-05T14:03:11+07:00',
    cancelled_at: v.cancelledAt ?? null,
    cancel_reason: v.cancelledAt ? 'customer' : null,
    financial_status: v.financial,
    fulfillment_status: v.fulfillment,
    currency: 'VND',
    presentment_currency: 'VND',
    subtotal_price: '1150000',
    total_line_items_price: '1250000',
    total_discounts: '100000',
    total_tax: '0',
    total_price: '1180000',
    total_shipping_price_set: {
      shop_money: { amount: '30000', currency_code: 'VND' },
      presentment_money: { amount: '30000', currency_code: 'VND' },
    },
    shipping_lines: [{ id: 1, title: 'Giao hàng tiêu chuẩn', price: '30000', discounted_price: '30000' }],
    discount_codes: [{ code: 'TET2024', amount: '100000', type: 'fixed_amount' }],
    payment_gateway_names: ['Cash on Delivery (COD)'],
    tags: 'vip, tết',
    customer: {
      id: '@CUSTOMER_ID@',
      email: 'lan.tran@example.vn',
      phone: '+84912345678',
      first_name: 'Lan',
      last_name: 'Trần Thị',
      state: 'enabled',
      default_address: address,
    },
    billing_address: address,
    shipping_address: address,
    line_items: [
      {
        id: 1,
        name: 'Áo dài lụa - Đỏ / M',
        title: 'Áo dài lụa',
        variant_title: 'Đỏ / M',
        sku: 'AD-01-RM',
        quantity: 2,
        current_quantity: 2,
        price: '500000',
        total_discount: '0',
      },
      { id: 2, name: 'Khăn lụa', title: 'Khăn lụa', sku: 'KL-01', quantity: 1, price: '250000' },
    ],
    refunds,
  };
  // As Shopify writes it: the ids are bare numbers above 2^53.
  return JSON.stringify(body).replaceAll('"@ORDER_ID@"', ORDER_ID).replaceAll('"@CUSTOMER_ID@"', CUSTOMER_ID);
}

function csv(rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

/** The same order as Shopify's orders export writes it: order fields on the first row only. */
function shopifyCsv(v: Variant & { refunded?: string }): string {
  const header = [
    'Name',
    'Email',
    'Financial Status',
    'Paid at',
    'Fulfillment Status',
    'Currency',
    'Subtotal',
    'Shipping',
    'Taxes',
    'Total',
    'Discount Code',
    'Discount Amount',
    'Created at',
    'Lineitem quantity',
    'Lineitem name',
    'Lineitem price',
    'Lineitem sku',
    'Billing Name',
    'Billing City',
    'Billing Province',
    'Billing Country',
    'Billing Phone',
    'Shipping Name',
    'Shipping City',
    'Shipping Province',
    'Shipping Country',
    'Shipping Phone',
    'Cancelled at',
    'Payment Method',
    'Refunded Amount',
    'Id',
    'Tags',
    'Phone',
    'Billing Province Name',
    'Shipping Province Name',
  ];
  const first = {
    Name: '#1042',
    Email: 'lan.tran@example.vn',
    'Financial Status': v.financial,
    'Fulfillment Status': v.fulfillment ?? 'unfulfilled',
    Currency: 'VND',
    Subtotal: '1150000',
    Shipping: '30000',
    Taxes: '0',
    Total: '1180000',
    'Discount Code': 'TET2024',
    'Discount Amount': '100000',
    'Created at': '2024-03-05 14:03:11 +0700',
    'Billing Name': 'Trần Thị Lan',
    'Billing City': 'Quận 1',
    'Billing Province': 'HC',
    'Billing Country': 'VN',
    'Billing Phone': '0912 345 678',
    'Shipping Name': 'Trần Thị Lan',
    'Shipping City': 'Quận 1',
    'Shipping Province': 'HC',
    'Shipping Country': 'VN',
    'Shipping Phone': '0912 345 678',
    'Cancelled at': v.cancelledAt
      ? v.cancelledAt.replace('T', ' ').replace(/([+-]\d\d):(\d\d)$/, ' $1$2')
      : '',
    'Payment Method': 'Cash on Delivery (COD)',
    'Refunded Amount': v.refunded ?? '0',
    Id: ORDER_ID,
    Tags: 'vip, tết',
    'Billing Province Name': 'Hồ Chí Minh',
    'Shipping Province Name': 'Hồ Chí Minh',
  } as Record<string, string>;
  const line = (qty: string, name: string, price: string, sku: string) =>
    header.map((h) =>
      h === 'Name'
        ? '#1042'
        : h === 'Lineitem quantity'
          ? qty
          : h === 'Lineitem name'
            ? name
            : h === 'Lineitem price'
              ? price
              : h === 'Lineitem sku'
                ? sku
                : '',
    );
  const row1 = line('2', 'Áo dài lụa - Đỏ / M', '500000', 'AD-01-RM').map((c, i) => first[header[i]!] ?? c);
  const row2 = line('1', 'Khăn lụa', '250000', 'KL-01');
  return csv([header, row1, row2]);
}

/** The Haravan version: the documented Order object with this order's values. */
function haravanBody(v: Variant & { carrier?: string }): unknown {
  const sample = parseWebhookBody(readFileSync(`${SAMPLES}haravan-order-doc.json`)) as Record<
    string,
    unknown
  >;
  const address = {
    address1: '12 Nguyễn Huệ',
    first_name: 'Trần Thị Lan',
    last_name: null,
    name: ' Trần Thị Lan',
    phone: '0912345678',
    province: 'Hồ Chí Minh',
    province_code: 'HC',
    district: 'Quận 1',
    ward: 'Phường Bến Nghé',
    country: 'Vietnam',
    country_code: 'VN',
    city: null,
  };
  return {
    ...sample,
    id: 1138700042,
    name: '#100042',
    order_number: '#100042',
    email: 'lan.tran@example.vn',
    contact_email: 'lan.tran@example.vn',
    created_at: '2024-03-05T07:03:11.000Z',
    cancelled_at: v.cancelledAt ?? null,
    cancelled_status: v.cancelledAt ? 'cancelled' : 'uncancelled',
    financial_status: v.financial,
    fulfillment_status: v.fulfillment ?? 'notfulfilled',
    fulfillments: v.carrier ? [{ carrier_status_code: v.carrier }] : [],
    gateway: 'Thanh toán khi giao hàng (COD)',
    currency: 'VND',
    subtotal_price: 1150000.0,
    total_line_items_price: 1250000.0,
    total_discounts: 100000.0,
    total_tax: 0.0,
    total_price: 1180000.0,
    shipping_lines: [{ code: null, price: 30000.0, source: null, title: 'Giao hàng tiêu chuẩn' }],
    discount_codes: [{ code: 'TET2024', amount: 100000.0 }],
    tags: 'vip, tết',
    customer: {
      ...(sample['customer'] as object),
      id: 1036899001,
      email: 'lan.tran@example.vn',
      phone: '0912345678',
      first_name: 'Lan',
      last_name: 'Trần Thị',
      default_address: address,
      addresses: [address],
    },
    billing_address: address,
    shipping_address: address,
    line_items: [
      {
        id: 1,
        title: 'Áo dài lụa',
        name: 'Áo dài lụa - Đỏ / M',
        variant_title: 'Đỏ / M',
        sku: 'AD-01-RM',
        quantity: 2,
        price: 500000.0,
        price_original: 500000.0,
      },
      {
        id: 2,
        title: 'Khăn lụa',
        name: 'Khăn lụa - Default Title',
        sku: 'KL-01',
        quantity: 1,
        price: 250000.0,
      },
    ],
    refunds: [],
    transactions: [],
  };
}

/** The Haravan export, read through the built-in `haravan` mapping (Vietnamese headers). */
function haravanCsv(v: Variant): string {
  const header = [
    'Mã đơn hàng',
    'Ngày đặt hàng',
    'Trạng thái thanh toán',
    'Trạng thái giao hàng',
    'Ngày hủy',
    'Phương thức thanh toán',
    'Tiền tệ',
    'Tổng tiền hàng',
    'Phí vận chuyển',
    'Thuế',
    'Giảm giá',
    'Mã giảm giá',
    'Tổng cộng',
    'Tags',
    'Email',
    'Điện thoại',
    'Tên khách hàng',
    'Tỉnh/Thành phố',
    'Quận/Huyện',
    'Tên sản phẩm',
    'Mã SKU',
    'Số lượng',
    'Đơn giá',
  ];
  const order = [
    '#100042',
    '05/03/2024 14:03:11',
    v.financial,
    v.fulfillment ?? 'notfulfilled',
    '',
    'Thanh toán khi giao hàng (COD)',
    'VND',
    '1150000',
    '30000',
    '0',
    '100000',
    'TET2024',
    '1180000',
    'vip, tết',
    'lan.tran@example.vn',
    '0912 345 678',
    'Trần Thị Lan',
    'Hồ Chí Minh',
    'Quận 1',
  ];
  const blank = order.map((_, i) => (i === 0 ? '#100042' : ''));
  return csv([
    header,
    [...order, 'Áo dài lụa', 'AD-01-RM', '2', '500000'],
    [...blank, 'Khăn lụa', 'KL-01', '1', '250000'],
  ]);
}

// ---------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'nurture-webhooks-'));
let files = 0;

async function importCsv(store: Store, format: 'shopify-orders' | 'orders-csv', body: string): Promise<void> {
  const path = join(dir, `orders-${files++}.csv`);
  writeFileSync(path, body);
  await importFile(makeContext(store), {
    shopId: SHOP,
    format,
    path,
    ...(format === 'orders-csv' ? { mapping: 'haravan' } : {}),
  });
}

/** What a webhook job does: the app's one path (records, then the after-orders pipeline). */
async function applyWebhook(store: Store, parsed: ParsedWebhook): Promise<unknown> {
  await store.ensureShop({ shopId: SHOP });
  if (parsed.kind === 'ignored') return parsed;
  const r = await applyParsedWebhook(makeContext(store), SHOP, parsed);
  return parsed.kind === 'refund' ? r.refund : r;
}

const shopify = (topic: string, v: Variant) =>
  parseWebhook('shopify', topic, parseWebhookBody(shopifyBody(v)), VN);
const haravan = (topic: string, v: Variant & { carrier?: string }) =>
  parseWebhook('haravan', topic, haravanBody(v), VN);

type Rows = Record<string, unknown>[];

/**
 * The rows of customers, customer_identities, orders and order_lines (and the customers' stats),
 * with generated ids replaced by stable labels (C1…, the order's source:external id).
 */
async function snapshot(store: Store) {
  const all = (sql: string) => store.engine.all(sql, [SHOP]) as Promise<Rows>;
  const customers = await all('SELECT * FROM customers WHERE shop_id = $1 ORDER BY phone, email');
  const orders = await all('SELECT * FROM orders WHERE shop_id = $1 ORDER BY source, external_id');
  const label = new Map<string, string>();
  customers.forEach((c, i) => {
    label.set(String(c['customer_id']), `C${i + 1}`);
  });
  for (const o of orders) label.set(String(o['order_id']), `${o['source']}:${o['external_id']}`);
  const relabel = (rows: Rows) =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && label.has(v) ? label.get(v) : v]),
      ),
    );
  const sort = (rows: Rows) => rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    customers: relabel(customers),
    identities: sort(relabel(await all('SELECT * FROM customer_identities WHERE shop_id = $1'))),
    orders: relabel(orders),
    lines: sort(relabel(await all('SELECT * FROM order_lines WHERE shop_id = $1'))),
    stats: sort(relabel(await all('SELECT * FROM customer_stats WHERE shop_id = $1'))),
    events: (await all('SELECT dedupe_key, name FROM events WHERE shop_id = $1 ORDER BY dedupe_key')).length,
  };
}

/** The webhook store and the CSV store hold the same rows, but for the webhook's customer id key. */
function expectSameRows(
  web: Awaited<ReturnType<typeof snapshot>>,
  file: Awaited<ReturnType<typeof snapshot>>,
  externalKind: string,
  externalId: string,
): void {
  expect(web.customers).toEqual(file.customers);
  expect(web.orders).toEqual(file.orders);
  expect(web.lines).toEqual(file.lines);
  expect(web.stats).toEqual(file.stats);
  // The export has no customer id column; the webhook adds the platform's id as one more key.
  const extra = web.identities.filter((i) => i['kind'] === externalKind);
  expect(extra.map((i) => [i['value'], i['customer_id']])).toEqual([[externalId, 'C1']]);
  expect(web.identities.filter((i) => i['kind'] !== externalKind)).toEqual(file.identities);
}

async function revenue(store: Store): Promise<number> {
  return (await store.summary(SHOP)).revenue;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `webhooks on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      const open = () => engine.open(new TestClock(NOW));

      it('Shopify: orders/create == the orders export (a COD order, two lines, a coupon, shipping)', async () => {
        const web = await open();
        const file = await open();
        await applyWebhook(web, shopify('orders/create', COD));
        await importCsv(file, 'shopify-orders', shopifyCsv(COD));
        const w = await snapshot(web);
        expect(w.orders).toHaveLength(1);
        expect(w.orders[0]).toMatchObject({
          external_id: ORDER_ID,
          name: '#1042',
          status: 'pending',
          payment_method: 'cod',
          total: 1180000,
          discount: 100000,
          shipping: 30000,
          coupon_code: 'TET2024',
        });
        expect(w.customers[0]).toMatchObject({ phone: '+84912345678', email: 'lan.tran@example.vn' });
        expect(w.lines).toHaveLength(2);
        expectSameRows(w, await snapshot(file), 'external:shopify', CUSTOMER_ID);
        await web.close();
        await file.close();
      });

      it('Haravan: orders/create == the Haravan export through the haravan mapping', async () => {
        const web = await open();
        const file = await open();
        await applyWebhook(web, haravan('orders/create', COD));
        await importCsv(file, 'orders-csv', haravanCsv(COD));
        const w = await snapshot(web);
        expect(w.orders[0]).toMatchObject({
          external_id: '#100042',
          status: 'pending',
          payment_method: 'cod',
        });
        expect(w.customers[0]).toMatchObject({
          phone: '+84912345678',
          city: 'Quận 1',
          first_name: 'Trần Thị Lan',
        });
        expectSameRows(w, await snapshot(file), 'external:haravan', '1036899001');
        // And once paid and delivered, both ways again.
        const paid = { financial: 'paid', fulfillment: 'fulfilled' };
        await applyWebhook(web, haravan('orders/fulfilled', paid));
        await importCsv(file, 'orders-csv', haravanCsv(paid));
        const w2 = await snapshot(web);
        expect(w2.orders[0]).toMatchObject({ status: 'delivered' });
        expectSameRows(w2, await snapshot(file), 'external:haravan', '1036899001');
        await web.close();
        await file.close();
      });

      it('the same webhook applied twice changes nothing', async () => {
        const clock = new TestClock(NOW);
        const store = await engine.open(clock);
        await applyWebhook(store, shopify('orders/create', COD));
        const once = await snapshot(store);
        clock.advance(3_600_000);
        await applyWebhook(store, shopify('orders/create', COD));
        expect(await snapshot(store)).toEqual(once);
        await applyWebhook(store, haravan('orders/create', COD));
        const both = await snapshot(store);
        clock.advance(3_600_000);
        await applyWebhook(store, haravan('orders/create', COD));
        expect(await snapshot(store)).toEqual(both);
        // The Haravan order joined the Shopify buyer by phone and e-mail: one customer, two orders.
        expect(both.customers).toHaveLength(1);
        expect(both.orders.map((o) => o['customer_id'])).toEqual(['C1', 'C1']);
        await store.close();
      });

      it('orders/updated moves the status as a re-imported export would', async () => {
        const store = await open();
        const status = async () => (await snapshot(store)).orders[0]!['status'];
        await applyWebhook(store, shopify('orders/create', COD));
        expect(await revenue(store)).toBe(0);
        // Shipped, cash not collected yet: still pending (not revenue).
        await applyWebhook(
          store,
          shopify('orders/fulfilled', { financial: 'pending', fulfillment: 'fulfilled' }),
        );
        expect(await status()).toBe('pending');
        // The courier brought the cash.
        const paid = { financial: 'paid', fulfillment: 'fulfilled' };
        await applyWebhook(store, shopify('orders/paid', paid));
        expect(await status()).toBe('delivered');
        expect(await revenue(store)).toBe(1180000);
        const file = await open();
        await importCsv(file, 'shopify-orders', shopifyCsv(paid));
        expectSameRows(await snapshot(store), await snapshot(file), 'external:shopify', CUSTOMER_ID);
        await file.close();

        const other = await open();
        await applyWebhook(other, shopify('orders/create', COD));
        await applyWebhook(
          other,
          shopify('orders/cancelled', {
            financial: 'voided',
            fulfillment: null,
            cancelledAt: '2024-03-06T09:00:00+07:00',
          }),
        );
        expect((await snapshot(other)).orders[0]).toMatchObject({ status: 'cancelled' });
        // A COD parcel that came back unpaid and was cancelled: a failed delivery.
        await applyWebhook(
          other,
          shopify('orders/updated', {
            financial: 'pending',
            fulfillment: 'fulfilled',
            cancelledAt: '2024-03-09T09:00:00+07:00',
          }),
        );
        expect((await snapshot(other)).orders[0]).toMatchObject({ status: 'failed_delivery' });
        expect((await snapshot(other)).stats[0]).toMatchObject({ orders: 0 });
        await other.close();
        await store.close();
      });

      it('refunds/create reduces revenue as the export’s Refunded Amount does, once', async () => {
        const paid = { financial: 'paid', fulfillment: 'fulfilled' };
        const web = await open();
        await applyWebhook(web, shopify('orders/create', paid));
        expect(await revenue(web)).toBe(1180000);
        const refundBody = {
          id: '890088186047892301',
          order_id: ORDER_ID,
          created_at: '2024-03-10T10:00:00+07:00',
          note: 'Khách trả một khăn',
          restock: true,
          refund_line_items: [
            { quantity: 1, line_item_id: 2, subtotal: 250000, line_item: { sku: 'KL-01', name: 'Khăn lụa' } },
          ],
          transactions: [
            { kind: 'refund', status: 'success', amount: '200000.00', gateway: 'Cash on Delivery (COD)' },
          ],
        };
        const refund = () => parseWebhook('shopify', 'refunds/create', refundBody, VN);
        expect(await applyWebhook(web, refund())).toMatchObject({
          applied: true,
          refunded: '200000',
          status: 'delivered',
        });
        expect(await revenue(web)).toBe(980000);

        const file = await open();
        await importCsv(
          file,
          'shopify-orders',
          shopifyCsv({ financial: 'partially_refunded', fulfillment: 'fulfilled', refunded: '200000' }),
        );
        expect(await revenue(file)).toBe(980000);
        const w = await snapshot(web);
        expect(w.orders[0]).toMatchObject({
          refunded: 200000,
          financial_status: 'partially_refunded',
          status: 'delivered',
        });
        expectSameRows(w, await snapshot(file), 'external:shopify', CUSTOMER_ID);
        expect(w.events).toBe(1);

        // Retried: nothing changes.
        expect(await applyWebhook(web, refund())).toEqual({ applied: false, reason: 'already_applied' });
        expect(await snapshot(web)).toEqual(w);
        // Shopify's orders/updated for the same refund lists it: counted once, not twice.
        const updated = {
          financial: 'partially_refunded',
          fulfillment: 'fulfilled',
          refunds: [{ id: String(refundBody.id), amount: '200000', at: refundBody.created_at }],
        };
        await applyWebhook(web, shopify('orders/updated', updated));
        expect(await snapshot(web)).toEqual(w);
        // The rest refunded: the goods went out and all the money came back.
        const rest = {
          ...refundBody,
          id: '890088186047892402',
          transactions: [{ kind: 'refund', amount: '980000' }],
        };
        expect(await applyWebhook(web, parseWebhook('shopify', 'refunds/create', rest, VN))).toMatchObject({
          applied: true,
          refunded: '1180000',
          status: 'returned',
        });
        expect(await revenue(web)).toBe(0);
        expect((await snapshot(web)).stats[0]).toMatchObject({ orders: 0 });
        await web.close();
        await file.close();
      });

      it('a refund for an order not stored yet is left for the order webhook', async () => {
        const store = await open();
        const refund = parseWebhook(
          'shopify',
          'refunds/create',
          parseWebhookBody(readFileSync(`${SAMPLES}shopify-refund-create-doc.json`)),
          VN,
        );
        expect(await applyWebhook(store, refund)).toEqual({ applied: false, reason: 'order_not_found' });
        expect((await snapshot(store)).events).toBe(0);
        await store.close();
      });
    },
  );
}
