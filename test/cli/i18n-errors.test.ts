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
  it('invalid input: "Dữ liệu không hợp lệ" in vi, "Invalid input" in en, the message as it is', async () => {
    const vi = await cli('segment', 'members', 'x', '--limit', 'many', '--lang', 'vi');
    expect(vi.err).toBe('nurture: Dữ liệu không hợp lệ: --limit must be a number\n');
    expect(vi.code).toBe(2);
    const en = await cli('segment', 'members', 'x', '--limit', 'many', '--lang', 'en');
    expect(en.err).toBe('nurture: Invalid input: --limit must be a number\n');
    expect(en.code).toBe(2);
  });

  it('not found: "Không tìm thấy" / "Not found", with the exit code of the code', async () => {
    const missing = join(dir, 'missing.duckdb');
    const vi = await cli('segment', 'list', '--db', missing, '--lang', 'vi');
    expect(vi.err).toMatch(/^nurture: Không tìm thấy: no database at .*missing\.duckdb/);
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
    expect(vi.err).toMatch(/^nurture: Dữ liệu không hợp lệ: file not found: /);
    const plain = await cliWithEnv({}, ...args);
    expect(plain.err).toMatch(/^nurture: Dữ liệu không hợp lệ: file not found: /);
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
});
