import pg from 'pg';
import { NurtureError } from '../../errors.js';
import type { LoadColumn, LoadData, Row, SqlEngine, SqlValue } from '../engine.js';
import { PG_LOCK_CLASS } from './locks.js';

const { Pool, types } = pg;

/** Type parsers that make PostgreSQL rows look like DuckDB's: numbers for BIGINT/NUMERIC, dates as text. */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === types.builtins.INT8 || oid === types.builtins.NUMERIC || oid === types.builtins.FLOAT8)
      return (v: string) => Number(v);
    if (oid === types.builtins.DATE) return (v: string) => v;
    return types.getTypeParser(oid, format);
  },
};

const PG_TYPES: Record<LoadColumn['type'], string> = {
  text: 'text[]',
  integer: 'bigint[]',
  double: 'float8[]',
  boolean: 'boolean[]',
  timestamp: 'timestamptz[]',
};

/** Rows per `INSERT … SELECT FROM unnest(…)`: one array parameter per column keeps it fast. */
const LOAD_CHUNK = 20_000;

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface PostgresOptions {
  url: string;
  /** Schema to work in (created if missing); tests give each suite its own. */
  schema?: string;
  poolSize?: number;
}

const asInstant = (v: SqlValue | undefined): SqlValue | undefined =>
  typeof v === 'number' ? new Date(v) : v;

export class PostgresEngine implements SqlEngine {
  readonly dialect = 'postgres' as const;
  /**
   * A transaction's statements in turn: one client runs one query at a time, and pg (8.x) queues
   * overlapping calls itself only with a deprecation warning (callers may issue reads at once,
   * which on the pool run in parallel).
   */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly client: Queryable,
    private readonly inTransaction: boolean,
  ) {}

  static async open(options: PostgresOptions): Promise<PostgresEngine> {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new NurtureError('invalid_input', `invalid PostgreSQL schema name: ${schema}`);
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      types: typeParsers,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    try {
      if (schema) await createSchema(pool, schema);
      else await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw new NurtureError('store_unavailable', `cannot reach PostgreSQL: ${(error as Error).message}`);
    }
    return new PostgresEngine(pool, pool, false);
  }

  async all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params as unknown[]);
  }

  /** One query: on the pool at once, on a transaction's client after the previous one. */
  private query(sql: string, params: unknown[]): Promise<{ rows: Row[] }> {
    if (!this.inTransaction) return this.client.query(sql, params);
    const next = this.turn.then(
      () => this.client.query(sql, params),
      () => this.client.query(sql, params),
    );
    this.turn = next.catch(() => undefined);
    return next;
  }

  async load(table: string, columns: readonly LoadColumn[], data: LoadData): Promise<void> {
    const rows = data[0]?.length ?? 0;
    const names = columns.map((c) => c.name).join(', ');
    const unnest = columns.map((c, i) => `$${i + 1}::${PG_TYPES[c.type]}`).join(', ');
    const sql = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest})`;
    for (let start = 0; start < rows; start += LOAD_CHUNK) {
      const end = Math.min(rows, start + LOAD_CHUNK);
      await this.query(
        sql,
        data.map((col, c) => {
          const part = col.slice(start, end);
          // Instants may come as epoch milliseconds; an array parameter needs Dates for timestamptz.
          return columns[c]?.type === 'timestamp' ? part.map(asInstant) : part;
        }),
      );
    }
  }

  async transaction<T>(fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresEngine(this.pool, client, true));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw writeConflict(error) ?? error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Drops the schema (tests). */
  async dropSchema(schema: string): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/**
 * `CREATE SCHEMA IF NOT EXISTS` under an advisory lock on the schema's name: two processes opening
 * a new database at once would otherwise both create it, and one fail on a unique index of the
 * catalog (`pg_namespace_nspname_index`).
 */
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PG_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** SQLSTATEs of a transaction that lost a race with a concurrent one. */
const CONFLICT_STATES: Readonly<Record<string, string>> = {
  '23505': 'unique_violation',
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
};

/**
 * A transaction that lost a race with another one writing the same rows (two imports sharing
 * customers both add the same identity: the second fails on `customer_identities_pkey`) as a
 * `conflict` error that says what to do. The transaction was rolled back: nothing of it is saved,
 * and running the command again (after the other one committed) finds the rows and updates them.
 * The store checks or upserts every key it writes, so a unique violation that ends a transaction
 * comes from such a race.
 */
export function writeConflict(error: unknown): NurtureError | undefined {
  if (!(error instanceof Error) || error instanceof NurtureError) return undefined;
  const { code, constraint } = error as Error & { code?: unknown; constraint?: unknown };
  if (typeof code !== 'string' || CONFLICT_STATES[code] === undefined) return undefined;
  const what = typeof constraint === 'string' ? ` (${constraint})` : ` (${CONFLICT_STATES[code]})`;
  return new NurtureError(
    'conflict',
    `another command wrote the same rows at the same time${what}; nothing of this one was saved: run it again`,
  );
}
