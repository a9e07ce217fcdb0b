import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../../src/domain/analytics/types.js';
import { parseCsvText } from '../../src/ingest/csv.js';
import { CUSTOMER_CSV_COLUMNS } from '../../src/report/customers-csv.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-analyze-'));
const db = join(dir, 'shop.duckdb');
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

beforeAll(async () => {
  const gen = await cli(
    'generate',
    '--customers',
    '300',
    '--seed',
    '7',
    '--until',
    '2026-10-31',
    '--out',
    join(dir, 'files'),
  );
  expect(gen.code, gen.err).toBe(0);
  const demo = await cli('demo', '--db', db, '--customers', '300', '--seed', '7', '--until', '2026-10-31');
  expect(demo.code, demo.err).toBe(0);
}, 120_000);

describe('nurture analyze', () => {
  it('analyses a Shopify orders CSV without a store, and the same orders in a store identically', async () => {
    const csvOut = join(dir, 'customers.csv');
    const file = await cli(
      'analyze',
      join(dir, 'files', 'orders.csv'),
      '--as-of',
      '2026-10-31',
      '--json',
      '--customers-out',
      csvOut,
    );
    expect(file.code, file.err).toBe(0);
    const fromFile = JSON.parse(file.out) as AnalysisReport;

    const storeDb = join(dir, 'orders-only.duckdb');
    expect(
      (await cli('import', 'shopify-orders', join(dir, 'files', 'orders.csv'), '--db', storeDb)).code,
    ).toBe(0);
    const stored = await cli('analyze', '--db', storeDb, '--as-of', '2026-10-31', '--json');
    expect(stored.code, stored.err).toBe(0);
    const fromStore = JSON.parse(stored.out) as AnalysisReport;

    expect(fromFile.kpis).toEqual(fromStore.kpis);
    expect(fromFile.kpis.orders).toBeGreaterThan(100);
    expect(fromFile.kpis.aov).toBeCloseTo(fromFile.kpis.revenue / fromFile.kpis.orders, 6);
    for (const key of [
      'revenue',
      'orders',
      'customers',
      'aov',
      'repeatRate',
      'returningRevenueShare',
    ] as const)
      expect(typeof fromFile.kpis[key]).toBe('number');

    const lines = readFileSync(csvOut, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(CUSTOMER_CSV_COLUMNS.join(','));
    // --as-of 2026-10-31 includes that whole day: its buyers have recency 0, nobody is negative.
    const vnDay = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);
    const rows = parseCsvText(readFileSync(csvOut, 'utf8'))
      .records.slice(1)
      .map((r) => r.fields);
    const column = (name: string) =>
      CUSTOMER_CSV_COLUMNS.indexOf(name as (typeof CUSTOMER_CSV_COLUMNS)[number]);
    const lastOrderOf = (r: string[]) => r[column('last_order_at')] ?? '';
    const recencyOf = (r: string[]) => Number(r[column('recency_days')]);
    const lastDayBuyers = rows.filter((r) => lastOrderOf(r) && vnDay(lastOrderOf(r)) === '2026-10-31');
    expect(lastDayBuyers.length).toBeGreaterThan(0);
    expect(lastDayBuyers.every((r) => recencyOf(r) === 0)).toBe(true);
    expect(rows.filter((r) => lastOrderOf(r)).every((r) => recencyOf(r) >= 0)).toBe(true);
    // Who each customer is, beside the id (issue 13, 5f).
    expect(rows.filter((r) => r[column('name')] && r[column('phone')]).length).toBeGreaterThan(
      rows.length / 2,
    );
    expect(lines.length - 1).toBe(
      fromFile.lifecycle.groups.filter((g) => g.id !== 'referred').reduce((n, g) => n + g.customers, 0),
    );
  });

  it('prints the KPI table, the groups with their actions and the best customers in Vietnamese and English', async () => {
    const vi = await cli('analyze', '--db', db, '--as-of', '2026-10-31');
    expect(vi.code, vi.err).toBe(0);
    expect(vi.out).toContain('Doanh thu');
    expect(vi.out).toContain('Khách hàng trung thành');
    expect(vi.out).toContain('Khách hàng tốt nhất — Theo số đơn');
    expect(vi.out).toMatch(/\d{1,3}(\.\d{3})+ ₫/);
    const en = await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--lang', 'en');
    expect(en.out).toContain('Repeat purchase rate');
    expect(en.out).toContain('Win back');
  });

  it("brings a store's segments up to date with the new scores, also without --segments", async () => {
    // A past date is a report only (issue 13, 5a): it refreshes nothing.
    const past = await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--json');
    expect(past.code, past.err).toBe(0);
    expect(past.err).not.toMatch(/^phân khúc: /m);
    const r = await cli('analyze', '--db', db, '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^phân khúc: làm mới 26, \d+ khách vào, \d+ khách ra$/m);
    const report = JSON.parse(r.out) as AnalysisReport;
    const list = await cli('segment', 'list', '--db', db, '--json');
    expect(list.code, list.err).toBe(0);
    const members = new Map(
      (JSON.parse(list.out) as { name: string; members: number; refreshedAt: string }[]).map((s) => [
        s.name,
        s,
      ]),
    );
    for (const group of report.lifecycle.groups.filter((g) => g.id !== 'referred')) {
      expect(members.get(`lifecycle:${group.id}`)?.members, group.id).toBe(group.customers);
      expect(members.get(`lifecycle:${group.id}`)?.refreshedAt).toBe(report.asOf);
    }
  });

  it('adds every segment with the key figures of its members (--segments), agreeing with the groups', async () => {
    const created = await cli(
      'segment',
      'create',
      'Mua lại 2+',
      '--query',
      'number_of_orders >= 2',
      '--db',
      db,
    );
    expect(created.code, created.err).toBe(0);
    const r = await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--segments', '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as AnalysisReport;
    const segments = new Map((report.segments ?? []).map((s) => [s.segment, s]));
    expect(report.segments?.[0]?.segment).toBe('Mua lại 2+');
    // The built-ins were refreshed as of the analysis: each matches the group it spells out.
    for (const group of report.lifecycle.groups.filter((g) => g.id !== 'referred')) {
      const segment = segments.get(`lifecycle:${group.id}`);
      expect(segment?.members, group.id).toBe(group.customers);
      expect(segment?.kpis.revenue, group.id).toBe(group.revenue);
    }
    const repeat = segments.get('Mua lại 2+');
    expect(repeat?.members).toBeGreaterThan(0);
    expect(repeat?.kpis.repeatRate).toBeGreaterThan(report.kpis.repeatRate ?? 1);
    const text = await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--segments', '--lang', 'en');
    expect(text.out).toContain('== Key figures by segment');
    expect(text.out).toMatch(/\nMua lại 2\+\s+\d/);
    expect((await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--json')).out).not.toContain(
      '"segments"',
    );
  });

  it('refuses a bad --as-of with a clear message and exit code 2', async () => {
    const r = await cli('analyze', '--db', db, '--as-of', '31/31/2026');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--as-of');
  });

  it('refuses a database that is not there instead of creating an empty one', async () => {
    const typo = join(dir, 'shpo.duckdb');
    for (const args of [['analyze'], ['segment', 'list'], ['predict']]) {
      const r = await cli(...args, '--db', typo);
      expect(r.err).toBe(
        `nurture: Không tìm thấy: không có cơ sở dữ liệu tại ${typo}: hãy nhập một tệp hoặc chạy \`nurture demo\` trước, hoặc chỉ ra cơ sở dữ liệu bằng --db\n`,
      );
      expect(r.code).toBe(4);
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('refuses bad options and unwritable outputs with the option or path named, exit code 2', async () => {
    const orders = join(dir, 'files', 'orders.csv');
    const refused = async (args: string[], message: RegExp) => {
      const r = await cli('analyze', ...args);
      expect(r.err).toMatch(message);
      expect(r.err).not.toContain('unexpected error');
      expect(r.code).toBe(2);
    };
    await refused(['--db', db, '--lang', 'fr'], /^nurture: Dữ liệu không hợp lệ: --lang: .*"vi"\|"en"/);
    await refused([orders, '--format', 'xlsx'], /^nurture: Dữ liệu không hợp lệ: --format: /);
    await refused(
      [orders, '--format', 'shopify-orders', '--mapping', 'haravan'],
      /--mapping is for --format orders-csv/,
    );
    await refused(['--db', db, '--mapping', 'haravan'], /describe an orders FILE/);
    await refused(
      [orders, '--html', join(dir, 'no-such-dir', 'report.html')],
      /^nurture: Dữ liệu không hợp lệ: không mở được .*no-such-dir.*report\.html: không có tệp hoặc thư mục này/,
    );
    await refused([orders, '--customers-out', dir], /không mở được .*: đây là một thư mục/);
    // A mapping alone reads the file as orders-csv: a Shopify export fails Haravan's date format.
    const asHaravan = await cli('analyze', orders, '--mapping', 'haravan');
    expect(asHaravan.code).toBe(3);
    expect(asHaravan.err).toMatch(/expected dd\/MM\/yyyy/);
  });

  describe.skipIf(browserSkipped)(
    `HTML report in Chromium${browserSkipped ? ` — ${browserSkipped}` : ''}`,
    () => {
      it('opens offline, renders every chart without console errors, and is saved as a screenshot', {
        timeout: 180_000,
      }, async () => {
        const html = join(dir, 'report.html');
        const r = await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--html', html, '--segments');
        expect(r.code, r.err).toBe(0);
        const source = readFileSync(html, 'utf8');
        expect(source).not.toMatch(/<script[^>]+src=/);
        expect(source).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);

        const browser = await launchChromium();
        try {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          const problems: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error') problems.push(m.text());
          });
          page.on('pageerror', (e) => problems.push(e.message));
          // Offline: any network request is a defect of a self-contained report.
          await page.route('**/*', (route) =>
            route.request().url().startsWith('file:') ? route.continue() : route.abort(),
          );
          await page.goto(`file://${html}`);
          const charts = await page.locator('.chart').count();
          expect(charts).toBe(6);
          await page.waitForFunction(
            `[...document.querySelectorAll('.chart')].filter((el) => el.dataset.rendered === '1' && el.querySelector('canvas')).length === ${charts}`,
            undefined,
            { timeout: 90_000 },
          );
          expect(await page.locator('[data-kpi="revenue"] .v').textContent()).toMatch(/₫$/);
          // --segments: a row per segment, the built-ins included.
          expect(await page.locator('#segments tbody tr').count()).toBeGreaterThanOrEqual(26);
          // Built-ins by their group's name (issue 13, 5g), not by their id.
          expect(await page.locator('#segments td', { hasText: 'lifecycle:loyal' }).count()).toBe(0);
          expect(
            await page.locator('#segments td', { hasText: /^Vòng đời · Khách hàng trung thành$/ }).count(),
          ).toBe(1);
          expect(problems).toEqual([]);
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, 'analyze-report.png'), fullPage: true });
          writeFileSync(join(ARTIFACTS, 'analyze-report.html'), source);
        } finally {
          await browser.close();
        }
      });
    },
  );
});
