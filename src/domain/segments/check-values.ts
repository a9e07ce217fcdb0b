import { assertNever } from '../../errors.js';
import type { DateRef, Literal, Scalar, Symbolic } from './ast.js';
import { QueryError } from './errors.js';
import { type GroupValue, type ScalarField, type SetField, typeName } from './fields.js';
import { isCalendarDate } from './lexer.js';
import { didYouMean, foldName } from './suggest.js';

/**
 * The checker's values: a literal typed for the field or argument it is given to (numbers, dates,
 * text, true/false), group names (vi or en) resolved to their ids, and the positioned errors that
 * say what was expected and what was found.
 */

/** The value a list field (`tags`, `consent`) is tested for with CONTAINS. */
export function setValue(field: SetField, literal: Literal): string {
  if (field.values) return matchGroup(field.name, field.values, literal)[0]!;
  if (literal.kind !== 'string') throw expectedError(literal, `${field.name} CONTAINS takes text in quotes`);
  return literal.value;
}

/** A literal of the right type for a scalar field. */
export function scalarValue(field: ScalarField, literal: Literal): Scalar<Symbolic> {
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

/** Text in quotes (a bare word gets a hint to quote it). */
export function textValue(field: ScalarField, literal: Literal): string {
  if (literal.kind === 'string') return literal.value;
  if (literal.kind === 'word')
    throw new QueryError(literal.at, `put text in quotes: ${field.name} = '${literal.value}'`);
  throw expectedError(literal, `${field.name} is text`);
}

/** The ids a group field's value stands for (a name may expand to several). */
export function groupIds(field: ScalarField, literal: Literal): string[] {
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

/** A date: YYYY-MM-DD (bare or quoted), or signed days/weeks/months from today (`-90d`, `+7d`). */
export function dateRef(literal: Literal, what: string): DateRef {
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

/** The error for a literal of the wrong kind: what `what` expected, what was found, examples. */
export function expectedError(literal: Literal, what: string): QueryError {
  const hint = examplesFor(what);
  return new QueryError(literal.at, `${what}; found ${describeLiteral(literal)}${hint}`);
}

function examplesFor(what: string): string {
  if (what.endsWith('is a date')) return ' (write 2024-03-01, -90d, +7d or today)';
  if (what.includes('number')) return ' (write 5, 2.5 or 1500000)';
  return '';
}
