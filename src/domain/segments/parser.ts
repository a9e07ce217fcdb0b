import type { Arg, CompareOp, Expr, Ident, Literal, Position } from './ast.js';
import { QueryError } from './errors.js';
import { FUNCTION_NAMES } from './functions.js';
import { describeToken, type Token, tokenize } from './lexer.js';
import { didYouMean } from './suggest.js';

/**
 * The parser of the segment query language (recursive descent). Grammar, keywords in any case:
 *
 *   query     := or EOF
 *   or        := and { OR and }
 *   and       := unary { AND unary }
 *   unary     := NOT unary | primary
 *   primary   := '(' or ')' | function | condition
 *   function  := name '(' [ arg { ',' arg } ] ')'
 *   arg       := COUNT op number | name ':' argvalue | value
 *   argvalue  := value | '(' value { ',' value } ')'
 *   condition := field op value
 *              | field [NOT] IN '(' value { ',' value } ')'
 *              | field [NOT] BETWEEN value AND value
 *              | field IS [NOT] NULL
 *              | field [NOT] CONTAINS value
 *   op        := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 *   value     := string | number | date | relative | TRUE | FALSE | TODAY | YESTERDAY | word
 *
 * The result is a syntax tree; `check` (see check.ts) looks the fields and functions up.
 */

/** Deepest nesting of parentheses and NOTs accepted (keeps the parser's stack small). */
export const MAX_DEPTH = 64;

/** Most values (IN lists and function arguments) in one query: each becomes an SQL parameter. */
export const MAX_VALUES = 10_000;

const KEYWORDS = [
  'and',
  'or',
  'not',
  'in',
  'is',
  'null',
  'contains',
  'between',
  'true',
  'false',
  'today',
  'yesterday',
] as const;
type Keyword = (typeof KEYWORDS)[number];

const CONDITION_OPERATORS = '=, !=, <, <=, >, >=, IN, BETWEEN, IS NULL or CONTAINS';

/** Parses a query into its syntax tree; throws a positioned QueryError. */
export function parseExpr(text: string): Expr {
  return new Parser(tokenize(text)).query();
}

class Parser {
  private index = 0;
  private depth = 0;
  private values = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  query(): Expr {
    const t = this.peek();
    if (t.kind === 'eof')
      throw new QueryError(t.at, 'the query is empty; write a condition such as number_of_orders >= 2');
    const expr = this.or();
    const end = this.peek();
    if (end.kind !== 'eof') throw this.unexpectedAfterCondition(end);
    return expr;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private take(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  private isKeyword(t: Token, keyword: Keyword): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === keyword;
  }

  private isPunct(t: Token, char: '(' | ')' | ',' | ':'): boolean {
    return t.kind === 'punct' && t.char === char;
  }

  private enter(at: Position): void {
    this.depth++;
    if (this.depth > MAX_DEPTH)
      throw new QueryError(at, `the query is nested more than ${MAX_DEPTH} levels deep`);
  }

  private or(): Expr {
    const first = this.and();
    const items = [first];
    while (this.isKeyword(this.peek(), 'or')) {
      this.take();
      items.push(this.and());
    }
    return items.length === 1 ? first : { kind: 'or', items, at: first.at };
  }

  private and(): Expr {
    const first = this.unary();
    const items = [first];
    while (this.isKeyword(this.peek(), 'and')) {
      this.take();
      items.push(this.unary());
    }
    return items.length === 1 ? first : { kind: 'and', items, at: first.at };
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isKeyword(t, 'not')) {
      this.take();
      this.enter(t.at);
      const operand = this.unary();
      this.depth--;
      return { kind: 'not', operand, at: t.at };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    if (this.isPunct(t, '(')) {
      this.take();
      this.enter(t.at);
      const inner = this.or();
      this.depth--;
      const close = this.peek();
      if (!this.isPunct(close, ')')) throw this.unexpectedAfterCondition(close, true);
      this.take();
      return inner;
    }
    if (t.kind !== 'ident' || this.isReserved(t.text)) {
      throw new QueryError(
        t.at,
        `expected a condition (a field, a function such as products_purchased(…), NOT or '('), found ${describeToken(t)}`,
      );
    }
    this.take();
    const name: Ident = { name: t.text, at: t.at };
    if (this.isPunct(this.peek(), '(')) return this.call(name);
    return this.condition(name);
  }

  private isReserved(word: string): boolean {
    return (KEYWORDS as readonly string[]).includes(word.toLowerCase());
  }

  private condition(field: Ident): Expr {
    const t = this.peek();
    if (t.kind === 'op') {
      this.take();
      return { kind: 'compare', field, op: t.op, value: this.value(`a value after '${t.op}'`), at: field.at };
    }
    if (this.isKeyword(t, 'is')) {
      this.take();
      const negated = this.isKeyword(this.peek(), 'not');
      if (negated) this.take();
      const n = this.peek();
      if (!this.isKeyword(n, 'null'))
        throw new QueryError(
          n.at,
          `expected NULL after IS${negated ? ' NOT' : ''}, found ${describeToken(n)}`,
        );
      this.take();
      return { kind: 'is_null', field, negated, at: field.at };
    }
    const negated = this.isKeyword(t, 'not');
    if (negated) this.take();
    const k = this.peek();
    if (this.isKeyword(k, 'in')) {
      this.take();
      return { kind: 'in', field, values: this.list('IN'), negated, at: field.at };
    }
    if (this.isKeyword(k, 'between')) {
      this.take();
      const low = this.value('a value after BETWEEN');
      const and = this.peek();
      if (!this.isKeyword(and, 'and'))
        throw new QueryError(
          and.at,
          `expected AND between the two values of BETWEEN, found ${describeToken(and)}`,
        );
      this.take();
      const high = this.value('a value after BETWEEN … AND');
      return { kind: 'between', field, low, high, negated, at: field.at };
    }
    if (this.isKeyword(k, 'contains')) {
      this.take();
      return { kind: 'contains', field, value: this.value('a value after CONTAINS'), negated, at: field.at };
    }
    if (!negated && (FUNCTION_NAMES as readonly string[]).includes(field.name.toLowerCase()))
      throw new QueryError(field.at, `${field.name} is a function: write ${field.name}(…)`);
    const after = negated ? 'NOT' : field.name;
    const ops = negated ? 'IN, BETWEEN or CONTAINS' : CONDITION_OPERATORS;
    const hint = k.kind === 'ident' ? didYouMean(k.text, ['IN', 'BETWEEN', 'CONTAINS', 'IS']) : '';
    throw new QueryError(k.at, `expected ${ops} after ${after}, found ${describeToken(k)}${hint}`);
  }

  /** `( value, value, … )` */
  private list(what: string): Literal[] {
    const open = this.peek();
    if (!this.isPunct(open, '('))
      throw new QueryError(open.at, `expected '(' after ${what}, found ${describeToken(open)}`);
    this.take();
    const values = [this.value(`a value in the ${what} list`)];
    while (this.isPunct(this.peek(), ',')) {
      this.take();
      values.push(this.value(`a value after ','`));
    }
    const close = this.peek();
    if (!this.isPunct(close, ')'))
      throw new QueryError(
        close.at,
        `expected ',' or ')' in the ${what} list, found ${describeToken(close)}`,
      );
    this.take();
    return values;
  }

  private value(expected: string): Literal {
    const t = this.peek();
    const literal = this.literalOf(t);
    if (!literal) throw new QueryError(t.at, `expected ${expected}, found ${describeToken(t)}`);
    this.take();
    this.values++;
    if (this.values > MAX_VALUES) throw new QueryError(t.at, `the query has more than ${MAX_VALUES} values`);
    return literal;
  }

  private literalOf(t: Token): Literal | undefined {
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value, at: t.at };
      case 'number':
        return { kind: 'number', value: t.value, at: t.at };
      case 'date':
        return { kind: 'date', value: t.value, at: t.at };
      case 'relative':
        return { kind: 'relative', amount: t.amount, unit: t.unit, signed: t.signed, at: t.at };
      case 'ident':
        return this.wordLiteral(t.text, t.at);
      case 'op':
      case 'punct':
      case 'eof':
        return undefined;
    }
  }

  private wordLiteral(text: string, at: Position): Literal | undefined {
    switch (text.toLowerCase()) {
      case 'true':
        return { kind: 'boolean', value: true, at };
      case 'false':
        return { kind: 'boolean', value: false, at };
      case 'today':
        return { kind: 'relative', amount: 0, unit: 'd', signed: true, at };
      case 'yesterday':
        return { kind: 'relative', amount: -1, unit: 'd', signed: true, at };
      default:
        return this.isReserved(text) ? undefined : { kind: 'word', value: text, at };
    }
  }

  private call(name: Ident): Expr {
    const open = this.take();
    this.enter(open.at);
    const args: Arg[] = [];
    if (!this.isPunct(this.peek(), ')')) {
      args.push(this.arg());
      while (this.isPunct(this.peek(), ',')) {
        this.take();
        args.push(this.arg());
      }
    }
    const close = this.peek();
    if (!this.isPunct(close, ')'))
      throw new QueryError(
        close.at,
        `expected ',' or ')' in the arguments of ${name.name}, found ${describeToken(close)}`,
      );
    this.take();
    this.depth--;
    return { kind: 'call', name, args, at: name.at };
  }

  private arg(): Arg {
    const t = this.peek();
    if (t.kind === 'ident' && t.text.toLowerCase() === 'count' && this.peek(1).kind === 'op') {
      this.take();
      const op = this.take();
      const opValue = op.kind === 'op' ? op.op : ('>=' as CompareOp);
      return { kind: 'count', op: opValue, value: this.value(`a number after count ${opValue}`), at: t.at };
    }
    if (t.kind === 'ident' && this.isPunct(this.peek(1), ':')) {
      this.take();
      this.take();
      const name: Ident = { name: t.text, at: t.at };
      if (this.isPunct(this.peek(), '(')) {
        const values = this.list(`${t.text}:`);
        return { kind: 'named', name, values, list: true, at: t.at };
      }
      return { kind: 'named', name, values: [this.value(`a value after ${t.text}:`)], list: false, at: t.at };
    }
    return {
      kind: 'positional',
      value: this.value('an argument (name: value, count >= n, or a value)'),
      at: t.at,
    };
  }

  private unexpectedAfterCondition(t: Token, inParens = false): QueryError {
    const want = inParens ? "AND, OR or ')'" : 'AND, OR or the end of the query';
    const hint = t.kind === 'ident' ? didYouMean(t.text, ['AND', 'OR']) : '';
    const closing = !inParens && this.isPunct(t, ')') ? " (this ')' has no matching '(')" : '';
    return new QueryError(t.at, `expected ${want}, found ${describeToken(t)}${closing}${hint}`);
  }
}
