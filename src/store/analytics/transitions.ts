import type { AnalyticsConfig } from '../../domain/analytics/config.js';
import {
  type ClassifierModel,
  LIFECYCLE_STAGES,
  type LifecycleStage,
  type Thresholds,
  type TransitionCell,
  type TransitionMatrix,
  VALUE_GROUPS,
  type ValueGroup,
} from '../../domain/analytics/types.js';
import { assertNever } from '../../errors.js';
import type { SqlEngine } from '../engine.js';
import { prepareStatsTable, STAT_COLUMNS, shopTimeZone } from './common.js';
import { customerStatsSelectSql } from './customer-stats.js';
import { fitShopThresholds, scoreParams, scoresSelectSql } from './scores.js';

/**
 * Transitions between groups. Nothing is stored: the customers are classified as they were on
 * each of the two dates — stats from the orders placed up to that instant, thresholds fitted to
 * that day's data (unless configured), scores and groups by the same SQL as `recomputeScores` —
 * and the two classifications are joined. So transitions exist for any two dates, also for a shop
 * imported in one go. Customers who did not exist yet on the first date come from `null`.
 */

type GroupOf<M extends ClassifierModel> = M extends 'lifecycle' ? LifecycleStage : ValueGroup;

const AS_OF_STATS = 'analytics_asof_stats';

export interface BothTransitions {
  lifecycle: TransitionMatrix<LifecycleStage>;
  value: TransitionMatrix<ValueGroup>;
  /** The thresholds each date was classified with. */
  thresholds: { from: Thresholds; to: Thresholds };
}

/** The transition matrix of one model between two dates. */
export async function transitions<M extends ClassifierModel>(
  engine: SqlEngine,
  shopId: string,
  model: M,
  fromDate: Date,
  toDate: Date,
  config: AnalyticsConfig,
): Promise<TransitionMatrix<GroupOf<M>>> {
  const both = await transitionsOfBothModels(engine, shopId, fromDate, toDate, config);
  return (model === 'lifecycle' ? both.lifecycle : both.value) as TransitionMatrix<GroupOf<M>>;
}

/**
 * The groups `recomputeScores` stored, when they are those of `toDate`: scored as of `toDate` with
 * the same config, and nothing (order, customer) in the store after it. They are then exactly what
 * classifying as of `toDate` gives, and one of the two classifications is saved.
 */
export interface StoredScores {
  thresholds: Thresholds;
}

/** The transition matrices of both models between two dates (one classification per date). */
export async function transitionsOfBothModels(
  engine: SqlEngine,
  shopId: string,
  fromDate: Date,
  toDate: Date,
  config: AnalyticsConfig,
  storedScoresAreOfToDate?: StoredScores,
): Promise<BothTransitions> {
  const timeZone = await shopTimeZone(engine, shopId);
  return engine.transaction(async (tx) => {
    const from = await classifyAsOf(tx, shopId, timeZone, fromDate, config, 'analytics_groups_from');
    const to = storedScoresAreOfToDate
      ? storedScoresAreOfToDate.thresholds
      : await classifyAsOf(tx, shopId, timeZone, toDate, config, 'analytics_groups_to');
    const toGroups = storedScoresAreOfToDate
      ? `(SELECT customer_id, lifecycle, value_group FROM customer_stats WHERE shop_id = $1)`
      : 'analytics_groups_to';
    const counts = async (model: ClassifierModel) => {
      const column = groupColumnOf(model);
      return tx.all<{ from_group: string | null; to_group: string; n: number }>(
        `SELECT a.${column} AS from_group, b.${column} AS to_group, COUNT(*) AS n
         FROM ${toGroups} b LEFT JOIN analytics_groups_from a ON a.customer_id = b.customer_id
         GROUP BY a.${column}, b.${column}`,
        storedScoresAreOfToDate ? [shopId] : [],
      );
    };
    return {
      lifecycle: matrixOf('lifecycle', LIFECYCLE_STAGES, await counts('lifecycle'), fromDate, toDate),
      value: matrixOf('value', VALUE_GROUPS, await counts('value'), fromDate, toDate),
      thresholds: { from, to },
    };
  });
}

/** Classifies every customer as of `date` into a temporary table (customer_id, groups). */
async function classifyAsOf(
  tx: SqlEngine,
  shopId: string,
  timeZone: string,
  date: Date,
  config: AnalyticsConfig,
  table: string,
): Promise<Thresholds> {
  await prepareStatsTable(tx, AS_OF_STATS);
  const stats = customerStatsSelectSql({
    dialect: tx.dialect,
    timeZone,
    rule: config.validOrders,
    cutoffParam: '$2',
  });
  await tx.run(`INSERT INTO ${AS_OF_STATS} (${STAT_COLUMNS.join(', ')}) ${stats}`, [shopId, date]);
  const thresholds = await fitShopThresholds(tx, shopId, config, AS_OF_STATS);
  await tx.run(
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (
      customer_id VARCHAR, rfm_group VARCHAR, lifecycle VARCHAR, value_group VARCHAR)`,
  );
  await tx.run(`DELETE FROM ${table}`);
  const scores = scoresSelectSql({
    source: { relation: AS_OF_STATS },
    timeZone,
    asOf: date,
    config,
    thresholds,
  });
  await tx.run(
    `INSERT INTO ${table} SELECT customer_id, rfm_group, lifecycle, value_group FROM (${scores}) s`,
    scoreParams(shopId, date, config),
  );
  return thresholds;
}

function matrixOf<G extends string>(
  model: ClassifierModel,
  groups: readonly G[],
  rows: readonly { from_group: string | null; to_group: string; n: number }[],
  fromDate: Date,
  toDate: Date,
): TransitionMatrix<G> {
  const index = new Map<string, number>(groups.map((g, i) => [g, i]));
  const matrix = Array.from({ length: groups.length + 1 }, () => new Array<number>(groups.length).fill(0));
  const cells: TransitionCell<G>[] = [];
  let stayed = 0;
  let moved = 0;
  let entered = 0;
  for (const r of rows) {
    const n = Number(r.n);
    const to = index.get(r.to_group);
    const from = r.from_group === null ? groups.length : index.get(r.from_group);
    if (to === undefined || from === undefined) throw new Error(`unknown ${model} group in transitions`);
    matrix[from]![to]! += n;
    cells.push({
      from: r.from_group === null ? null : (r.from_group as G),
      to: r.to_group as G,
      customers: n,
    });
    if (r.from_group === null) entered += n;
    else if (r.from_group === r.to_group) stayed += n;
    else moved += n;
  }
  cells.sort(
    (a, b) =>
      rank(a.from, index, groups.length) - rank(b.from, index, groups.length) ||
      index.get(a.to)! - index.get(b.to)!,
  );
  return { model, fromDate, toDate, groups, cells, matrix, stayed, moved, entered };
}

function rank(g: string | null, index: ReadonlyMap<string, number>, none: number): number {
  return g === null ? none : (index.get(g) ?? none);
}

/** The group column of a classifier model. */
export function groupColumnOf(model: ClassifierModel): 'lifecycle' | 'value_group' {
  switch (model) {
    case 'lifecycle':
      return 'lifecycle';
    case 'value':
      return 'value_group';
    default:
      return assertNever(model, 'classifier model');
  }
}
