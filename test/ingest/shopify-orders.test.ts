import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderInputSchema } from '../../src/domain/model/index.js';
import { readFormat } from '../../src/ingest/formats/index.js';
import { shopifyOrderStatus } from '../../src/ingest/formats/shopify-orders.js';
import { FIXTURES, readAll, VN } from './read-all.js';

const file = `${FIXTURES}shopify-orders.csv`;

describe('shopify-orders', () => {
  it('reads orders with their line items, statuses and normalised customers', async () => {
    const r = await readAll('shopify-orders', file);
    expect(r.rowsRead).toBe(14);
    expect(r.orders.map((o) => o.value.name)).toEqual(['#1001', '#1002', '#1003', '#1004', '#1010']);
    const o1 = r.orders[0]!;
    expect(o1.line).toBe(2);
    expect(o1.value).toMatchObject({
      source: 'shopify',
      externalId: '5001',
      status: 'delivered',
      financialStatus: 'paid',
      fulfillmentStatus: 'fulfilled',
      paymentMethod: 'bank_transfer',
      currency: 'VND',
      subtotal: '1250000',
      shipping: '30000',
      discount: '100000',
      total: '1180000',
      couponCode: 'TET2024',
      tags: ['vip', 'tết'],
      customer: {
        email: 'hong.nguyen@example.vn',
        phone: '+84912345678',
        firstName: 'Nguyễn Thị Hồng',
        city: 'Hà Nội',
        province: 'Hà Nội',
        country: 'VN',
      },
    });
    expect(o1.value.createdAt.toISOString()).toBe('2024-03-05T07:03:11.000Z');
    expect(o1.value.lines).toEqual([
      { sku: 'AD-01', title: 'Áo dài lụa', category: undefined, quantity: 2, price: '500000' },
      { sku: 'KL-01', title: 'Khăn lụa', category: undefined, quantity: 1, price: '250000' },
    ]);
    const byName = new Map(r.orders.map((o) => [o.value.name, o.value]));
    expect(byName.get('#1002')).toMatchObject({
      status: 'pending',
      paymentMethod: 'cod',
      total: '1250000',
      customer: { phone: '+84903111222', email: undefined },
    });
    expect(byName.get('#1002')!.lines[0]!.price).toBe('1250000');
    expect(byName.get('#1003')).toMatchObject({ status: 'returned', refunded: '200000' });
    expect(byName.get('#1004')).toMatchObject({ status: 'cancelled' });
    expect(byName.get('#1004')!.cancelledAt?.toISOString()).toBe('2024-03-08T05:00:00.000Z');
    for (const o of r.orders) expect(orderInputSchema.safeParse(o.value).success).toBe(true);
  });

  it('rejects each bad row with its line, column and reason', async () => {
    const r = await readAll('shopify-orders', file);
    const rejects = [...r.rejects].sort((a, b) => a.line - b.line);
    expect(rejects).toEqual([
      {
        line: 7,
        column: 'Created at',
        reason: 'bad date "2024-13-45 10:00:00 +0700" (expected like 2024-03-05 14:03:11 +0700)',
      },
      { line: 8, column: 'Name', reason: 'order #1006 is rejected because of line 9' },
      { line: 9, column: 'Lineitem quantity', reason: 'negative quantity: "-1"' },
      { line: 10, column: 'Financial Status', reason: 'unknown financial status "on_the_moon"' },
      { line: 11, column: 'Name', reason: 'missing order id' },
      { line: 12, column: 'Email', reason: 'no customer identity (no valid email or phone on the order)' },
      { line: 13, column: 'Lineitem name', reason: 'text after a closing quote' },
      {
        line: 15,
        column: 'Name',
        reason:
          'order #1001 already appeared at line 2; the rows of one order must be next to each other (sort the file by Name)',
      },
    ]);
    expect(r.orders.length + 1 + rejects.length).toBe(r.rowsRead); // #1001 has two good rows
  });

  it('maps Shopify states onto order statuses', () => {
    expect(shopifyOrderStatus('paid', 'fulfilled', false)).toBe('delivered');
    expect(shopifyOrderStatus('paid', 'partial', false)).toBe('paid');
    expect(shopifyOrderStatus('pending', 'fulfilled', false)).toBe('pending');
    expect(shopifyOrderStatus('refunded', 'fulfilled', false)).toBe('returned');
    expect(shopifyOrderStatus('refunded', 'unfulfilled', false)).toBe('refunded');
    expect(shopifyOrderStatus('partially_refunded', 'fulfilled', false)).toBe('delivered');
    expect(shopifyOrderStatus('voided', 'unfulfilled', false)).toBe('cancelled');
    expect(shopifyOrderStatus('paid', 'restocked', false)).toBe('returned');
    expect(shopifyOrderStatus('paid', 'fulfilled', true)).toBe('cancelled');
    // Cash on delivery that came back: shipped, never paid, then cancelled.
    expect(shopifyOrderStatus('pending', 'fulfilled', true)).toBe('failed_delivery');
    expect(shopifyOrderStatus('pending', 'unfulfilled', true)).toBe('cancelled');
    expect(shopifyOrderStatus('pending', 'unfulfilled', true, ['Giao thất bại'])).toBe('failed_delivery');
  });

  it('never splits an order across batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-orders-'));
    const path = join(dir, 'big.csv');
    const rows = [
      'Name,Email,Financial Status,Fulfillment Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price',
    ];
    for (let o = 1; o <= 3000; o++)
      for (let k = 0; k < 1 + (o % 4); k++)
        rows.push(
          k === 0
            ? `#${o},k${o}@example.vn,paid,fulfilled,${(1 + (o % 4)) * 1000},2024-03-05 14:03:11 +0700,1,Sản phẩm ${k} ${'x'.repeat(400)},1000`
            : `#${o},k${o}@example.vn,,,,,1,Sản phẩm ${k} ${'x'.repeat(400)},1000`,
        );
    writeFileSync(path, `${rows.join('\r\n')}\r\n`);
    const names = new Set<string>();
    let batches = 0;
    for await (const b of readFormat('shopify-orders', path, { ...VN, batchSize: 100 })) {
      batches++;
      for (const o of b.orders) {
        expect(names.has(o.value.name!)).toBe(false);
        names.add(o.value.name!);
        const n = Number(o.value.name!.slice(1));
        expect(o.value.lines).toHaveLength(1 + (n % 4));
      }
      expect(b.rejects).toEqual([]);
    }
    expect(names.size).toBe(3000);
    expect(batches).toBeGreaterThan(3);
  });

  it('names the missing required columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-orders-'));
    const path = join(dir, 'cols.csv');
    writeFileSync(path, 'Name,Email,Total\n#1,a@b.vn,1\n');
    await expect(readAll('shopify-orders', path)).rejects.toThrow(
      /missing columns "Created at", "Financial Status", "Lineitem quantity", "Lineitem name", "Lineitem price"/,
    );
  });

  it('refuses a file that is not UTF-8 and names the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-orders-'));
    const path = join(dir, 'latin1.csv');
    const head =
      'Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price\n';
    const good = '#1,a@b.vn,paid,1,2024-03-05 14:03:11 +0700,1,Ao,1\n';
    // "Nguyễn" in Windows-1258 is not valid UTF-8.
    const bad = Buffer.concat([
      Buffer.from('#2,a@b.vn,paid,1,2024-03-05 14:03:11 +0700,1,Nguy'),
      Buffer.from([0xea, 0xf2, 0x6e]),
      Buffer.from(',1\n'),
    ]);
    writeFileSync(path, Buffer.concat([Buffer.from(head + good), bad]));
    await expect(readAll('shopify-orders', path)).rejects.toMatchObject({
      code: 'invalid_file',
      details: [{ line: 3, reason: expect.stringContaining('invalid UTF-8') }],
    });
  });
  it('refuses a file whose header row cannot be read (a JSON Lines file), naming line 1, not "empty"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-orders-'));
    const path = join(dir, 'events.jsonl');
    const event =
      '{"messageId":"m1","event":"Product Viewed","userId":"u1","properties":{"sku":"A","price":1}}';
    writeFileSync(path, `${event}\n${event.replace('m1', 'm2')}\n`);
    for (const format of ['shopify-orders', 'shopify-customers'] as const)
      await expect(readAll(format, path)).rejects.toMatchObject({
        code: 'invalid_file',
        message: expect.stringMatching(/line 1: the header row cannot be read: .*; is this a CSV file\?$/),
        details: [{ line: 1 }],
      });
    // The first record is the header: a readable second line does not take its place.
    const broken = join(dir, 'broken-header.csv');
    const columns =
      'Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price';
    writeFileSync(broken, `Na"me,Email\n${columns}\n#1,a@b.vn,paid,1,2024-03-05 14:03:11 +0700,1,Ao,1\n`);
    await expect(readAll('shopify-orders', broken)).rejects.toMatchObject({
      code: 'invalid_file',
      details: [{ line: 1 }],
    });
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expect(readAll('shopify-orders', empty)).rejects.toThrow(/the file is empty \(no header row\)/);
  });
});
