import { assertNever } from '../../errors.js';
import type { CompareOp, Condition, Expr, Ident, Literal, Scalar, SegmentQuery, Symbolic } from './ast.js';
import { checkCall } from './check-calls.js';
import { groupIds, scalarValue, setValue, textValue } from './check-values.js';
import { QueryError } from './errors.js';
import { FIELD_NAMES, type Field, findField, type ScalarField, typeName } from './fields.js';
import { FUNCTION_NAMES } from './functions.js';
import { parseExpr } from './parser.js';
import { didYouMean } from './suggest.js';

/**
 * The checker: looks every field and function of a syntax tree up, types the values, resolves
 * group names (vi or en) to their ids, and builds the checked `Condition`. Errors are positioned.
 *
 * Empty fields: a comparison with an empty (NULL) field is false, so `city != 'Hà Nội'`,
 * `aov NOT BETWEEN 1 AND 2` and `city NOT IN (…)` leave out customers without a city / AOV, while
 * `NOT city = 'Hà Nội'` keeps them. `IS NULL` finds them.
 *
 * Values are typed in `check-values.ts`, function calls checked in `check-calls.ts`.
 */

/** Parses and checks a query. Throws a positioned QueryError. */
export function parseSegmentQuery(text: string): SegmentQuery {
  return { text, condition: checkExpr(parseExpr(text)) };
}

type Cond = Condition<Symbolic>;

/** Checks a syntax tree. */
export function checkExpr(expr: Expr): Cond {
  switch (expr.kind) {
    case 'and':
      return { kind: 'and', items: expr.items.map(checkExpr) };
    case 'or':
      return { kind: 'or', items: expr.items.map(checkExpr) };
    case 'not':
      return { kind: 'not', operand: checkExpr(expr.operand) };
    case 'compare':
      return checkCompare(expr.field, expr.op, expr.value);
    case 'in':
      return checkIn(expr.field, expr.values, expr.negated);
    case 'between':
      return checkBetween(expr.field, expr.low, expr.high, expr.negated);
    case 'is_null':
      return checkIsNull(expr.field, expr.negated);
    case 'contains':
      return checkContains(expr.field, expr.value, expr.negated);
    case 'call':
      return checkCall(expr.name, expr.args);
    default:
      return assertNever(expr, 'expression');
  }
}

function lookupField(ident: Ident): Field {
  const field = findField(ident.name);
  if (field) return field;
  const fn = FUNCTION_NAMES.find((f) => f === ident.name.toLowerCase());
  if (fn) throw new QueryError(ident.at, `${fn} is a function: write ${fn}(…)`);
  throw new QueryError(ident.at, `unknown field ${ident.name}${didYouMean(ident.name, FIELD_NAMES)}`);
}

function scalarOf(ident: Ident, what: string): ScalarField {
  const field = lookupField(ident);
  if (field.kind === 'scalar') return field;
  const use = field.name === 'tags' ? "tags CONTAINS 'vip'" : "consent CONTAINS 'zalo'";
  throw new QueryError(
    ident.at,
    `${field.name} is a list: ${what} does not apply; use ${use} or ${field.name} IS NULL`,
  );
}

/** `a AND b` over checked conditions, for the negated forms that must also require a value. */
function presentAnd(field: ScalarField, negated: Cond): Cond {
  return field.nullable
    ? { kind: 'and', items: [{ kind: 'not', operand: { kind: 'is_null', field: field.name } }, negated] }
    : negated;
}

const ORDERED_TYPES = new Set(['integer', 'number', 'date']);

function checkCompare(ident: Ident, op: CompareOp, literal: Literal): Cond {
  const field = scalarOf(ident, `'${op}'`);
  if (!ORDERED_TYPES.has(field.type) && op !== '=' && op !== '!=')
    throw new QueryError(ident.at, `${field.name} is ${typeName(field.type)}: use = or != (not ${op})`);
  if (field.type === 'group') {
    const ids = groupIds(field, literal);
    if (ids.length === 1)
      return { kind: 'compare', field: field.name, op, value: { type: 'string', value: ids[0]! } };
    const inGroup: Cond = {
      kind: 'in',
      field: field.name,
      values: ids.map((v) => ({ type: 'string', value: v })),
    };
    return op === '=' ? inGroup : presentAnd(field, { kind: 'not', operand: inGroup });
  }
  return { kind: 'compare', field: field.name, op, value: scalarValue(field, literal) };
}

function checkIn(ident: Ident, literals: readonly Literal[], negated: boolean): Cond {
  const field = scalarOf(ident, 'IN');
  const values: Scalar<Symbolic>[] =
    field.type === 'group'
      ? [...new Set(literals.flatMap((lit) => groupIds(field, lit)))].map((v) => ({
          type: 'string',
          value: v,
        }))
      : literals.map((lit) => scalarValue(field, lit));
  const cond: Cond = { kind: 'in', field: field.name, values };
  return negated ? presentAnd(field, { kind: 'not', operand: cond }) : cond;
}

function checkBetween(ident: Ident, low: Literal, high: Literal, negated: boolean): Cond {
  const field = scalarOf(ident, 'BETWEEN');
  if (!ORDERED_TYPES.has(field.type))
    throw new QueryError(
      ident.at,
      `${field.name} is ${typeName(field.type)}: BETWEEN needs a number or a date`,
    );
  const cond: Cond = {
    kind: 'and',
    items: [
      { kind: 'compare', field: field.name, op: '>=', value: scalarValue(field, low) },
      { kind: 'compare', field: field.name, op: '<=', value: scalarValue(field, high) },
    ],
  };
  return negated ? presentAnd(field, { kind: 'not', operand: cond }) : cond;
}

function checkIsNull(ident: Ident, negated: boolean): Cond {
  const field = lookupField(ident);
  const cond: Cond =
    field.kind === 'scalar' ? { kind: 'is_null', field: field.name } : { kind: 'empty', field: field.name };
  return negated ? { kind: 'not', operand: cond } : cond;
}

function checkContains(ident: Ident, literal: Literal, negated: boolean): Cond {
  const field = lookupField(ident);
  if (field.kind === 'set') {
    const cond: Cond = { kind: 'has', field: field.name, value: setValue(field, literal) };
    return negated ? { kind: 'not', operand: cond } : cond;
  }
  if (field.type !== 'text')
    throw new QueryError(
      ident.at,
      `${field.name} is ${typeName(field.type)}: CONTAINS applies to text and lists`,
    );
  const cond: Cond = { kind: 'substring', field: field.name, value: textValue(field, literal) };
  return negated ? presentAnd(field, { kind: 'not', operand: cond }) : cond;
}
