import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import { cli } from '../support/cli.js';

/**
 * Issue 13, 5e: one formatter per language in the CLI's text outputs. Before it, on the demo shop
 * of 2,000 customers, import printed "2,000" whatever the language, demo "2.000" whatever the
 * language, the refresh "6834 entered", a segment refresh "1692", and `predict --lang vi`
 * "1,692" and "0.851". Now vi writes 1.692 and 0,851, en 1,692 and 0.851; JSON keeps numbers.
 */
const dir = mkdtempSync(join(tmpdir(), 'nurture-i18n-numbers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UNTIL = '2026-10-31';
const dbVi = join(dir, 'vi.duckdb');
const dbEn = join(dir, 'en.duckdb');
let demoVi: string;
let demoEn: string;

beforeAll(async () => {
  const vi = await cli('demo', '--db', dbVi, '--customers', '2000', '--until', UNTIL, '--lang', 'vi');
  expect(vi.code).toBe(0);
  demoVi = vi.out;
  const en = await cli('demo', '--db', dbEn, '--customers', '2000', '--until', UNTIL, '--lang', 'en');
  expect(en.code).toBe(0);
  demoEn = en.out;
}, 240_000);

describe('demo and import: counts and amounts in the language', () => {
  it('vi: 2.000 customers, 1.536.122.000 ₫, 0,4 s', () => {
    expect(demoVi).toContain('shop demo: 2.000 khách hàng');
    expect(demoVi).toMatch(
      /^đã nhập shopify-customers customers\.csv: đọc 2\.000 dòng, .*2\.000 khách mới, .* trong \d+,\d giây$/m,
    );
    expect(demoVi).toMatch(/^ {2}khách hàng\s+2\.000$/m);
    expect(demoVi).toMatch(/^ {2}doanh thu\s+\d{1,3}(\.\d{3})+ ₫$/m);
    expect(demoVi).toMatch(/^phân khúc: làm mới 26, \d\.\d{3} khách vào, 0 khách ra$/m);
  });

  it('en: 2,000 customers, 1,536,122,000 ₫, 0.4 s', () => {
    expect(demoEn).toContain('demo shop: 2,000 customers');
    expect(demoEn).toMatch(
      /^imported shopify-customers customers\.csv: 2,000 rows read, .*2,000 new customers, .* in \d+\.\d s$/m,
    );
    expect(demoEn).toMatch(/^ {2}customers\s+2,000$/m);
    expect(demoEn).toMatch(/^ {2}revenue\s+\d{1,3}(,\d{3})+ ₫$/m);
    expect(demoEn).toMatch(/^segments: 26 refreshed, \d,\d{3} entered, 0 left$/m);
  });
});

describe('segments: sizes and changes in the language', () => {
  beforeAll(async () => {
    for (const db of [dbVi, dbEn]) {
      const r = await cli('segment', 'create', 'late', '--query', 'last_order_date < -1000d', '--db', db);
      expect(r.code).toBe(0);
    }
  });

  it('segment refresh: 1.692 entered in vi, 1,692 in en', async () => {
    // Four years on, every buyer's last order is over 1,000 days old: they all enter.
    const vi = await cli('segment', 'refresh', 'late', '--as-of', '2031-01-01', '--db', dbVi, '--lang', 'vi');
    expect(vi.code).toBe(0);
    expect(vi.out).toMatch(/^late\s+\d\.\d{3}\s+0$/m);
    expect(vi.out).toMatch(/^thành viên: \d\.\d{3} vào, 0 ra$/m);
    const en = await cli('segment', 'refresh', 'late', '--as-of', '2031-01-01', '--db', dbEn, '--lang', 'en');
    expect(en.code).toBe(0);
    expect(en.out).toMatch(/^late\s+\d,\d{3}\s+0$/m);
    expect(en.out).toMatch(/^membership: \d,\d{3} entered, 0 left$/m);
  });

  it('segment list, show and members: the size in the language, the JSON a plain number', async () => {
    const json = await cli('segment', 'show', 'late', '--db', dbVi, '--json');
    const members = (JSON.parse(json.out) as { members: number }).members;
    expect(members).toBeGreaterThan(1000);
    const vi = await cli('segment', 'list', '--db', dbVi, '--lang', 'vi');
    expect(vi.out).toMatch(new RegExp(`^late\\s+${groupedBy(members, '.')}\\s`, 'm'));
    const en = await cli('segment', 'show', 'late', '--db', dbVi, '--lang', 'en');
    expect(en.out).toMatch(new RegExp(`^members {3}${groupedBy(members, ',')}$`, 'm'));
    const top = await cli(
      'segment',
      'members',
      'late',
      '--limit',
      '3',
      '--as-of',
      '2031-01-01',
      '--db',
      dbVi,
      '--lang',
      'vi',
    );
    expect(top.out).toMatch(new RegExp(`^late: ${groupedBy(members, '.')} thành viên$`, 'm'));
    expect(top.out).toMatch(/ \d{1,3}(\.\d{3})+ ₫ /);
  });

  it('NURTURE_LANG is the default language, --lang wins over it', async () => {
    const run = async (...argv: string[]) => {
      let out = '';
      const deps = {
        ...defaultDeps({ NURTURE_LANG: 'en' }),
        out: (t: string) => {
          out += t;
        },
        err: () => {},
      };
      expect(await runCli(argv, deps)).toBe(0);
      return out;
    };
    expect(await run('segment', 'list', '--db', dbVi)).toMatch(/^late\s+\d,\d{3}\s/m);
    expect(await run('segment', 'list', '--db', dbVi, '--lang', 'vi')).toMatch(/^late\s+\d\.\d{3}\s/m);
  });
});

describe('predict: the Vietnamese report writes Vietnamese numbers', () => {
  it('vi: 1.692 khách hàng, P(alive) 0,886; en: 1,692 customers, 0.886', async () => {
    const vi = await cli('predict', '--db', dbVi, '--as-of', UNTIL, '--lang', 'vi');
    expect(vi.code).toBe(0);
    expect(vi.out).toMatch(/: \d\.\d{3} khách hàng$/m);
    expect(vi.out).toMatch(/^Xác suất còn là khách \(TB\): 0,\d{3}$/m);
    expect(vi.out).toMatch(/^Ngày mua tiếp theo: [\d.]+ khách có ngày dự kiến/m);
    const en = await cli('predict', '--db', dbEn, '--as-of', UNTIL, '--lang', 'en');
    expect(en.code).toBe(0);
    expect(en.out).toMatch(/: \d,\d{3} customers$/m);
    expect(en.out).toMatch(/^Mean P\(alive\): 0\.\d{3}$/m);
  }, 240_000);
});

/** 1692 → "1.692" or "1,692". */
function groupedBy(n: number, separator: string): string {
  return String(n)
    .replace(/\B(?=(\d{3})+(?!\d))/g, separator)
    .replace('.', '\\.');
}
