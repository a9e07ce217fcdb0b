/** products-csv through the built-in shopee mapping and a file of one's own, and marketing-costs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from '../ingest/read-all.js';
import { CATALOGUE_FIXTURES } from './shop-files.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-catalogue-formats-'));

describe('products-csv', () => {
  it('reads a Shopee export through the built-in mapping, one product per product id', async () => {
    const all = await readAll('products-csv', `${CATALOGUE_FIXTURES}shopee-products.csv`, {
      mappingFile: 'shopee',
    });
    expect(all.rejects).toEqual([]);
    expect(all.productGroups.map((g) => [g.line, g.value.map((p) => p.sku)])).toEqual([
      [2, ['PAP-A6-500', 'PAP-A7-1000']],
      [4, ['PRN-A6']],
    ]);
    expect(all.productGroups.flatMap((g) => g.value)).toMatchObject([
      {
        productKey: '2301',
        title: 'Giấy in nhiệt tự dính',
        variantTitle: 'A6 100x150 (500 tờ)',
        category: 'Văn phòng phẩm',
        price: '89000',
        inventoryQty: 120,
      },
      { productKey: '2301', variantTitle: 'A7 75x100 (1000 tờ)', price: '119000' },
      // Without a variation, the product's own SKU names it.
      { productKey: '2302', title: 'Máy in nhiệt A6', category: 'Thiết bị văn phòng', price: '2390000' },
    ]);
  });

  it('reads a spreadsheet through a mapping file: one row per SKU, consumables and cycles, option columns joined', async () => {
    const file = join(dir, 'sheet.csv');
    writeFileSync(
      file,
      'Mã,Tên,Nhóm,Màu,Cỡ,Giá bán,Tiêu hao,Chu kỳ (ngày),Tồn\nCF-1,Cà phê Robusta,coffee,,500g,"165.000",có,30,1.000\nAO-1,Áo thun,shirt,Trắng,M,150000,không,,"12,0"\nAO-2,Áo thun,shirt,Đen,,150000,,abc,\n,Không mã,x,,,1,,,\n',
    );
    const mapping = join(dir, 'sheet.yaml');
    writeFileSync(
      mapping,
      [
        'name: my sheet',
        'columns:',
        '  Mã: variant.sku',
        '  Tên: product.title',
        '  Nhóm: product.category',
        '  Màu: variant.option',
        '  Cỡ: variant.option',
        '  Giá bán: variant.price',
        '  Tiêu hao: product.consumable',
        '  Chu kỳ (ngày): product.reorderCycleDays',
        '  Tồn: variant.inventory',
      ].join('\n'),
    );
    const all = await readAll('products-csv', file, { mappingFile: mapping });
    expect(all.productGroups.flatMap((g) => g.value)).toMatchObject([
      {
        sku: 'CF-1',
        title: 'Cà phê Robusta',
        category: 'coffee',
        consumable: true,
        reorderCycleDays: 30,
        variantTitle: '500g',
        price: '165000',
        // A Vietnamese spreadsheet groups thousands with a dot.
        inventoryQty: 1000,
      },
      { sku: 'AO-1', consumable: false, variantTitle: 'Trắng / M', price: '150000', inventoryQty: 12 },
    ]);
    expect([...all.rejects].sort((a, b) => a.line - b.line)).toEqual([
      { line: 4, column: 'Chu kỳ (ngày)', reason: 'not a reorder cycle in days (1–3650): "abc"' },
      { line: 5, column: 'Mã', reason: 'missing SKU' },
    ]);
  });

  it('refuses a mapping without the SKU and the title, and a file without their columns', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ columns: { Name: 'product.title' } }));
    await expect(
      readAll('products-csv', `${CATALOGUE_FIXTURES}shopee-products.csv`, { mappingFile: bad }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('columns: no column maps to variant.sku'),
    });
    const file = join(dir, 'other.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    await expect(readAll('products-csv', file, { mappingFile: 'haravan' })).rejects.toMatchObject({
      code: 'invalid_file',
      message: expect.stringContaining(
        'the file does not fit the mapping "Haravan products export": no column for variant.sku',
      ),
    });
  });
});

describe('marketing-costs', () => {
  it('reads channel, month and amount in their Vietnamese or English names and forms', async () => {
    const all = await readAll('marketing-costs', `${CATALOGUE_FIXTURES}marketing-costs.csv`);
    expect(all.rejects).toEqual([]);
    expect(all.marketingCosts.map((c) => c.value)).toEqual([
      { channel: 'facebook', month: '2026-09', amount: '3500000' },
      { channel: 'zalo', month: '2026-09', amount: '1200000' },
      { channel: 'facebook', month: '2026-10', amount: '4100000' },
    ]);
  });

  it('rejects a bad month, amount or a repeated channel and month, naming line and column', async () => {
    const file = join(dir, 'costs.csv');
    writeFileSync(
      file,
      'channel,month,amount\ngoogle,2026-13,1\ngoogle,2026-10,-5\ntiktok,2026-10,100\ntiktok,10/2026,200\n,2026-10,1\n',
    );
    const all = await readAll('marketing-costs', file);
    expect(all.marketingCosts.map((c) => c.value.channel)).toEqual(['tiktok']);
    expect(all.rejects).toEqual([
      {
        line: 2,
        column: 'month',
        reason: 'not a month: "2026-13" (expected YYYY-MM, e.g. 2026-10, or MM/YYYY)',
      },
      { line: 3, column: 'amount', reason: 'negative amount: "-5"' },
      { line: 5, column: 'month', reason: 'tiktok 2026-10 is already on line 4' },
      { line: 6, column: 'channel', reason: 'channel is empty' },
    ]);
  });
});
