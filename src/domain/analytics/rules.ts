import { z } from 'zod';
import { assertNever } from '../../errors.js';
import {
  type CustomerFeatures,
  RFM_GROUPS,
  type RfmGroup,
  THRESHOLD_NAMES,
  type ThresholdName,
  type Thresholds,
} from './types.js';

/**
 * A small rule language for the group classifiers. A model is a list of rules, each a group and
 * a condition; the first rule whose condition holds gives the customer's group, and `otherwise`
 * catches the rest. The same rules compile to an SQL CASE (population-wide, inside the engine) and
 * evaluate in memory for one customer; both use two-valued logic (a comparison with a missing
 * value is false, never NULL) so that NOT means the same in both.
 */

/** Numeric features a rule can compare, and their `customer_stats` columns. */
export const NUMERIC_FIELDS = {
  orders: 'orders',
  revenue: 'revenue',
  aov: 'aov',
  recencyDays: 'recency_days',
  avgGapDays: 'avg_gap_days',
  firstOrderValue: 'first_order_value',
  maxOrderValue: 'max_order_value',
  categoryCount: 'category_count',
  referrals: 'referrals',
  declineStreak: 'decline_streak',
  r: 'r',
  f: 'f',
  m: 'm',
  fm: 'fm',
} as const satisfies Record<string, string>;
/** A numeric feature a rule can compare. */
export type NumericField = keyof typeof NUMERIC_FIELDS;

/** Boolean features a rule can test, and their `customer_stats` columns. */
export const BOOLEAN_FIELDS = { referred: 'referred', upsold: 'upsold' } as const satisfies Record<
  string,
  string
>;
/** A boolean feature a rule can test. */
export type BooleanField = keyof typeof BOOLEAN_FIELDS;

/** Comparisons a rule can make. */
export const COMPARE_OPS = ['<', '<=', '=', '>=', '>'] as const;
/** A comparison a rule can make. */
export type CompareOp = (typeof COMPARE_OPS)[number];

/** A number, or the name of a threshold resolved when the rules are compiled. */
export type Operand = number | { threshold: ThresholdName };

/** A condition on one customer: a comparison, a flag, an RFM group test, or a combination. */
export type Condition =
  | { field: NumericField; op: CompareOp; value: Operand }
  | { flag: BooleanField; is: boolean }
  | { rfmGroupIn: readonly RfmGroup[] }
  | { all: readonly Condition[] }
  | { any: readonly Condition[] }
  | { not: Condition };

/** One rule of a model: the group a customer gets when the condition holds. */
export interface GroupRule<G extends string> {
  group: G;
  when: Condition;
  /** Why the rule exists (shown in docs and reports). */
  note?: string;
}

/** A classifier: rules checked in order, the first that holds wins, else `otherwise`. */
export interface ModelRules<G extends string> {
  rules: readonly GroupRule<G>[];
  otherwise: G;
}

const operandSchema = z.union([z.number().finite(), z.object({ threshold: z.enum(THRESHOLD_NAMES) })]);

/** zod schema of a condition (validated before compiling it into SQL). */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({
      field: z.enum(Object.keys(NUMERIC_FIELDS) as [NumericField, ...NumericField[]]),
      op: z.enum(COMPARE_OPS),
      value: operandSchema,
    }),
    z.object({
      flag: z.enum(Object.keys(BOOLEAN_FIELDS) as [BooleanField, ...BooleanField[]]),
      is: z.boolean(),
    }),
    z.object({ rfmGroupIn: z.array(z.enum(RFM_GROUPS)) }),
    z.object({ all: z.array(conditionSchema) }),
    z.object({ any: z.array(conditionSchema) }),
    z.object({ not: conditionSchema }),
  ]),
);

/** zod schema of a model's rules over the group names `groups`. */
export function modelRulesSchema<G extends string>(groups: readonly [G, ...G[]]) {
  const group = z.enum(groups);
  return z.object({
    rules: z.array(z.object({ group, when: conditionSchema, note: z.string().optional() })),
    otherwise: group,
  });
}

/** The number an operand stands for: itself, or the named threshold. */
export function resolveOperand(operand: Operand, thresholds: Thresholds): number {
  return typeof operand === 'number' ? operand : thresholds[operand.threshold];
}

function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '=':
      return a === b;
    case '>=':
      return a >= b;
    case '>':
      return a > b;
    default:
      return assertNever(op, 'comparison');
  }
}

/** Evaluates a condition for one customer. */
export function holds(c: Condition, x: CustomerFeatures, thresholds: Thresholds): boolean {
  if ('field' in c) {
    const v = x[c.field];
    return v !== null && compare(v, c.op, resolveOperand(c.value, thresholds));
  }
  if ('flag' in c) return x[c.flag] === c.is;
  if ('rfmGroupIn' in c) return c.rfmGroupIn.includes(x.rfmGroup);
  if ('all' in c) return c.all.every((d) => holds(d, x, thresholds));
  if ('any' in c) return c.any.some((d) => holds(d, x, thresholds));
  return !holds(c.not, x, thresholds);
}

/** The group of one customer: the first rule that holds, else `otherwise`. */
export function classify<G extends string>(
  model: ModelRules<G>,
  x: CustomerFeatures,
  thresholds: Thresholds,
): G {
  return model.rules.find((rule) => holds(rule.when, x, thresholds))?.group ?? model.otherwise;
}

/** Shorthands for writing rules. */
export const when = {
  cmp: (field: NumericField, op: CompareOp, value: Operand): Condition => ({ field, op, value }),
  t: (threshold: ThresholdName): Operand => ({ threshold }),
  flag: (flag: BooleanField, is = true): Condition => ({ flag, is }),
  rfm: (...groups: RfmGroup[]): Condition => ({ rfmGroupIn: groups }),
  all: (...all: Condition[]): Condition => ({ all }),
  any: (...any: Condition[]): Condition => ({ any }),
  not: (c: Condition): Condition => ({ not: c }),
};
