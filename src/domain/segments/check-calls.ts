import { assertNever } from '../../errors.js';
import { EVENT_NAMES } from '../model/enums.js';
import type {
  Arg,
  Condition,
  CountTest,
  DateRef,
  EventFilterKey,
  Ident,
  Literal,
  Symbolic,
  Window,
} from './ast.js';
import { dateRef, expectedError } from './check-values.js';
import { QueryError } from './errors.js';
import { findField } from './fields.js';
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
import { didYouMean, foldName } from './suggest.js';

/**
 * The checker's function calls: `products_purchased(…)`, `replenishment_due(…)`, `performed(…)`
 * and the message functions (`opened`, `clicked`, `declined`). Each call's arguments are checked
 * against the function's own (named, positional, `count`), then typed into the call's condition
 * with its time window and count.
 */

type Cond = Condition<Symbolic>;

/** Checks a call `name(args)` in a query. */
export function checkCall(name: Ident, args: readonly Arg[]): Cond {
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
