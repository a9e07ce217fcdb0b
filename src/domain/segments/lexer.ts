import { assertNever } from '../../errors.js';
import { type CompareOp, DURATION_UNITS, type DurationUnit, type Position } from './ast.js';
import { QueryError } from './errors.js';

/**
 * The lexer of the segment query language: turns the text into tokens with positions.
 *
 * - identifiers `[A-Za-z_][A-Za-z0-9_]*` (fields, functions, keywords, bare group names);
 * - strings in single or double quotes, `\` escapes the next character (`'Khách\'s'`), and a
 *   doubled quote stands for one (`'O''Brien'`), as in SQL;
 * - numbers `12`, `-3`, `1250000.50`; dates `2024-03-01`; relative dates and durations
 *   `-90d`, `+7d`, `4w`, `-3m`, `1y`;
 * - operators `= != <> < <= > >=`, and `( ) , :`.
 */
export type Token =
  | { kind: 'ident'; text: string; at: Position }
  | { kind: 'string'; value: string; at: Position }
  | { kind: 'number'; value: number; at: Position }
  | { kind: 'date'; value: string; at: Position }
  | { kind: 'relative'; amount: number; unit: DurationUnit; signed: boolean; at: Position }
  | { kind: 'op'; op: CompareOp; at: Position }
  | { kind: 'punct'; char: '(' | ')' | ',' | ':'; at: Position }
  | { kind: 'eof'; at: Position };

/** Longest query accepted, in UTF-16 units (a pasted list of a few thousand values fits). */
export const MAX_QUERY_LENGTH = 200_000;

/** Relative dates reach at most a century either way. */
const MAX_RELATIVE: Record<DurationUnit, number> = { d: 36_500, w: 5_200, m: 1_200, y: 100 };

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** Describes a token for "expected X, found Y" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'ident':
      return `'${t.text}'`;
    case 'string':
      return `the string '${t.value.length > 30 ? `${t.value.slice(0, 30)}…` : t.value}'`;
    case 'number':
      return `the number ${t.value}`;
    case 'date':
      return `the date ${t.value}`;
    case 'relative':
      return `'${t.signed && t.amount >= 0 ? '+' : ''}${t.amount}${t.unit}'`;
    case 'op':
      return `'${t.op}'`;
    case 'punct':
      return `'${t.char}'`;
    case 'eof':
      return 'the end of the query';
    default:
      return assertNever(t, 'token');
  }
}

/** Splits a query into tokens; the last one is always `eof`. Throws a positioned QueryError. */
export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}

class Lexer {
  private offset = 0;
  private line = 1;
  private column = 1;
  private readonly tokens: Token[] = [];

  constructor(private readonly text: string) {}

  run(): Token[] {
    if (this.text.length > MAX_QUERY_LENGTH) {
      this.skipTo(MAX_QUERY_LENGTH);
      throw new QueryError(this.position(), `the query is longer than ${MAX_QUERY_LENGTH} characters`);
    }
    for (;;) {
      this.skipSpace();
      if (this.offset >= this.text.length) {
        this.tokens.push({ kind: 'eof', at: this.position() });
        return this.tokens;
      }
      this.tokens.push(this.next());
    }
  }

  private position(): Position {
    return { offset: this.offset, line: this.line, column: this.column };
  }

  private peek(ahead = 0): string {
    return this.text[this.offset + ahead] ?? '';
  }

  /** Moves one character (a surrogate pair counts as one column). */
  private advance(): string {
    const ch = this.text[this.offset] ?? '';
    const code = ch.charCodeAt(0);
    const pair = code >= 0xd800 && code <= 0xdbff && this.offset + 1 < this.text.length;
    const taken = pair ? this.text.slice(this.offset, this.offset + 2) : ch;
    this.offset += taken.length;
    if (ch === '\n' || (ch === '\r' && this.peek() !== '\n')) {
      this.line++;
      this.column = 1;
    } else if (ch !== '\r') this.column++;
    return taken;
  }

  private skipTo(offset: number): void {
    while (this.offset < offset) this.advance();
  }

  private skipSpace(): void {
    while (this.offset < this.text.length && /\s/.test(this.peek())) this.advance();
  }

  private next(): Token {
    const at = this.position();
    const ch = this.peek();
    if (IDENT_START.test(ch)) return this.ident(at);
    if (ch === "'" || ch === '"') return this.string(at, ch);
    if (DIGIT.test(ch) || ((ch === '-' || ch === '+') && DIGIT.test(this.peek(1)))) return this.numeric(at);
    const op = this.operator();
    if (op) return { kind: 'op', op, at };
    if (ch === '(' || ch === ')' || ch === ',' || ch === ':') {
      this.advance();
      return { kind: 'punct', char: ch, at };
    }
    const shown = this.advance();
    throw new QueryError(at, `unexpected character '${shown}'`);
  }

  private ident(at: Position): Token {
    const start = this.offset;
    while (IDENT_PART.test(this.peek())) this.advance();
    return { kind: 'ident', text: this.text.slice(start, this.offset), at };
  }

  private string(at: Position, quote: string): Token {
    this.advance();
    let value = '';
    for (;;) {
      if (this.offset >= this.text.length)
        throw new QueryError(at, `unterminated string: add the closing ${quote}`);
      const ch = this.advance();
      if (ch === '\\') {
        if (this.offset >= this.text.length)
          throw new QueryError(at, `unterminated string: add the closing ${quote}`);
        value += this.advance();
      } else if (ch === quote) {
        // Text is compared in NFC, the form the importers store: 'Hà Nội' typed with combining
        // accents (NFD, as some keyboards and macOS file names give it) matches the stored city.
        if (this.peek() !== quote) return { kind: 'string', value: value.normalize('NFC'), at };
        value += this.advance();
      } else value += ch;
    }
  }

  private numeric(at: Position): Token {
    const start = this.offset;
    const signed = this.peek() === '-' || this.peek() === '+';
    if (signed) this.advance();
    while (DIGIT.test(this.peek())) this.advance();
    const digits = this.text.slice(start, this.offset);
    if (!signed && digits.length === 4 && this.peek() === '-' && DIGIT.test(this.peek(1)))
      return this.date(at, start);
    const unit = this.peek();
    if ((DURATION_UNITS as readonly string[]).includes(unit) && !IDENT_PART.test(this.peek(1))) {
      this.advance();
      return {
        kind: 'relative',
        amount: this.amount(digits, unit as DurationUnit, at),
        unit: unit as DurationUnit,
        signed,
        at,
      };
    }
    if (this.peek() === '.' && DIGIT.test(this.peek(1))) {
      this.advance();
      while (DIGIT.test(this.peek())) this.advance();
    }
    if (IDENT_PART.test(this.peek())) {
      const here = this.position();
      throw new QueryError(
        here,
        `unexpected '${this.peek()}' after the number ${this.text.slice(start, this.offset)} (relative dates are written -90d, +7d, 4w, -3m, 1y)`,
      );
    }
    const value = Number(this.text.slice(start, this.offset));
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
      throw new QueryError(at, `the number ${this.text.slice(start, this.offset)} is too large`);
    return { kind: 'number', value: value || 0, at }; // no -0
  }

  /** A relative amount, at most a century either way. */
  private amount(digits: string, unit: DurationUnit, at: Position): number {
    const n = Number(digits) || 0; // no -0
    if (!Number.isSafeInteger(n) || Math.abs(n) > MAX_RELATIVE[unit])
      throw new QueryError(at, `${digits}${unit} is too far away (at most ${MAX_RELATIVE[unit]}${unit})`);
    return n;
  }

  private date(at: Position, start: number): Token {
    while (DIGIT.test(this.peek()) || this.peek() === '-') this.advance();
    const text = this.text.slice(start, this.offset);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !isCalendarDate(text))
      throw new QueryError(at, `not a date: ${text} (dates are written YYYY-MM-DD)`);
    if (IDENT_PART.test(this.peek()))
      throw new QueryError(this.position(), `unexpected '${this.peek()}' after the date ${text}`);
    return { kind: 'date', value: text, at };
  }

  private operator(): CompareOp | undefined {
    const two = this.text.slice(this.offset, this.offset + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      this.advance();
      this.advance();
      return two === '<>' ? '!=' : two;
    }
    const one = this.peek();
    if (one === '=' || one === '<' || one === '>') {
      this.advance();
      return one;
    }
    return undefined;
  }
}

/** True for a real day of the Gregorian calendar, 'YYYY-MM-DD' (years 1900-2199). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
