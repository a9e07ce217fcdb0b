import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PG_URL, pgSkipped } from '../support/engines.js';
import { skipNote } from '../support/skip.js';

/**
 * Issue 13, 5i: `npm test` without PostgreSQL (or Chromium) said "83 skipped" and nothing about
 * why. The summary reporter now prints, once per skipped suite, the reason and how to run it; and
 * CI, which requires "0 skipped", agrees with the suite (no test is skipped where PostgreSQL runs).
 */

/** Runs vitest on one test file in a child process, with the project's reporters. */
function vitest(file: string, env: Record<string, string | undefined>) {
  const clean = { ...process.env };
  delete clean['NURTURE_TEST_PG_URL'];
  delete clean['NURTURE_REQUIRE_PG'];
  delete clean['VITEST'];
  delete clean['VITEST_WORKER_ID'];
  delete clean['VITEST_POOL_ID'];
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', file], {
    env: { ...clean, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout };
}

describe('the test summary', () => {
  it('says once per skipped suite why it was skipped and how to run it', () => {
    const r = vitest('test/store/staging.test.ts', {});
    expect(r.code, r.out).toBe(0);
    const lines = r.out.split('\n');
    const listed = lines.filter((l) => l.includes('test/store/staging.test.ts › staging on postgres'));
    expect(listed).toEqual([
      expect.stringMatching(
        /^ {2}test\/store\/staging\.test\.ts › staging on postgres \(5 tests\): PostgreSQL suite \(set NURTURE_TEST_PG_URL=postgres:\/\/\S+/,
      ),
    ]);
    expect(lines).toContain('Skipped, and how to run them:');
    expect(lines).toContain('Tests: 5 passed, 0 failed, 5 skipped');
  });

  it.skipIf(pgSkipped)(
    `skips nothing where PostgreSQL runs, so CI's "0 skipped" holds${skipNote(pgSkipped)}`,
    () => {
      const r = vitest('test/store/staging.test.ts', { NURTURE_TEST_PG_URL: PG_URL });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('Tests: 10 passed, 0 failed, 0 skipped');
      expect(r.out).not.toContain('Skipped, and how to run them:');
    },
  );
});
