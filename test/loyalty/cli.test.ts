/**
 * `nurture loyalty program …` and `nurture points …` end to end on a DuckDB file: the default
 * programme shown as YAML, stored from a file, a bad file refused with its path and nothing
 * changed; a Shopify export's delivered COD order earns and approves; points shown by phone in
 * another spelling, adjusted by e-mail, an overdraft refused.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const HEADER =
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing City,Billing Province Name,Billing Country,Billing Phone,Shipping City,Cancelled at,Payment Method,Refunded Amount,Id,Tags,Phone';

function ordersFile(dir: string, name: string, financial: string, fulfillment: string): string {
  const at = new Date(Date.now() - 86_400_000 + 7 * 3_600_000).toISOString();
  const when = `${at.slice(0, 10)} ${at.slice(11, 19)} +0700`;
  const row = [
    '#1001',
    'lan@example.vn',
    financial,
    '',
    fulfillment,
    'VND',
    400000,
    30000,
    0,
    430000,
    '',
    0,
    when,
    1,
    'Giấy in nhiệt A6',
    400000,
    'PAP-A6',
    'Nguyễn Thị Lan',
    'Hà Nội',
    '',
    'VN',
    '+84912345678',
    '',
    '',
    'Cash on Delivery (COD)',
    '',
    9001,
    '',
    '+84912345678',
  ];
  const path = join(dir, name);
  writeFileSync(path, `${HEADER}\n${row.join(',')}\n`);
  return path;
}

describe('nurture loyalty / points', () => {
  it('sets the programme from a file, refuses a bad one, shows and adjusts points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-loyalty-cli-'));
    const db = join(dir, 'shop.duckdb');
    expect(
      (await cli('import', 'shopify-orders', ordersFile(dir, 'a.csv', 'pending', ''), '--db', db)).code,
    ).toBe(0);

    const shown = await cli('loyalty', 'program', 'show', '--db', db);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^# Chương trình khách hàng thân thiết, phiên bản 0 \(mặc định, chưa lưu\)\n/);
    expect(shown.out).toContain('vi: Thành viên');
    const json = JSON.parse((await cli('loyalty', 'program', 'show', '--db', db, '--json')).out) as {
      program: Record<string, unknown>;
    };
    const good = join(dir, 'program.json');
    writeFileSync(good, JSON.stringify({ ...json.program, enabled: true }));
    const set = await cli('loyalty', 'program', 'set', good, '--db', db, '--lang', 'en');
    expect(set).toMatchObject({ code: 0, err: '' });
    expect(set.out).toBe('Stored programme version 1 (8 rules, 4 tiers, 4 rewards).\n');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'enabled: true\nrules:\n  - kind: per_amount\n    id: spend\n    name: { vi: a, en: a }\n    per: -5\n    points: 1\n',
    );
    const refused = await cli('loyalty', 'program', 'set', bad, '--db', db, '--lang', 'en');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('rules.0.per');
    expect(refused.err).toContain('tiers');
    expect((await cli('loyalty', 'program', 'show', '--db', db, '--lang', 'en')).out).toMatch(/version 1\n/);

    // The same order, now paid and delivered: 40 points (shipping excluded), approved at once.
    expect(
      (await cli('import', 'shopify-orders', ordersFile(dir, 'b.csv', 'paid', 'fulfilled'), '--db', db)).code,
    ).toBe(0);
    const points = await cli('points', 'show', '0912 345 678', '--db', db, '--lang', 'en');
    expect(points.code).toBe(0);
    expect(points.out).toMatch(
      /^Balance: 40 points\nPending: 0 points\nTier: Member\n2,570,000 ₫ to go for Silver\n/,
    );
    expect(points.out).toContain('Order delivered');

    const adjusted = await cli('points', 'adjust', 'LAN@example.vn', '10', '--reason', 'cảm ơn', '--db', db);
    expect(adjusted).toMatchObject({ code: 0, out: 'Đã điều chỉnh 10 điểm; số dư 50.\n' });
    const overdraft = await cli('points', 'adjust', '+84912345678', '-51', '--reason', 'x', '--db', db);
    expect(overdraft.code).toBe(5);
    const redeemed = await cli('points', 'redeem', '+84912345678', 'voucher-50k', '--db', db);
    expect(redeemed.code).toBe(5);
    const unknown = await cli('points', 'show', '0999999999', '--db', db);
    expect(unknown.code).toBe(4);
  });
});
