import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Position,
  parseSegmentQuery,
  printQuery,
  QueryError,
  resolveQuery,
} from '../../src/domain/segments/index.js';
import { countSql } from '../../src/store/segments/compile-sql.js';
import { queryArb } from './support.js';

/**
 * Parser fuzzing: 100,000 random strings. Each one either parses (and then also resolves,
 * compiles, prints and parses back) or fails with a QueryError that points inside the text —
 * never another exception, never a hang.
 */

const TOKENS = [
  'number_of_orders',
  'amount_spent',
  'aov',
  'last_order_date',
  'lifecycle',
  'rfm_group',
  'tags',
  'city',
  'consent',
  'amount_spend',
  'products_purchased',
  'performed',
  'opened',
  'count',
  'sku',
  'since',
  'within',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'CONTAINS',
  'BETWEEN',
  'true',
  'today',
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '(',
  ')',
  ',',
  ':',
  "'Hà Nội'",
  "'it''s'",
  '"x',
  "'",
  '\\',
  '-90d',
  '+7d',
  '4w',
  '2024-02-29',
  '2024-13-01',
  '12.5',
  '-3',
  '99999999999999999999',
  "'loyal'",
  "'Khách hàng trung thành'",
  "'Product Viewed'",
  '\n',
  ' ',
  '\t',
  '#',
  ';',
  '--',
  '/*',
  '😀',
  'đ',
];

const tokenSoup = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 40 })
  .chain((tokens) =>
    fc
      .array(fc.constantFrom(' ', '', '\n'), { minLength: tokens.length, maxLength: tokens.length })
      .map((seps) => tokens.map((t, i) => t + seps[i]).join('')),
  );

/** A valid query with a few characters deleted, inserted or swapped. */
const mutated = fc
  .tuple(
    queryArb,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('delete', 'insert', 'swap'),
        fc.string({ minLength: 1, maxLength: 2 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, edits]) => {
    let s = text;
    for (const [at, kind, ch] of edits) {
      const i = s.length === 0 ? 0 : at % s.length;
      if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
      else if (kind === 'insert') s = s.slice(0, i) + ch + s.slice(i);
      else s = s.slice(0, i) + ch + s.slice(i + ch.length);
    }
    return s;
  });

const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function insideText(at: Position, text: string): boolean {
  return (
    at.offset >= 0 && at.offset <= text.length && at.line >= 1 && at.line <= lineCount(text) && at.column >= 1
  );
}

const ctx = { asOf: new Date('2026-03-15T03:00:00Z'), timeZone: 'Asia/Ho_Chi_Minh' };

/** Parses one string; returns 'tree' or 'error', throws on anything else. */
function outcome(text: string): 'tree' | 'error' {
  const started = performance.now();
  try {
    const query = parseSegmentQuery(text);
    const resolved = resolveQuery(query, ctx);
    expect(countSql(resolved, 'shop').sql).toContain('SELECT COUNT(*)');
    expect(parseSegmentQuery(printQuery(query.condition)).condition).toEqual(query.condition);
    return 'tree';
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    expect(insideText(error.at, text)).toBe(true);
    expect(error.message).toMatch(/^line \d+, column \d+: \S/);
    return 'error';
  } finally {
    expect(performance.now() - started).toBeLessThan(1_000);
  }
}

describe('segment query parser fuzzing', () => {
  it('100,000 random strings: always a tree or a positioned error', () => {
    const seen = { tree: 0, error: 0 };
    const run = (arb: fc.Arbitrary<string>, numRuns: number) =>
      fc.assert(
        fc.property(arb, (text) => {
          seen[outcome(text)]++;
        }),
        { numRuns },
      );
    run(tokenSoup, 40_000);
    run(mutated, 20_000);
    run(anyText, 20_000);
    run(queryArb, 20_000);
    expect(seen.tree + seen.error).toBe(100_000);
    // The mix reaches both outcomes in earnest.
    expect(seen.tree).toBeGreaterThan(20_000);
    expect(seen.error).toBeGreaterThan(60_000);
  }, 600_000);

  it('stays linear on long inputs', () => {
    const long = Array.from({ length: 2_000 }, (_, i) => `amount_spent > ${i}`).join(' OR ');
    const started = performance.now();
    expect(parseSegmentQuery(long).condition.kind).toBe('or');
    expect(performance.now() - started).toBeLessThan(2_000);
    const open = '('.repeat(50_000);
    expect(() => parseSegmentQuery(open)).toThrow(QueryError);
  });
});
