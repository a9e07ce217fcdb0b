import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const ORDERS =
  'Name,Email,Financial Status,Created at,Total,Lineitem quantity,Lineitem name,Lineitem price\n' +
  '#1,a@b.vn,paid,2024-03-05 10:00:00 +0700,100,1,X,100\n';

describe('nurture import: options and paths', () => {
  it('refuses a shop id that is not allowed, naming --shop, in every command (no ZodError)', async () => {
    const orders = file('o.csv', ORDERS);
    const db = join(dir, 'shop.duckdb');
    for (const args of [
      ['import', 'shopify-orders', orders],
      ['analyze', orders],
      ['segment', 'count', '--query', 'aov > 1'],
      ['demo', '--customers', '10'],
    ]) {
      const r = await cli(...args, '--db', db, '--shop', 'A');
      expect(r.err).not.toContain('ZodError');
      expect(r.err).toMatch(
        /^nurture: Dữ liệu không hợp lệ: --shop: "A" is not a shop id \(lowercase letters, digits, _ or -/,
      );
      expect(r.code).toBe(2);
    }
  });

  it('refuses a folder given as the file, naming the path', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    for (const args of [
      ['import', 'shopify-orders', folder, '--db', join(dir, 'folder.duckdb')],
      ['import', 'events-jsonl', folder, '--db', join(dir, 'folder.duckdb')],
      ['analyze', folder],
    ]) {
      const r = await cli(...args);
      expect(r.err).toBe(`nurture: Dữ liệu không hợp lệ: ${folder} là một thư mục, không phải tệp\n`);
      expect(r.code).toBe(2);
    }
  });

  it('rejects an event whose properties are nested too deeply, with a reason', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const events = file(
      'deep.jsonl',
      `{"event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:00:00+07:00","properties":{"ok":1}}\n` +
        `{"event":"Product Viewed","userId":"u2","timestamp":"2024-03-05T10:00:00+07:00","properties":${deep}}\n`,
    );
    const r = await cli(
      'import',
      'events-jsonl',
      events,
      '--db',
      join(dir, 'deep.duckdb'),
      '--skip-invalid',
      '--lang',
      'en',
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(/: 2 rows read, .* 1 events, 0 merged, 1 rejected/);
    const all = await cli('import', 'events-jsonl', events, '--db', join(dir, 'deep2.duckdb'));
    expect(all.err).toContain('line 2, column properties: nested more than 32 levels deep');
    expect(all.code).toBe(3);
  });
});

describe('a failed import creates nothing', () => {
  const BAD = `${ORDERS}#2,a@b.vn,paid,2024-03-05 10:00:00 +0700,100,-1,X,100\n`;

  it('leaves no new database file behind (nor its .wal)', async () => {
    const db = join(dir, 'fresh.duckdb');
    const missing = await cli('import', 'shopify-orders', join(dir, 'nope.csv'), '--db', db);
    expect(missing.code).toBe(2);
    const bad = await cli('import', 'shopify-orders', file('bad.csv', BAD), '--db', db);
    expect(bad.code).toBe(3);
    const folder = await cli('import', 'shopify-orders', dir, '--db', db);
    expect(folder.code).toBe(2);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(`${db}.wal`)).toBe(false);
    expect((await cli('analyze', '--db', db)).code).toBe(4);
  });

  it('does not create the shop in an existing database', async () => {
    const db = join(dir, 'existing.duckdb');
    expect((await cli('import', 'shopify-orders', file('good.csv', ORDERS), '--db', db)).code).toBe(0);
    const bad = await cli('import', 'shopify-orders', file('bad.csv', BAD), '--db', db, '--shop', 'other');
    expect(bad.code).toBe(3);
    const missing = await cli(
      'import',
      'shopify-orders',
      join(dir, 'nope.csv'),
      '--db',
      db,
      '--shop',
      'other',
    );
    expect(missing.code).toBe(2);
    expect(existsSync(db)).toBe(true);
    expect((await cli('analyze', '--db', db, '--shop', 'other')).code).toBe(4);
    expect((await cli('segment', 'count', '--query', 'aov > 1', '--db', db, '--shop', 'other')).code).toBe(4);
    expect((await cli('segment', 'count', '--query', 'aov > 1', '--db', db)).code).toBe(0);
  });
});
