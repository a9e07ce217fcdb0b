import type { SqlEngine } from './engine.js';

/**
 * Session settings for statements over a whole shop (the analytics recompute, segment counts and
 * refreshes), for the rest of the current transaction only. PostgreSQL's default work_mem (4 MB)
 * makes it sort and hash a million customers on disk, in batches, and plan `IN (SELECT …)` over a
 * million rows as a subquery re-run per row instead of one hash; these statements get 256 MB each
 * instead (SET LOCAL ends with the transaction). DuckDB sizes its operators from its memory limit
 * and needs nothing.
 */
export async function tuneForBulk(engine: SqlEngine): Promise<void> {
  if (engine.dialect === 'postgres') await engine.run("SET LOCAL work_mem = '256MB'");
}
