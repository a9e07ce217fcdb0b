import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderInputSchema } from '../../src/domain/model/index.js';
import { BUILTIN_MAPPINGS, loadMapping, parseMapping } from '../../src/ingest/formats/mapping.js';
import { FIXTURES, readAll } from './read-all.js';

describe('orders-csv', () => {
  it('reads a Shopee export through the built-in mapping', async () => {
    const r = await readAll('orders-csv', `${FIXTURES}shopee.csv`, { mappingFile: 'shopee' });
    expect(r.rowsRead).toBe(5);
    expect(r.orders.map((o) => [o.line, o.value.externalId, o.value.status])).toEqual([
      [2, '240305ABC', 'delivered'],
      [4, '240306XYZ', 'cancelled'],
    ]);
    const first = r.orders[0]!.value;
    expect(first).toMatchObject({
      source: 'shopee',
      total: '280000',
      shipping: '30000',
      subtotal: '250000',
      paymentMethod: 'cod',
      customer: {
        externalId: 'hong_nguyen88',
        phone: undefined,
        firstName: 'Nguyễn Thị Hồng',
        province: 'Hà Nội',
      },
    });
    expect(first.createdAt.toISOString()).toBe('2024-03-05T07:03:00.000Z');
    expect(first.paidAt?.toISOString()).toBe('2024-03-07T03:00:00.000Z');
    expect(first.lines).toEqual([
      { sku: 'KCN-50', title: 'Kem chống nắng', category: undefined, quantity: 2, price: '125000' },
      { sku: 'SD-01', title: 'Son dưỡng', category: undefined, quantity: 1, price: '0' },
    ]);
    expect(r.orders[1]!.value).toMatchObject({
      paymentMethod: 'wallet',
      customer: { phone: '+84903111222' },
    });
    expect(r.rejects).toEqual([
      {
        line: 5,
        column: 'Trạng Thái Đơn Hàng',
        reason: 'unknown status "Đang bay" (add it to status.values in the mapping)',
      },
      { line: 6, column: 'Ngày đặt hàng', reason: 'bad date "08/03/2024" (expected yyyy-MM-dd HH:mm)' },
    ]);
    for (const o of r.orders) expect(orderInputSchema.safeParse(o.value).success).toBe(true);
  });

  it('reads a hand-kept spreadsheet through a YAML mapping (delimiter, date format, default status)', async () => {
    const r = await readAll('orders-csv', `${FIXTURES}pos.csv`, {
      mappingFile: `${FIXTURES}pos-mapping.yaml`,
    });
    expect(r.orders).toHaveLength(2);
    const [hd1, hd2] = r.orders.map((o) => o.value);
    expect(hd1).toMatchObject({
      source: 'pos',
      externalId: 'HD-1',
      status: 'delivered',
      subtotal: '2545000',
      total: '2545000',
      customer: { phone: '+84912345678', firstName: 'Nguyễn Thị Hồng' },
    });
    expect(hd1!.lines.map((l) => [l.title, l.quantity, l.price])).toEqual([
      ['Cà phê hạt 500g', 2, '1250000'],
      ['Phin nhôm', 1, '45000'],
    ]);
    expect(hd2).toMatchObject({ status: 'pending', total: '1250000' });
    expect(hd2!.createdAt.toISOString()).toBe('2024-03-05T17:00:00.000Z');
    expect(r.rejects).toEqual([
      { line: 5, column: 'Ngày', reason: 'bad date "31/02/2024 10:00" (expected dd/MM/yyyy HH:mm)' },
    ]);
  });

  it('validates every built-in mapping', () => {
    for (const [name, m] of Object.entries(BUILTIN_MAPPINGS))
      expect(() => parseMapping(m, name)).not.toThrow();
  });

  it('explains a bad mapping file by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-map-'));
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({ source: 'ebay', columns: { A: 'order.id', B: 'order.wat' }, status: { values: {} } }),
    );
    await expect(loadMapping(path)).rejects.toMatchObject({
      code: 'invalid_input',
      details: expect.arrayContaining([
        expect.objectContaining({ path: 'source' }),
        expect.objectContaining({ path: 'columns.B' }),
      ]),
    });
    await expect(loadMapping('amazon')).rejects.toThrow(
      /built-in mapping \(haravan, shopee, lazada, tiktok\)/,
    );
  });

  it('says which mapped columns the file lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-map-'));
    const path = join(dir, 'x.csv');
    writeFileSync(path, 'Mã đơn hàng,Người Mua\n1,a\n');
    await expect(readAll('orders-csv', path, { mappingFile: 'shopee' })).rejects.toThrow(
      /no column for order.createdAt \(expected "Ngày đặt hàng"\)/,
    );
  });
});

describe('orders-csv: line amounts without line names', () => {
  const mapping = (columns: Record<string, string>) => ({
    source: 'web',
    columns: {
      Id: 'order.id',
      Date: 'order.createdAt',
      Status: 'order.status',
      Phone: 'customer.phone',
      ...columns,
    },
    status: { values: { paid: 'paid' } },
  });

  it('refuses a mapping with line.price but neither line.title nor line.sku, naming them', () => {
    expect(() => parseMapping(mapping({ Price: 'line.price', Qty: 'line.quantity' }), 'm.json')).toThrow(
      /line\.price, line\.quantity are mapped but neither line\.title nor line\.sku/,
    );
    expect(() => parseMapping(mapping({ Price: 'line.price', Sku: 'line.sku' }), 'm.json')).not.toThrow();
    expect(() => parseMapping(mapping({ Total: 'order.total' }), 'm.json')).not.toThrow();
  });

  it('refuses a file whose lines hold the amounts but lack the name and SKU columns (no silent total 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-map-'));
    const map = join(dir, 'm.json');
    writeFileSync(map, JSON.stringify(mapping({ Price: 'line.price', Name: 'line.title' })));
    const path = join(dir, 'x.csv');
    writeFileSync(path, 'Id,Date,Status,Phone,Price\n1,2026-03-01,paid,0912345678,150000\n');
    await expect(readAll('orders-csv', path, { mappingFile: map })).rejects.toMatchObject({
      code: 'invalid_file',
      message: expect.stringMatching(
        /no column for line\.title or line\.sku \(expected "Name"; not mapped\)/,
      ),
    });
    writeFileSync(path, 'Id,Date,Status,Phone,Price,Name\n1,2026-03-01,paid,0912345678,150000,Giấy A4\n');
    const r = await readAll('orders-csv', path, { mappingFile: map });
    expect(r.orders.map((o) => o.value.total)).toEqual(['150000']);
  });
});
