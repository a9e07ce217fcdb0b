/**
 * DuckDB staging without staging tables (`SqlEngine.stage`). An import runs in one transaction,
 * and rows appended to a temporary table and deleted again inside a transaction stay in DuckDB's
 * transaction-local storage until it ends: a million-row import kept ~700 MB of dead staging rows.
 * So each staging relation is a temporary VIEW over a file that the batch writes: DuckDB parses
 * it in C++ whenever a statement reads the view, and replacing the view for the next batch leaves
 * nothing behind.
 *
 * The file is one JSON object holding an array per column, which the view unnests back into rows.
 * Columns rather than CSV rows, because JSON.stringify turns a whole array of strings into JSON
 * text natively: on the 1M-row import benchmark it took 5.3 s where building CSV cell by cell
 * (escaping each value in JavaScript) took 11.4 s, with DuckDB reading either about as fast.
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

/** Exact JSON text of the values of one column, NULL as null. */
type JsonColumn = (values: readonly (SqlValue | undefined)[]) => string;

const isAbsent = (v: SqlValue | undefined): v is null | undefined => v === null || v === undefined;

function textColumn(values: readonly (SqlValue | undefined)[]): string {
  // Strings as they are (the common case, one native call); anything else as its text.
  const strings = values.every((v) => typeof v === 'string' || isAbsent(v));
  return JSON.stringify(strings ? values : values.map((v) => (isAbsent(v) ? null : String(v))));
}

function integerColumn(values: readonly (SqlValue | undefined)[]): string {
  return `[${values.map((v) => (isAbsent(v) ? 'null' : integerText(v))).join(',')}]`;
}

function integerText(value: SqlValue): string {
  const n = Math.trunc(Number(value));
  // Beyond 2^53 String() would write an exponent; BigInt writes every digit (or throws for NaN).
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

function doubleColumn(values: readonly (SqlValue | undefined)[]): string {
  // JSON has no NaN or Infinity: those go as strings, which DuckDB reads back as the same double.
  return `[${values.map((v) => (isAbsent(v) ? 'null' : doubleText(Number(v)))).join(',')}]`;
}

function doubleText(n: number): string {
  return Number.isFinite(n) ? String(n) : `"${String(n)}"`;
}

function booleanColumn(values: readonly (SqlValue | undefined)[]): string {
  return JSON.stringify(values.map((v) => (isAbsent(v) ? null : Boolean(v))));
}

function timestampColumn(values: readonly (SqlValue | undefined)[]): string {
  return JSON.stringify(values.map((v) => (isAbsent(v) ? null : instantText(v))));
}

function instantText(value: SqlValue): string {
  const ms = Math.round(value instanceof Date ? value.getTime() : Number(value));
  if (!(ms >= MIN_MS && ms <= MAX_MS))
    throw new NurtureError('invalid_input', `instant out of range: ${String(value)}`);
  return new Date(ms).toISOString();
}

const JSON_COLUMNS: Record<LoadColumnType, JsonColumn> = {
  text: textColumn,
  integer: integerColumn,
  double: doubleColumn,
  boolean: booleanColumn,
  timestamp: timestampColumn,
};

const READ_TYPES: Record<LoadColumnType, string> = {
  text: 'VARCHAR',
  integer: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/** Column-major `data` as one JSON object of arrays, in one UTF-8 piece per column. */
export function jsonOf(columns: readonly LoadColumn[], data: LoadData): Buffer[] {
  const rows = data[0]?.length ?? 0;
  return columns.map((c, k) => {
    const values = data[k] ?? [];
    if (values.length !== rows)
      throw new NurtureError('internal', `stage: column ${c.name} has ${values.length} rows, not ${rows}`);
    return Buffer.from(
      `${k === 0 ? '{' : ','}"${c.name}":${JSON_COLUMNS[c.type](values)}${k === columns.length - 1 ? '}' : ''}`,
    );
  });
}

/**
 * DuckDB's JSON reader sizes its buffer from `maximum_object_size` (twice it, allocated up front),
 * so the bound is the file's own size, not a generous constant: 4 GiB asked for 8 GiB per read.
 */
const MIN_OBJECT_BYTES = 1 << 20;

/** The view that reads a staging file of `bytes` bytes back into rows, with an exact schema (no sniffing). */
export function stageViewSql(
  name: string,
  columns: readonly LoadColumn[],
  path: string,
  bytes: number,
): string {
  const schema = columns.map((c) => `'${c.name}': '${READ_TYPES[c.type]}[]'`).join(', ');
  const rows = columns.map((c) => `unnest(${c.name}) AS ${c.name}`).join(', ');
  const maxBytes = Math.max(MIN_OBJECT_BYTES, bytes + 1);
  return `CREATE OR REPLACE TEMPORARY VIEW ${name} AS SELECT ${rows} FROM read_json('${path.replaceAll("'", "''")}',
    format = 'unstructured', records = true, maximum_object_size = ${maxBytes}, columns = {${schema}})`;
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
    const path = join(this.dir, `${name}-${++this.count}.json`);
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
