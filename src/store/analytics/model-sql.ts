/**
 * The analytics models of src/domain/analytics as SQL: the valid-order rule, RFM scoring, the
 * group rules (lifecycle, value groups, RFM map) as CASE expressions, and the thresholds' sample.
 * Each mirrors an in-memory function of the domain, which the analytics tests compare it with.
 * Values are inlined through sql.ts's literal functions.
 */
import { DEFAULT_LIFECYCLE_RULES } from '../../domain/analytics/lifecycle.js';
import { type Better, type FmAxis, RFM_LEVELS } from '../../domain/analytics/rfm.js';
import type { RfmCell } from '../../domain/analytics/rfm-groups.js';
import {
  BOOLEAN_FIELDS,
  type Condition,
  type ModelRules,
  NUMERIC_FIELDS,
  resolveOperand,
} from '../../domain/analytics/rules.js';
import type { ThresholdConfig } from '../../domain/analytics/thresholds.js';
import type { LifecycleStage, Thresholds, ValueGroup } from '../../domain/analytics/types.js';
import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import { DEFAULT_VALUE_RULES } from '../../domain/analytics/value-groups.js';
import { ORDER_STATUSES } from '../../domain/model/index.js';
import { sqlInteger, sqlNumber, sqlString } from './sql.js';

/** SQL predicate: the order aliased `o` is valid. Statuses are checked enum values, so inlined. */
export function validOrderSql(rule: ValidOrderRule, alias = 'o'): string {
  const statuses = rule.statuses.filter((s) => (ORDER_STATUSES as readonly string[]).includes(s));
  const inList = `${alias}.status IN (${statuses.map(sqlString).join(', ')})`;
  if (!rule.excludeFullyRefunded) return `(${inList})`;
  return `(${inList} AND (${alias}.refunded < ${alias}.total OR ${alias}.total = 0))`;
}

/** SQL expression: the value of the order aliased `o` (DECIMAL, exact). */
export function orderValueSql(rule: ValidOrderRule, alias = 'o'): string {
  return rule.netOfRefunds ? `(${alias}.total - ${alias}.refunded)` : `${alias}.total`;
}

/**
 * SQL: for each distinct value of `valueExpr` among the rows of `relation` that `filter` keeps, the
 * number of those rows with a strictly worse value. Columns: `v` (the value), `worse`.
 */
export function worseCountsSql(valueExpr: string, better: Better, relation: string, filter: string): string {
  const direction = better === 'higher' ? 'ASC' : 'DESC';
  return `SELECT v, SUM(k) OVER (ORDER BY v ${direction}) - k AS worse
      FROM (SELECT ${valueExpr} AS v, COUNT(*) AS k FROM ${relation} WHERE ${filter} GROUP BY ${valueExpr}) t`;
}

/** SQL: the score (an INTEGER 1-5) of a value with `worse` rows strictly worse among `n`. */
export function scoreFromWorseSql(worse: string, n: string): string {
  return `CAST(1 + FLOOR(CAST(${RFM_LEVELS} * ${worse} AS DOUBLE PRECISION) / ${n}) AS INTEGER)`;
}

/** The FM axis as SQL over the columns holding F and M (an INTEGER). */
export function fmScoreSql(f: string, m: string, axis: FmAxis): string {
  return axis === 'average' ? `CAST(FLOOR((${f} + ${m} + 1) / 2.0) AS INTEGER)` : f;
}

/** The RFM map (the domain's rfmGroupOf) as an SQL CASE over the columns holding R and FM. */
export function rfmGroupCaseSql(map: readonly RfmCell[], r: string, fm: string): string {
  const between = (col: string, [lo, hi]: readonly [number, number]) =>
    `${col} BETWEEN ${sqlInteger(lo)} AND ${sqlInteger(hi)}`;
  const whens = map.map((c) => `WHEN ${between(r, c.r)} AND ${between(fm, c.fm)} THEN ${sqlString(c.group)}`);
  return `CASE WHEN ${r} IS NULL OR ${fm} IS NULL THEN 'prospects' ${whens.join(' ')} END`;
}

/**
 * A condition as an SQL boolean that is never NULL. `col` maps a column name to its SQL reference
 * (a table alias, say).
 */
export function conditionSql(
  c: Condition,
  thresholds: Thresholds,
  col: (name: string) => string = (n) => n,
): string {
  if ('field' in c)
    return `COALESCE(${col(NUMERIC_FIELDS[c.field])} ${c.op} ${sqlNumber(resolveOperand(c.value, thresholds))}, FALSE)`;
  if ('flag' in c) return `(COALESCE(${col(BOOLEAN_FIELDS[c.flag])}, FALSE) = ${c.is ? 'TRUE' : 'FALSE'})`;
  if ('rfmGroupIn' in c)
    return c.rfmGroupIn.length === 0
      ? 'FALSE'
      : `COALESCE(${col('rfm_group')} IN (${c.rfmGroupIn.map(sqlString).join(', ')}), FALSE)`;
  if ('all' in c)
    return c.all.length === 0
      ? 'TRUE'
      : `(${c.all.map((d) => conditionSql(d, thresholds, col)).join(' AND ')})`;
  if ('any' in c)
    return c.any.length === 0
      ? 'FALSE'
      : `(${c.any.map((d) => conditionSql(d, thresholds, col)).join(' OR ')})`;
  return `(NOT ${conditionSql(c.not, thresholds, col)})`;
}

/** A model's rules as one SQL CASE expression yielding the group name. */
export function modelCaseSql<G extends string>(
  model: ModelRules<G>,
  thresholds: Thresholds,
  col: (name: string) => string = (n) => n,
): string {
  const whens = model.rules.map(
    (r) => `WHEN ${conditionSql(r.when, thresholds, col)} THEN ${sqlString(r.group)}`,
  );
  return `CASE ${whens.join(' ')} ELSE ${sqlString(model.otherwise)} END`;
}

/** The lifecycle rules as an SQL CASE over customer_stats columns (`col` maps column names). */
export function lifecycleCaseSql(
  thresholds: Thresholds,
  rules: ModelRules<LifecycleStage> = DEFAULT_LIFECYCLE_RULES,
  col?: (name: string) => string,
): string {
  return modelCaseSql(rules, thresholds, col);
}

/** The value-group rules as an SQL CASE over customer_stats columns (`col` maps column names). */
export function valueGroupCaseSql(
  thresholds: Thresholds,
  rules: ModelRules<ValueGroup> = DEFAULT_VALUE_RULES,
  col?: (name: string) => string,
): string {
  return modelCaseSql(rules, thresholds, col);
}

/**
 * One SQL query over a relation of per-customer stats (columns `orders`, `aov`, `avg_gap_days`)
 * that returns the sample `fitThresholds` needs.
 */
export function fitSampleSql(relation: string, config: ThresholdConfig): string {
  const { fit } = config;
  return `SELECT
      COUNT(*) AS buyers,
      COUNT(avg_gap_days) AS repeat_buyers,
      percentile_cont(${fit.activeQuantile}) WITHIN GROUP (ORDER BY avg_gap_days) AS active_gap,
      percentile_cont(${fit.frequentQuantile}) WITHIN GROUP (ORDER BY avg_gap_days) AS frequent_gap,
      percentile_cont(${fit.highValueQuantile}) WITHIN GROUP (ORDER BY aov) AS high_aov
    FROM ${relation} WHERE orders > 0`;
}
