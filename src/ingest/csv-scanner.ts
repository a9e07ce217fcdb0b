/**
 * The CSV byte scanner: RFC 4180 records (quotes, doubled quotes, CR/LF inside quoted fields) read
 * from latin1-decoded chunks into column batches, with the physical line of each record and a
 * problem for every malformed one. csv.ts reads files and text through it.
 */
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
  /**
   * The fields before `column`, which could be read (absent when there are none): they tell,
   * for instance, which order an unreadable row belongs to.
   */
  fields?: string[];
}

export interface CsvOptions {
  delimiter?: string;
  /** Records are handed over in batches of at least this size (one file chunk holds several). */
  batchSize?: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Field flags: the field was quoted and holds doubled quotes; it holds bytes >= 0x80. */
const ESCAPED = 1;
const HIGH = 2;

/** Byte classes of the scanner's table. */
const PLAIN = 0;
const STOP = 1;
const QUOTE_BYTE = 2;
const HIGH_BYTE = 3;

/**
 * A record still open at this length (a quoted field not closed yet) is given up: it is reported
 * as too large and skipped up to its end, so that memory stays bounded.
 */
const MAX_RECORD_BYTES = 8 << 20;

/** A record being skipped because it is too large (see MAX_RECORD_BYTES). */
interface Skipping {
  line: number;
  column: number;
  fields: string[];
  /** Inside a quoted field: a doubled quote toggles out and in again, which keeps this exact. */
  quoted: boolean;
}

/**
 * The rows of one scanned chunk, kept as offsets into the chunk text: a field becomes a string
 * only when it is read, so a reader that needs 20 of 70 columns allocates for 20.
 */
export class CsvRowBatch {
  constructor(
    /** The chunk's bytes read as latin1 (one char per byte). */
    readonly text: string,
    /** The same bytes, for decoding fields with bytes >= 0x80. */
    private readonly bytes: Buffer,
    /** Number of rows. */
    readonly length: number,
    private readonly lines: Int32Array,
    /** Index of each row's first field in starts/ends/flags; entry `length` closes the last row. */
    private readonly firstField: Int32Array,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    private readonly flags: Uint8Array,
  ) {}

  line(row: number): number {
    return this.lines[row]!;
  }

  width(row: number): number {
    return this.firstField[row + 1]! - this.firstField[row]!;
  }

  /** The value of column `col` of row `row` ('' when the row is shorter). */
  field(row: number, col: number): string {
    const f = this.firstField[row]! + col;
    if (col < 0 || f >= this.firstField[row + 1]!) return '';
    const start = this.starts[f]!;
    const end = this.ends[f]!;
    if (start === end) return '';
    const flags = this.flags[f]!;
    if (flags === 0) return this.text.slice(start, end);
    const v = (flags & HIGH) !== 0 ? this.decoded(start, end) : this.text.slice(start, end);
    return (flags & ESCAPED) !== 0 ? v.replaceAll('""', '"') : v;
  }

  /** A field with bytes >= 0x80, decoded as UTF-8; cached, since product names and places repeat. */
  private decoded(start: number, end: number): string {
    const key = this.text.slice(start, end);
    let v = utf8Cache.get(key);
    if (v === undefined) {
      v = utf8Slice(this.bytes, start, end);
      if (utf8Cache.size >= 20_000) utf8Cache.clear();
      // The key is kept as a copy: a slice would keep this chunk's whole text alive in the cache.
      utf8Cache.set(this.bytes.toString('latin1', start, end), v);
    }
    return v;
  }

  fields(row: number): string[] {
    const n = this.width(row);
    const out = new Array<string>(n);
    for (let k = 0; k < n; k++) out[k] = this.field(row, k);
    return out;
  }

  records(): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let r = 0; r < this.length; r++) out.push({ line: this.line(r), fields: this.fields(r) });
    return out;
  }
}

const utf8Cache = new Map<string, string>();

type FastBuffer = Buffer & { utf8Slice?: (start: number, end: number) => string };

/** Decodes bytes as UTF-8, skipping Buffer#toString's argument handling when Node has utf8Slice. */
function utf8Slice(bytes: FastBuffer, start: number, end: number): string {
  return bytes.utf8Slice ? bytes.utf8Slice(start, end) : bytes.toString('utf8', start, end);
}

/** Growable typed arrays for one batch under construction. */
class RowBuilder {
  rows = 0;
  fieldCount = 0;
  lines: Int32Array;
  firstField: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;

  /** `fieldsPerByte`: from the previous chunk, so one allocation usually fits. */
  constructor(textLength: number, fieldsPerByte: number) {
    const fieldCap = Math.max(64, Math.ceil(textLength * fieldsPerByte * 1.1));
    const rowCap = Math.max(16, textLength >> 6);
    this.lines = new Int32Array(rowCap);
    this.firstField = new Int32Array(rowCap + 1);
    this.starts = new Int32Array(fieldCap);
    this.ends = new Int32Array(fieldCap);
    this.flags = new Uint8Array(fieldCap);
  }

  addField(start: number, end: number, flags: number): void {
    if (this.fieldCount === this.starts.length) this.growFields();
    const f = this.fieldCount++;
    this.starts[f] = start;
    this.ends[f] = end;
    this.flags[f] = flags;
  }

  addRow(line: number, firstField: number): void {
    if (this.rows + 1 >= this.firstField.length) this.growRows();
    this.lines[this.rows] = line;
    this.firstField[this.rows] = firstField;
    this.rows++;
    this.firstField[this.rows] = this.fieldCount;
  }

  private growFields(): void {
    const cap = this.starts.length * 2;
    this.starts = grow(this.starts, cap);
    this.ends = grow(this.ends, cap);
    const flags = new Uint8Array(cap);
    flags.set(this.flags);
    this.flags = flags;
  }

  private growRows(): void {
    const cap = this.lines.length * 2;
    this.lines = grow(this.lines, cap);
    this.firstField = grow(this.firstField, cap + 1);
  }

  finish(bytes: Buffer, end: number): CsvRowBatch {
    this.firstField[this.rows] = this.fieldCount;
    return new CsvRowBatch(
      bytes.toString('latin1', 0, end),
      bytes,
      this.rows,
      this.lines,
      this.firstField,
      this.starts,
      this.ends,
      this.flags,
    );
  }
}

function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

export interface CsvScannerOptions {
  delimiter?: string;
}

/**
 * An incremental RFC 4180 scanner over UTF-8 bytes. `scan` takes the next piece of the input
 * and returns the records completed so far; a record cut by the end of the piece is carried to
 * the next call. Structure is found on the bytes (a Uint8Array loop is several times faster than
 * charCodeAt); field text is sliced from a latin1 view of the same bytes when read, and decoded
 * as UTF-8 only when it has bytes >= 0x80. Malformed quoting does not throw: the record is
 * reported as a problem with its line and column, and scanning goes on with the next record, so
 * an import can list every bad row in one pass.
 */
export class CsvScanner {
  private readonly delim: number;
  /** Byte classes for the unquoted-field loop: one table load per byte. */
  private readonly classes: Uint8Array;
  private carry: Buffer | undefined;
  private line = 1;
  private fieldsPerByte = 0.25;
  private skipping: Skipping | undefined;
  problems: CsvProblem[] = [];

  constructor(options: CsvScannerOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127)
      throw new NurtureError(
        'invalid_input',
        `the CSV delimiter must be one ASCII character, not ${JSON.stringify(delimiter)}`,
      );
    this.delim = delimiter.charCodeAt(0);
    this.classes = new Uint8Array(256);
    this.classes.fill(HIGH_BYTE, 128);
    this.classes[this.delim] = STOP;
    this.classes[LF] = STOP;
    this.classes[CR] = STOP;
    this.classes[QUOTE] = QUOTE_BYTE;
  }

  /** The line the scanner has reached (1-based), for error messages. */
  get currentLine(): number {
    return this.line;
  }

  /** The line the next bytes start on: the line reached plus the line breaks of a carried record. */
  get lineAfterCarry(): number {
    let line = this.line;
    const carry = this.carry;
    if (carry !== undefined) for (let k = carry.indexOf(LF); k >= 0; k = carry.indexOf(LF, k + 1)) line++;
    return line;
  }

  /** Scans the next bytes; with `final`, their end is the end of input. */
  scan(bytes: Uint8Array, final: boolean): CsvRowBatch {
    const b =
      this.carry === undefined
        ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
        : Buffer.concat([this.carry, bytes]);
    this.carry = undefined;
    const out = new RowBuilder(b.length, this.fieldsPerByte);
    let pos = this.skipping === undefined ? 0 : this.skip(b, 0, final);
    while (pos < b.length) {
      const next = this.record(b, pos, final, out);
      if (next < 0) {
        this.carry = Buffer.from(b.subarray(pos));
        break;
      }
      pos = next;
    }
    if (pos > 4096) this.fieldsPerByte = Math.min(0.5, Math.max(1 / 64, out.fieldCount / pos));
    return out.finish(b, pos);
  }

  /**
   * Scans one record starting at `pos`; returns where the next one starts, or -1 when the input
   * ends inside this record (and it is not the end of input).
   */
  private record(b: Uint8Array, pos: number, final: boolean, out: RowBuilder): number {
    const n = b.length;
    const delim = this.delim;
    const cls = this.classes;
    const firstField = out.fieldCount;
    const recordLine = this.line;
    let newlines = 0;
    let broken: string | undefined;
    let brokenColumn = 0;
    let i = pos;
    for (;;) {
      let c = i < n ? b[i]! : -1;
      if (c === QUOTE) {
        // A quoted field: find the closing quote, counting newlines and high bytes on the way.
        let j = i + 1;
        let flags = 0;
        let close = -1;
        while (close < 0) {
          const q = b.indexOf(QUOTE, j);
          if (q < 0 || (q + 1 >= n && !final)) break;
          if (b[q + 1] === QUOTE) {
            flags |= ESCAPED;
            j = q + 2;
          } else close = q;
        }
        if (close < 0) {
          if (final) return this.unterminated(b, pos, i, out, firstField);
          if (n - pos < MAX_RECORD_BYTES) return this.incomplete(out, firstField);
          const column = out.fieldCount - firstField + 1;
          const fields = leadingFields(b, out, firstField, column - 1);
          this.skipping = { line: recordLine, column, fields, quoted: true };
          out.fieldCount = firstField;
          this.line += newlines;
          return this.skip(b, i + 1, final);
        }
        for (let k = i + 1; k < close; k++) {
          const d = b[k]!;
          if (d === LF) newlines++;
          else if (d > 127) flags |= HIGH;
        }
        out.addField(i + 1, close, flags);
        i = close + 1;
        c = i < n ? b[i]! : -1;
        if (c !== -1 && c !== delim && c !== LF && c !== CR) {
          if (broken === undefined) {
            broken = 'text after a closing quote';
            brokenColumn = out.fieldCount - firstField;
          }
          while (c !== -1 && c !== delim && c !== LF && c !== CR) c = ++i < n ? b[i]! : -1;
        }
      } else if (c === delim) {
        out.addField(i, i, 0); // an empty field: most cells of a wide export
      } else {
        let j = i;
        let flags = 0;
        while (j < n) {
          const kind = cls[b[j]!]!;
          if (kind === PLAIN) j++;
          else if (kind === HIGH_BYTE) {
            flags = HIGH;
            j++;
          } else if (kind === QUOTE_BYTE) {
            if (broken === undefined) {
              broken = 'a quote inside an unquoted field (quote the field and double the quote)';
              brokenColumn = out.fieldCount - firstField + 1;
            }
            j++;
          } else break;
        }
        out.addField(i, j, flags);
        i = j;
        c = i < n ? b[i]! : -1;
      }
      // At a delimiter, a line end, or the end of the input.
      if (c === -1) {
        if (!final) return this.incomplete(out, firstField);
        this.line += newlines;
        this.complete(b, out, firstField, recordLine, broken, brokenColumn);
        return n;
      }
      if (c === delim) {
        i++;
        if (i >= n) {
          if (!final) return this.incomplete(out, firstField);
          out.addField(n, n, 0);
          this.line += newlines;
          this.complete(b, out, firstField, recordLine, broken, brokenColumn);
          return n;
        }
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) return this.incomplete(out, firstField);
        if (b[i + 1] === LF) i++;
      }
      this.line += newlines + 1;
      this.complete(b, out, firstField, recordLine, broken, brokenColumn);
      return i + 1;
    }
  }

  /**
   * Skips the rest of a record that is too large, from `from`: returns where the next record
   * starts, or the end of `b` when the record goes on (it is then skipped in the next piece).
   * The record is reported when its end is found: too large, or never closed at end of input.
   */
  private skip(b: Uint8Array, from: number, final: boolean): number {
    const s = this.skipping!;
    const n = b.length;
    for (let i = from; i < n; i++) {
      const c = b[i]!;
      if (c === QUOTE) s.quoted = !s.quoted;
      else if (c === LF || c === CR) {
        // The line end itself is left to `record`, which reads it as a blank line.
        if (!s.quoted) return this.skipped(i, 'field too large');
        if (c === LF) this.line++;
      }
    }
    if (final) return this.skipped(n, s.quoted ? 'never closed' : 'field too large');
    return n;
  }

  private skipped(next: number, kind: 'field too large' | 'never closed'): number {
    const s = this.skipping!;
    this.skipping = undefined;
    this.problems.push(
      withFields(
        {
          line: s.line,
          column: s.column,
          reason:
            kind === 'never closed'
              ? 'unterminated quoted field (a quote opened here is never closed)'
              : `field too large (a record over ${MAX_RECORD_BYTES >> 20} MiB); the row is skipped`,
        },
        s.fields,
      ),
    );
    return next;
  }

  private incomplete(out: RowBuilder, firstField: number): number {
    out.fieldCount = firstField;
    return -1;
  }

  private complete(
    b: Uint8Array,
    out: RowBuilder,
    firstField: number,
    line: number,
    broken: string | undefined,
    brokenColumn: number,
  ): void {
    if (broken !== undefined) {
      const fields = leadingFields(b, out, firstField, brokenColumn - 1);
      out.fieldCount = firstField;
      this.problems.push(withFields({ line, column: brokenColumn, reason: broken }, fields));
      return;
    }
    // A blank line is no record.
    if (out.fieldCount - firstField === 1 && out.starts[firstField] === out.ends[firstField]) {
      out.fieldCount = firstField;
      return;
    }
    out.addRow(line, firstField);
  }

  /**
   * A quote opened at `quoteAt` is never closed: report the record and go on after the line
   * where the quote opened, so the rest of the file is still read.
   */
  private unterminated(
    b: Uint8Array,
    pos: number,
    quoteAt: number,
    out: RowBuilder,
    firstField: number,
  ): number {
    const column = out.fieldCount - firstField + 1;
    const fields = leadingFields(b, out, firstField, column - 1);
    out.fieldCount = firstField;
    this.problems.push(
      withFields(
        {
          line: this.line,
          column,
          reason: 'unterminated quoted field (a quote opened here is never closed)',
        },
        fields,
      ),
    );
    const lf = b.indexOf(LF, quoteAt);
    const next = lf < 0 ? b.length : lf + 1;
    for (let k = b.indexOf(LF, pos); k >= 0 && k < next; k = b.indexOf(LF, k + 1)) this.line++;
    return next;
  }
}

/** The first `count` fields of the record being scanned (those before a broken one), decoded. */
function leadingFields(b: Uint8Array, out: RowBuilder, firstField: number, count: number): string[] {
  const bytes = Buffer.from(b.buffer, b.byteOffset, b.length);
  const fields: string[] = [];
  for (let f = firstField; f < firstField + count && f < out.fieldCount; f++) {
    const v = bytes.toString('utf8', out.starts[f]!, out.ends[f]!);
    fields.push((out.flags[f]! & ESCAPED) !== 0 ? v.replaceAll('""', '"') : v);
  }
  return fields;
}

function withFields(problem: CsvProblem, fields: string[]): CsvProblem {
  return fields.length > 0 ? { ...problem, fields } : problem;
}

/**
 * A push-style wrapper of the scanner: feed decoded text with `push`, get every complete record
 * through `onRecord` and every unreadable one through `onProblem`; call `end` at end of input.
 */
export class CsvParser {
  private readonly scanner: CsvScanner;

  constructor(
    private readonly onRecord: (rec: CsvRecord) => void,
    private readonly onProblem: (p: CsvProblem) => void,
    delimiter = ',',
  ) {
    this.scanner = new CsvScanner({ delimiter });
  }

  push(text: string): void {
    this.deliver(this.scanner.scan(Buffer.from(text, 'utf8'), false));
  }

  end(): void {
    this.deliver(this.scanner.scan(new Uint8Array(0), true));
  }

  private deliver(batch: CsvRowBatch): void {
    const problems = this.scanner.problems;
    this.scanner.problems = [];
    let p = 0;
    for (let r = 0; r < batch.length; r++) {
      const line = batch.line(r);
      while (p < problems.length && problems[p]!.line < line) this.onProblem(problems[p++]!);
      this.onRecord({ line, fields: batch.fields(r) });
    }
    while (p < problems.length) this.onProblem(problems[p++]!);
  }
}
