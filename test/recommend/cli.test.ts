/** `nurture recommend …` end to end through the CLI on a DuckDB file holding a generated shop. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { dayAt, generate, loadShop, phoneOf } from './shop.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-recommend-cli-'));
const db = join(dir, 'shop.duckdb');
const at = ['--db', db, '--shop', 'shop1'];

beforeAll(async () => {
  const store = await openStore({ db });
  try {
    await loadShop(store, 'shop1', generate(150, 13, 330));
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nurture recommend', () => {
  it('recomputes, then lists personal, together and popular in vi and en', async () => {
    const r = await cli('recommend', 'recompute', ...at, '--as-of', dayAt(330).toISOString());
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^đã tính gợi ý cho \d+ khách từ [\d.]+ đơn hợp lệ/);

    const out = join(dir, 'personal.csv');
    const p = await cli('recommend', 'personal', ...at, '--limit', '5', '--out', out, '--lang', 'en');
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/^wrote .*personal\.csv: \d+ rows\n$/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,external_id,rank,sku,score,reason');
    expect(lines[1]).toMatch(/^cus_\w+,shopify:\+8490\d{7},1,[A-Z0-9-]+,[\d.]+,/);
    expect(lines.length).toBeGreaterThan(100);

    const store = await openStore({ db });
    const c = await store.findCustomerByKey('shop1', 'phone', phoneOf(0));
    await store.close();
    const one = await cli(
      'recommend',
      'personal',
      ...at,
      '--customer',
      c?.customerId ?? '',
      '--json',
      '--lang',
      'en',
    );
    const rows = JSON.parse(one.out) as { customer_id: string; rank: number; reason: string }[];
    expect(rows.length).toBe(10);
    expect(rows.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows.some((x) => /every ~\d+ days/.test(x.reason))).toBe(true);

    const t = await cli('recommend', 'together', 'SHAMPOO-1', ...at, '--lang', 'en');
    expect(t.out).toContain('COND-1');
    expect(t.out).toMatch(/Bundle: Dầu gội 1 \+ Dầu xả 1.* = [\d,]+ ₫/);
    const pop = await cli('recommend', 'popular', ...at, '--category', 'baby');
    expect(pop.out).toMatch(/NAP-/);
    const missing = await cli('recommend', 'together', 'NOPE', ...at);
    expect(missing.code).toBe(4);
  });

  it('evaluates against the baselines on a time split', async () => {
    const r = await cli('recommend', 'evaluate', ...at, '--split-at', dayAt(280).toISOString(), '--json');
    expect(r.err).toBe('');
    const e = JSON.parse(r.out) as { methods: { method: string; at: Record<string, { recall: number }> }[] };
    expect(e.methods.map((m) => m.method)).toEqual(['nurture', 'top_frequency', 'popularity', 'tifu_knn']);
    const text = await cli(
      'recommend',
      'evaluate',
      ...at,
      '--split-at',
      dayAt(280).toISOString(),
      '--k',
      '10',
      '--lang',
      'en',
    );
    expect(text.out).toContain('recall@10');
    expect(text.out).toContain('Personal top-frequency');
    const bad = await cli('recommend', 'evaluate', ...at, '--k', 'ten');
    expect(bad.code).toBe(2);
  });
});
