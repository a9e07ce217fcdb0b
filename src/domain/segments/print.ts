import { assertNever } from '../../errors.js';
import type { Condition, CountTest, DateRef, Phase, Scalar, Symbolic, Window } from './ast.js';

/**
 * Printers of checked conditions: `printQuery` writes the canonical query text (it parses back
 * to the same tree), `printTree` the indented tree `nurture segment explain` shows.
 */

/** A string literal of the language. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A number the lexer reads back exactly (no exponent). */
export function printNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

function dateRef(ref: DateRef): string {
  switch (ref.kind) {
    case 'absolute':
      return ref.day;
    case 'relative':
      return `${ref.amount < 0 ? '-' : '+'}${Math.abs(ref.amount)}${ref.unit}`;
    default:
      return assertNever(ref, 'date');
  }
}

function scalar(v: Scalar<Symbolic>): string {
  switch (v.type) {
    case 'number':
      return printNumber(v.value);
    case 'string':
      return quote(v.value);
    case 'boolean':
      return String(v.value);
    case 'date':
      return dateRef(v.value);
    default:
      return assertNever(v, 'value');
  }
}

function args(c: Extract<Condition<Symbolic>, { kind: 'purchased' | 'performed' }>): string[] {
  const list = (vs: readonly string[]) => (vs.length === 1 ? quote(vs[0]!) : `(${vs.map(quote).join(', ')})`);
  const out: string[] = [];
  if (c.kind === 'performed') {
    if (c.fn === 'performed') out.push(quote(c.event));
    for (const f of c.filters) out.push(`${f.key}: ${list(f.values)}`);
  } else {
    if (c.skus !== null) out.push(`sku: ${list(c.skus)}`);
    if (c.categories !== null) out.push(`category: ${list(c.categories)}`);
  }
  out.push(...windowArgs(c.window));
  if (!(c.count.op === '>=' && c.count.value === 1)) out.push(countArg(c.count));
  return out;
}

function windowArgs(w: Window<Symbolic>): string[] {
  const out: string[] = [];
  if (w.from) out.push(`since: ${dateRef(w.from)}`);
  if (w.to) out.push(`until: ${dateRef(w.to)}`);
  return out;
}

function countArg(count: CountTest): string {
  return `count ${count.op} ${count.value}`;
}

/** The canonical text of a checked condition. */
export function printQuery(c: Condition<Symbolic>): string {
  switch (c.kind) {
    case 'and':
      return c.items.map((i) => wrap(i)).join(' AND ');
    case 'or':
      return c.items.map((i) => wrap(i)).join(' OR ');
    case 'not':
      return `NOT ${wrap(c.operand)}`;
    case 'compare':
      return `${c.field} ${c.op} ${scalar(c.value)}`;
    case 'in':
      return `${c.field} IN (${c.values.map(scalar).join(', ')})`;
    case 'is_null':
      return `${c.field} IS NULL`;
    case 'substring':
      return `${c.field} CONTAINS ${quote(c.value)}`;
    case 'has':
      return `${c.field} CONTAINS ${quote(c.value)}`;
    case 'empty':
      return `${c.field} IS NULL`;
    case 'purchased':
      return `products_purchased(${args(c).join(', ')})`;
    case 'performed':
      return `${c.fn}(${args(c).join(', ')})`;
    case 'replenishment_due': {
      const skus =
        c.skus === null
          ? []
          : [`sku: ${c.skus.length === 1 ? quote(c.skus[0]!) : `(${c.skus.map(quote).join(', ')})`}`];
      return `replenishment_due(${[...skus, `since: ${dateRef(c.from)}`, `until: ${dateRef(c.to)}`].join(', ')})`;
    }
    default:
      return assertNever(c, 'condition');
  }
}

/** Parenthesises AND / OR children, so the text parses back to the same tree. */
function wrap(c: Condition<Symbolic>): string {
  const text = printQuery(c);
  return c.kind === 'and' || c.kind === 'or' ? `(${text})` : text;
}

/** The indented tree of a condition (one node per line). */
export function printTree<P extends Phase>(
  c: Condition<P>,
  describeDate: (d: P['date']) => string,
  indent = '',
): string {
  const next = `${indent}  `;
  switch (c.kind) {
    case 'and':
    case 'or':
      return [
        `${indent}${c.kind.toUpperCase()}`,
        ...c.items.map((i) => printTree(i, describeDate, next)),
      ].join('\n');
    case 'not':
      return [`${indent}NOT`, printTree(c.operand, describeDate, next)].join('\n');
    case 'compare':
      return `${indent}${c.field} ${c.op} ${leaf(c.value, describeDate)}`;
    case 'in':
      return `${indent}${c.field} IN (${c.values.map((v) => leaf(v, describeDate)).join(', ')})`;
    case 'is_null':
    case 'empty':
      return `${indent}${c.field} IS NULL`;
    case 'substring':
      return `${indent}${c.field} CONTAINS ${quote(c.value)} (text)`;
    case 'has':
      return `${indent}${c.field} CONTAINS ${quote(c.value)} (list)`;
    case 'purchased':
      return `${indent}products_purchased sku=${c.skus ? c.skus.join('|') : '*'} category=${c.categories ? c.categories.join('|') : '*'} ${windowText(c.window, describeDate)} count ${c.count.op} ${c.count.value}`;
    case 'replenishment_due':
      return `${indent}replenishment_due sku=${c.skus ? c.skus.join('|') : '*'} due day [${describeDate(c.from)}, ${describeDate(c.to)}]`;
    case 'performed':
      return `${indent}${c.fn} event='${c.event}'${c.filters.map((f) => ` ${f.key}=${f.values.join('|')}`).join('')} ${windowText(c.window, describeDate)} count ${c.count.op} ${c.count.value}`;
    default:
      return assertNever(c, 'condition');
  }
}

function leaf<P extends Phase>(v: Scalar<P>, describeDate: (d: P['date']) => string): string {
  switch (v.type) {
    case 'number':
      return `${printNumber(v.value)} (number)`;
    case 'string':
      return `${quote(v.value)} (text)`;
    case 'boolean':
      return `${v.value} (boolean)`;
    case 'date':
      return `${describeDate(v.value)} (date)`;
    default:
      return assertNever(v, 'value');
  }
}

function windowText<P extends Phase>(w: Window<P>, describeDate: (d: P['date']) => string): string {
  const b = (v: P['bound'] | undefined) =>
    v === undefined ? '…' : v instanceof Date ? v.toISOString() : describeDate(v as P['date']);
  return `window [${b(w.from)}, ${b(w.to)})`;
}

/** A symbolic date as written, for trees. */
export function describeDateRef(ref: DateRef): string {
  return dateRef(ref);
}
