/**
 * `nurture coupon …` end to end on a DuckDB file: create a customer's coupon and a bulk batch
 * (with its file of codes, the same on a rerun), see a Shopify orders export with the code (in
 * lower case) redeem it, see the order's cancellation in the next export release it; bad input
 * exits 2 and creates nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';

const HEADER =
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing City,Billing Province Name,Billing Country,Billing Phone,Shipping City,Cancelled at,Payment Method,Refunded Amount,Id,Tags,Phone';

/** Shopify's date form, in Vietnam's zone. */
function shopifyDate(ms: number): string {
  const d = new Date(ms + 7 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)} +0700`;
}

interface Row {
  id: number;
  email: string;
  at: number;
  total: number;
  code?: string;
  cancelledAt?: number;
}

/** A Shopify orders export of COD orders (pending until delivered), one line each. */
function ordersFile(dir: string, name: string, rows: readonly Row[]): string {
  const lines = [HEADER];
  for (const r of rows)
    lines.push(
      [
        `#${r.id}`,
        r.email,
        'pending',
        '',
        '',
        'VND',
        r.total,
        0,
        0,
        r.total,
        r.code ?? '',
        r.code ? 50000 : 0,
        shopifyDate(r.at),
        1,
        'Giấy in nhiệt A6',
        r.total,
        'PAP-A6',
        'Nguyễn Thị Lan',
        'Hà Nội',
        '',
        'VN',
        '',
        '',
        r.cancelledAt ? shopifyDate(r.cancelledAt) : '',
        'Cash on Delivery (COD)',
        '',
        9000 + r.id,
        '',
        '',
      ].join(','),
    );
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('nurture coupon', () => {
  it('creates, lists and shows coupons; an imported order redeems one and its cancellation releases it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-coupon-cli-'));
    const db = join(dir, 'shop.duckdb');
    const now = Date.now();
    const first = ordersFile(dir, 'orders-1.csv', [
      { id: 1, email: 'lan@example.vn', at: now - 86_400_000, total: 400000 },
    ]);
    expect((await cli('import', 'shopify-orders', first, '--db', db)).code).toBe(0);
    const store = await openStore({ db });
    const [lan] = await store.engine.all<{ customer_id: string }>('SELECT customer_id FROM customers');
    await store.close();
    const customerId = lan!.customer_id;

    const made = await cli(
      'coupon',
      'create',
      '--customer',
      customerId,
      '--kind',
      'fixed',
      '--value',
      '50000',
      '--min-order',
      '300000',
      '--expires',
      '24h',
      '--prefix',
      'nur',
      '--db',
      db,
    );
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    const code = /NUR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/.exec(made.out)?.[0];
    expect(made.out).toMatch(
      /^Đã tạo mã NUR-\S+: giảm 50\.000 ₫, đơn từ 300\.000 ₫, hết hạn \d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Ho_Chi_Minh\)\.\n$/,
    );
    expect(code).toBeDefined();

    const csv = join(dir, 'flyer.csv');
    const batch = await cli(
      'coupon',
      'create',
      '--kind',
      'percent',
      '--value',
      '10',
      '--count',
      '5',
      '--batch',
      'flyer',
      '--expires',
      '7d',
      '--csv',
      csv,
      '--db',
      db,
      '--lang',
      'en',
    );
    expect(batch.code).toBe(0);
    expect(batch.out).toMatch(
      /^Batch flyer: 5 codes \(5 new\), 10 % off, expires .+, each code single use\.\n$/,
    );
    expect(batch.err).toBe(`wrote ${csv}\n`);
    const codes = readFileSync(csv, 'utf8');
    expect(codes).toMatch(/^([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\n){5}$/);
    const rerun = await cli(
      'coupon',
      'create',
      '--kind',
      'percent',
      '--value',
      '10',
      '--count',
      '5',
      '--batch',
      'flyer',
      '--csv',
      csv,
      '--db',
      db,
    );
    expect(rerun.out).toMatch(/\(0 mã mới\)/);
    expect(readFileSync(csv, 'utf8')).toBe(codes);

    // Bad input changes nothing.
    for (const argv of [
      ['--kind', 'bogus', '--value', '1'],
      ['--kind', 'percent', '--value', '0'],
      ['--kind', 'percent', '--value', '10', '--count', '5'],
      ['--kind', 'fixed', '--value', '1000', '--expires', 'yesterday'],
    ]) {
      const bad = await cli('coupon', 'create', ...argv, '--db', db, '--lang', 'en');
      expect(bad.code, argv.join(' ')).toBe(2);
      expect(bad.err).toMatch(/^nurture: /);
    }
    const all = JSON.parse((await cli('coupon', 'list', '--json', '--db', db)).out) as { coupons: unknown[] };
    expect(all.coupons).toHaveLength(6);

    // The customer uses the code (typed in lower case) on a COD order: redeemed.
    const second = ordersFile(dir, 'orders-2.csv', [
      { id: 2, email: 'lan@example.vn', at: now - 60_000, total: 350000, code: code!.toLowerCase() },
    ]);
    expect((await cli('import', 'shopify-orders', second, '--db', db)).code).toBe(0);
    const shown = await cli('coupon', 'show', code!.toLowerCase(), '--db', db);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/Trạng thái\s+đã dùng/);
    expect(shown.out).toMatch(/Đơn hàng\s+#2 \(pending, 350\.000 ₫, /);
    const redeemed = await cli('coupon', 'list', '--state', 'redeemed', '--db', db, '--lang', 'en');
    expect(redeemed.out.split('\n')[0]).toMatch(
      /^Code\s+Offer\s+Customer\s+Expires \(Asia\/Ho_Chi_Minh\)\s+State$/,
    );
    expect(redeemed.out).toContain(code!);
    expect(redeemed.out).toMatch(/50,000 ₫ off, orders from 300,000 ₫/);

    // The order is cancelled (the next export says so): the redemption is released.
    const third = ordersFile(dir, 'orders-3.csv', [
      { id: 2, email: 'lan@example.vn', at: now - 60_000, total: 350000, code: code!, cancelledAt: now },
    ]);
    expect((await cli('import', 'shopify-orders', third, '--db', db)).code).toBe(0);
    const released = JSON.parse((await cli('coupon', 'show', code!, '--json', '--db', db)).out) as {
      coupon: { state: string; releaseReason: string };
      order: { status: string };
    };
    expect(released).toMatchObject({
      coupon: { state: 'released', releaseReason: 'cancelled' },
      order: { status: 'cancelled' },
    });
    const history = await cli('coupon', 'show', code!, '--db', db, '--lang', 'en');
    expect(history.out).toMatch(
      /History:\n {2}\S+ \S+ {2}redeemed by order ord_\w+ \(pending\)\n {2}\S+ \S+ {2}released, order ord_\w+ \(cancelled\)\n$/,
    );
    const list = await cli('coupon', 'list', '--state', 'released', '--db', db);
    expect(list.out).toMatch(new RegExp(`${code}.*dùng lại được`));

    const missing = await cli('coupon', 'show', 'NOPE-2222', '--db', db, '--lang', 'en');
    expect(missing.code).toBe(4);
    expect(missing.err).toContain('no coupon with the code NOPE-2222');
  });
});
