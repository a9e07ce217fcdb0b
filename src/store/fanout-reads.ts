import type { LoadColumn, LoadData, Row, SqlEngine, SqlValue } from './engine.js';

/** How many statements each connection of a pool is running, shared by the requests on it. */
export type ConnectionLoad = Map<SqlEngine, number>;

/**
 * One request's engine over a pool of connections to one database: its plain reads (`all`
 * outside a transaction) go to an idle connection when its home is busy, or to the connection
 * with the fewest of its own reads among those no other request is using, so that the independent
 * reads of one page run at once. Anything else (a write, a staged table, a transaction) pins the request to its
 * home connection from then on, as temporary objects and transactions live on one connection;
 * reads before that cannot depend on them. Closing it closes nothing: the pool owns the connections.
 */
export class FanoutReads implements SqlEngine {
  readonly dialect: SqlEngine['dialect'];
  private pinned = false;
  /** This request's statements running or queued on each connection. */
  private readonly own = new Map<SqlEngine, number>();

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
    const pick = this.pick();
    this.busy.set(pick, (this.busy.get(pick) ?? 0) + 1);
    this.own.set(pick, (this.own.get(pick) ?? 0) + 1);
    try {
      return await pick.all<T>(sql, params);
    } finally {
      this.busy.set(pick, (this.busy.get(pick) ?? 1) - 1);
      this.own.set(pick, (this.own.get(pick) ?? 1) - 1);
    }
  }

  /**
   * Home while it is idle. While this request is alone on the pool (no other request's statements
   * on any connection), the connection with the fewest of its statements (home first on a tie): a
   * page's reads, issued together, queue evenly rather than all but the first few at home (the
   * customer page's four longest reads ran one after another there). Beside other requests, an
   * idle connection or else home: spreading one request over connections busy with others only
   * interleaves it with them, and its answer waits for the slowest of their queues.
   */
  private pick(): SqlEngine {
    const load = (c: SqlEngine) => this.busy.get(c) ?? 0;
    const mine = (c: SqlEngine) => this.own.get(c) ?? 0;
    if (load(this.home) === 0) return this.home;
    const pool = [this.home, ...this.connections];
    if (pool.some((c) => load(c) !== mine(c)))
      return this.connections.find((c) => load(c) === 0) ?? this.home;
    return pool.reduce((pick, c) => (mine(c) < mine(pick) ? c : pick));
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
