import { assertNever } from '../../errors.js';
import { EVENT_NAMES } from '../model/enums.js';
import type {
  Arg,
  CompareOp,
  Condition,
  CountTest,
  DateRef,
  EventFilterKey,
  Expr,
  Ident,
  Literal,
  Scalar,
  SegmentQuery,
  Symbolic,
  Window,
} from './ast.js';
import { QueryError } from './errors.js';
import {
  FIELD_NAMES,
  type Field,
  findField,
  type GroupValue,
  type ScalarField,
  type SetField,
  typeName,
} from './fields.js';
import {
  EVENT_FUNCTION_FILTERS,
  type EventFunctionName,
  FUNCTION_NAMES,
  type FunctionName,
  MESSAGE_EVENTS,
  PURCHASE_FILTERS,
  REPLENISHMENT_ARGS,
  WINDOW_ARGS,
} from './functions.js';
import { isCalendarDate } from './lexer.js';
import { parseExpr } from './parser.js';
import { didYouMean, foldName } from './suggest.js';

/**
 * The checker: looks every field and function of a syntax tree up, types the values, resolves
 * group names (vi or en) to their ids, and builds the checked `Condition`. Errors are positioned.
 *
 * Empty fields: a comparison with an empty (NULL) field is false, so `city != 'Hà Nội'`,
 * `aov NOT BETWEEN 1 AND 2` and `city NOT IN (…)` leave out customers without a city / AOV, while
 * `NOT city = 'Hà Nội'` keeps them. `IS NULL` finds them.
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

function setValue(field: SetField, literal: Literal): string {
  if (field.values) return matchGroup(field.name, field.values, literal)[0]!;
  if (literal.kind !== 'string') throw expectedError(literal, `${field.name} CONTAINS takes text in quotes`);
  return literal.value;
}

/** A literal of the right type for a scalar field. */
function scalarValue(field: ScalarField, literal: Literal): Scalar<Symbolic> {
  switch (field.type) {
    case 'integer':
    case 'number':
      if (literal.kind !== 'number') throw expectedError(literal, `${field.name} is ${typeName(field.type)}`);
      return { type: 'number', value: literal.value };
    case 'date':
      return { type: 'date', value: dateRef(literal, `${field.name} is a date`) };
    case 'text':
      return { type: 'string', value: textValue(field, literal) };
    case 'group':
      return { type: 'string', value: groupIds(field, literal)[0]! };
    case 'boolean':
      if (literal.kind !== 'boolean') throw expectedError(literal, `${field.name} is true or false`);
      return { type: 'boolean', value: literal.value };
    default:
      return assertNever(field.type, 'field type');
  }
}

function textValue(field: ScalarField, literal: Literal): string {
  if (literal.kind === 'string') return literal.value;
  if (literal.kind === 'word')
    throw new QueryError(literal.at, `put text in quotes: ${field.name} = '${literal.value}'`);
  throw expectedError(literal, `${field.name} is text`);
}

function groupIds(field: ScalarField, literal: Literal): string[] {
  return matchGroup(field.name, field.values ?? [], literal);
}

/** The ids a group name stands for: its id or one of its labels, without case or diacritics. */
function matchGroup(fieldName: string, values: readonly GroupValue[], literal: Literal): string[] {
  if (literal.kind !== 'string' && literal.kind !== 'word')
    throw expectedError(literal, `${fieldName} takes a name such as '${values[0]?.id ?? ''}'`);
  const folded = foldName(literal.value);
  const hit = values.find(
    (v) => foldName(v.id) === folded || v.labels.some((label) => foldName(label) === folded),
  );
  if (hit) return [...(hit.expands ?? [hit.id])];
  const names = values.flatMap((v) => [v.id, ...v.labels]);
  throw new QueryError(
    literal.at,
    `unknown ${fieldName} '${literal.value}'${didYouMean(literal.value, names, "'")} (one of: ${values.map((v) => v.id).join(', ')})`,
  );
}

function dateRef(literal: Literal, what: string): DateRef {
  switch (literal.kind) {
    case 'date':
      return { kind: 'absolute', day: literal.value };
    case 'relative':
      if (!literal.signed)
        throw new QueryError(
          literal.at,
          `write -${literal.amount}${literal.unit} for ${literal.amount}${literal.unit} ago or +${literal.amount}${literal.unit} for ahead`,
        );
      return { kind: 'relative', amount: literal.amount, unit: literal.unit };
    case 'string':
      if (isCalendarDate(literal.value)) return { kind: 'absolute', day: literal.value };
      throw expectedError(literal, what);
    case 'number':
    case 'boolean':
    case 'word':
      throw expectedError(literal, what);
    default:
      return assertNever(literal, 'literal');
  }
}

function describeLiteral(literal: Literal): string {
  switch (literal.kind) {
    case 'number':
      return `the number ${literal.value}`;
    case 'string':
      return `the text '${literal.value}'`;
    case 'boolean':
      return String(literal.value);
    case 'date':
      return `the date ${literal.value}`;
    case 'relative':
      return `${literal.amount}${literal.unit}`;
    case 'word':
      return `'${literal.value}'`;
    default:
      return assertNever(literal, 'literal');
  }
}

function expectedError(literal: Literal, what: string): QueryError {
  const hint = examplesFor(what);
  return new QueryError(literal.at, `${what}; found ${describeLiteral(literal)}${hint}`);
}

function examplesFor(what: string): string {
  if (what.endsWith('is a date')) return ' (write 2024-03-01, -90d, +7d or today)';
  if (what.includes('number')) return ' (write 5, 2.5 or 1500000)';
  return '';
}

// ---- functions -------------------------------------------------------------------------------

function checkCall(name: Ident, args: readonly Arg[]): Cond {
  const fn = FUNCTION_NAMES.find((f) => f === name.name.toLowerCase());
  if (!fn) {
    if (findField(name.name)) throw new QueryError(name.at, `${name.name} is a field, not a function`);
    throw new QueryError(name.at, `unknown function ${name.name}${didYouMean(name.name, FUNCTION_NAMES)}`);
  }
  const parsed = collectArgs(fn, name, args);
  if (fn === 'replenishment_due') return replenishmentDue(parsed);
  const window = windowOf(parsed);
  const count = countOf(parsed.count);
  switch (fn) {
    case 'products_purchased':
      return purchased(parsed, window, count);
    case 'performed':
      return {
        kind: 'performed',
        fn,
        event: eventName(name, parsed.positional),
        filters: eventFilters(fn, parsed),
        window,
        count,
      };
    case 'opened':
    case 'clicked':
    case 'declined':
      if (parsed.positional)
        throw new QueryError(
          parsed.positional.at,
          `${fn} takes named arguments only, such as ${fn}(channel: 'zalo')`,
        );
      return {
        kind: 'performed',
        fn,
        event: MESSAGE_EVENTS[fn],
        filters: eventFilters(fn, parsed),
        window,
        count,
      };
    default:
      return assertNever(fn, 'function');
  }
}

interface ParsedArgs {
  fn: FunctionName;
  positional?: Extract<Arg, { kind: 'positional' }>;
  named: Map<string, Extract<Arg, { kind: 'named' }>>;
  count?: Extract<Arg, { kind: 'count' }>;
}

function allowedNames(fn: FunctionName): readonly string[] {
  switch (fn) {
    case 'products_purchased':
      return [...PURCHASE_FILTERS, ...WINDOW_ARGS];
    case 'replenishment_due':
      return REPLENISHMENT_ARGS;
    case 'performed':
    case 'opened':
    case 'clicked':
    case 'declined':
      return [...EVENT_FUNCTION_FILTERS[fn], ...WINDOW_ARGS];
    default:
      return assertNever(fn, 'function');
  }
}

function collectArgs(fn: FunctionName, name: Ident, args: readonly Arg[]): ParsedArgs {
  const out: ParsedArgs = { fn, named: new Map() };
  const allowed = allowedNames(fn);
  for (const arg of args) {
    switch (arg.kind) {
      case 'positional':
        if (
          out.positional ||
          fn === 'products_purchased' ||
          fn === 'replenishment_due' ||
          out.named.size > 0 ||
          out.count
        )
          throw new QueryError(
            arg.at,
            `${name.name}: write arguments as name: value (${allowed.join(', ')}) or count >= n`,
          );
        out.positional = arg;
        break;
      case 'named': {
        const key = arg.name.name.toLowerCase();
        if (!allowed.includes(key))
          throw new QueryError(
            arg.name.at,
            `${name.name}: unknown argument ${arg.name.name}${didYouMean(arg.name.name, [...allowed, 'count'])} (arguments: ${allowed.join(', ')}, count)`,
          );
        if (out.named.has(key)) throw new QueryError(arg.name.at, `${name.name}: ${key} is given twice`);
        out.named.set(key, arg);
        break;
      }
      case 'count':
        if (fn === 'replenishment_due')
          throw new QueryError(arg.at, `${name.name}: takes no count (a customer is due or not)`);
        if (out.count) throw new QueryError(arg.at, `${name.name}: count is given twice`);
        out.count = arg;
        break;
      default:
        assertNever(arg, 'argument');
    }
  }
  return out;
}

function stringsOf(arg: Extract<Arg, { kind: 'named' }>): string[] {
  return [
    ...new Set(
      arg.values.map((v) => {
        if (v.kind !== 'string') throw expectedError(v, `${arg.name.name}: takes text in quotes`);
        return v.value;
      }),
    ),
  ];
}

function purchased(args: ParsedArgs, window: Window<Symbolic>, count: CountTest): Cond {
  const sku = args.named.get('sku');
  const product = args.named.get('product');
  if (sku && product)
    throw new QueryError(product.name.at, 'products_purchased: give sku or product, not both');
  const skus = sku ?? product;
  const category = args.named.get('category');
  return {
    kind: 'purchased',
    skus: skus ? stringsOf(skus) : null,
    categories: category ? stringsOf(category) : null,
    window,
    count,
  };
}

/**
 * `replenishment_due(sku: …, within: 7d)`: the due day from today to 7 days ahead. `since` and
 * `until` name the first and last day instead (relative days may be signed: `since: -3d`); the
 * default is today to 7 days ahead.
 */
function replenishmentDue(args: ParsedArgs): Cond {
  const sku = args.named.get('sku');
  const product = args.named.get('product');
  if (sku && product)
    throw new QueryError(product.name.at, 'replenishment_due: give sku or product, not both');
  const skus = sku ?? product;
  const since = args.named.get('since');
  const until = args.named.get('until');
  const within = args.named.get('within');
  if (within && (since || until))
    throw new QueryError(within.name.at, 'replenishment_due: give within, or since and until, not both');
  const today: DateRef = { kind: 'relative', amount: 0, unit: 'd' };
  let from: DateRef = today;
  let to: DateRef = { kind: 'relative', amount: 7, unit: 'd' };
  if (within) {
    const literal = single(within);
    if (literal.kind !== 'relative' || literal.signed)
      throw expectedError(literal, 'within: takes a duration such as 7d or 2w (no sign)');
    to = { kind: 'relative', amount: literal.amount, unit: literal.unit };
  }
  if (since) from = dateRef(single(since), 'since: takes a date');
  if (until) to = dateRef(single(until), 'until: takes a date');
  return { kind: 'replenishment_due', skus: skus ? stringsOf(skus) : null, from, to };
}

function eventName(name: Ident, arg: ParsedArgs['positional']): string {
  if (!arg)
    throw new QueryError(
      name.at,
      `${name.name} needs the event name first: ${name.name}('Product Viewed', …)`,
    );
  const v = arg.value;
  if (v.kind !== 'string' && v.kind !== 'word')
    throw expectedError(v, `${name.name}: the event name is text in quotes`);
  const hit = EVENT_NAMES.find((e) => foldName(e) === foldName(v.value));
  if (hit) return hit;
  throw new QueryError(v.at, `unknown event '${v.value}'${didYouMean(v.value, EVENT_NAMES, "'")}`);
}

function eventFilters(fn: EventFunctionName, args: ParsedArgs): { key: EventFilterKey; values: string[] }[] {
  return EVENT_FUNCTION_FILTERS[fn].flatMap((key) => {
    const arg = args.named.get(key);
    return arg ? [{ key, values: stringsOf(arg) }] : [];
  });
}

function single(arg: Extract<Arg, { kind: 'named' }>): Literal {
  if (arg.list || arg.values.length !== 1)
    throw new QueryError(arg.name.at, `${arg.name.name}: takes one value, not a list`);
  return arg.values[0]!;
}

function windowOf(args: ParsedArgs): Window<Symbolic> {
  const since = args.named.get('since');
  const until = args.named.get('until');
  const within = args.named.get('within');
  if (since && within) throw new QueryError(within.name.at, `${args.fn}: give since or within, not both`);
  const window: Window<Symbolic> = {};
  if (since) window.from = dateRef(single(since), 'since: takes a date');
  if (until) window.to = dateRef(single(until), 'until: takes a date');
  if (within) window.from = withinRef(single(within));
  return window;
}

/** `within: 7d` starts at the beginning of the day 7 days ago: the same as `since: -7d`. */
function withinRef(literal: Literal): DateRef {
  if (literal.kind !== 'relative' || literal.signed)
    throw expectedError(literal, 'within: takes a duration such as 7d, 4w or 3m (no sign)');
  return { kind: 'relative', amount: -literal.amount || 0, unit: literal.unit };
}

function countOf(arg: ParsedArgs['count']): CountTest {
  if (!arg) return { op: '>=', value: 1 };
  const v = arg.value;
  if (v.kind !== 'number' || !Number.isInteger(v.value) || v.value < 0)
    throw expectedError(v, 'count takes a whole number, 0 or more');
  return { op: arg.op, value: v.value };
}
