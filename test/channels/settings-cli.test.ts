/**
 * `nurture channel set` / `show` through the CLI on a DuckDB file, in both languages: a secret is
 * never printed back, a bad key or value fails (exit 2) and changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-channel-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'shop.duckdb');

beforeAll(async () => {
  // A shop to configure: `shop set` creates nothing, an import does; the demo is the quickest.
  const r = await cli('demo', '--db', db, '--customers', '20', '--until', '2026-10-31');
  expect(r.code, r.err).toBe(0);
}, 120_000);

describe('nurture channel', () => {
  it('set prints a secret as set, never its value', async () => {
    const vi = await cli('channel', 'set', 'zalo', 'secret_key', 'zalo-app-secret-XYZ', '--db', db);
    expect(vi.code, vi.err).toBe(0);
    expect(vi.out).toBe('zalo secret_key = (đã đặt)\n');
    const en = await cli('channel', 'set', 'zalo', 'app_id', '1234567890', '--db', db, '--lang', 'en');
    expect(en.out).toBe('zalo app_id = 1234567890\n');
  });

  it('show lists settings with their status, secrets only as set / not set', async () => {
    const vi = await cli('channel', 'show', 'zalo', '--db', db);
    expect(vi.code, vi.err).toBe(0);
    expect(vi.out).toContain('zalo: còn thiếu access_token, refresh_token');
    expect(vi.out).toContain('(đã đặt)');
    expect(vi.out).toContain('(chưa đặt)');
    expect(vi.out).toContain('https://business.openapi.zalo.me (mặc định)');
    expect(vi.out).not.toContain('zalo-app-secret-XYZ');
    const en = await cli('channel', 'show', '--db', db, '--lang', 'en');
    expect(en.out).toContain('zalo: missing access_token, refresh_token');
    expect(en.out).toContain('esms: missing api_key, secret_key, brandname');
    expect(en.out).toContain('(set)');
    expect(en.out).not.toContain('zalo-app-secret-XYZ');
    const asJson = await cli('channel', 'show', 'zalo', '--db', db, '--json');
    expect(JSON.parse(asJson.out)[0]).toMatchObject({ channel: 'zalo', ready: false });
    expect(asJson.out).not.toContain('zalo-app-secret-XYZ');
  });

  it('a bad channel, key or value fails with exit 2 and changes nothing', async () => {
    const before = (await cli('channel', 'show', '--db', db, '--json')).out;
    const badChannel = await cli('channel', 'set', 'fax', 'number', '1', '--db', db, '--lang', 'en');
    expect(badChannel.code).toBe(2);
    expect(badChannel.err).toContain('unknown channel "fax"');
    const badKey = await cli('channel', 'set', 'zalo', 'token', 'x', '--db', db, '--lang', 'en');
    expect(badKey.code).toBe(2);
    expect(badKey.err).toContain('unknown setting "token"');
    const badValue = await cli('channel', 'set', 'webhook', 'secret', 'tiny-pw', '--db', db, '--lang', 'en');
    expect(badValue.code).toBe(2);
    expect(badValue.err).not.toContain('tiny-pw');
    expect((await cli('channel', 'show', '--db', db, '--json')).out).toBe(before);
  });
});
