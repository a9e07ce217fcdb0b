/**
 * The README's printer → paper example, end to end through the CLI, on the demo shop and on an
 * imported Shopify shop (its products export and its orders export, in either order): buyers of a
 * printer in the last 30 days who bought no paper in that time.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/domain/analytics/calendar.js';
import { startOfDay } from '../../src/domain/segments/resolve.js';
import { generateShop } from '../../src/ingest/demo/generate.js';
import { DEMO_UNTIL } from '../../src/ingest/demo/params.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { PRINTER_NO_PAPER, PRINTER_NO_PAPER_EMAILS, PRODUCTS_FILE, writeOrdersFile } from './shop-files.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-printer-paper-'));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const jsonOf = <T>(text: string): T => JSON.parse(text) as T;

/** The external ids (Shopify customer ids, e-mails) of a segment's members, through the store. */
async function membersOf(db: string, name: string, asOf: string[]): Promise<string[]> {
  const r = await cli('segment', 'members', name, '--db', db, '--limit', '10000', '--json', ...asOf);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const ids = jsonOf<{ members: { customerId: string }[] }>(r.out).members.map((m) => m.customerId);
  const store = await openStore({ db });
  try {
    const rows = await store.engine.all<{ customer_id: string; kind: string; value: string }>(
      `SELECT customer_id, kind, value FROM customer_identities WHERE kind IN ('external:shopify', 'email')`,
    );
    const key = (id: string, kind: string) =>
      rows.find((r) => r.customer_id === id && r.kind === kind)?.value;
    return ids.map((id) => key(id, 'external:shopify') ?? key(id, 'email') ?? id).sort();
  } finally {
    await store.close();
  }
}

describe('the README printer → paper segment (CLI)', () => {
  it('finds the printer buyers without paper on the demo shop', async () => {
    const db = join(dir, 'demo.duckdb');
    const demo = await cli('demo', '--db', db, '--customers', '1000');
    expect(demo.code).toBe(0);
    expect(demo.out).toMatch(
      /đã nhập shopify-products products\.csv: đọc \d+ dòng, 40 sản phẩm \(SKU\), 0 dòng bị loại/,
    );
    expect(demo.out).toMatch(
      /đã nhập marketing-costs marketing_costs\.csv: đọc \d+ dòng, \d+ chi phí theo tháng, 0 dòng bị loại/,
    );
    // The demo's history ends on 31 October 2026: ask as of that day.
    const asOf = ['--as-of', '2026-10-31'];
    const created = await cli(
      'segment',
      'create',
      'printer-paper',
      '--query',
      PRINTER_NO_PAPER,
      '--db',
      db,
      ...asOf,
    );
    expect(created.code).toBe(0);

    // The same customers, from the generated shop itself: its products' types and the stored
    // orders' statuses (paid or delivered, not fully refunded).
    const shop = generateShop({ customers: 1000, seed: 42 });
    const until = new Date(DEMO_UNTIL);
    const from = startOfDay(
      addDays(localDay(new Date(until.getTime() - 1), 'Asia/Ho_Chi_Minh'), -30),
      'Asia/Ho_Chi_Minh',
    );
    const store = await openStore({ db });
    const valid = new Set(
      (
        await store.engine.all<{ external_id: string }>(
          "SELECT external_id FROM orders WHERE status IN ('paid', 'delivered') AND refunded < total",
        )
      ).map((r) => r.external_id),
    );
    await store.close();
    const bought = (type: string) =>
      new Set(
        shop.orders
          .filter((o) => valid.has(o.id) && o.createdAt >= from.getTime() && o.createdAt < until.getTime())
          .filter((o) => o.lines.some((l) => l.product.type === type))
          .map((o) => o.customer.id),
      );
    const paper = bought('paper');
    const expected = [...bought('printer')].filter((id) => !paper.has(id)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await membersOf(db, 'printer-paper', asOf)).toEqual(expected);
    const count = await cli('segment', 'count', '--query', PRINTER_NO_PAPER, '--db', db, '--json', ...asOf);
    expect(jsonOf<{ count: number }>(count.out).count).toBe(expected.length);
  }, 300_000);

  it.each([
    ['the catalogue first', ['products', 'orders']],
    ['the orders first', ['orders', 'products']],
  ] as const)(
    'finds them on an imported Shopify shop, %s',
    async (_what, order) => {
      const db = join(dir, `shopify-${order[0]}.duckdb`);
      const ordersFile = writeOrdersFile(dir, Date.now());
      for (const file of order) {
        const r =
          file === 'products'
            ? await cli('import', 'shopify-products', PRODUCTS_FILE, '--db', db)
            : await cli('import', 'shopify-orders', ordersFile, '--db', db);
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        if (file === 'products')
          expect(r.out).toMatch(
            /^đã nhập shopify-products .*shopify-products\.csv: đọc 9 dòng, 6 sản phẩm \(SKU\), bỏ qua 1 biến thể không có SKU \(dòng đơn hàng ghi theo SKU\), 0 dòng bị loại trong \d+,\d giây\n$/,
          );
      }
      const created = await cli(
        'segment',
        'create',
        'printer-paper',
        '--query',
        PRINTER_NO_PAPER,
        '--db',
        db,
      );
      expect(created.err).toBe('');
      expect(created.code).toBe(0);
      expect(await membersOf(db, 'printer-paper', [])).toEqual(PRINTER_NO_PAPER_EMAILS);
    },
    60_000,
  );
});
