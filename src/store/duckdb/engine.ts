import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
  DuckDBTimestampTZValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { NurtureError } from '../../errors.js';
import type { LoadColumn, LoadData, Row, SqlEngine, SqlValue } from '../engine.js';
import { appendDoubleColumns, readDoubleColumns } from './doubles.js';
import { rowObjects } from './rows.js';
import { jsonOf, StageFiles, stageViewSql } from './stage.js';

/**
 * DuckDB: an embedded connection whose operations are serialised through a queue.
 *
 * A transaction holds the queue until it ends. The statements of the transaction's own callback
 * (anything called from it, awaited or not) run at once, inside it; statements from elsewhere in
 * the process (the job dispatcher claiming while a handler's transaction is open, another
 * handler) wait their turn instead of slipping into a transaction that is not theirs and that
 * may roll back. The callback is told apart by an AsyncLocalStorage token.
 *
 * `connect()` opens another connection on the same database, with a queue and transactions of
 * its own: DuckDB runs the connections' queries at once (MVCC: a reader sees the last commit,
 * never waits for a writer), so work that must not queue behind long writes (the API's reads,
 * the intake of webhooks and storefront events) gets a connection of its own. Writers on
 * different connections conflict only on the same rows or keys, which fails the later commit
 * (a `conflict` error, as on PostgreSQL).
 */
export class DuckDbEngine implements SqlEngine {
  readonly dialect = 'duckdb' as const;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly transactionContext = new AsyncLocalStorage<object>();
  private openTransaction: object | null = null;
  private readonly stageFiles = new StageFiles();
  private readonly statements = new PreparedCache();
  /** The connections opened by `connect`, closed with this one (on the first connection only). */
  private readonly others = new Set<DuckDbEngine>();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The engine of the database's first connection, which owns the instance; null on that one. */
    private readonly first: DuckDbEngine | null,
  ) {}

  static async open(path: string): Promise<DuckDbEngine> {
    try {
      const instance = await DuckDBInstance.create(path);
      const conn = await instance.connect();
      return new DuckDbEngine(instance, conn, null);
    } catch (error) {
      throw openError(path, messageOf(error));
    }
  }

  /** What the connections of this database share: its first connection. */
  get database(): object {
    return this.first ?? this;
  }

  /**
   * Another connection to the same database, with its own queue and transactions; closed by its
   * own `close` or with the first connection's.
   */
  async connect(): Promise<DuckDbEngine> {
    const first = this.first ?? this;
    if (first.closed) throw new NurtureError('store_unavailable', 'the database is closed');
    const engine = new DuckDbEngine(first.instance, await first.instance.connect(), first);
    first.others.add(engine);
    return engine;
  }

  /** Whether the caller runs inside the open transaction's callback. */
  private get inTransaction(): boolean {
    return this.openTransaction !== null && this.transactionContext.getStore() === this.openTransaction;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return op();
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.serial(async () => rowObjects(await this.execute(sql, params)) as T[]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    return this.serial(async () => {
      await this.execute(sql, params);
    });
  }

  /**
   * Runs one statement. With parameters, the statement is prepared once per connection and kept
   * (see PreparedCache): DuckDB's parse and plan cost more than a keyed lookup itself (measured on
   * 1M customers: 4–5 ms per lookup prepared each time, 1.2 ms reused), and the per-customer
   * paths run the same few statements again and again.
   */
  private async execute(sql: string, params: readonly SqlValue[]): Promise<DuckDBMaterializedResult> {
    if (params.length === 0) return this.conn.run(sql);
    const values = params.map(toDuckValue);
    const prepared = await this.statements.get(this.conn, sql);
    if (!prepared) return this.conn.run(sql, values);
    prepared.clearBindings();
    prepared.bind(values);
    return prepared.run();
  }

  load(table: string, columns: readonly LoadColumn[], data: LoadData): Promise<void> {
    return this.serial(async () => {
      const rows = data[0]?.length ?? 0;
      if (rows === 0) return;
      const [schema, name] = table.includes('.') ? (table.split('.') as [string, string]) : [null, table];
      const appender = await this.conn.createAppender(name, schema);
      try {
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < columns.length; c++) appendValue(appender, columns[c]!.type, data[c]![r]);
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
  }

  stage(name: string, columns: readonly LoadColumn[], data: LoadData): Promise<void> {
    return this.serial(async () => {
      const bytes = jsonOf(columns, data);
      const { path, previous } = await this.stageFiles.write(name, bytes);
      const size = bytes.reduce((n, b) => n + b.length, 0);
      await this.conn.run(stageViewSql(name, columns, path, size));
      await this.stageFiles.remove(previous);
    });
  }

  /**
   * One DuckDB thread fewer than cores while an import's parse worker runs: on two cores, two
   * DuckDB threads and the worker contend (and DuckDB's threads spin waiting for work); measured,
   * one thread is faster and uses about a sixth less CPU. Returns what restores the setting.
   */
  async tuneForBulkWrite(): Promise<() => Promise<void>> {
    const [row] = await this.all<{ threads: number }>("SELECT current_setting('threads') AS threads");
    const threads = Number(row?.threads);
    const bulk = Math.max(1, availableParallelism() - 1);
    if (!(threads > bulk)) return async () => {};
    await this.run(`SET threads = ${bulk}`);
    return () => this.run(`SET threads = ${threads}`);
  }

  readDoubles(sql: string, params: readonly SqlValue[] = []): Promise<Float64Array[]> {
    return this.serial(() => readDoubleColumns(this.conn, sql, params.map(toDuckValue)));
  }

  appendDoubles(table: string, data: readonly Float64Array[]): Promise<void> {
    return this.serial(() => appendDoubleColumns(this.conn, table, data));
  }

  transaction<T>(fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.serial(async () => {
      await this.conn.run('BEGIN TRANSACTION');
      const token = {};
      this.openTransaction = token;
      try {
        let result: T;
        try {
          result = await this.transactionContext.run(token, () => fn(this));
        } catch (error) {
          await this.conn.run('ROLLBACK');
          throw error;
        }
        // A failed commit has been rolled back by DuckDB already.
        await this.commit();
        return result;
      } finally {
        this.openTransaction = null;
      }
    });
  }

  /**
   * Commits the open transaction. A commit that lost to another connection's (the same key
   * inserted, the same row changed) is a `conflict`: the transaction is rolled back by DuckDB,
   * nothing of it is saved, and the caller may run it again.
   */
  private async commit(): Promise<void> {
    try {
      await this.conn.run('COMMIT');
    } catch (error) {
      const message = messageOf(error);
      if (!/Failed to commit|Conflict on|write-write conflict/i.test(message)) throw error;
      throw new NurtureError('conflict', `a concurrent change won: ${message.replace(/^.*?Error: /, '')}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const other of [...this.others]) await other.close();
    await this.queue;
    this.statements.clear();
    this.conn.closeSync();
    this.stageFiles.close();
    if (this.first) this.first.others.delete(this);
    else this.instance.closeSync();
  }
}

/**
 * Prepared statements of one connection by SQL text, least recently used evicted. DuckDB rebinds a
 * kept statement by itself when a table it reads was altered or re-created (temporary tables are).
 * Text that cannot be prepared alone (several statements) runs the plain way.
 */
class PreparedCache {
  private readonly byText = new Map<string, DuckDBPreparedStatement>();

  constructor(private readonly capacity = 256) {}

  async get(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement | null> {
    const hit = this.byText.get(sql);
    if (hit !== undefined) {
      this.byText.delete(sql);
      this.byText.set(sql, hit);
      return hit;
    }
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await conn.prepare(sql);
    } catch {
      // Several statements in one text, or an error that the plain path reports in its own words.
      return null;
    }
    this.byText.set(sql, prepared);
    if (this.byText.size > this.capacity) {
      const [oldest, statement] = this.byText.entries().next().value as [string, DuckDBPreparedStatement];
      statement.destroySync();
      this.byText.delete(oldest);
    }
    return prepared;
  }

  clear(): void {
    for (const statement of this.byText.values()) statement.destroySync();
    this.byText.clear();
  }
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function appendValue(appender: Appender, type: LoadColumn['type'], value: SqlValue | undefined): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'text':
      appender.appendVarchar(String(value));
      return;
    case 'integer':
      appender.appendBigInt(BigInt(Math.trunc(Number(value))));
      return;
    case 'double':
      appender.appendDouble(Number(value));
      return;
    case 'boolean':
      appender.appendBoolean(Boolean(value));
      return;
    case 'timestamp': {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Math.round(ms)) * 1000n));
      return;
    }
  }
}

function toDuckValue(value: SqlValue): DuckDBValue {
  if (value instanceof Date) return new DuckDBTimestampTZValue(BigInt(value.getTime()) * 1000n);
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a DuckDB file could not be opened, in words a user can act on. DuckDB lets one process
 * open a file while it is written (not even read-only), so the usual cause is another process:
 * its pid is named, never the raw lock trace.
 */
function openError(path: string, message: string): NurtureError {
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (lock)
    return new NurtureError(
      'store_unavailable',
      `${path} is in use by another process (pid ${lock[2]}, ${lock[1]}): DuckDB lets one process use a database file at a time. ` +
        `If that process is \`nurture serve\`, commands are handed to it by themselves while it runs (through ${path}.serve.json); ` +
        `otherwise stop it (kill ${lock[2]}) and run the command again`,
      [{ file: path, reason: `locked by pid ${lock[2]}` }],
    );
  return new NurtureError('store_unavailable', `cannot open DuckDB database ${path}: ${message}`);
}
