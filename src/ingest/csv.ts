import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { NurtureError } from '../errors.js';

/** One CSV record with the physical line on which it starts (1-based; header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  column: number;
  reason: string;
}

export interface CsvOptions {
  delimiter?: string;
  /** Records are handed over in batches of this size. */
  batchSize?: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * An incremental RFC 4180 parser. Feed it decoded text with `push`; it calls `onRecord` for
 * every complete record. Malformed quoting does not throw: the record is reported through
 * `onProblem` with its line and column, and parsing resumes at the next line, so that an
 * import can list every bad row in one pass.
 */
export class CsvParser {
  private readonly delim: number;
  private buf = '';
  private line = 1;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private recordLine = 1;
  private broken: string | undefined;
  private brokenColumn = 0;

  constructor(
    private readonly onRecord: (rec: CsvRecord) => void,
    private readonly onProblem: (p: CsvProblem) => void,
    delimiter = ',',
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  push(text: string): void {
    const s = this.buf + text;
    this.buf = '';
    const n = s.length;
    let i = 0;
    const delim = this.delim;
    while (i < n) {
      if (this.inQuotes) {
        const q = s.indexOf('"', i);
        if (q < 0) {
          this.field += s.slice(i);
          this.line += countNewlines(s, i, n);
          i = n;
          break;
        }
        if (q + 1 >= n) {
          // Cannot tell an escaped quote from a closing one yet.
          this.field += s.slice(i, q);
          this.line += countNewlines(s, i, q);
          this.buf = '"';
          return;
        }
        this.field += s.slice(i, q);
        this.line += countNewlines(s, i, q);
        if (s.charCodeAt(q + 1) === QUOTE) {
          this.field += '"';
          i = q + 2;
        } else {
          this.inQuotes = false;
          this.afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === delim) {
        this.endField();
        i++;
      } else if (c === LF || c === CR) {
        if (c === CR) {
          if (i + 1 >= n) {
            this.buf = '\r';
            return;
          }
          if (s.charCodeAt(i + 1) === LF) i++;
        }
        i++;
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
      } else if (c === QUOTE) {
        if (this.field === '' && !this.afterQuote) {
          this.inQuotes = true;
        } else {
          this.markBroken('a quote inside an unquoted field (quote the field and double the quote)');
          this.field += '"';
        }
        i++;
      } else {
        if (this.afterQuote) this.markBroken('text after a closing quote');
        // Fast path: copy up to the next special character in one slice.
        let j = i + 1;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === delim || d === LF || d === CR || d === QUOTE) break;
          j++;
        }
        this.field += s.slice(i, j);
        i = j;
      }
    }
  }

  /** Call at end of input. */
  end(): void {
    if (this.buf === '"') {
      this.buf = '';
      this.inQuotes = false;
      this.afterQuote = true;
    } else if (this.buf === '\r') {
      this.buf = '';
      this.endRecord();
      return;
    }
    if (this.inQuotes) {
      this.onProblem({
        line: this.recordLine,
        column: this.fields.length + 1,
        reason: 'unterminated quoted field (a quote opened here is never closed)',
      });
      this.reset();
      return;
    }
    if (this.field !== '' || this.fields.length > 0 || this.afterQuote) this.endRecord();
  }

  private markBroken(reason: string): void {
    if (this.broken === undefined) {
      this.broken = reason;
      this.brokenColumn = this.fields.length + 1;
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.afterQuote = false;
  }

  private endRecord(): void {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    if (this.broken !== undefined) {
      this.onProblem({ line: this.recordLine, column: this.brokenColumn, reason: this.broken });
      this.broken = undefined;
    } else if (!(fields.length === 1 && fields[0] === '')) {
      this.onRecord({ line: this.recordLine, fields });
    }
  }

  private reset(): void {
    this.field = '';
    this.fields = [];
    this.afterQuote = false;
    this.broken = undefined;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let count = 0;
  let i = s.indexOf('\n', from);
  while (i >= 0 && i < to) {
    count++;
    i = s.indexOf('\n', i + 1);
  }
  return count;
}

export interface CsvBatch {
  records: CsvRecord[];
  problems: CsvProblem[];
  /** Bytes read so far, for progress. */
  bytesRead: number;
}

/**
 * Streams a CSV file as UTF-8 (BOM optional) in batches. Input that is not valid UTF-8 is
 * rejected with the line where decoding failed: a Windows-1258 or UTF-16 export would otherwise
 * garble Vietnamese names silently.
 */
export async function* readCsvFile(path: string, options: CsvOptions = {}): AsyncGenerator<CsvBatch> {
  const batchSize = options.batchSize ?? 8192;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let records: CsvRecord[] = [];
  let problems: CsvProblem[] = [];
  const parser = new CsvParser(
    (r) => records.push(r),
    (p) => problems.push(p),
    options.delimiter ?? ',',
  );
  let bytesRead = 0;
  let first = true;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        rejectUtf16(chunk, path);
      }
      bytesRead += chunk.length;
      parser.push(decode(decoder, chunk, path, records, problems));
      if (records.length >= batchSize || problems.length > 0) {
        yield { records, problems, bytesRead };
        records = [];
        problems = [];
      }
    }
    parser.push(decode(decoder, undefined, path, records, problems));
    parser.end();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT')
      throw new NurtureError('invalid_input', `file not found: ${path}`);
    throw error;
  }
  yield { records, problems, bytesRead };
}

function rejectUtf16(chunk: Buffer, path: string): void {
  if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)))
    throw new NurtureError('invalid_file', `${path}: the file is UTF-16; save it as UTF-8 (CSV UTF-8)`, [
      { file: path, line: 1, reason: 'UTF-16 byte order mark' },
    ]);
}

function decode(
  decoder: TextDecoder,
  chunk: Buffer | undefined,
  path: string,
  records: CsvRecord[],
  _problems: CsvProblem[],
): string {
  try {
    return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    const line = (records[records.length - 1]?.line ?? 0) + 1;
    throw new NurtureError(
      'invalid_file',
      `${path}: not valid UTF-8 near line ${line}; save the file as UTF-8 (Excel: "CSV UTF-8")`,
      [{ file: path, line, reason: 'invalid UTF-8 byte sequence' }],
    );
  }
}

/** Parses a whole CSV string (small files, tests). */
export function parseCsvText(text: string, delimiter = ','): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const parser = new CsvParser(
    (r) => records.push(r),
    (p) => problems.push(p),
    delimiter,
  );
  parser.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  parser.end();
  return { records, problems };
}

/** Quotes a value for CSV output when it needs it. */
export function csvEscape(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${values.map(csvEscape).join(',')}\n`;
}
