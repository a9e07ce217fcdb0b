import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

/**
 * Issue 13, 5e: segment times were printed in UTC ("2031-01-01 16:59 UTC" for the end of 1 January
 * in Vietnam). They are the shop's wall-clock times now, with the zone named; JSON keeps instants.
 */
const dir = mkdtempSync(join(tmpdir(), 'nurture-i18n-times-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'shop.duckdb');

interface Stay {
  customerId: string;
  enteredAt: string;
}

beforeAll(async () => {
  expect((await cli('demo', '--db', db, '--customers', '200', '--until', '2026-10-31')).code).toBe(0);
  const created = await cli('segment', 'create', 'late', '--query', 'last_order_date < -1000d', '--db', db);
  expect(created.code).toBe(0);
  // The end of 1 January 2031 in Vietnam (UTC+7) is 16:59:59.999 UTC.
  const refreshed = await cli('segment', 'refresh', 'late', '--as-of', '2031-01-01', '--db', db);
  expect(refreshed.code).toBe(0);
}, 120_000);

describe("segment times in the shop's time zone", () => {
  it('history, show and list: Vietnam wall time, the zone named', async () => {
    const json = await cli('segment', 'history', 'late', '--limit', '1', '--db', db, '--json');
    const [stay] = JSON.parse(json.out) as Stay[];
    expect(stay?.enteredAt).toBe('2031-01-01T16:59:59.999Z');
    const history = await cli('segment', 'history', 'late', '--limit', '1', '--db', db);
    expect(history.out).toMatch(
      /^khách hàng\s+tên\s+điện thoại\s+email\s+vào lúc \(Asia\/Ho_Chi_Minh\)\s+ra lúc \(Asia\/Ho_Chi_Minh\)/,
    );
    expect(history.out).toMatch(new RegExp(`^${stay?.customerId}\\s.*\\s2031-01-01 23:59\\s*$`, 'm'));
    expect(history.out).not.toContain('16:59');
    const show = await cli('segment', 'show', 'late', '--db', db);
    expect(show.out).toMatch(/^làm mới\s+2031-01-01 23:59 \(Asia\/Ho_Chi_Minh\)$/m);
    const list = await cli('segment', 'list', '--db', db);
    expect(list.out).toMatch(/^phân khúc\s+thành viên\s+làm mới \(Asia\/Ho_Chi_Minh\)\s+truy vấn/);
    expect(list.out).toMatch(/^late\s+[\d.]+\s+2031-01-01 23:59\s+last_order_date < -1000d$/m);
  });

  it("follows the shop's setting: the same instant in New York", async () => {
    const set = await cli('shop', 'set', 'timezone', 'America/New_York', '--db', db);
    expect(set.code, set.err).toBe(0);
    const history = await cli('segment', 'history', 'late', '--limit', '1', '--db', db, '--lang', 'en');
    expect(history.out).toMatch(/entered \(America\/New_York\)/);
    expect(history.out).toMatch(/\s2031-01-01 11:59\s*$/m);
    const show = await cli('segment', 'show', 'late', '--db', db, '--lang', 'en');
    expect(show.out).toMatch(/^refreshed 2031-01-01 11:59 \(America\/New_York\)$/m);
    const members = await cli(
      'segment',
      'members',
      'late',
      '--as-of',
      '2031-01-01T16:59:59.999Z',
      '--db',
      db,
      '--lang',
      'en',
    );
    expect(members.out).toMatch(/entered \(America\/New_York\)/);
    expect(members.out).toMatch(/\s2031-01-01 11:59\s*$/m);
  });
});
