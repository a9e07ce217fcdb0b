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
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NurtureError } from '../../errors.js';
import type { LoadColumn, LoadColumnType, LoadData, SqlValue } from '../engine.js';

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
 * A few rows (an outbox batch's) as a subquery over ONE JSON text parameter `$param`: no file,
 * no view, no DDL inside the transaction, and the statement's text does not depend on the data,
 * so it is prepared once and reused. Staging through a view costs a file write and a CREATE VIEW
 * per batch, and every statement reading the view is bound again (measured in the flows
 * benchmark: ~22 ms to stage 200 messages, the UPDATE reading them ~10 ms).
 */
export function inlineRowsSql(columns: readonly LoadColumn[], param: number): string {
  const schema = JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, [READ_TYPES[c.type]]])));
  const rows = columns.map((c) => `unnest(j.${c.name}) AS ${c.name}`).join(', ');
  return `(SELECT ${rows} FROM (SELECT json_transform($${param}, '${schema}') AS j))`;
}

/** The JSON text `inlineRowsSql` reads: column-major `data` as one object of arrays. */
export function jsonTextOf(columns: readonly LoadColumn[], data: LoadData): string {
  return Buffer.concat(jsonOf(columns, data)).toString('utf8');
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

/** Staging directories are named `nurture-stage-<pid>-<random>`, after the process that made them. */
const STAGE_PREFIX = 'nurture-stage-';
const STAGE_NAME = /^nurture-stage-(\d+)-[A-Za-z0-9]{6}$/;
/** Directories of the older naming (no pid) are left to their process for this long. */
const UNNAMED_STAGE_MS = 24 * 3600_000;

let staleStagesCleaned = false;

/** Whether a process with this id is running (one of another user counts: EPERM). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the staging directories that an import killed before its end (Ctrl-C, SIGTERM, kill
 * -9) left in the temporary directory: they hold customers' names, phones and e-mails. A
 * directory is stale when the process named in it is no longer running; one of the older naming,
 * without a pid, when it was last written a day ago. Once per process, before its first stage.
 */
export function removeStaleStages(root = tmpdir(), now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(STAGE_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(root, name);
    try {
      const pid = STAGE_NAME.exec(name)?.[1];
      const stale =
        pid === undefined
          ? now - statSync(path).mtimeMs > UNNAMED_STAGE_MS
          : Number(pid) !== process.pid && !isRunning(Number(pid));
      if (stale) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another user's directory, or one removed meanwhile: not ours to clean.
    }
  }
}

/**
 * Staging files in a private directory (0700, files 0600), one current file per staging
 * relation. The directory is removed on close; one left by a killed process is removed by the
 * next one (removeStaleStages).
 */
export class StageFiles {
  private dir: string | undefined;
  private count = 0;
  private readonly current = new Map<string, string>();

  /** Writes the next file of `name`; returns its path and the path it replaces. */
  async write(
    name: string,
    bytes: readonly Buffer[],
  ): Promise<{ path: string; previous: string | undefined }> {
    this.dir ??= makeStageDir();
    const path = join(this.dir, `${name}-${++this.count}.json`);
    await writeFile(path, bytes, { mode: 0o600 });
    const previous = this.current.get(name);
    this.current.set(name, path);
    return { path, previous };
  }

  /** Deletes a file no view reads any more. */
  async remove(path: string | undefined): Promise<void> {
    if (path !== undefined) await unlink(path).catch(() => undefined);
  }

  close(): void {
    if (this.dir !== undefined) {
      rmSync(this.dir, { recursive: true, force: true });
      liveStages.delete(this.dir);
    }
    this.dir = undefined;
    this.current.clear();
  }
}

/** This process's staging directories not yet removed, for the exit hook. */
const liveStages = new Set<string>();

function makeStageDir(): string {
  if (!staleStagesCleaned) {
    staleStagesCleaned = true;
    removeStaleStages();
    // A process that exits without closing its engine (process.exit, which the CLI also calls on
    // SIGINT and SIGTERM) removes its stages on the way out.
    process.once('exit', () => {
      for (const dir of liveStages) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), `${STAGE_PREFIX}${process.pid}-`));
  chmodSync(dir, 0o700);
  liveStages.add(dir);
  return dir;
}
