import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../src/app/analyze.js';
import { manualClock } from '../../src/app/clock.js';
import { makeContext } from '../../src/app/context.js';
import { exportSegment, segmentHistory, showSegment } from '../../src/app/segments.js';
import { parseCsvText } from '../../src/ingest/csv.js';
import { customer, importBatches, order, phone, SHOP, vn } from '../analytics/fixtures.js';
import { cli } from '../support/cli.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

/**
 * Issue 13, 5f: customer outputs carried only `cus_…` ids. The customers CSV of analyze, segment
 * show and history (and members and the csv/json exports, which had them) name the customer: name,
 * phone and e-mail, written so that a spreadsheet cannot run them (CSV injection, as the exports).
 */

const NOW = vn('2026-04-01', '12:00');
const HOSTILE = '=HYPERLINK("http://evil.example","x")';

const BATCH = {
  customers: [
    customer(phone(1), { firstName: 'Thị Hồng', lastName: 'Nguyễn', email: 'hong@example.vn' }),
    customer(phone(2), { firstName: HOSTILE, email: '@cmd@example.vn' }),
    customer(phone(3), {}),
  ],
  orders: [
    order({ id: 'o1', phone: phone(1), at: vn('2026-03-20'), total: 500_000 }),
    order({ id: 'o2', phone: phone(2), at: vn('2025-01-10'), total: 90_000 }),
  ],
};

/** The CSV's rows as objects by header. */
function csvRows(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsvText(text).records.map((r) => r.fields);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `customer outputs name the customer on ${engine.title}${skipNote(engine.skipped)}`,
    () => {
      it('the customers CSV, segment show and history carry name, phone and e-mail, spreadsheet-safe', async () => {
        const store = await engine.open(new TestClock(NOW.getTime()));
        const ctx = makeContext(store, { clock: manualClock(NOW) });
        try {
          await importBatches(store, [BATCH]);
          const out = join(mkdtempSync(join(tmpdir(), 'nurture-cust-')), 'customers.csv');
          await runAnalysis({ kind: 'store', ctx }, { shopId: SHOP, lang: 'vi', customersOutPath: out });
          const rows = csvRows(readFileSync(out, 'utf8'));
          const byPhone = new Map(rows.map((r) => [r['phone'], r]));
          expect(Object.keys(rows[0]!).slice(0, 4)).toEqual(['customer_id', 'name', 'phone', 'email']);
          expect(byPhone.get(phone(1))).toMatchObject({ name: 'Nguyễn Thị Hồng', email: 'hong@example.vn' });
          expect(byPhone.get(phone(2))).toMatchObject({ name: `'${HOSTILE}`, email: "'@cmd@example.vn" });
          expect(byPhone.get(phone(3))).toMatchObject({ name: '', email: '' });
          expect(rows.every((r) => /^cus_/.test(r['customer_id'] ?? ''))).toBe(true);

          const shown = await showSegment(ctx, { shopId: SHOP, name: 'lifecycle:churned' });
          expect(shown.recentChanges).toEqual([
            expect.objectContaining({
              name: HOSTILE,
              phone: phone(2),
              email: '@cmd@example.vn',
              exitedAt: null,
            }),
          ]);
          const history = await segmentHistory(ctx, {
            shopId: SHOP,
            name: `lifecycle:${byPhone.get(phone(1))?.['lifecycle']}`,
          });
          expect(history).toEqual([
            expect.objectContaining({ name: 'Nguyễn Thị Hồng', phone: phone(1), email: 'hong@example.vn' }),
          ]);

          // The exports had them already; they stay spreadsheet-safe.
          const exported = await exportSegment(ctx, {
            shopId: SHOP,
            name: 'lifecycle:churned',
            format: 'csv',
            includeWithoutConsent: true,
          });
          expect(csvRows(exported.text)).toEqual([
            expect.objectContaining({
              first_name: `'${HOSTILE}`,
              phone: phone(2),
              email: "'@cmd@example.vn",
            }),
          ]);
        } finally {
          await store.close();
        }
      });
    },
  );
}

describe('the CLI shows who the customers are', () => {
  it('segment history and show print name, phone and e-mail beside the id', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'nurture-cust-cli-')), 'shop.duckdb');
    const dir = join(db, '..');
    const csv = join(dir, 'customers.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      csv,
      'Customer ID,First Name,Last Name,Email,Phone,Total Orders\n1,Thị Hồng,Nguyễn,hong@example.vn,0912345678,0\n',
    );
    expect((await cli('import', 'shopify-customers', csv, '--db', db)).code).toBe(0);
    expect((await cli('analyze', '--db', db)).code).toBe(0);
    for (const args of [
      ['segment', 'history', 'lifecycle:prospect'],
      ['segment', 'show', 'lifecycle:prospect'],
    ]) {
      const r = await cli(...args, '--db', db, '--lang', 'en');
      expect(r.code, r.err).toBe(0);
      const header = r.out.split('\n').find((l) => l.startsWith('customer '));
      expect(header).toMatch(
        /^customer\s+name\s+phone\s+email\s+entered \(Asia\/Ho_Chi_Minh\)\s+left \(Asia\/Ho_Chi_Minh\)/,
      );
      expect(r.out).toMatch(/cus_\w+\s+Nguyễn Thị Hồng\s+\+84912345678\s+hong@example\.vn\s+\d{4}-/);
    }
    const json = await cli('segment', 'history', 'lifecycle:prospect', '--db', db, '--json');
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ name: 'Nguyễn Thị Hồng', phone: '+84912345678', email: 'hong@example.vn' }),
    ]);
  });
});
