import { describe, expect, it } from 'vitest';
import {
  type Condition,
  describeQueryError,
  parseSegmentQuery,
  printQuery,
  QueryError,
  resolveQuery,
  type Symbolic,
} from '../../src/domain/segments/index.js';
import { nearest } from '../../src/domain/segments/suggest.js';

const cond = (text: string): Condition<Symbolic> => parseSegmentQuery(text).condition;

function errorOf(text: string): QueryError {
  try {
    parseSegmentQuery(text);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`expected an error for: ${text}`);
}

describe('segment query parser', () => {
  it('parses comparisons, AND/OR precedence, NOT and parentheses', () => {
    expect(cond('number_of_orders >= 2 AND amount_spent > 5000000 OR NOT (city = "Hà Nội")')).toEqual({
      kind: 'or',
      items: [
        {
          kind: 'and',
          items: [
            { kind: 'compare', field: 'number_of_orders', op: '>=', value: { type: 'number', value: 2 } },
            { kind: 'compare', field: 'amount_spent', op: '>', value: { type: 'number', value: 5000000 } },
          ],
        },
        {
          kind: 'not',
          operand: { kind: 'compare', field: 'city', op: '=', value: { type: 'string', value: 'Hà Nội' } },
        },
      ],
    });
  });

  it('accepts keywords in any case, <> for !=, and line breaks', () => {
    expect(cond('aov <> 1\nand not rfm_r is null')).toEqual({
      kind: 'and',
      items: [
        { kind: 'compare', field: 'aov', op: '!=', value: { type: 'number', value: 1 } },
        { kind: 'not', operand: { kind: 'is_null', field: 'rfm_r' } },
      ],
    });
  });

  it('reads group values in Vietnamese or English and as bare words', () => {
    const loyal = { kind: 'compare', field: 'lifecycle', op: '=', value: { type: 'string', value: 'loyal' } };
    expect(cond("lifecycle = 'Khách hàng trung thành'")).toEqual(loyal);
    expect(cond("lifecycle = 'loyal'")).toEqual(loyal);
    expect(cond('lifecycle = Loyal')).toEqual(loyal);
    expect(cond("lifecycle = 'Loyal customer'")).toEqual(loyal);
    expect(cond("value_group = 'Cần lôi kéo'")).toEqual({
      kind: 'compare',
      field: 'value_group',
      op: '=',
      value: { type: 'string', value: 'win_back' },
    });
    expect(cond("rfm_group IN ('at_risk', 'Sắp mất', 'at risk')")).toEqual({
      kind: 'in',
      field: 'rfm_group',
      values: [
        { type: 'string', value: 'at_risk' },
        { type: 'string', value: 'almost_lost' },
      ],
    });
  });

  it("expands value_group 'focus' to its four sub-groups", () => {
    const c = cond("value_group = 'Tập trung'");
    expect(c).toMatchObject({ kind: 'in', field: 'value_group' });
    expect(c.kind === 'in' && c.values.map((v) => v.value)).toEqual([
      'focus_low_value',
      'focus_high_value_infrequent',
      'focus_frequent',
      'focus_high_value_frequent',
    ]);
  });

  it('reads relative and absolute dates', () => {
    expect(cond('last_order_date < -90d')).toEqual({
      kind: 'compare',
      field: 'last_order_date',
      op: '<',
      value: { type: 'date', value: { kind: 'relative', amount: -90, unit: 'd' } },
    });
    expect(cond('expected_next_order_date <= +7d')).toMatchObject({
      value: { value: { kind: 'relative', amount: 7, unit: 'd' } },
    });
    expect(cond("first_order_date BETWEEN 2024-01-01 AND '2024-03-31'")).toEqual({
      kind: 'and',
      items: [
        {
          kind: 'compare',
          field: 'first_order_date',
          op: '>=',
          value: { type: 'date', value: { kind: 'absolute', day: '2024-01-01' } },
        },
        {
          kind: 'compare',
          field: 'first_order_date',
          op: '<=',
          value: { type: 'date', value: { kind: 'absolute', day: '2024-03-31' } },
        },
      ],
    });
    expect(cond('last_order_date = yesterday')).toMatchObject({
      value: { value: { kind: 'relative', amount: -1 } },
    });
  });

  it('parses the functions with their arguments', () => {
    expect(cond("products_purchased(sku: ('PRN-01', 'PRN-02'), since: -30d, count >= 2)")).toEqual({
      kind: 'purchased',
      skus: ['PRN-01', 'PRN-02'],
      categories: null,
      window: { from: { kind: 'relative', amount: -30, unit: 'd' } },
      count: { op: '>=', value: 2 },
    });
    expect(cond("performed('product viewed', product: 'PRN-01', within: 7d, count >= 3)")).toEqual({
      kind: 'performed',
      fn: 'performed',
      event: 'Product Viewed',
      filters: [{ key: 'product', values: ['PRN-01'] }],
      window: { from: { kind: 'relative', amount: -7, unit: 'd' } },
      count: { op: '>=', value: 3 },
    });
    expect(cond("declined(channel: 'zalo')")).toMatchObject({
      kind: 'performed',
      event: 'Message Declined',
      count: { op: '>=', value: 1 },
    });
  });

  it('gives NOT IN, NOT CONTAINS and != the "an empty field is not a match" reading', () => {
    expect(cond("city NOT IN ('Hà Nội')")).toEqual({
      kind: 'and',
      items: [
        { kind: 'not', operand: { kind: 'is_null', field: 'city' } },
        {
          kind: 'not',
          operand: { kind: 'in', field: 'city', values: [{ type: 'string', value: 'Hà Nội' }] },
        },
      ],
    });
    expect(cond("tags NOT CONTAINS 'vip'")).toEqual({
      kind: 'not',
      operand: { kind: 'has', field: 'tags', value: 'vip' },
    });
    expect(cond('tags IS NULL')).toEqual({ kind: 'empty', field: 'tags' });
    expect(cond("consent CONTAINS 'Zalo'")).toEqual({ kind: 'has', field: 'consent', value: 'zalo' });
  });

  it('reads escaped quotes in strings', () => {
    expect(cond("city = 'O''Brien'")).toMatchObject({ value: { value: "O'Brien" } });
    expect(cond("city = 'a\\'b\\\\c'")).toMatchObject({ value: { value: "a'b\\c" } });
    expect(cond('city = "say ""hi"""')).toMatchObject({ value: { value: 'say "hi"' } });
  });

  it('prints a canonical text that parses back to the same tree', () => {
    const texts = [
      "products_purchased(category: 'printer', since: -7d, until: -7d) AND NOT products_purchased(category: 'paper', since: -7d)",
      "(lifecycle = 'churned' OR value_group = 'win_back') AND amount_spent >= 2000000 AND accepts_zalo = true",
      "tags CONTAINS 'it''s' AND city IS NULL AND nps <= 6 AND opened(channel: ('zalo', 'sms'), within: 4w, count = 0)",
      'aov BETWEEN 0.0000001 AND 2.5',
    ];
    for (const text of texts) {
      const c = cond(text);
      expect(cond(printQuery(c))).toEqual(c);
    }
  });
});

describe('segment query errors', () => {
  it('names line, column and the nearest field for a misspelling', () => {
    const e = errorOf('number_of_orders > 1 AND amount_spend > 100');
    expect(e.message).toBe('line 1, column 26: unknown field amount_spend; did you mean amount_spent?');
    expect(e.code).toBe('invalid_input');
    expect(e.details).toEqual([
      { line: 1, column: 26, reason: 'unknown field amount_spend; did you mean amount_spent?' },
    ]);
  });

  it('suggests the field one of whose words the misspelling is near (orders, ordres: number_of_orders)', () => {
    expect(errorOf('ordres > 2').reason).toBe('unknown field ordres; did you mean number_of_orders?');
    expect(errorOf('orders > 2').reason).toBe('unknown field orders; did you mean number_of_orders?');
    expect(errorOf('spnet > 2').reason).toBe('unknown field spnet; did you mean amount_spent?');
    expect(errorOf('qwxyz > 2').reason).toBe('unknown field qwxyz');
  });

  it('counts lines and columns in characters, across line breaks', () => {
    const e = errorOf("city = 'Hà Nội'\n  AND lifecylce = loyal");
    expect(e.at).toMatchObject({ line: 2, column: 7 });
    expect(e.reason).toBe('unknown field lifecylce; did you mean lifecycle?');
    expect(describeQueryError("city = 'Hà Nội'\n  AND lifecylce = loyal", e)).toBe(
      'line 2, column 7: unknown field lifecylce; did you mean lifecycle?\n    AND lifecylce = loyal\n        ^',
    );
  });

  it('says what was expected', () => {
    expect(errorOf('amount_spent >').message).toBe(
      "line 1, column 15: expected a value after '>', found the end of the query",
    );
    expect(errorOf('amount_spent > 5 ANDD aov > 1').message).toBe(
      "line 1, column 18: expected AND, OR or the end of the query, found 'ANDD'; did you mean AND?",
    );
    expect(errorOf('(aov > 1').message).toBe(
      "line 1, column 9: expected AND, OR or ')', found the end of the query",
    );
    expect(errorOf('aov > 1)').message).toContain("(this ')' has no matching '(')");
    expect(errorOf('city LIKE 1').message).toBe(
      "line 1, column 6: expected =, !=, <, <=, >, >=, IN, BETWEEN, IS NULL or CONTAINS after city, found 'LIKE'",
    );
    expect(errorOf("city = 'Hà").message).toBe("line 1, column 8: unterminated string: add the closing '");
    expect(errorOf('').message).toMatch(/^line 1, column 1: the query is empty/);
  });

  it('checks values against the field type and group names', () => {
    expect(errorOf("lifecycle = 'loyl'").message).toBe(
      "line 1, column 13: unknown lifecycle 'loyl'; did you mean 'loyal'? (one of: prospect, new, standard, premium, loyal, churned)",
    );
    expect(errorOf("amount_spent > 'many'").message).toBe(
      "line 1, column 16: amount_spent is a number; found the text 'many' (write 5, 2.5 or 1500000)",
    );
    expect(errorOf('last_order_date < 90d').reason).toBe('write -90d for 90d ago or +90d for ahead');
    expect(errorOf('city > 1').reason).toBe('city is text: use = or != (not >)');
    expect(errorOf('city = Hanoi').reason).toBe("put text in quotes: city = 'Hanoi'");
    expect(errorOf('aov CONTAINS 1').reason).toBe('aov is a number: CONTAINS applies to text and lists');
    expect(errorOf("tags = 'vip'").reason).toMatch(/^tags is a list/);
    expect(errorOf('first_order_date > 2024-02-30').reason).toBe(
      'not a date: 2024-02-30 (dates are written YYYY-MM-DD)',
    );
  });

  it('checks functions and their arguments', () => {
    expect(errorOf("product_purchased(sku: 'A')").reason).toBe(
      'unknown function product_purchased; did you mean products_purchased?',
    );
    expect(errorOf("products_purchased(skus: 'A')").reason).toMatch(
      /^products_purchased: unknown argument skus; did you mean sku\?/,
    );
    expect(errorOf("performed('Product Viwed')").reason).toBe(
      "unknown event 'Product Viwed'; did you mean 'Product Viewed'?",
    );
    expect(errorOf('performed(within: 7d)').reason).toMatch(/needs the event name first/);
    expect(errorOf("products_purchased(sku: 'A', count >= 1.5)").reason).toMatch(
      /^count takes a whole number/,
    );
    expect(errorOf('products_purchased(since: -1d, within: 7d)').reason).toBe(
      'products_purchased: give since or within, not both',
    );
    expect(errorOf('products_purchased(within: -7d)').reason).toMatch(/^within: takes a duration/);
    expect(errorOf('products_purchased').reason).toBe(
      'products_purchased is a function: write products_purchased(…)',
    );
    expect(errorOf('aov(1)').reason).toBe('aov is a field, not a function');
  });

  it('refuses queries nested too deeply or too long, with a position', () => {
    const deep = `${'('.repeat(100)}aov > 1${')'.repeat(100)}`;
    expect(errorOf(deep).reason).toBe('the query is nested more than 64 levels deep');
    expect(errorOf(`aov > 1 AND ${'NOT '.repeat(80)}aov > 1`).at.line).toBe(1);
    const long = `city = '${'x'.repeat(200_001)}'`;
    expect(errorOf(long).reason).toBe('the query is longer than 200000 characters');
  });

  it('shows only the part of a long query line around the error, with the caret under the place', () => {
    const deep = `${'('.repeat(10_000)}aov > 1${')'.repeat(10_000)}`;
    const text = describeQueryError(deep, errorOf(deep));
    const [message, shownLine, caret] = text.split('\n');
    expect(message).toBe('line 1, column 65: the query is nested more than 64 levels deep');
    expect(text.length).toBeLessThan(300);
    expect(shownLine).toBe(`  …${'('.repeat(80)}…`);
    expect(caret!.indexOf('^')).toBe(shownLine!.length - 41);
    const tail = `${'aov > 1 AND '.repeat(20)}aov >`;
    const [, endLine, endCaret] = describeQueryError(tail, errorOf(tail)).split('\n');
    expect(endLine).toBe(`  …${tail.slice(-80)}`);
    expect(endCaret).toBe(`${' '.repeat(83)}^`);
  });
});

describe('relative dates', () => {
  const resolve = (text: string, asOf: string) =>
    resolveQuery(parseSegmentQuery(text), { asOf: new Date(asOf), timeZone: 'Asia/Ho_Chi_Minh' });

  it('count days in the shop time zone', () => {
    // 20:00 UTC on 31 Jan is 03:00 on 1 Feb in Ho Chi Minh City.
    const q = resolve('last_order_date < -90d', '2026-01-31T20:00:00Z');
    expect(q.today).toBe('2026-02-01');
    expect(q.condition).toMatchObject({ value: { type: 'date', value: '2025-11-03' } });
  });

  it('move months and years on the calendar, clamped to the month end', () => {
    expect(resolve('first_order_date >= -1m', '2026-03-31T05:00:00Z').condition).toMatchObject({
      value: { value: '2026-02-28' },
    });
    expect(resolve('first_order_date >= -4w', '2026-03-31T05:00:00Z').condition).toMatchObject({
      value: { value: '2026-03-03' },
    });
    expect(resolve('first_order_date >= -1y', '2024-02-29T05:00:00Z').condition).toMatchObject({
      value: { value: '2023-02-28' },
    });
  });

  it('turn function windows into instants at local midnight', () => {
    const q = resolve(
      "products_purchased(category: 'printer', since: -7d, until: -7d)",
      '2026-01-10T05:00:00Z',
    );
    expect(q.condition).toMatchObject({
      window: { from: new Date('2026-01-02T17:00:00Z'), to: new Date('2026-01-03T17:00:00Z') },
    });
  });
});

describe('suggestions', () => {
  it('finds the nearest name without case or diacritics', () => {
    expect(nearest('AMOUNT_SPEND', ['amount_spent', 'aov'])).toBe('amount_spent');
    expect(nearest('khach hang trung thanh', ['Khách hàng trung thành', 'Khách hàng mới'])).toBe(
      'Khách hàng trung thành',
    );
    expect(nearest('zzzz', ['amount_spent', 'aov'])).toBeUndefined();
  });
});
