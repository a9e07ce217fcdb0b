/**
 * The segment query language's trees. Two tagged unions:
 *
 * - `Expr`: the syntax tree the parser builds, with source positions, before any field is known;
 * - `Condition<P>`: the checked tree, with fields looked up in the catalog, values typed and
 *   group names canonical. `P` is the phase: `Symbolic` keeps relative dates (`-90d`) as written,
 *   `Resolved` has them turned into absolute days and instants for one as-of moment and time zone.
 *
 * The SQL compiler and the in-memory evaluator both take a `Condition<Resolved>`, so they see the
 * same values. Every consumer switches exhaustively on `kind` (see `assertNever`).
 */

/** A place in the query text: 0-based offset, 1-based line and column (in characters). */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** Units of relative dates and durations: days, weeks, months, years. */
export const DURATION_UNITS = ['d', 'w', 'm', 'y'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export const COMPARE_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/** A literal as written. */
export type Literal =
  | { kind: 'number'; value: number; at: Position }
  | { kind: 'string'; value: string; at: Position }
  | { kind: 'boolean'; value: boolean; at: Position }
  /** An absolute calendar date, 'YYYY-MM-DD'. */
  | { kind: 'date'; value: string; at: Position }
  /** `-90d`, `+7d`, `4w` (unsigned: a duration); `today` is 0d, `yesterday` -1d. */
  | { kind: 'relative'; amount: number; unit: DurationUnit; signed: boolean; at: Position }
  /** A bare word, accepted where a group or channel name is expected (`lifecycle = loyal`). */
  | { kind: 'word'; value: string; at: Position };

export interface Ident {
  name: string;
  at: Position;
}

/** A function argument: `'Product Viewed'`, `sku: 'PRN-01'`, `sku: ('A', 'B')`, `count >= 2`. */
export type Arg =
  | { kind: 'positional'; value: Literal; at: Position }
  | { kind: 'named'; name: Ident; values: Literal[]; list: boolean; at: Position }
  | { kind: 'count'; op: CompareOp; value: Literal; at: Position };

/** The syntax tree. */
export type Expr =
  | { kind: 'and'; items: Expr[]; at: Position }
  | { kind: 'or'; items: Expr[]; at: Position }
  | { kind: 'not'; operand: Expr; at: Position }
  | { kind: 'compare'; field: Ident; op: CompareOp; value: Literal; at: Position }
  | { kind: 'in'; field: Ident; values: Literal[]; negated: boolean; at: Position }
  | { kind: 'between'; field: Ident; low: Literal; high: Literal; negated: boolean; at: Position }
  | { kind: 'is_null'; field: Ident; negated: boolean; at: Position }
  | { kind: 'contains'; field: Ident; value: Literal; negated: boolean; at: Position }
  | { kind: 'call'; name: Ident; args: Arg[]; at: Position };

/** A date as written in a condition: absolute, or relative to the as-of day. */
export type DateRef =
  | { kind: 'absolute'; day: string }
  | { kind: 'relative'; amount: number; unit: DurationUnit };

/** Phase of a checked tree: what dates and time windows look like. */
export interface Phase {
  date: unknown;
  bound: unknown;
}

/** Before resolution: dates as written. */
export interface Symbolic extends Phase {
  date: DateRef;
  bound: DateRef;
}

/** After resolution: days are 'YYYY-MM-DD' in the shop's calendar, bounds are instants. */
export interface Resolved extends Phase {
  date: string;
  bound: Date;
}

/** A typed constant. */
export type Scalar<P extends Phase> =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'date'; value: P['date'] };

/**
 * A time window of a function: `from` inclusive (start of the `since` day), `to` exclusive (end of
 * the `until` day). Either may be missing.
 */
export interface Window<P extends Phase> {
  from?: P['bound'];
  to?: P['bound'];
}

/** `count >= 2` in a function; the default is `count >= 1`. */
export interface CountTest {
  op: CompareOp;
  value: number;
}

/** Event properties a `performed` condition can filter on, and the JSON keys they read. */
export const EVENT_FILTER_KEYS = {
  product: ['sku', 'product_id'],
  category: ['category'],
  campaign: ['campaign'],
  channel: ['channel'],
} as const;
export type EventFilterKey = keyof typeof EVENT_FILTER_KEYS;

/** Name of a scalar field of the catalog (see fields.ts). */
export type ScalarFieldName =
  | 'number_of_orders'
  | 'amount_spent'
  | 'aov'
  | 'first_order_date'
  | 'last_order_date'
  | 'days_since_last_order'
  | 'average_days_between_orders'
  | 'rfm_r'
  | 'rfm_f'
  | 'rfm_m'
  | 'rfm_group'
  | 'lifecycle'
  | 'value_group'
  | 'referrals'
  | 'nps'
  | 'city'
  | 'source'
  | 'phone'
  | 'email'
  | 'customer_added_date'
  | 'accepts_email'
  | 'accepts_sms'
  | 'accepts_zalo'
  | 'accepts_messenger'
  | 'referred'
  | 'p_alive'
  | 'predicted_clv'
  | 'churn_probability'
  | 'expected_next_order_date';

/** Fields that hold a set of values: the customer's tags, the channels they consented to. */
export type SetFieldName = 'tags' | 'consent';

export type FieldName = ScalarFieldName | SetFieldName;

/** The checked tree. */
export type Condition<P extends Phase> =
  | { kind: 'and'; items: Condition<P>[] }
  | { kind: 'or'; items: Condition<P>[] }
  | { kind: 'not'; operand: Condition<P> }
  | { kind: 'compare'; field: ScalarFieldName; op: CompareOp; value: Scalar<P> }
  | { kind: 'in'; field: ScalarFieldName; values: Scalar<P>[] }
  | { kind: 'is_null'; field: ScalarFieldName }
  /** A text field contains a substring (`city CONTAINS 'Hồ Chí Minh'`). */
  | { kind: 'substring'; field: ScalarFieldName; value: string }
  /** A set field contains a value (`tags CONTAINS 'vip'`, `consent CONTAINS 'zalo'`). */
  | { kind: 'has'; field: SetFieldName; value: string }
  /** A set field is empty (`tags IS NULL`). */
  | { kind: 'empty'; field: SetFieldName }
  | {
      kind: 'purchased';
      skus: string[] | null;
      categories: string[] | null;
      window: Window<P>;
      count: CountTest;
    }
  /**
   * A learned replenishment prediction (customer_replenishment) of one of the SKUs (any when
   * null) whose due day is between `from` and `to` (inclusive), and still stands (no purchase of
   * the SKU since the one it was made from).
   */
  | { kind: 'replenishment_due'; skus: string[] | null; from: P['date']; to: P['date'] }
  | {
      kind: 'performed';
      /** The function as written (performed, opened, clicked, declined), for printing. */
      fn: 'performed' | 'opened' | 'clicked' | 'declined';
      event: string;
      filters: { key: EventFilterKey; values: string[] }[];
      window: Window<P>;
      count: CountTest;
    };

/** A checked query: the condition and the text it came from. */
export interface SegmentQuery {
  text: string;
  condition: Condition<Symbolic>;
}

/** A query ready to run for one moment: relative dates resolved in the shop's time zone. */
export interface ResolvedQuery {
  condition: Condition<Resolved>;
  /** The as-of instant. */
  asOf: Date;
  /** The as-of day in the shop's calendar ('YYYY-MM-DD'); days_since_last_order counts to it. */
  today: string;
  timeZone: string;
}
