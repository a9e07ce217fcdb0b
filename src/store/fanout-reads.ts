import type { LoadColumn, LoadData, Row, SqlEngine, SqlValue } from './engine.js';

/** How many statements each connection of a pool is running, shared by the requests on it. */
export type ConnectionLoad = Map<SqlEngine, number>;

/**
 * One request's engine over a pool of connections to one database: its plain reads (`all`
 * outside a transaction) go to an idle connection when its home is busy, so that the independent
 * reads of one page run at once. Anything else (a write, a staged table, a transaction) pins the request to its
 * home connection from then on, as temporary objects and transactions live on one connection;
 * reads before that cannot depend on them. Closing it closes nothing: the pool owns the connections.
 */
export class FanoutReads implements SqlEngine {
  readonly dialect: SqlEngine['dialect'];
  private pinned = false;

  constructor(
    private readonly home: SqlEngine,
    private readonly connections: readonly SqlEngine[],
    private readonly busy: ConnectionLoad,
  ) {
    this.dialect = home.dialect;
  }

  get database(): object | undefined {
    return this.home.database;
  }

  async all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (this.pinned) return this.home.all<T>(sql, params);
    // Elsewhere only to an idle connection: under load every connection is busy with requests of
    // its own, and spreading one request over them only interleaves it with the others.
    let pick = this.home;
    if ((this.busy.get(this.home) ?? 0) > 0)
      pick = this.connections.find((c) => (this.busy.get(c) ?? 0) === 0) ?? this.home;
    this.busy.set(pick, (this.busy.get(pick) ?? 0) + 1);
    try {
      return await pick.all<T>(sql, params);
    } finally {
      this.busy.set(pick, (this.busy.get(pick) ?? 1) - 1);
    }
  }

  private pin(): SqlEngine {
    this.pinned = true;
    return this.home;
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    return this.pin().run(sql, params);
  }

  load(table: string, columns: readonly LoadColumn[], data: LoadData): Promise<void> {
    return this.pin().load(table, columns, data);
  }

  transaction<T>(fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
    return this.pin().transaction(fn);
  }

  async close(): Promise<void> {}
}
