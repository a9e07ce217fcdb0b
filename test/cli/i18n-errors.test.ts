import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import { ERROR_CODES } from '../../src/errors.js';
import { ERROR_HEADLINES } from '../../src/report/error-text.js';
import { cli } from '../support/cli.js';

/**
 * Issue 13, 5e: errors were English only. The CLI now heads each error with what kind of failure
 * it is, in the chosen language (--lang, else NURTURE_LANG, else vi), before the message itself.
 */
const dir = mkdtempSync(join(tmpdir(), 'nurture-i18n-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI with an environment of its own (NURTURE_LANG). */
async function cliWithEnv(env: Record<string, string>, ...argv: string[]) {
  let err = '';
  const deps = {
    ...defaultDeps(env),
    out: () => {},
    err: (t: string) => {
      err += t;
    },
  };
  const code = await runCli(argv, deps);
  return { code, err };
}

describe('errors in Vietnamese and English', () => {
  it('invalid input: "Dữ liệu không hợp lệ" in vi, "Invalid input" in en, a bad option said in each', async () => {
    const vi = await cli('segment', 'members', 'x', '--limit', 'many', '--lang', 'vi');
    expect(vi.err).toBe('nurture: Dữ liệu không hợp lệ: --limit phải là một số\n');
    expect(vi.code).toBe(2);
    const en = await cli('segment', 'members', 'x', '--limit', 'many', '--lang', 'en');
    expect(en.err).toBe('nurture: Invalid input: --limit must be a number\n');
    expect(en.code).toBe(2);
  });

  it('not found: "Không tìm thấy" / "Not found", with the exit code of the code', async () => {
    const missing = join(dir, 'missing.duckdb');
    const vi = await cli('segment', 'list', '--db', missing, '--lang', 'vi');
    expect(vi.err).toMatch(
      /^nurture: Không tìm thấy: không có cơ sở dữ liệu tại .*missing\.duckdb: hãy nhập một tệp/,
    );
    expect(vi.code).toBe(4);
    const en = await cli('segment', 'list', '--db', missing, '--lang=en');
    expect(en.err).toMatch(/^nurture: Not found: no database at .*missing\.duckdb/);
    expect(en.code).toBe(4);
  });

  it('NURTURE_LANG chooses the language; --lang wins over it; Vietnamese by default', async () => {
    const args = ['import', 'shopify-orders', join(dir, 'nothing.csv'), '--db', join(dir, 'x.duckdb')];
    const en = await cliWithEnv({ NURTURE_LANG: 'en' }, ...args);
    expect(en.err).toMatch(/^nurture: Invalid input: file not found: /);
    const vi = await cliWithEnv({ NURTURE_LANG: 'en' }, ...args, '--lang', 'vi');
    expect(vi.err).toMatch(/^nurture: Dữ liệu không hợp lệ: không tìm thấy tệp: .*nothing\.csv$/m);
    const plain = await cliWithEnv({}, ...args);
    expect(plain.err).toMatch(/^nurture: Dữ liệu không hợp lệ: không tìm thấy tệp: /);
  });

  it('a bad --lang is itself reported, headed in the default language', async () => {
    const r = await cliWithEnv({ NURTURE_LANG: 'en' }, 'import', 'shopify-orders', 'x.csv', '--lang', 'fr');
    expect(r.err).toMatch(/^nurture: Invalid input: --lang/);
    expect(r.code).toBe(2);
  });

  it('every error code has a headline in both languages, and no two codes share one', () => {
    for (const lang of ['vi', 'en'] as const) {
      const texts = Object.keys(ERROR_CODES).map(
        (code) => ERROR_HEADLINES[code as keyof typeof ERROR_CODES][lang],
      );
      expect(texts.every((t) => t.length > 0)).toBe(true);
      expect(new Set(texts).size).toBe(texts.length);
    }
  });

  it('the common messages in Vietnamese, their paths, options and values kept; the rest as written', async () => {
    const folder = mkdtempSync(join(dir, 'folder-'));
    const cases: [string[], RegExp, RegExp][] = [
      [
        ['import', 'shopify-orders', folder, '--db', join(dir, 'a.duckdb')],
        /^nurture: Dữ liệu không hợp lệ: .*folder-\w+ là một thư mục, không phải tệp\n$/,
        /^nurture: Invalid input: .*folder-\w+ is a directory, not a file\n$/,
      ],
      [
        ['import', 'xml', 'f.xml', '--db', ':memory:'],
        /^nurture: Dữ liệu không hợp lệ: (--format: )?không có định dạng nhập "xml"; hãy dùng một trong: shopify-customers, /,
        /^nurture: Invalid input: (--format: )?unknown import format "xml"; use one of: shopify-customers, /,
      ],
      [
        ['demo', '--db', ':memory:', '--customers', '0', '--until', '2026-1-1'],
        /^nurture: Dữ liệu không hợp lệ: --customers phải từ 1 trở lên; --until phải là một ngày dạng YYYY-MM-DD\n$/,
        /^nurture: Invalid input: --customers must be at least 1; --until must be a date YYYY-MM-DD\n$/,
      ],
      [
        ['apikey', 'create', '--kind', 'public', '--db', ':memory:'],
        /^nurture: Dữ liệu không hợp lệ: --kind phải là secret hoặc publishable\n$/,
        /^nurture: Invalid input: --kind is secret or publishable\n$/,
      ],
      [
        ['segment', 'list', '--db', ':memory:', '--shop', 'nope'],
        /^nurture: Không tìm thấy: không có shop 'nope' trong cơ sở dữ liệu này\n$/,
        /^nurture: Not found: no shop 'nope' in this database\n$/,
      ],
      [
        // A query position is the parser's, in English with its caret.
        ['segment', 'count', '--query', 'number_of_orderz > 1', '--db', ':memory:'],
        /^nurture: Dữ liệu không hợp lệ: line 1, column 1: unknown field number_of_orderz/,
        /^nurture: Invalid input: line 1, column 1: unknown field number_of_orderz/,
      ],
    ];
    for (const [args, vi, en] of cases) {
      const v = await cli(...args);
      expect(v.err, args.join(' ')).toMatch(vi);
      const e = await cli(...args, '--lang', 'en');
      expect(e.err, args.join(' ')).toMatch(en);
      expect(e.code).toBe(v.code);
    }
    const badLang = await cliWithEnv({ NURTURE_LANG: 'fr' }, 'segment', 'list', '--db', ':memory:');
    expect(badLang.err).toBe(
      'nurture: Dữ liệu không hợp lệ: NURTURE_LANG: giá trị không hợp lệ, cần một trong "vi"|"en"\n',
    );
  });
});
