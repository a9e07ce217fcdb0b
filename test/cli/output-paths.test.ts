import { copyFile, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const FIXTURE = 'test/fixtures/import/shopify-customers.csv';

/** An output path must never replace the database or an input; outputs are written whole or not at all. */
describe('output paths', () => {
  let dir: string;
  let db: string;
  let input: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nurture-out-'));
    db = join(dir, 't.duckdb');
    input = join(dir, 'customers.csv');
    await copyFile(FIXTURE, input);
    const r = await cli('import', 'shopify-customers', input, '--db', db, '--skip-invalid');
    expect(r.err).not.toContain('unexpected');
    expect(r.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const exportTo = (out: string) =>
    cli('segment', 'export', 'lifecycle:prospect', '--format', 'csv', '--out', out, '--db', db);

  it('refuses to export over the database, its WAL or a link to it, and the database still works', async () => {
    const before = await readFile(db);
    await symlink(db, join(dir, 'link.duckdb'));
    for (const out of [
      db,
      `${db}.wal`,
      join(dir, 'link.duckdb'),
      join(dir, '..', dir.split('/').pop()!, 't.duckdb'),
    ]) {
      const r = await exportTo(out);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--out ${out} is the database`);
    }
    expect((await readFile(db)).equals(before)).toBe(true);
    const list = await cli('segment', 'list', '--db', db);
    expect(list.code).toBe(0);
  });

  it('refuses --rejects equal to the input and leaves the input as it was', async () => {
    const before = await readFile(input, 'utf8');
    const r = await cli(
      'import',
      'shopify-customers',
      input,
      '--db',
      db,
      '--skip-invalid',
      '--rejects',
      input,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--rejects ${input} is the input file`);
    expect(await readFile(input, 'utf8')).toBe(before);
    const intoDb = await cli('import', 'shopify-customers', input, '--db', db, '--rejects', db);
    expect(intoDb.code).toBe(2);
    expect(intoDb.err).toContain('is the database');
  });

  it('refuses analyze outputs over its input file or over each other', async () => {
    const orders = join(dir, 'orders.csv');
    await copyFile('test/fixtures/import/shopify-orders.csv', orders);
    const r = await cli('analyze', orders, '--customers-out', orders);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--customers-out ${orders} is the input file`);
    const both = join(dir, 'both.out');
    const twin = await cli('analyze', orders, '--html', both, '--customers-out', both);
    expect(twin.code).toBe(2);
    expect(twin.err).toContain('is also the file of --html');
    const report = await cli(
      'predict',
      '--db',
      db,
      '--validate',
      '--holdout-from',
      '2024-01-01',
      '--html',
      db,
    );
    expect(report.code).toBe(2);
    expect(report.err).toContain(`--html ${db} is the database`);
  });

  it('refuses clv fit --predict-out over its transactions file', async () => {
    const tx = join(dir, 'tx.csv');
    await copyFile(input, tx);
    const before = await readFile(tx, 'utf8');
    const r = await cli(
      'clv',
      'fit',
      tx,
      '--customer',
      'Customer ID',
      '--date',
      'd',
      '--until',
      '2024-01-01',
      '--predict-out',
      tx,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--predict-out ${tx} is the input file`);
    expect(await readFile(tx, 'utf8')).toBe(before);
  });

  it('writes an export through a temporary file and a rename, leaving nothing else behind', async () => {
    const out = join(dir, 'export', '..', 'audience.csv');
    const r = await exportTo(out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((await stat(join(dir, 'audience.csv'))).isFile()).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const missing = await exportTo(join(dir, 'no-such-folder', 'a.csv'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(join(dir, 'no-such-folder', 'a.csv'));
    expect(missing.err).not.toContain('.tmp');
  });
});
