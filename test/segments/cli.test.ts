import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';

/** `nurture segment …` end to end over the demo shop (300 customers, analysed as of 31 Oct 2026). */
describe('nurture segment (CLI)', () => {
  let dir: string;
  let db: string;
  const AS_OF = ['--as-of', '2026-10-31'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nurture-seg-cli-'));
    db = join(dir, 'shop.duckdb');
    expect((await cli('demo', '--db', db, '--customers', '300', '--until', '2026-10-31')).code).toBe(0);
    expect((await cli('analyze', '--db', db, '--as-of', '2026-10-31', '--json')).code).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const seg = (...args: string[]) => cli('segment', ...args, '--db', db);
  const jsonOf = <T>(out: string): T => JSON.parse(out) as T;

  it('lists the built-in segments of every RFM group, lifecycle stage and value group', async () => {
    const r = await seg('list', '--json');
    expect(r.code).toBe(0);
    const list = jsonOf<{ name: string; builtin: boolean; query: string }[]>(r.out);
    const names = list.filter((s) => s.builtin).map((s) => s.name);
    expect(names).toHaveLength(11 + 7 + 8);
    expect(names).toEqual(
      expect.arrayContaining(['rfm:champions', 'lifecycle:loyal', 'lifecycle:referred', 'value:focus']),
    );
    expect(list.find((s) => s.name === 'lifecycle:churned')?.query).toBe("lifecycle = 'churned'");
    // The demo and the analysis filled them.
    const filled = await seg('list');
    expect(filled.out.split('\n').find((l) => l.startsWith('lifecycle:loyal '))).toMatch(
      /^lifecycle:loyal\s+[1-9][\d.]*\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+lifecycle = 'loyal'$/,
    );
    expect(filled.out).not.toContain('sẽ điền số');
  });

  it('says which built-ins were never filled (a shop only imported) until a refresh', async () => {
    const files = join(dir, 'files');
    expect((await cli('generate', '--customers', '50', '--out', files)).code).toBe(0);
    const imported = join(dir, 'imported.duckdb');
    expect((await cli('import', 'shopify-orders', join(files, 'orders.csv'), '--db', imported)).code).toBe(0);
    const list = () => cli('segment', 'list', '--db', imported);
    const text = await list();
    const loyal = text.out.split('\n').find((l) => l.startsWith('lifecycle:loyal '));
    expect(loyal).toMatch(/^lifecycle:loyal\s+–\s+chưa bao giờ\s+lifecycle = 'loyal'$/);
    expect(text.out).toContain('`nurture segment refresh` sẽ điền số');
    const english = await cli('segment', 'list', '--db', imported, '--lang', 'en');
    expect(english.out.split('\n').find((l) => l.startsWith('lifecycle:loyal '))).toMatch(
      /^lifecycle:loyal\s+–\s+never\s+lifecycle = 'loyal'$/,
    );
    expect(english.out).toContain('`nurture segment refresh` fills them');
    expect((await cli('segment', 'refresh', '--db', imported)).code).toBe(0);
    const after = await list();
    expect(after.out.split('\n').find((l) => l.startsWith('lifecycle:referred '))).toMatch(
      /^lifecycle:referred\s+[\d.]+\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+referred = true$/,
    );
    expect(after.out).not.toContain('sẽ điền số');
  });

  it('refuses a shop that does not exist and creates nothing (a mistyped --shop)', async () => {
    for (const args of [
      ['list'],
      ['count', '--query', 'number_of_orders >= 1'],
      ['create', 'X', '--query', 'referred = true'],
    ]) {
      const r = await seg(...args, '--shop', 'defualt');
      expect(r.err).toBe("nurture: Không tìm thấy: không có shop 'defualt' trong cơ sở dữ liệu này\n");
      expect(r.code).toBe(4);
    }
    const store = await openStore({ db });
    try {
      expect(await store.getShop('defualt')).toBeUndefined();
      const [row] = await store.engine.all<{ n: number }>(
        "SELECT COUNT(*) AS n FROM segments WHERE shop_id = 'defualt'",
      );
      expect(Number(row?.n)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('counts a query, and agrees with the built-in segment it spells out', async () => {
    const count = await seg('count', '--query', "lifecycle = 'Khách hàng trung thành'", ...AS_OF, '--json');
    expect(count.code).toBe(0);
    const n = jsonOf<{ count: number }>(count.out).count;
    expect(n).toBeGreaterThan(0);
    const members = await seg('members', 'lifecycle:loyal', ...AS_OF, '--limit', '1000', '--json');
    expect(jsonOf<{ members: unknown[] }>(members.out).members).toHaveLength(n);
  });

  it('creates, shows, updates and deletes a segment, recording who entered and left', async () => {
    const q1 = 'number_of_orders >= 2 AND last_order_date < -90d';
    const created = await seg(
      'create',
      'Cần lôi kéo VIP',
      '--query',
      q1,
      '--as-of',
      '2026-10-31T10:00:00Z',
      '--json',
    );
    expect(created.code).toBe(0);
    const s1 = jsonOf<{ members: number; query: string }>(created.out);
    const expected = jsonOf<{ count: number }>(
      (await seg('count', '--query', q1, ...AS_OF, '--json')).out,
    ).count;
    expect(s1).toMatchObject({ members: expected, query: q1 });
    expect(expected).toBeGreaterThan(0);

    const dup = await seg('create', 'cần lôi kéo vip', '--query', 'aov > 1');
    expect(dup.code).toBe(5);
    expect(dup.err).toContain("a segment named 'Cần lôi kéo VIP' already exists");

    // Narrow the query: some members leave, their stays get an exit time.
    const q2 = `${q1} AND amount_spent > 3000000`;
    const updated = await seg('update', 'Cần lôi kéo VIP', '--query', q2, '--as-of', '2026-10-31T12:00:00Z');
    expect(updated.code).toBe(0);
    expect(updated.out).toMatch(/^thành viên: 0 vào, [1-9]\d* ra$/m);
    const shown = jsonOf<{ members: number; recentChanges: { exitedAt: string | null }[] }>(
      (await seg('show', 'Cần lôi kéo VIP', '--json')).out,
    );
    expect(shown.members).toBe(
      jsonOf<{ count: number }>((await seg('count', '--query', q2, ...AS_OF, '--json')).out).count,
    );
    expect(shown.recentChanges[0]?.exitedAt).toBe('2026-10-31T12:00:00.000Z');

    const deleted = await seg('delete', 'Cần lôi kéo VIP');
    expect(deleted.out).toBe('đã xoá Cần lôi kéo VIP\n');
    expect((await seg('show', 'Cần lôi kéo VIP')).code).toBe(4);
  });

  it('refuses to change or delete a built-in segment', async () => {
    const r = await seg('delete', 'rfm:champions');
    expect(r.code).toBe(5);
    expect(r.err).toContain("'rfm:champions' is a built-in segment: it cannot be deleted");
  });

  it('prints a positioned error with the nearest field for a misspelling', async () => {
    const r = await seg('count', '--query', 'number_of_orders > 1 AND amount_spend > 100');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'nurture: Dữ liệu không hợp lệ: line 1, column 26: unknown field amount_spend; did you mean amount_spent?\n' +
        '  number_of_orders > 1 AND amount_spend > 100\n' +
        '                           ^\n',
    );
  });

  it('explains a query: its tree and parameterised SQL', async () => {
    const r = await seg(
      'explain',
      '--query',
      "products_purchased(category: 'printing', since: -30d) AND last_order_date < -7d",
      ...AS_OF,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^tính đến: 2026-10-31T16:59:59\.999Z \(hôm nay là 2026-10-31 theo Asia\/Ho_Chi_Minh\)$/m,
    );
    expect(r.out).toMatch(/^cây cú pháp:$/m);
    expect(r.out).toContain('products_purchased sku=* category=printing window [-30d, …) count >= 1');
    expect(r.out).toContain('last_order_date < 2026-10-24 (date)');
    expect(r.out).toContain('c.customer_id IN (SELECT o.customer_id FROM orders o JOIN order_lines l');
    expect(r.out).toContain('$2 = "printing"');
    // The values travel as parameters: the SQL text holds none of them.
    const sql = r.out.slice(r.out.indexOf('sql:'), r.out.indexOf('tham số:'));
    expect(sql).toContain('SELECT');
    expect(sql).not.toContain('printing');
    expect(sql).not.toContain('2026-10-24');
  });

  it('exports members as CSV, JSON and a hashed ads audience, leaving out customers without consent', async () => {
    const out = (name: string) => join(dir, name);
    const all = await seg(
      'export',
      'value:focus',
      '--format',
      'csv',
      '--out',
      out('all.csv'),
      '--include-without-consent',
      ...AS_OF,
      '--json',
    );
    expect(all.code).toBe(0);
    const allRows = jsonOf<{ rows: number; withoutConsent: number }>(all.out);
    const consenting = jsonOf<{ rows: number; withoutConsent: number }>(
      (await seg('export', 'value:focus', '--format', 'json', '--out', out('c.json'), ...AS_OF, '--json'))
        .out,
    );
    expect(consenting.rows + consenting.withoutConsent).toBe(allRows.rows);
    const csv = (await readFile(out('all.csv'), 'utf8')).split('\r\n');
    expect(csv[0]).toBe(
      'customer_id,first_name,last_name,phone,email,city,accepts_email,accepts_sms,accepts_zalo,accepts_messenger,number_of_orders,amount_spent,last_order_date,entered_at',
    );
    expect(csv.filter((l) => l !== '')).toHaveLength(allRows.rows + 1);
    const members = jsonOf<Record<string, unknown>[]>(await readFile(out('c.json'), 'utf8'));
    expect(members).toHaveLength(consenting.rows);
    for (const m of members)
      expect([m['accepts_email'], m['accepts_sms'], m['accepts_zalo'], m['accepts_messenger']]).toContain(
        true,
      );

    const ads = await seg(
      'export',
      'value:focus',
      '--format',
      'ads',
      '--hash',
      '--out',
      out('ads.csv'),
      ...AS_OF,
    );
    expect(ads.code).toBe(0);
    const lines = (await readFile(out('ads.csv'), 'utf8')).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('email,phone,fn,ln,ct,country');
    for (const l of lines.slice(1)) {
      const [email, phone] = l.split(',');
      for (const v of [email, phone]) if (v) expect(v).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refreshes all segments and reports the changes', async () => {
    const r = await seg('refresh', '--as-of', '2026-12-31', '--json');
    expect(r.code).toBe(0);
    const report = jsonOf<{ mode: string; segments: number; bySegment: { name: string }[] }>(r.out);
    expect(report.mode).toBe('full');
    expect(report.segments).toBeGreaterThanOrEqual(26);
  });
});
