/**
 * `nurture products replenishment` on a generated shop with known cycles: the first run learns the
 * cycles, the table says replenishable or why not in Vietnamese and English, `--json` carries the
 * evidence, `--evaluate` reports the MAE against the product-median baseline.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplenishEvaluation } from '../../src/domain/replenish/evaluate.js';
import type { ProductCycle } from '../../src/domain/replenish/types.js';
import { generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { importCycleShop } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-replenish-cli-'));
const db = join(dir, 'shop.duckdb');
const UNTIL = new Date('2026-10-31T17:00:00Z');

beforeAll(async () => {
  const store = await openStore({ db });
  try {
    await importCycleShop(
      store,
      'default',
      generateCycleShop({ customers: 800, seed: 4, days: 540, until: UNTIL }),
      UNTIL,
    );
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nurture products replenishment', () => {
  it('learns and lists the cycles, replenishable or why not', async () => {
    const vi = await cli('products', 'replenishment', '--db', db);
    expect(vi.err).toBe('');
    expect(vi.code).toBe(0);
    expect(vi.out).toMatch(/^Tính lúc: /);
    expect(vi.out).toMatch(/PAP-A6-500 .* đều đặn .* của sản phẩm +có/);
    expect(vi.out).toMatch(/PRN-TH80 .*không: /);
    const en = await cli('products', 'replenishment', '--db', db, '--lang', 'en', '--replenishable');
    expect(en.out).toMatch(/MB-DIAPER-M .* regular .* the product’s +yes/);
    expect(en.out).not.toMatch(/PRN-TH80/);
    const json = await cli(
      'products',
      'replenishment',
      '--db',
      db,
      '--json',
      '--recompute',
      '--lead-days',
      '3',
    );
    const r = JSON.parse(json.out) as {
      cycles: (ProductCycle & { title: string })[];
      recomputed: { predictions: number };
    };
    expect(r.recomputed.predictions).toBeGreaterThan(100);
    const paper = r.cycles.find((c) => c.sku === 'PAP-A6-500')!;
    expect(paper).toMatchObject({ replenishable: true, reason: null, source: 'product', pattern: 'regular' });
    expect(paper.cycleDays!).toBeGreaterThan(6);
    expect(paper.cycleDays!).toBeLessThan(8);
    expect(paper.histogram.length).toBeGreaterThan(3);
    expect(r.cycles.find((c) => c.sku === 'EL-CASE')!.reason).toMatch(
      /too_few_repeat_buyers|rarely_rebought/,
    );
  });

  it('evaluates on a time split, against the product median', async () => {
    const text = await cli(
      'products',
      'replenishment',
      '--db',
      db,
      '--evaluate',
      '--split-at',
      '2026-07-01',
      '--lang',
      'en',
    );
    expect(text.err).toBe('');
    expect(text.out).toMatch(/Split at: 2026-07-01; Customer × product pairs: \d+/);
    expect(text.out).toMatch(/Mean absolute error \(days\) +\d+\.\d +\d+\.\d/);
    const json = await cli(
      'products',
      'replenishment',
      '--db',
      db,
      '--evaluate',
      '--split-at',
      '2026-07-01',
      '--json',
    );
    const e = JSON.parse(json.out) as ReplenishEvaluation;
    expect(e.maeDays!).toBeLessThan(e.baselineMaeDays!);
    const bad = await cli('products', 'replenishment', '--db', db, '--evaluate', '--split-at', 'July');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--split-at/);
  });
});
