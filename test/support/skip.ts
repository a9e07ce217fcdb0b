/**
 * Why a suite is skipped, written into its name so that the summary reporter
 * (test/support/summary-reporter.ts) can print it once per skipped suite with how to run it.
 * A reason starts with `SKIPPED:` and says how to run the suite; a suite name carries it after
 * ` — ` (`skipNote`, or `engine.title` for the engine suites). A skipped test without one is
 * reported as such.
 */
export const SKIP_MARK = 'SKIPPED:';

/** ` — SKIPPED: …` when `reason` is set (the suite is skipped), '' otherwise. */
export function skipNote(reason: string | undefined): string {
  return reason ? ` — ${reason}` : '';
}

/** The reason in a suite's or test's name (after `SKIPPED:`), if it carries one. */
export function skipReasonOf(name: string): string | undefined {
  const at = name.indexOf(SKIP_MARK);
  return at < 0 ? undefined : name.slice(at + SKIP_MARK.length).trim();
}

/** The name without its skip note. */
export function withoutSkipNote(name: string): string {
  const at = name.indexOf(` — ${SKIP_MARK}`);
  return at < 0 ? name : name.slice(0, at);
}

/** Why PostgreSQL suites are skipped without NURTURE_TEST_PG_URL, and how to run them. */
export const PG_SKIP_REASON = `${SKIP_MARK} PostgreSQL suite (set NURTURE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test, any reachable database: each test takes its own schema)`;
