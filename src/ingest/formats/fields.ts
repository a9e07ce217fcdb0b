/**
 * Field readers shared by the file formats. They run once per cell on files of a million rows,
 * so they scan char codes instead of running regular expressions where that is easy, and report
 * a bad cell by throwing a RowProblem (a plain object without a stack: cheap, and rare).
 */
import { normalizeEmail, normalizePhone } from '../../domain/identity-keys.js';
import type { PAYMENT_METHODS } from '../../domain/model/index.js';
import { parseAmount } from '../../domain/money.js';
import { NurtureError } from '../../errors.js';
import type { CsvProblem, CsvRowBatch } from '../csv.js';
import type { Reject } from '../records.js';

/** A bad cell: the column (header name) and why. */
export class RowProblem {
  constructor(
    readonly column: string | undefined,
    readonly reason: string,
    /** The file line, when the problem is in another row than the one being read. */
    readonly line?: number,
  ) {}
}

export function problem(column: string | undefined, reason: string): never {
  throw new RowProblem(column, reason);
}

/** Turns whatever a row reader threw into a reject at `line`; rethrows real errors. */
export function rejectOf(error: unknown, line: number): Reject {
  if (error instanceof RowProblem) {
    const at = error.line ?? line;
    return error.column === undefined
      ? { line: at, reason: error.reason }
      : { line: at, column: error.column, reason: error.reason };
  }
  throw error;
}

/** Shows a cell value in a reason, shortened. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

const C0 = 48;
const C9 = 57;
const DOT = 46;
const MINUS = 45;

/**
 * A canonical decimal string ('1250000', '12.50') from a cell; undefined when the cell is not an
 * amount. Plain "1250000" / "1250000.00" / "12.5" are read by a char loop; everything else
 * ("1.250.000 ₫", "1,250,000.50") goes through parseAmount.
 */
export function amountOf(raw: string): string | undefined {
  const n = raw.length;
  let i = raw.charCodeAt(0) === MINUS ? 1 : 0;
  const intStart = i;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c < C0 || c > C9) break;
    i++;
  }
  const intEnd = i;
  if (intEnd === intStart || intEnd - intStart > 16) return parseAmount(raw);
  let fracEnd = intEnd;
  if (i < n && raw.charCodeAt(i) === DOT) {
    i++;
    while (i < n) {
      const c = raw.charCodeAt(i);
      if (c < C0 || c > C9) break;
      i++;
    }
    fracEnd = i;
    // "1.250" is 1250 đồng, not 1.25: leave such grouping to parseAmount.
    if (fracEnd - intEnd - 1 !== 1 && fracEnd - intEnd - 1 !== 2) return parseAmount(raw);
  }
  if (i !== n) return parseAmount(raw);
  return canonical(raw, intStart, intEnd, fracEnd);
}

function canonical(raw: string, intStart: number, intEnd: number, fracEnd: number): string {
  let s = intStart;
  while (s < intEnd - 1 && raw.charCodeAt(s) === C0) s++;
  const int = s === 0 && intEnd === raw.length ? raw : raw.slice(s, intEnd);
  let body = int;
  if (fracEnd > intEnd) {
    const f1 = raw.charCodeAt(intEnd + 1);
    const f2 = fracEnd - intEnd > 2 ? raw.charCodeAt(intEnd + 2) : C0;
    if (f1 !== C0 || f2 !== C0) body = `${int}.${String.fromCharCode(f1, f2)}`;
  }
  const negative = intStart === 1 && body !== '0';
  return negative ? `-${body}` : body;
}

/** Money is DECIMAL(18,2): at most 16 digits before the point. */
const MAX_INTEGER_DIGITS = 16;
export const MAX_AMOUNT = '9999999999999999.99';

/** Whether a canonical amount (see amountOf) fits DECIMAL(18,2). */
export function amountFits(canonical: string): boolean {
  const start = canonical.charCodeAt(0) === MINUS ? 1 : 0;
  const dot = canonical.indexOf('.');
  return (dot < 0 ? canonical.length : dot) - start <= MAX_INTEGER_DIGITS;
}

/** A required non-negative amount that fits DECIMAL(18,2). */
export function money(raw: string, column: string): string {
  const v = amountOf(raw);
  if (v === undefined) return problem(column, `not an amount: ${shown(raw)}`);
  if (v.charCodeAt(0) === MINUS) return problem(column, `negative amount: ${shown(raw)}`);
  if (!amountFits(v)) return problem(column, `amount too large: ${shown(raw)} (at most ${MAX_AMOUNT})`);
  return v;
}

/** An amount computed from others (a sum of lines, a total), checked against DECIMAL(18,2). */
export function computedMoney(value: string, column: string, what: string): string {
  return amountFits(value) ? value : problem(column, `${what} add up to more than ${MAX_AMOUNT}`);
}

/** An optional non-negative amount: empty gives `fallback`. */
export function moneyOr(raw: string, column: string, fallback: string): string {
  return raw === '' ? fallback : money(raw, column);
}

/** A whole positive quantity; 0 gives 0 (callers leave such lines out). */
export function quantity(raw: string, column: string): number {
  const n = raw.length;
  let v = 0;
  let i = 0;
  if (n === 0) return problem(column, 'quantity is empty');
  if (raw.charCodeAt(0) === MINUS) return problem(column, `negative quantity: ${shown(raw)}`);
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c < C0 || c > C9) break;
    v = v * 10 + (c - C0);
  }
  if (i < n) {
    // "2.00" and "2,0" from spreadsheets are whole numbers too.
    const rest = raw.slice(i);
    if (!/^[.,]0*$/.test(rest)) return problem(column, `not a whole quantity: ${shown(raw)}`);
  }
  if (v > 1_000_000) return problem(column, `quantity too large: ${shown(raw)}`);
  return v;
}

/** Trims, drops the apostrophe spreadsheets put before long numbers, and NFC-normalises. */
export function text(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let s = raw.trim();
  if (s.charCodeAt(0) === 39) s = s.slice(1).trim(); // "'7234567890123"
  if (s === '') return undefined;
  return isAscii(s) ? s : nfc(s);
}

/** NFC with a cache: the same product titles and city names come back on many rows. */
const nfcCache = new Map<string, string>();

function nfc(s: string): string {
  let v = nfcCache.get(s);
  if (v === undefined) {
    v = s.normalize('NFC');
    if (nfcCache.size >= 50_000) nfcCache.clear();
    nfcCache.set(s, v);
  }
  return v;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** Comma-separated tags, trimmed, without empties or duplicates. */
export function tagsOf(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const t = text(part);
    if (t !== undefined && !out.includes(t)) out.push(t);
  }
  return out;
}

const TRUE_WORDS = new Set(['yes', 'true', '1', 'y', 'x', 'có', 'co', 'subscribed', 'opted_in']);
const FALSE_WORDS = new Set([
  'no',
  'false',
  '0',
  'n',
  'không',
  'khong',
  'unsubscribed',
  'not_subscribed',
  'opted_out',
  'pending',
  'invalid',
  'redacted',
]);

/** yes/no, true/false, có/không, Shopify consent states; empty is undefined. */
export function boolOf(raw: string | undefined, column: string): boolean | undefined {
  const t = text(raw)?.toLowerCase();
  if (t === undefined) return undefined;
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return problem(column, `not yes/no: ${shown(t)}`);
}

export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Reads a payment gateway name ("Cash on Delivery (COD)", "shopify_payments", "MoMo"…). */
export function paymentMethodOf(raw: string | undefined): PaymentMethod | undefined {
  const t = text(raw)?.toLowerCase();
  if (t === undefined) return undefined;
  if (t.includes('cod') || t.includes('cash on delivery') || t.includes('thanh toán khi nhận')) return 'cod';
  if (/momo|zalopay|vnpay|shopeepay|airpay|paypal|apple pay|google pay|wallet|ví/.test(t)) return 'wallet';
  if (/bank|chuyển khoản|transfer|banking/.test(t)) return 'bank_transfer';
  if (/card|shopify_payments|stripe|visa|master|thẻ/.test(t)) return 'card';
  return 'other';
}

/** Phone and e-mail normalised; an invalid value is dropped (the row stays). */
export function phoneOf(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : normalizePhone(raw);
}

export function emailOf(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : normalizeEmail(raw);
}

/**
 * A referral reference (an e-mail, a phone or an external id of the referrer), normalised when
 * its kind is clear: with an @ it is an e-mail; starting with 0 or + it is a phone; otherwise it
 * is kept as written (an external id) and the store resolves it.
 */
export function referenceOf(raw: string | undefined): string | undefined {
  const t = text(raw);
  if (t === undefined) return undefined;
  if (t.includes('@')) return normalizeEmail(t) ?? t;
  if (t.startsWith('0') || t.startsWith('+')) return normalizePhone(t) ?? t;
  return t;
}

/** Column lookup by header name: trimmed, case-insensitive, NFC. */
export class Header {
  readonly names: readonly string[];
  private readonly index = new Map<string, number>();

  constructor(fields: readonly string[]) {
    this.names = fields.map((f) => f.trim());
    this.names.forEach((name, i) => {
      const key = headerKey(name);
      if (!this.index.has(key)) this.index.set(key, i);
    });
  }

  /** Index of the first of `names` present, or -1. */
  find(...names: string[]): number {
    for (const name of names) {
      const i = this.index.get(headerKey(name));
      if (i !== undefined) return i;
    }
    return -1;
  }

  /** The column's display name (for reasons and rejects). */
  name(index: number): string {
    return this.names[index] ?? `column ${index + 1}`;
  }
}

export function headerKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** A cell, '' when the row is short or the column absent. */
export function cell(fields: readonly string[], index: number): string {
  return index < 0 ? '' : (fields[index] ?? '');
}

/** What reads the cells of a row: a Row, or the readable fields of an unreadable record. */
export interface Cells {
  /** Column `col` ('' when absent). */
  get(col: number): string;
}

/** One CSV row, read field by field (see CsvRowBatch). */
export class Row implements Cells {
  constructor(
    private readonly batch: CsvRowBatch,
    private readonly index: number,
    readonly line: number,
  ) {}

  /** Column `col` ('' when absent: col < 0, or a short row). */
  get(col: number): string {
    return this.batch.field(this.index, col);
  }

  get width(): number {
    return this.batch.width(this.index);
  }
}

/** A reject for a row the CSV parser could not read. */
export function csvReject(p: CsvProblem, header: Header | undefined): Reject {
  return {
    line: p.line,
    column: header ? header.name(p.column - 1) : `column ${p.column}`,
    reason: p.reason,
  };
}

/** A row whose field count differs from the header's: a shifted or broken row. */
export function widthProblem(width: number, header: Header): RowProblem | undefined {
  const want = header.names.length;
  if (width === want) return undefined;
  return width < want
    ? new RowProblem(header.name(width), `row has ${width} fields, the header has ${want}`)
    : new RowProblem(`column ${want + 1}`, `row has ${width} fields, the header has ${want}`);
}

/** A file with no header row. */
export function emptyFile(path: string): NurtureError {
  return new NurtureError('invalid_file', `${path}: the file is empty (no header row)`, [
    { file: path, line: 1, reason: 'no header row' },
  ]);
}

/** Required columns that the header lacks: a file-level error naming them all. */
export function requireColumns(
  path: string,
  header: Header,
  required: ReadonlyArray<readonly string[]>,
): void {
  const missing = required.filter((names) => header.find(...names) < 0).map((names) => names[0]!);
  if (missing.length === 0) return;
  throw new NurtureError(
    'invalid_file',
    `${path}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
    missing.map((m) => ({ file: path, line: 1, column: m, reason: 'required column is missing' })),
  );
}
