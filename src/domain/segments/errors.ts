import { NurtureError } from '../../errors.js';
import type { Position } from './ast.js';

/**
 * An error in a segment query, at a place in its text. The message starts with the line and
 * column ("line 1, column 18: unknown field amount_spend; did you mean amount_spent?"); the
 * detail carries them as numbers for the API.
 */
export class QueryError extends NurtureError {
  readonly at: Position;
  readonly reason: string;

  constructor(at: Position, reason: string) {
    super('invalid_input', `line ${at.line}, column ${at.column}: ${reason}`, [
      { line: at.line, column: at.column, reason },
    ]);
    this.name = 'QueryError';
    this.at = at;
    this.reason = reason;
  }
}

/** Characters of the query line shown around the place of an error. */
const SHOWN_CHARACTERS = 80;

/**
 * The error with the offending line of the query and a caret under the place. A long line is
 * shown only around the place, with … where it is cut: a 20 KB query is not echoed back whole.
 */
export function describeQueryError(text: string, error: QueryError): string {
  const lines = text.split(/\r\n|\r|\n/);
  const chars = Array.from(lines[error.at.line - 1] ?? '');
  const at = Math.max(0, error.at.column - 1);
  if (chars.length <= SHOWN_CHARACTERS) return `${error.message}\n  ${chars.join('')}\n  ${' '.repeat(at)}^`;
  const start = Math.max(0, Math.min(at - SHOWN_CHARACTERS / 2, chars.length - SHOWN_CHARACTERS));
  const end = Math.min(chars.length, start + SHOWN_CHARACTERS);
  const before = start > 0 ? '…' : '';
  const after = end < chars.length ? '…' : '';
  const shown = `${before}${chars.slice(start, end).join('')}${after}`;
  return `${error.message}\n  ${shown}\n  ${' '.repeat(before.length + at - start)}^`;
}
