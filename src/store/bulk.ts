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

/**
 * PostgreSQL: brings the planner's statistics of `tables` up to date where they have changed by
 * more than a tenth since they were last gathered (or never were), before a large statement reads
 * them. Right after a bulk import autovacuum has not run yet, the planner believes the tables are
 * empty and picks nested loops, and a recompute of a few hundred customers ran for minutes.
 * DuckDB keeps its statistics as it writes: nothing to do.
 */
export async function refreshPlannerStatistics(engine: SqlEngine, tables: readonly string[]): Promise<void> {
  if (engine.dialect !== 'postgres') return;
  const stale = await engine.all<{ relname: string }>(
    `SELECT relname FROM pg_stat_user_tables
     WHERE schemaname = current_schema() AND relname IN (${tables.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')})
       AND (last_analyze IS NULL AND last_autoanalyze IS NULL OR n_mod_since_analyze > 0.1 * GREATEST(n_live_tup, 1000))`,
  );
  for (const { relname } of stale) await engine.run(`ANALYZE ${relname}`);
}
