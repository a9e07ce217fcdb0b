import type { AnalyticsConfig } from '../../domain/analytics/config.js';
import type { Thresholds } from '../../domain/analytics/types.js';
import { tuneForBulk } from '../bulk.js';
import type { SqlEngine } from '../engine.js';
import { lookupHashInsert } from '../lookup-hash.js';
import { prepareStatsTable, SCORE_COLUMNS, STAT_COLUMNS, shopTimeZone } from './common.js';
import { currentStatsSelectSql } from './customer-stats.js';
import { withJoinsAsWritten } from './dialect.js';
import { fitShopThresholds, scoreParams, scoresSelectSql } from './scores.js';

/*
 * The batch job: every customer's stats from the orders, then the population-wide scores and
 * groups, written once. `refreshCustomerStats` followed by `recomputeScores` gives the same rows
 * (test/analytics/full-recompute.test.ts), but writes each row twice and compares the new stats
 * with the stored ones first; here the stats go to a temporary table, the thresholds are fitted
 * on it, and one INSERT … SELECT writes stats and scores together.
 */

const STAGE = 'analytics_full_stage';

/** What a full recompute did. */
export interface FullRecomputeResult {
  customers: number;
  thresholds: Thresholds;
  /** Seconds spent in each step (stats into the stage, threshold fit, scored rows written). */
  phases: { statsSeconds: number; fitSeconds: number; writeSeconds: number };
}

/**
 * Recomputes customer_stats of a shop in full, stats and scores, as of `asOf`, in one transaction.
 * The stats count every stored order, unless `statsAsOf`: then only the orders (and customers)
 * there were at `asOf`, as a report of a past date needs them.
 */
export async function recomputeShop(
  engine: SqlEngine,
  shopId: string,
  asOf: Date,
  config: AnalyticsConfig,
  options: { statsAsOf?: boolean } = {},
): Promise<FullRecomputeResult> {
  const timeZone = await shopTimeZone(engine, shopId);
  return engine.transaction(async (tx) => {
    await tuneForBulk(tx);
    const clock = stopwatch();
    const stats = await currentStatsSelectSql(
      tx,
      shopId,
      timeZone,
      config.validOrders,
      options.statsAsOf ? { cutoffParam: '$2' } : {},
    );
    await prepareStatsTable(tx, STAGE);
    const statColumns = STAT_COLUMNS.join(', ');
    await tx.run(
      `INSERT INTO ${STAGE} (${statColumns}) SELECT ${statColumns} FROM (${stats}) n`,
      options.statsAsOf ? [shopId, asOf] : [shopId],
    );
    const statsSeconds = clock();
    const thresholds = await fitShopThresholds(tx, shopId, config, STAGE);
    const fitSeconds = clock();
    const scored = scoresSelectSql({
      source: { relation: STAGE, copy: true },
      timeZone,
      asOf,
      config,
      thresholds,
      withStats: true,
    });
    const scoreColumns = SCORE_COLUMNS.filter((c) => c !== 'computed_as_of');
    const columns = [...STAT_COLUMNS, ...scoreColumns].join(', ');
    const hash = lookupHashInsert(tx.dialect, 's.customer_id');
    await tx.run('DELETE FROM customer_stats WHERE shop_id = $1', [shopId]);
    await withJoinsAsWritten(tx, () =>
      tx.run(
        `INSERT INTO customer_stats (${columns}, computed_as_of${hash.column})
         SELECT ${columns}, $2${hash.value} FROM (${scored}) s`,
        scoreParams(shopId, asOf, config),
      ),
    );
    const writeSeconds = clock();
    const [row] = await tx.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${STAGE}`);
    await tx.run(`DELETE FROM ${STAGE}`);
    return { customers: Number(row?.n ?? 0), thresholds, phases: { statsSeconds, fitSeconds, writeSeconds } };
  });
}

/** Seconds since the last call (or since it was made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    return seconds;
  };
}
