import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { inputFileError, NurtureError } from '../errors.js';
import {
  type CsvOptions,
  type CsvProblem,
  type CsvRecord,
  type CsvRowBatch,
  CsvScanner,
} from './csv-scanner.js';

/** Line feed, for counting lines in raw bytes. */
const LF = 10;

// The scanner's types and classes, for importers of csv.ts.
export {
  type CsvOptions,
  CsvParser,
  type CsvProblem,
  type CsvRecord,
  CsvRowBatch,
  CsvScanner,
  type CsvScannerOptions,
} from './csv-scanner.js';

/** A scanned piece of a file: rows as offsets, the unreadable records, bytes read so far. */
export interface CsvRowChunk {
  rows: CsvRowBatch;
  problems: CsvProblem[];
  bytesRead: number;
}

/**
 * Streams a CSV file as UTF-8 (BOM optional), one scanned chunk (about 1 MB) at a time. Input
 * that is not valid UTF-8 is rejected with the line where it fails: a Windows-1258 or UTF-16
 * export would otherwise garble Vietnamese names silently. The bytes are checked with `isUtf8`
 * and scanned as latin1 text, which is several times faster than a TextDecoder. With `header`, a
 * first record that cannot be read is an error of the whole file (`unreadableHeader`): no later
 * line may take the header's place.
 */
export async function* readCsvRows(
  path: string,
  options: { delimiter?: string; header?: boolean } = {},
): AsyncGenerator<CsvRowChunk> {
  const scanner = new CsvScanner({ delimiter: options.delimiter ?? ',' });
  let bytesRead = 0;
  let carry: Buffer | undefined;
  let headerRead = options.header !== true;
  const take = (rows: CsvRowBatch): CsvRowChunk => {
    const problems = scanner.problems;
    scanner.problems = [];
    if (!headerRead) {
      const first = problems[0];
      if (first !== undefined && (rows.length === 0 || first.line < rows.line(0)))
        throw unreadableHeader(path, first);
      headerRead = rows.length > 0;
    }
    return { rows, problems, bytesRead };
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = carry === undefined ? raw : Buffer.concat([carry, raw]);
      if (bytesRead === 0) chunk = skipBom(chunk, path);
      bytesRead += raw.length;
      const cut = completeUtf8Prefix(chunk);
      carry = cut < chunk.length ? chunk.subarray(cut) : undefined;
      yield take(scanner.scan(checkedUtf8(chunk.subarray(0, cut), path, scanner.lineAfterCarry), false));
    }
  } catch (error) {
    throw inputFileError(error, path) ?? error;
  }
  const rest = carry === undefined ? new Uint8Array(0) : checkedUtf8(carry, path, scanner.lineAfterCarry);
  yield take(scanner.scan(rest, true));
}

/**
 * A file whose first record, the header row, cannot be read (broken quoting, or not a CSV file at
 * all: a JSON Lines file reads as one record with an open quote).
 */
export function unreadableHeader(path: string, problem: CsvProblem): NurtureError {
  return new NurtureError(
    'invalid_file',
    `${path}: line ${problem.line}: the header row cannot be read: ${problem.reason}; is this a CSV file?`,
    [{ file: path, line: problem.line, column: problem.column, reason: problem.reason }],
  );
}

export interface CsvBatch {
  records: CsvRecord[];
  problems: CsvProblem[];
  /** Bytes read so far, for progress. */
  bytesRead: number;
}

/** Streams a CSV file as records (all fields as strings) in batches; see readCsvRows. */
export async function* readCsvFile(path: string, options: CsvOptions = {}): AsyncGenerator<CsvBatch> {
  const batchSize = options.batchSize ?? 8192;
  let records: CsvRecord[] = [];
  let problems: CsvProblem[] = [];
  let bytesRead = 0;
  const csvOptions = options.delimiter === undefined ? {} : { delimiter: options.delimiter };
  for await (const chunk of readCsvRows(path, csvOptions)) {
    bytesRead = chunk.bytesRead;
    for (const rec of chunk.rows.records()) records.push(rec);
    for (const p of chunk.problems) problems.push(p);
    if (records.length >= batchSize || problems.length > 0) {
      yield { records, problems, bytesRead };
      records = [];
      problems = [];
    }
  }
  yield { records, problems, bytesRead };
}

/**
 * Drops a UTF-8 BOM; refuses UTF-16 by its BOM (UTF-16 without one has NUL bytes, which
 * checkedUtf8 refuses wherever they are).
 */
export function skipBom(chunk: Buffer, path: string): Buffer {
  if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
    return chunk.subarray(3);
  const bom =
    chunk.length >= 2 &&
    ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff));
  if (bom)
    throw new NurtureError('invalid_file', `${path}: the file is UTF-16; save it as UTF-8 (CSV UTF-8)`, [
      { file: path, line: 1, reason: 'UTF-16 byte order mark' },
    ]);
  return chunk;
}

/** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
export function completeUtf8Prefix(chunk: Buffer): number {
  const n = chunk.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = chunk[n - back]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/** Line of the byte at `at` in `bytes`, which start on line `lineBefore`. */
function lineAt(bytes: Buffer, at: number, lineBefore: number): number {
  let line = lineBefore;
  for (let k = bytes.indexOf(LF); k >= 0 && k < at; k = bytes.indexOf(LF, k + 1)) line++;
  return line;
}

/**
 * The bytes, after checking they are UTF-8 without NUL bytes (which PostgreSQL cannot store in
 * text, and which mean UTF-16 or binary data); the error names the line.
 */
export function checkedUtf8(bytes: Buffer, path: string, lineBefore: number): Buffer {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = lineAt(bytes, nul, lineBefore);
    throw new NurtureError(
      'invalid_file',
      `${path}: line ${line}: a NUL byte (a UTF-16 or binary file?); save the file as UTF-8 text`,
      [{ file: path, line, reason: 'NUL byte: UTF-16, or binary data in a text file' }],
    );
  }
  if (!isUtf8(bytes)) {
    const line = lineAt(bytes, firstInvalidUtf8(bytes), lineBefore);
    throw new NurtureError(
      'invalid_file',
      `${path}: not valid UTF-8 at line ${line}; save the file as UTF-8 (Excel: "CSV UTF-8")`,
      [
        {
          file: path,
          line,
          reason: 'invalid UTF-8 byte sequence (Windows-1258 or another legacy encoding?)',
        },
      ],
    );
  }
  return bytes;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || !isUtf8(bytes.subarray(i, i + len))) return i;
    i += len;
  }
  return bytes.length;
}

/** Parses a whole CSV string (small files, tests). */
export function parseCsvText(
  text: string,
  delimiter = ',',
): { records: CsvRecord[]; problems: CsvProblem[] } {
  const scanner = new CsvScanner({ delimiter });
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = scanner.scan(Buffer.from(body, 'utf8'), true).records();
  return { records, problems: scanner.problems };
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
