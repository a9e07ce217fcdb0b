/** `nurture products …` through the CLI, and what a setting comes to (src/domain/catalogue.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveSettings } from '../../src/domain/catalogue.js';
import { cli } from '../support/cli.js';
import { PRODUCTS_FILE, writeOrdersFile } from './shop-files.js';

describe('effective consumable flag and reorder cycle', () => {
  const file = { consumable: false, reorderCycleDays: undefined, fromCatalogue: true };
  it('takes the product over the category over the file', () => {
    expect(effectiveSettings(file, undefined, undefined)).toEqual({
      consumable: false,
      consumableFrom: 'catalogue',
      reorderCycleFrom: 'none',
    });
    expect(
      effectiveSettings({ ...file, consumable: true, reorderCycleDays: 30 }, undefined, {
        consumable: null,
        reorderCycleDays: 15,
      }),
    ).toEqual({
      consumable: true,
      reorderCycleDays: 15,
      consumableFrom: 'category',
      reorderCycleFrom: 'category',
    });
    expect(
      effectiveSettings(
        file,
        { consumable: null, reorderCycleDays: 7 },
        { consumable: true, reorderCycleDays: 15 },
      ),
    ).toEqual({
      consumable: true,
      reorderCycleDays: 7,
      consumableFrom: 'product',
      reorderCycleFrom: 'product',
    });
    // "Not a consumable" for the product wins over its category's cycle.
    expect(
      effectiveSettings(
        file,
        { consumable: false, reorderCycleDays: null },
        { consumable: true, reorderCycleDays: 15 },
      ),
    ).toEqual({ consumable: false, consumableFrom: 'product', reorderCycleFrom: 'none' });
    // A SKU met only on an order line says nothing of its own.
    expect(effectiveSettings({ ...file, fromCatalogue: false }, undefined, undefined)).toMatchObject({
      consumableFrom: 'none',
    });
  });
});

describe('nurture products', () => {
  it('lists, shows, sets per category and per product, in Vietnamese and English', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-products-cli-'));
    const db = join(dir, 'shop.duckdb');
    const missing = await cli('products', 'list', '--db', db);
    expect(missing.code).toBe(4);
    expect((await cli('import', 'shopify-products', PRODUCTS_FILE, '--db', db)).code).toBe(0);
    expect((await cli('import', 'shopify-orders', writeOrdersFile(dir, Date.now()), '--db', db)).code).toBe(
      0,
    );

    const list = await cli('products', 'list', '--db', db);
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^SKU\s+Sản phẩm\s+Danh mục\s+Giá\s+Tiêu hao\s+Chu kỳ mua lại$/);
    expect(list.out).toMatch(/PRN-A6\s+Máy in nhiệt A6 in đơn TMĐT\s+printer\s+2\.390\.000 ₫\s+không/);
    expect(list.out).toMatch(/AD-DO-M\s+Áo dài lụa tơ tằm \(Đỏ \/ M\)/);

    const set = await cli(
      'products',
      'set',
      '--category',
      'paper',
      '--reorder-cycle-days',
      '15',
      '--db',
      db,
      '--lang',
      'en',
    );
    expect(set.err).toBe('');
    expect(set.out).toMatch(/^category paper: consumable: yes, reorder cycle: 15 days \(2 products\)\n/);
    const one = await cli('products', 'set', 'PAP-A6-500', '--reorder-cycle-days', '7', '--db', db);
    expect(one.out).toMatch(/^SKU PAP-A6-500: tiêu hao: có, chu kỳ mua lại: 7 ngày \(1 sản phẩm\)\n/);

    const show = await cli('products', 'show', 'PAP-A6-500', '--db', db, '--lang', 'en');
    expect(show.out).toMatch(/Consumable\s+yes \(set for the product\)/);
    expect(show.out).toMatch(/Reorder cycle\s+7 days \(set for the product\)/);
    expect(show.out).toMatch(/Ordered\s+2 orders, 2 units, 2 customers/);
    const consumables = await cli('products', 'list', '--consumable', '--json', '--db', db);
    expect(
      (JSON.parse(consumables.out) as { products: { sku: string; reorderCycleDays: number }[] }).products.map(
        (p) => [p.sku, p.reorderCycleDays],
      ),
    ).toEqual([
      ['PAP-A6-500', 7],
      ['PAP-A7-1000', 15],
    ]);
    const categories = await cli('products', 'categories', '--db', db, '--lang', 'en');
    expect(categories.out).toMatch(/paper\s+2\s+yes\s+15 days/);

    const unknown = await cli('products', 'set', 'NOPE', '--consumable', '--db', db);
    expect(unknown.code).toBe(4);
    expect(unknown.err).toContain('no product with SKU NOPE');
    const clash = await cli(
      'products',
      'set',
      'PAP-A6-500',
      '--no-consumable',
      '--reorder-cycle-days',
      '3',
      '--db',
      db,
    );
    expect(clash.code).toBe(2);
    expect(clash.err).toContain(
      '--reorder-cycle-days: a product that is not a consumable has no reorder cycle',
    );
    const nothing = await cli('products', 'set', 'PAP-A6-500', '--db', db);
    expect(nothing.code).toBe(2);
    const cycle = await cli('products', 'set', 'PAP-A6-500', '--reorder-cycle-days', 'soon', '--db', db);
    expect(cycle.code).toBe(2);
    expect(cycle.err).toContain('--reorder-cycle-days: a whole number of days');
  }, 60_000);
});
