/**
 * Shopify's products export: variants (one entry per SKU), image-only rows, a variant without a
 * SKU, Vietnamese text and HTML descriptions with quotes (test/fixtures/catalogue).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from '../ingest/read-all.js';

import { CATALOGUE_FIXTURES } from './shop-files.js';

describe('shopify-products reader', () => {
  it('reads every variant with a SKU, with its product fields, and skips image-only rows', async () => {
    const all = await readAll('shopify-products', `${CATALOGUE_FIXTURES}shopify-products.csv`);
    expect(all.rejects).toEqual([]);
    expect(all.rowsRead).toBe(9);
    expect(all.skippedVariants).toBe(1); // giấy K80 has no SKU
    expect(all.productGroups.map((g) => g.line)).toEqual([2, 4, 8]);
    const products = all.productGroups.flatMap((g) => g.value);
    expect(products.map((p) => p.sku)).toEqual([
      'PRN-A6',
      'PAP-A6-500',
      'PAP-A7-1000',
      'AD-DO-S',
      'AD-DO-M',
      'AD-XN-M',
    ]);
    const [printer, a6, a7, red, redM, green] = products;
    expect(printer).toEqual({
      sku: 'PRN-A6',
      title: 'Máy in nhiệt A6 in đơn TMĐT',
      productKey: 'may-in-nhiet-a6',
      category: 'printer',
      productType: 'printer',
      taxonomy: 'Electronics > Print & Copy > Printers',
      vendor: 'Xprinter',
      tags: ['máy in', 'văn phòng'],
      status: 'active',
      published: true,
      consumable: false,
      price: '2390000',
      inventoryQty: 14,
      imageUrl: 'https://cdn.shopify.com/s/files/1/may-in-a6.jpg',
    });
    // "Default Title" is Shopify's option value of a product without options: no variant title.
    expect(printer?.variantTitle).toBeUndefined();
    // Later variant rows take the product's fields from its first row.
    expect(a6).toMatchObject({
      title: 'Giấy in nhiệt tự dính',
      category: 'paper',
      variantTitle: 'A6 100x150 (500 tờ)',
      price: '89000',
    });
    expect(a7).toMatchObject({
      productKey: 'giay-in-nhiet',
      category: 'paper',
      vendor: 'Tân Hưng Phát',
      variantTitle: 'A7 75x100 (1000 tờ)',
      price: '119000',
      imageUrl: 'https://cdn.shopify.com/s/files/1/giay-a7.jpg',
    });
    // No Type: the leaf of Shopify's Product Category is the category.
    expect(red).toMatchObject({
      category: 'Traditional & Ceremonial Clothing',
      variantTitle: 'Đỏ / S',
      status: 'draft',
      published: false,
      price: '1250000',
    });
    expect(redM).toMatchObject({
      variantTitle: 'Đỏ / M',
      inventoryQty: -1,
      imageUrl: 'https://cdn.shopify.com/s/files/1/ao-dai-do.jpg',
    });
    expect(green).toMatchObject({ variantTitle: 'Xanh ngọc / M', price: '1350000' });
  });

  it('reads the 2025 headers and the nurture metafields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-products-'));
    const path = join(dir, 'products.csv');
    writeFileSync(
      path,
      [
        'Title,URL handle,Description,Vendor,Product category,Type,Tags,Published on online store,Status,SKU,Option1 name,Option1 value,Price,Inventory quantity,Product image URL,Consumable (product.metafields.nurture.consumable),Reorder cycle (variant.metafields.nurture.reorder_cycle_days)',
        'Cà phê Robusta,ca-phe-robusta,,Đắk Hà,Food > Coffee,coffee,,TRUE,Active,CF-R-250,Gói,250g,85000,40,https://x/cf.jpg,TRUE,15',
        ',ca-phe-robusta,,,,,,,,CF-R-500,,500g,155000,20,,,30',
        'Phin nhôm,phin-nhom,,Đắk Hà,,,,TRUE,active,CF-PHIN,,,45000,3,,,',
      ].join('\n'),
    );
    const all = await readAll('shopify-products', path);
    expect(all.rejects).toEqual([]);
    const products = all.productGroups.flatMap((g) => g.value);
    expect(products).toMatchObject([
      {
        sku: 'CF-R-250',
        title: 'Cà phê Robusta',
        consumable: true,
        reorderCycleDays: 15,
        variantTitle: '250g',
        category: 'coffee',
      },
      { sku: 'CF-R-500', consumable: true, reorderCycleDays: 30, variantTitle: '500g', price: '155000' },
      { sku: 'CF-PHIN', consumable: false, status: 'active' },
    ]);
    expect(products[2]?.category).toBeUndefined();
  });

  it('rejects a whole product for a bad cell, a repeated SKU, a product split apart, naming line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-products-'));
    const path = join(dir, 'bad.csv');
    writeFileSync(
      path,
      [
        'Handle,Title,Type,Variant SKU,Variant Price,Option1 Value,Status',
        'a,Áo,shirt,A-1,100000,S,active',
        'a,,,A-2,abc,M,',
        'b,Bút,pen,A-1,5000,,active',
        'c,,pen,C-1,5000,,active',
        'd,Dép,shoe,D-1,5000,,sold',
        'e,Ếch,toy,E-1,5000,,active',
        'f,Fan,fan,F-1,5000,,active',
        'e,,,E-2,5000,x,',
      ].join('\n'),
    );
    const all = await readAll('shopify-products', path);
    // A product whose rows come apart keeps its first run; the later rows are rejected.
    expect(all.productGroups.flatMap((g) => g.value.map((p) => p.sku))).toEqual(['E-1', 'F-1']);
    expect(all.rejects).toEqual([
      { line: 2, column: 'Handle', reason: 'product a is rejected because of line 3' },
      { line: 3, column: 'Variant Price', reason: 'not an amount: "abc"' },
      { line: 4, column: 'Variant SKU', reason: 'SKU "A-1" is already on line 2: one SKU names one variant' },
      { line: 5, column: 'Title', reason: 'the product has no Title on its first row' },
      {
        line: 6,
        column: 'Status',
        reason: 'unknown product status "sold" (expected active, draft, archived, unlisted)',
      },
      {
        line: 9,
        column: 'Handle',
        reason:
          'product e already appeared at line 7; the rows of one product must be next to each other (sort the file by Handle)',
      },
    ]);
  });

  it('refuses a file without the Handle, Title or SKU columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-products-'));
    const path = join(dir, 'cols.csv');
    writeFileSync(path, 'Name,Price\nx,1\n');
    await expect(readAll('shopify-products', path)).rejects.toMatchObject({
      code: 'invalid_file',
      message: expect.stringContaining('missing columns "Handle", "Title", "Variant SKU"'),
    });
  });
});
