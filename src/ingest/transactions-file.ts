/**
 * Reads a transaction file (one purchase per row: customer, date, optional amount) into the
 * columnar TransactionLog of the CLV models, streaming, without a store.
 *
 * Accepts comma, semicolon, tab or whitespace-separated text (detected from the first line
 * unless given), a header row or column names given by the caller, RFC 4180 quoting (quoted
 * delimiters, doubled quotes, line breaks inside quotes), a UTF-8 byte-order mark and CRLF
 * line ends. Every error names the file, the line and the column.
 */
import { createReadStream } from 'node:fs';
import type { TransactionLog } from '../domain/clv/summary.js';
import { parseAmount } from '../domain/money.js';
import { directoryGivenError, NurtureError } from '../errors.js';

export type Delimiter = ',' | ';' | '\t' | 'whitespace';

export interface TransactionsFileOptions {
  path: string;
  customerColumn: string;
  dateColumn: string;
  amountColumn?: string;
  /** Date pattern such as yyyyMMdd, dd/MM/yyyy, yyyy-MM-dd HH:mm; ISO dates by default. */
  dateFormat?: string;
  delimiter?: Delimiter | 'auto';
  /** Column names of a file without a header row. */
  columns?: readonly string[];
}

export interface TransactionsFile {
  log: TransactionLog;
  /** Customer id of each customer index, as written in the file. */
  customerIds: string[];
  rows: number;
  /** First and last transaction day (days since 1970-01-01); NaN for an empty file. */
  firstDay: number;
  lastDay: number;
}

/** A record with the physical line it starts on (1-based). */
export interface RawRecord {
  line: number;
  fields: string[];
}

/**
 * Splits text into records, incrementally (chunks may cut anywhere, even inside quotes).
 * In whitespace mode runs of spaces and tabs separate fields and are trimmed at both ends.
 */
class RecordSplitter {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private quoted = false;
  private pendingCR = false;
  private line = 1;
  private recordLine = 1;
  private fieldStarted = false;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly onRecord: (r: RawRecord) => void,
    private readonly file: string,
  ) {}

  push(text: string): void {
    const ws = this.delimiter === 'whitespace';
    const delim = ws ? -1 : this.delimiter.charCodeAt(0);
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === 10) continue;
      }
      if (this.inQuotes) {
        if (ch === 34) {
          if (text.charCodeAt(i + 1) === 34) {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the very end of a chunk: decide when the next chunk arrives.
            this.inQuotes = false;
            this.quoted = true;
            this.awaitingQuoteDecision = true;
          } else {
            this.inQuotes = false;
            this.quoted = true;
          }
        } else {
          if (ch === 10) this.line++;
          this.field += text[i];
        }
        continue;
      }
      if (this.awaitingQuoteDecision) {
        this.awaitingQuoteDecision = false;
        if (ch === 34) {
          // It was a doubled quote split across chunks.
          this.field += '"';
          this.inQuotes = true;
          this.quoted = false;
          continue;
        }
      }
      if (ch === 10 || ch === 13) {
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        if (ch === 13) this.pendingCR = true;
        continue;
      }
      if (ws ? ch === 32 || ch === 9 : ch === delim) {
        if (ws) {
          if (this.fieldStarted) this.endField();
        } else this.endField();
        continue;
      }
      if (ch === 34 && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
        continue;
      }
      if (this.quoted) {
        throw new NurtureError(
          'invalid_file',
          `${this.file}, line ${this.line}: text after a closing quote`,
          [
            {
              file: this.file,
              line: this.line,
              column: this.fields.length + 1,
              reason: 'text after a closing quote',
            },
          ],
        );
      }
      this.fieldStarted = true;
      this.field += text[i];
    }
  }

  private awaitingQuoteDecision = false;

  end(): void {
    if (this.inQuotes) {
      throw new NurtureError(
        'invalid_file',
        `${this.file}, line ${this.recordLine}: a quoted field is never closed`,
        [{ file: this.file, line: this.recordLine, reason: 'unclosed quote' }],
      );
    }
    this.endRecord();
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.quoted = false;
    this.fieldStarted = false;
  }

  private endRecord(): void {
    if (
      this.fieldStarted ||
      this.field !== '' ||
      (this.delimiter !== 'whitespace' && this.fields.length > 0)
    ) {
      this.endField();
    }
    const fields = this.fields;
    this.fields = [];
    const blank = fields.length === 0 || (fields.length === 1 && (fields[0] as string).trim() === '');
    if (!blank) this.onRecord({ line: this.recordLine, fields });
  }
}

/** Picks the delimiter from the first line: the most frequent of , ; tab, else whitespace. */
export function detectDelimiter(firstLine: string): Delimiter {
  const counts: [Delimiter, number][] = [',', ';', '\t'].map((d) => [
    d as Delimiter,
    countOutsideQuotes(firstLine, d),
  ]);
  counts.sort((a, b) => b[1] - a[1]);
  const best = counts[0] as [Delimiter, number];
  if (best[1] > 0) return best[0];
  return /\S\s+\S/.test(firstLine.trim()) ? 'whitespace' : ',';
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (!q && ch === d) n++;
  }
  return n;
}

interface DateToken {
  re: string;
  field: 'y' | 'y2' | 'M' | 'd' | 'H' | 'm' | 's' | null;
}

const TOKENS: [string, DateToken][] = [
  ['yyyy', { re: '(\\d{4})', field: 'y' }],
  ['yy', { re: '(\\d{2})', field: 'y2' }],
  ['MM', { re: '(\\d{2})', field: 'M' }],
  ['M', { re: '(\\d{1,2})', field: 'M' }],
  ['dd', { re: '(\\d{2})', field: 'd' }],
  ['d', { re: '(\\d{1,2})', field: 'd' }],
  ['HH', { re: '(\\d{2})', field: 'H' }],
  ['H', { re: '(\\d{1,2})', field: 'H' }],
  ['mm', { re: '(\\d{2})', field: 'm' }],
  ['ss', { re: '(\\d{2})', field: 's' }],
];

/** Trailing time and zone accepted after a date when the format has no time of its own. */
const OPTIONAL_TIME = '(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?(?:Z|[+-]\\d{2}:?\\d{2})?';

/**
 * Compiles a date pattern (yyyy, yy, MM, M, dd, d, HH, H, mm, ss; anything else is literal)
 * into a parser that returns days since 1970-01-01, or null when the text does not match or is
 * not a real date. The time of day is read but only the calendar date is kept.
 */
export function compileDateFormat(format: string): (text: string) => number | null {
  let re = '^';
  const fields: DateToken['field'][] = [];
  let hasTime = false;
  for (let i = 0; i < format.length; ) {
    const hit = TOKENS.find(([t]) => format.startsWith(t, i));
    if (hit) {
      re += hit[1].re;
      fields.push(hit[1].field);
      if (hit[1].field === 'H') hasTime = true;
      i += hit[0].length;
    } else {
      re += (format[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    }
  }
  if (!fields.includes('y') && !fields.includes('y2')) throw badFormat(format, 'it has no year (yyyy)');
  if (!fields.includes('M')) throw badFormat(format, 'it has no month (MM)');
  if (!fields.includes('d')) throw badFormat(format, 'it has no day (dd)');
  const regex = new RegExp(`${re}${hasTime ? '' : OPTIONAL_TIME}$`);
  return (text) => {
    const m = regex.exec(text.trim());
    if (!m) return null;
    let y = 0;
    let mo = 0;
    let d = 0;
    fields.forEach((f, k) => {
      const v = Number(m[k + 1]);
      if (f === 'y') y = v;
      else if (f === 'y2') y = 2000 + v;
      else if (f === 'M') mo = v;
      else if (f === 'd') d = v;
    });
    return calendarDay(y, mo, d);
  };
}

function badFormat(format: string, why: string): NurtureError {
  return new NurtureError('invalid_input', `--date-format "${format}" cannot be used: ${why}`);
}

function calendarDay(y: number, m: number, d: number): number | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== m - 1) return null;
  return Math.floor(ms / 86_400_000);
}

const isoDate = compileDateFormat('yyyy-MM-dd');
const slashDate = compileDateFormat('yyyy/MM/dd');
const compactDate = compileDateFormat('yyyyMMdd');

/**
 * Parses a date: with `format` exactly that; otherwise ISO (2024-03-05, with an optional time
 * and zone), 2024/03/05 or 20240305. Day-first and month-first dates are ambiguous and need a
 * format. Returns days since 1970-01-01 or null.
 */
export function parseDay(text: string, format?: (t: string) => number | null): number | null {
  if (format) return format(text);
  return isoDate(text) ?? slashDate(text) ?? compactDate(text);
}

/**
 * Amounts as the rest of Nurture reads them (parseAmount: `1.250.000 ₫`, `1,250,000.50`, and a
 * single `.` or `,` followed by exactly three digits groups thousands, so `1.250` is 1 250 đồng);
 * plain numbers it does not take (more than two decimals, exponents) are read as written.
 */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  const a = parseAmount(t);
  if (a !== undefined) return Number(a);
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : null;
}

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Finds a column by exact name, then case-insensitively; a missing one is named with its option. */
export function findColumn(names: readonly string[], wanted: string, file: string, option: string): number {
  let i = names.indexOf(wanted);
  if (i < 0) i = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
  if (i < 0) {
    throw new NurtureError(
      'invalid_file',
      `${file}: no column "${wanted}" (${option}); the columns are: ${names.map((n) => `"${n}"`).join(', ')}`,
      [{ file, line: 1, column: wanted, reason: 'column not found' }],
    );
  }
  return i;
}

/** Streams a transaction file into columns. */
export async function readTransactionsFile(options: TransactionsFileOptions): Promise<TransactionsFile> {
  const file = options.path;
  const format = options.dateFormat ? compileDateFormat(options.dateFormat) : undefined;
  const customer = new GrowableInt32();
  const day = new GrowableInt32();
  const amount = options.amountColumn ? new GrowableFloat64() : null;
  const ids = new Map<string, number>();
  const customerIds: string[] = [];
  let names: readonly string[] | null = options.columns ?? null;
  let idx: { c: number; d: number; a: number } | null = null;
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;

  const fail = (line: number, column: string, reason: string): never => {
    throw new NurtureError('invalid_file', `${file}, line ${line}, column ${column}: ${reason}`, [
      { file, line, column, reason },
    ]);
  };
  const onRecord = (r: RawRecord): void => {
    if (names === null) {
      names = r.fields.map((f) => f.trim());
      return;
    }
    if (idx === null) {
      idx = {
        c: findColumn(names, options.customerColumn, file, '--customer'),
        d: findColumn(names, options.dateColumn, file, '--date'),
        a: options.amountColumn ? findColumn(names, options.amountColumn, file, '--amount') : -1,
      };
    }
    const need = Math.max(idx.c, idx.d, idx.a);
    if (r.fields.length <= need) {
      fail(
        r.line,
        names[need] ?? String(need + 1),
        `the row has ${r.fields.length} fields, ${names.length} expected`,
      );
    }
    const id = (r.fields[idx.c] as string).trim();
    if (id === '') fail(r.line, options.customerColumn, 'the customer id is empty');
    const rawDate = r.fields[idx.d] as string;
    const d = parseDay(rawDate, format);
    if (d === null) {
      const hint = options.dateFormat
        ? `expected the format ${options.dateFormat}`
        : 'expected YYYY-MM-DD; give --date-format (e.g. dd/MM/yyyy or yyyyMMdd) for other layouts';
      fail(r.line, options.dateColumn, `cannot read "${rawDate.trim()}" as a date (${hint})`);
    }
    let c = ids.get(id);
    if (c === undefined) {
      c = customerIds.length;
      ids.set(id, c);
      customerIds.push(id);
    }
    if (amount !== null) {
      const raw = r.fields[idx.a] as string;
      const v = parseNumber(raw);
      if (v === null || !Number.isFinite(v)) {
        fail(r.line, options.amountColumn as string, `cannot read "${raw.trim()}" as an amount`);
      }
      amount.push(v as number);
    }
    customer.push(c);
    day.push(d as number);
    if ((d as number) < firstDay) firstDay = d as number;
    if ((d as number) > lastDay) lastDay = d as number;
  };

  await streamRecords(file, options.delimiter, onRecord);
  if (names === null)
    throw new NurtureError('invalid_file', `${file}: the file is empty`, [{ file, reason: 'empty' }]);
  const log: TransactionLog = {
    customer: customer.trimmed(),
    day: day.trimmed(),
    customerCount: customerIds.length,
    ...(amount !== null ? { amount: amount.trimmed() } : {}),
  };
  const empty = customer.length === 0;
  return {
    log,
    customerIds,
    rows: customer.length,
    firstDay: empty ? Number.NaN : firstDay,
    lastDay: empty ? Number.NaN : lastDay,
  };
}

/**
 * Streams the records of a delimited text file (delimiter detected from the first line unless
 * given, UTF-8 byte-order mark skipped). Errors thrown by `onRecord` pass through; a file that
 * cannot be read is invalid_file naming it.
 */
export async function streamRecords(
  file: string,
  delimiter: Delimiter | 'auto' | undefined,
  onRecord: (r: RawRecord) => void,
): Promise<void> {
  let splitter: RecordSplitter | null = null;
  let first = true;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      let text = chunk as string;
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const d =
          delimiter && delimiter !== 'auto' ? delimiter : detectDelimiter(text.split(/\r?\n/, 1)[0] ?? '');
        splitter = new RecordSplitter(d, onRecord, file);
        first = false;
      }
      splitter?.push(text);
    }
  } catch (error) {
    if (error instanceof NurtureError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw directoryGivenError(file);
    throw new NurtureError('invalid_file', `${file}: cannot read the file (${code ?? String(error)})`, [
      { file, reason: code ?? 'unreadable' },
    ]);
  }
  splitter?.end();
}
