import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import type { Channel } from '../../domain/model/enums.js';
import {
  type Condition,
  type CountTest,
  EVENT_FILTER_KEYS,
  type Resolved,
  type ResolvedQuery,
  type Scalar,
  type SetFieldName,
  type Window,
} from '../../domain/segments/ast.js';
import { compare } from '../../domain/segments/evaluate.js';
import { type FieldSource, scalarField } from '../../domain/segments/fields.js';
import { needsStatsRow } from '../../domain/segments/inspect.js';
import { assertNever } from '../../errors.js';
import { validOrderSql } from '../analytics/model-sql.js';
import { laterPurchaseSql } from '../replenish/index.js';
import { FIELD_SQL } from './field-sql.js';
import { atLeastOne, flattenOr, mergeOrItems } from './merge.js';

/**
 * The SQL compiler: a resolved query becomes a `FROM … WHERE …` over customers (`c`) and, when
 * the query reads them, their stats (`s`), predictions (`p`) and latest NPS answer (`n`), each
 * LEFT JOINed. Function
 * conditions become semi-joins (`c.customer_id IN (SELECT …)`), which both engines run as hash
 * joins. Every value is a parameter (`$n`); the SQL text holds only the catalog's constants.
 * The output runs unchanged on DuckDB and PostgreSQL.
 *
 * Every condition compiles to a two-valued expression (never NULL), so NOT means what it means in
 * the in-memory evaluator.
 */

/** Values a parameter can hold here. */
export type SqlParam = string | number | boolean | Date;

/**
 * The parameters of one statement. `$1` is always the shop id; the others are added as the
 * compiler meets values. Several compiled queries can share one list (one statement, many
 * segments).
 */
export class SqlParams {
  readonly values: SqlParam[];
  private readonly shared = new Map<string, string>();

  constructor(shopId: string) {
    this.values = [shopId];
  }

  /** `$n` of a new parameter, cast to a type both engines infer the same way. */
  add(
    value: SqlParam,
    type: 'VARCHAR' | 'DOUBLE PRECISION' | 'BIGINT' | 'BOOLEAN' | 'DATE' | 'TIMESTAMPTZ',
  ): string {
    this.values.push(value);
    return `CAST($${this.values.length} AS ${type})`;
  }

  /** One parameter reused by every mention (the as-of day, the time zone). */
  once(key: string, make: () => string): string {
    let ref = this.shared.get(key);
    if (ref === undefined) {
      ref = make();
      this.shared.set(key, ref);
    }
    return ref;
  }
}

/**
 * Customers to restrict to (a per-customer refresh): a few ids, bound as parameters, or a table
 * of ids (the caller's constant name, never user input).
 */
export type CompileScope = { ids: readonly string[] } | { table: string };

export interface CompileOptions {
  scope?: CompileScope;
  /** The stats are joined with an inner join (`needsStatsRow`): every customer has a stats row. */
  innerStats?: boolean;
}

/** A compiled condition: a boolean SQL expression and the relations it reads. */
export interface CompiledCondition {
  /** The condition over `c`, `s`, `p`, `n`; true only for matching customers. */
  sql: string;
  sources: ReadonlySet<FieldSource>;
}

/**
 * Compiles a resolved condition; its values are added to `params`. The expression is meant for a
 * WHERE clause or a flag column read as "is it TRUE": atoms under no NOT may be NULL (a NULL is
 * not TRUE, exactly like the evaluator's false), atoms under a NOT are made two-valued.
 */
export function compileCondition(
  query: ResolvedQuery,
  params: SqlParams,
  options: CompileOptions = {},
): CompiledCondition {
  const compiler = new Compiler(query, params, options);
  const sql = compiler.condition(query.condition, false);
  return { sql, sources: compiler.sources };
}

/**
 * `FROM customers c [JOIN …] WHERE c.shop_id = $1 AND c.merged_into IS NULL [AND scope]`: the
 * live customers of the shop, with the relations `sources` name joined. `innerStats` joins the
 * stats with an inner join (for a condition that is false without them), which lets the engines
 * filter the stats before the join.
 */
export function customersFrom(
  sources: ReadonlySet<FieldSource>,
  params: SqlParams,
  options: CompileOptions = {},
): string {
  const joins = [
    sources.has('stats')
      ? `${options.innerStats ? 'JOIN' : 'LEFT JOIN'} customer_stats s ON s.shop_id = c.shop_id AND s.customer_id = c.customer_id`
      : '',
    sources.has('predictions')
      ? 'LEFT JOIN customer_predictions p ON p.shop_id = c.shop_id AND p.customer_id = c.customer_id'
      : '',
    sources.has('nps') ? `LEFT JOIN (${LATEST_NPS_SQL}) n ON n.customer_id = c.customer_id` : '',
  ].filter((j) => j !== '');
  const scope = scopeClause(options.scope, params, 'c.customer_id');
  return `FROM customers c${joins.map((j) => `\n  ${j}`).join('')}\nWHERE c.shop_id = $1 AND c.merged_into IS NULL${scope}`;
}

/** `FROM … WHERE …` selecting the live customers that match one query (`c.customer_id`). */
export function compileQuery(
  query: ResolvedQuery,
  params: SqlParams,
  options: CompileOptions = {},
): { fromWhere: string } {
  const withStatsRow = { ...options, innerStats: needsStatsRow(query) };
  const { sql, sources } = compileCondition(query, params, withStatsRow);
  const from = customersFrom(sources, params, withStatsRow);
  return { fromWhere: `${from}\n  AND ${sql}` };
}

/** A whole statement with its parameters. */
export interface SqlStatement {
  sql: string;
  params: SqlParam[];
}

/** The ids of the matching customers, in id order. */
export function selectIdsSql(
  query: ResolvedQuery,
  shopId: string,
  options: CompileOptions & { limit?: number } = {},
): SqlStatement {
  const params = new SqlParams(shopId);
  const { fromWhere } = compileQuery(query, params, options);
  const limit =
    options.limit === undefined
      ? ''
      : `\nLIMIT ${params.add(Math.max(0, Math.floor(options.limit)), 'BIGINT')}`;
  return { sql: `SELECT c.customer_id\n${fromWhere}\nORDER BY c.customer_id${limit}`, params: params.values };
}

/** How many customers match. */
export function countSql(query: ResolvedQuery, shopId: string, options: CompileOptions = {}): SqlStatement {
  const params = new SqlParams(shopId);
  const { fromWhere } = compileQuery(query, params, options);
  return { sql: `SELECT COUNT(*) AS n\n${fromWhere}`, params: params.values };
}

/**
 * How many customers match and the first `limit` of them (in id order), in one evaluation of the
 * query: the count is a window over every match, taken before the limit (the editor's live check
 * would otherwise run the query twice per keystroke).
 */
export function countAndFirstIdsSql(query: ResolvedQuery, shopId: string, limit: number): SqlStatement {
  const params = new SqlParams(shopId);
  const { fromWhere } = compileQuery(query, params, {});
  const n = params.add(Math.max(1, Math.floor(limit)), 'BIGINT');
  return {
    sql: `SELECT c.customer_id, COUNT(*) OVER () AS n\n${fromWhere}\nORDER BY c.customer_id\nLIMIT ${n}`,
    params: params.values,
  };
}

/** The latest NPS answer with a score per customer (latest by time, then by feedback id). */
const LATEST_NPS_SQL = `SELECT customer_id, score FROM (
      SELECT f.customer_id, f.score,
        ROW_NUMBER() OVER (PARTITION BY f.customer_id ORDER BY f.created_at DESC, f.feedback_id DESC) AS rn
      FROM feedback f WHERE f.shop_id = $1 AND f.kind = 'nps' AND f.score IS NOT NULL
    ) ranked WHERE rn = 1`;

const CONSENT_COLUMNS: Record<Channel, string> = {
  email: 'c.accepts_email',
  sms: 'c.accepts_sms',
  zalo: 'c.accepts_zalo',
  messenger: 'c.accepts_messenger',
};

const VALID_ORDER = validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o');

class Compiler {
  readonly sources = new Set<FieldSource>();

  constructor(
    private readonly query: ResolvedQuery,
    private readonly params: SqlParams,
    private readonly options: CompileOptions,
  ) {}

  /**
   * `negated`: an odd number of NOTs above. There an atom that could be NULL is wrapped in
   * COALESCE(…, FALSE), so that NOT turns "no value" into true as the evaluator does; elsewhere
   * a NULL already reads as false, and the bare comparison lets the engines push it down.
   */
  condition(c: Condition<Resolved>, negated: boolean): string {
    const twoValued = (sql: string) => (negated ? `COALESCE(${sql}, FALSE)` : sql);
    switch (c.kind) {
      case 'and':
        return `(${c.items.map((i) => this.condition(i, negated)).join(' AND ')})`;
      case 'or': {
        // Long OR-lists of one test with different values become one set test (see merge.ts).
        const items = mergeOrItems(flattenOr(c.items));
        return `(${items.map((i) => this.condition(i, negated)).join(' OR ')})`;
      }
      case 'not':
        return `(NOT ${this.condition(c.operand, !negated)})`;
      case 'compare':
        return twoValued(`${this.field(c.field)} ${c.op} ${this.scalar(c.value)}`);
      case 'in':
        return twoValued(`${this.field(c.field)} IN (${c.values.map((v) => this.scalar(v)).join(', ')})`);
      case 'is_null':
        return `(${this.field(c.field)} IS NULL)`;
      case 'substring':
        return twoValued(`strpos(${this.field(c.field)}, ${this.params.add(c.value, 'VARCHAR')}) > 0`);
      case 'has':
        return this.has(c.field, c.value, negated);
      case 'empty':
        return this.empty(c.field);
      case 'purchased':
        return this.purchased(c);
      case 'performed':
        return this.performed(c);
      case 'replenishment_due':
        return this.replenishmentDue(c);
      default:
        return assertNever(c, 'condition');
    }
  }

  private field(name: Parameters<typeof scalarField>[0]): string {
    const f = scalarField(name);
    const query = this.query;
    this.sources.add(f.source);
    const { sql: anyRow, statsRowSql } = FIELD_SQL[name];
    const sql = this.options.innerStats && statsRowSql !== undefined ? statsRowSql : anyRow;
    return sql
      .replace('{today}', () => this.params.once('today', () => this.params.add(query.today, 'DATE')))
      .replace('{tz}', () => this.params.once('tz', () => this.params.add(query.timeZone, 'VARCHAR')));
  }

  private scalar(v: Scalar<Resolved>): string {
    switch (v.type) {
      case 'number':
        return this.params.add(v.value, 'DOUBLE PRECISION');
      case 'string':
        return this.params.add(v.value, 'VARCHAR');
      case 'boolean':
        return this.params.add(v.value, 'BOOLEAN');
      case 'date':
        return this.params.add(v.value, 'DATE');
      default:
        return assertNever(v, 'value');
    }
  }

  private scope(column: string): string {
    return scopeClause(this.options.scope, this.params, column);
  }

  private has(field: SetFieldName, value: string, negated: boolean): string {
    switch (field) {
      case 'tags':
        return `c.customer_id IN (SELECT t.customer_id FROM customer_tags t WHERE t.shop_id = $1 AND t.tag = ${this.params.add(value, 'VARCHAR')}${this.scope('t.customer_id')})`;
      case 'consent': {
        const column = CONSENT_COLUMNS[value as Channel];
        return negated ? `COALESCE(${column}, FALSE)` : column;
      }
      default:
        return assertNever(field, 'set field');
    }
  }

  private empty(field: SetFieldName): string {
    switch (field) {
      case 'tags':
        return `c.customer_id NOT IN (SELECT t.customer_id FROM customer_tags t WHERE t.shop_id = $1${this.scope('t.customer_id')})`;
      case 'consent':
        return `(NOT (${Object.values(CONSENT_COLUMNS)
          .map((col) => `COALESCE(${col}, FALSE)`)
          .join(' OR ')}))`;
      default:
        return assertNever(field, 'set field');
    }
  }

  private window(w: Window<Resolved>, column: string): string {
    const from = w.from ? ` AND ${column} >= ${this.params.add(w.from, 'TIMESTAMPTZ')}` : '';
    const to = w.to ? ` AND ${column} < ${this.params.add(w.to, 'TIMESTAMPTZ')}` : '';
    return from + to;
  }

  private purchased(c: Extract<Condition<Resolved>, { kind: 'purchased' }>): string {
    const lines = c.skus !== null || c.categories !== null;
    const filters = [
      c.skus === null ? '' : ` AND l.sku IN (${c.skus.map((v) => this.params.add(v, 'VARCHAR')).join(', ')})`,
      c.categories === null
        ? ''
        : ` AND l.category IN (${c.categories.map((v) => this.params.add(v, 'VARCHAR')).join(', ')})`,
    ].join('');
    const from = lines
      ? 'orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id'
      : 'orders o';
    const where = `o.shop_id = $1 AND ${VALID_ORDER}${filters}${this.window(c.window, 'o.created_at')}${this.scope('o.customer_id')}`;
    const counted = lines ? 'COUNT(DISTINCT o.order_id)' : 'COUNT(*)';
    return this.counted('o.customer_id', `FROM ${from} WHERE ${where}`, counted, c.count);
  }

  /**
   * A standing prediction due in the window: a semi-join on customer_replenishment (its due day is
   * ISO text, which orders as the date), less the predictions a purchase since has made stale.
   */
  private replenishmentDue(c: Extract<Condition<Resolved>, { kind: 'replenishment_due' }>): string {
    const skus =
      c.skus === null ? '' : ` AND r.sku IN (${c.skus.map((v) => this.params.add(v, 'VARCHAR')).join(', ')})`;
    const days = ` AND r.due_day >= ${this.params.add(c.from, 'VARCHAR')} AND r.due_day <= ${this.params.add(c.to, 'VARCHAR')}`;
    return `c.customer_id IN (SELECT r.customer_id FROM customer_replenishment r WHERE r.shop_id = $1${skus}${days}${this.scope('r.customer_id')} AND NOT EXISTS (${laterPurchaseSql('r')}))`;
  }

  private performed(c: Extract<Condition<Resolved>, { kind: 'performed' }>): string {
    const filters = c.filters
      .map((f) => {
        const values = f.values.map((v) => this.params.add(v, 'VARCHAR')).join(', ');
        const keys = EVENT_FILTER_KEYS[f.key].map(
          (k) => `(CAST(e.properties AS JSON) ->> '${k}') IN (${values})`,
        );
        return ` AND (${keys.join(' OR ')})`;
      })
      .join('');
    const where = `e.shop_id = $1 AND e.customer_id IS NOT NULL AND e.name = ${this.params.add(c.event, 'VARCHAR')}${filters}${this.window(c.window, 'e.occurred_at')}${this.scope('e.customer_id')}`;
    return this.counted('e.customer_id', `FROM events e WHERE ${where}`, 'COUNT(*)', c.count);
  }

  /**
   * A count test as a semi-join. When zero passes the test (`count < 2`, `count = 0`), the
   * customers who pass are those NOT among the ones with a failing, non-zero count.
   */
  private counted(id: string, fromWhere: string, counter: string, count: CountTest): string {
    const zeroPasses = compare(0, count.op, count.value);
    if (!zeroPasses && atLeastOne(count)) return `c.customer_id IN (SELECT ${id} ${fromWhere})`;
    const n = this.params.add(count.value, 'BIGINT');
    const having = zeroPasses ? `NOT (${counter} ${count.op} ${n})` : `${counter} ${count.op} ${n}`;
    const sub = `SELECT ${id} ${fromWhere} GROUP BY ${id} HAVING ${having}`;
    return zeroPasses ? `c.customer_id NOT IN (${sub})` : `c.customer_id IN (${sub})`;
  }
}

/** ` AND column IN (…)` restricting to a scope (the id list is bound once per statement); empty without one. */
function scopeClause(scope: CompileScope | undefined, params: SqlParams, column: string): string {
  if (scope === undefined) return '';
  if ('table' in scope) return ` AND ${column} IN (SELECT customer_id FROM ${scope.table})`;
  if (scope.ids.length === 0) return ' AND FALSE';
  const list = params.once('scope', () => scope.ids.map((id) => params.add(id, 'VARCHAR')).join(', '));
  return ` AND ${column} IN (${list})`;
}
