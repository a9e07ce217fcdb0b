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

/** The error with the offending line of the query and a caret under the place. */
export function describeQueryError(text: string, error: QueryError): string {
  const lines = text.split(/\r\n|\r|\n/);
  const line = lines[error.at.line - 1] ?? '';
  const caret = `${' '.repeat(Math.max(0, error.at.column - 1))}^`;
  return `${error.message}\n  ${line}\n  ${caret}`;
}
