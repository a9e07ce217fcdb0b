import type { Dialect, SqlEngine } from '../engine.js';
import { PG_LOCK_CLASS } from '../postgres/locks.js';
import { coreSchema } from './001-core.js';
import { analyticsSchema } from './002-analytics.js';
import { predictionsSchema } from './003-predictions.js';
import { segmentsSchema } from './004-segments.js';
import { analyticsDuckDbKeys } from './005-analytics-duckdb-keys.js';
import { importDuckDbKeys } from './006-import-duckdb-keys.js';
import { segmentsDuckDbLookups } from './007-segments-duckdb-lookups.js';
import { orderLineCategories } from './008-order-line-categories.js';
import { customerStatsLookupHash } from './009-customer-stats-lookup-hash.js';
import { segmentMembersLookupHash } from './010-segment-members-lookup-hash.js';
import { jobsSchema } from './011-jobs.js';
import { serverSchema } from './012-server.js';
import { staleCustomersSchema } from './013-stale-customers.js';
import { customerPageDuckDbLookups } from './014-customer-page-duckdb-lookups.js';
import { jobProgress } from './015-job-progress.js';
import { productCatalogue } from './016-product-catalogue.js';
import { predictiveIntervalsSchema } from './017-predictive-intervals.js';
import { customerPredictionsLookupHash } from './018-customer-predictions-lookup-hash.js';
import { referralVisitsSchema } from './019-referral-visits.js';
import { dashboardUsers } from './020-dashboard-users.js';
import { customerNameSearch } from './021-customer-name-search.js';
import { eventsByTime } from './022-events-by-time.js';
import { couponsSchema } from './023-coupons.js';
import { flowsSchema } from './024-flows.js';
import { sitePopupsSchema } from './025-site-popups.js';
import { loyaltySchema } from './026-loyalty.js';
import { referralsFeedbackSchema } from './027-referrals-feedback.js';
import { reorderCyclesSchema } from './028-reorder-cycles.js';
import { recommendationsSchema } from './029-recommendations.js';
import { messagesInFlightSchema } from './030-messages-in-flight.js';
import { loyaltyMergedFromSchema } from './035-loyalty-merged-from.js';

/** A statement for both engines, or for one only (e.g. secondary indexes, see 001-core). */
export type MigrationStatement = string | { only: Dialect; sql: string };

export interface Migration {
  version: number;
  name: string;
  statements: readonly MigrationStatement[];
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  coreSchema,
  analyticsSchema,
  predictionsSchema,
  segmentsSchema,
  analyticsDuckDbKeys,
  importDuckDbKeys,
  segmentsDuckDbLookups,
  orderLineCategories,
  customerStatsLookupHash,
  segmentMembersLookupHash,
  jobsSchema,
  serverSchema,
  staleCustomersSchema,
  customerPageDuckDbLookups,
  jobProgress,
  productCatalogue,
  predictiveIntervalsSchema,
  customerPredictionsLookupHash,
  referralVisitsSchema,
  dashboardUsers,
  customerNameSearch,
  eventsByTime,
  couponsSchema,
  flowsSchema,
  sitePopupsSchema,
  loyaltySchema,
  referralsFeedbackSchema,
  reorderCyclesSchema,
  recommendationsSchema,
  messagesInFlightSchema,
  loyaltyMergedFromSchema,
];

/**
 * Applies the migrations this database has not seen yet, each in its own transaction. On
 * PostgreSQL, where several processes may open a new database at once, they are applied in one
 * transaction that first takes an advisory lock on the schema (`pg_advisory_xact_lock`): the other
 * processes wait for it, then find the migrations done. (A DuckDB file has one writer process.)
 */
export async function migrate(
  engine: SqlEngine,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  if (engine.dialect !== 'postgres') return applyMigrations(engine, migrations);
  return engine.transaction(async (tx) => {
    await tx.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_SQL})`);
    return applyMigrations(tx, migrations);
  });
}

/** The advisory lock key of the migrations of the current schema (two keys: class, schema). */
export const MIGRATION_LOCK_SQL = `${PG_LOCK_CLASS}, hashtext(current_schema())`;

async function applyMigrations(engine: SqlEngine, migrations: readonly Migration[]): Promise<number[]> {
  await engine.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER NOT NULL PRIMARY KEY,
      name VARCHAR NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL
    )`,
  );
  const done = new Set(
    (await engine.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await engine.transaction(async (tx) => {
      for (const st of m.statements) {
        if (typeof st === 'string') await tx.run(st);
        else if (st.only === engine.dialect) await tx.run(st.sql);
      }
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        new Date(),
      ]);
    });
    applied.push(m.version);
  }
  return applied;
}
