/**
 * DuckDB staging without staging tables (`SqlEngine.stage`). An import runs in one transaction,
 * and rows appended to a temporary table and deleted again inside a transaction stay in DuckDB's
 * transaction-local storage until it ends: a million-row import kept ~700 MB of dead staging rows.
 * So each staging relation is a temporary VIEW over a CSV file that the batch writes: DuckDB's
 * reader parses it in C++ whenever a statement reads the view, and replacing the view for the
 * next batch leaves nothing behind. Building the CSV text costs about what the row appender's
 * native call per value costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NurtureError } from '../errors.js';
import type { LoadColumn, LoadColumnType, LoadData, SqlValue } from './engine.js';

/** Instants DuckDB reads back from toISOString (years 1 to 9999). */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

/** One value as a CSV field; '' (unquoted) is NULL, "" is the empty string. */
type Cell = (value: SqlValue) => string;

function textCell(value: SqlValue): string {
  const s = typeof value === 'string' ? value : String(value);
  if (s === '') return '""';
  // Four native scans beat one JavaScript loop over the chars (measured: about half the time).
  if (s.includes(',') || s.includes('"') || s.includes('\n') || s.includes('\r'))
    return `"${s.replaceAll('"', '""')}"`;
  return s;
}

function integerCell(value: SqlValue): string {
  const n = Math.trunc(Number(value));
  // Beyond 2^53 String() would write an exponent; BigInt writes every digit (or throws for NaN).
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

function doubleCell(value: SqlValue): string {
  // The shortest text that reads back as the same double ('NaN', 'Infinity' included).
  return String(Number(value));
}

function booleanCell(value: SqlValue): string {
  return value ? 'true' : 'false';
}

function timestampCell(value: SqlValue): string {
  const ms = Math.round(value instanceof Date ? value.getTime() : Number(value));
  if (!(ms >= MIN_MS && ms <= MAX_MS))
    throw new NurtureError('invalid_input', `instant out of range: ${String(value)}`);
  return new Date(ms).toISOString();
}

const CELLS: Record<LoadColumnType, Cell> = {
  text: textCell,
  integer: integerCell,
  double: doubleCell,
  boolean: booleanCell,
  timestamp: timestampCell,
};

const READ_TYPES: Record<LoadColumnType, string> = {
  text: 'VARCHAR',
  integer: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/** Column-major `data` as CSV (no header), in UTF-8 pieces of about 64 KB: never one huge string. */
export function csvOf(columns: readonly LoadColumn[], data: LoadData): Buffer[] {
  const rows = data[0]?.length ?? 0;
  const cells = columns.map((c) => CELLS[c.type]);
  const cols = columns.map((_, c) => data[c] ?? []);
  const out: Buffer[] = [];
  let chunk = '';
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cells.length; c++) {
      const v = cols[c]![r];
      if (c > 0) chunk += ',';
      if (v !== null && v !== undefined) chunk += cells[c]!(v);
    }
    chunk += '\n';
    if (chunk.length >= 1 << 16) {
      out.push(Buffer.from(chunk));
      chunk = '';
    }
  }
  out.push(Buffer.from(chunk));
  return out;
}

/** The view that reads a staging file with an exact schema (no sniffing). */
export function stageViewSql(name: string, columns: readonly LoadColumn[], path: string): string {
  const schema = columns.map((c) => `'${c.name}': '${READ_TYPES[c.type]}'`).join(', ');
  return `CREATE OR REPLACE TEMPORARY VIEW ${name} AS SELECT * FROM read_csv('${path.replaceAll("'", "''")}',
    header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
    nullstr = '', allow_quoted_nulls = false, max_line_size = 67108864, columns = {${schema}})`;
}

/** Staging files in a private directory, one current file per staging relation. */
export class StageFiles {
  private dir: string | undefined;
  private count = 0;
  private readonly current = new Map<string, string>();

  /** Writes the next file of `name`; returns its path and the path it replaces. */
  async write(
    name: string,
    bytes: readonly Buffer[],
  ): Promise<{ path: string; previous: string | undefined }> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'nurture-stage-'));
    const path = join(this.dir, `${name}-${++this.count}.csv`);
    await writeFile(path, bytes);
    const previous = this.current.get(name);
    this.current.set(name, path);
    return { path, previous };
  }

  /** Deletes a file no view reads any more. */
  async remove(path: string | undefined): Promise<void> {
    if (path !== undefined) await unlink(path).catch(() => undefined);
  }

  close(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.current.clear();
  }
}
