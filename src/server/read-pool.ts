import { type AppContext, withStore } from '../app/context.js';
import type { SqlEngine } from '../store/engine.js';
import { type ConnectionLoad, FanoutReads } from '../store/fanout-reads.js';

/**
 * Contexts for read-only requests, each on a database connection of its own (DuckDB; on
 * PostgreSQL they share the engine's pool). A request takes the least busy one as its home for
 * its whole length (temporary tables, transactions), and on DuckDB its plain reads may run on the
 * others at once (`FanoutReads`): a page's independent reads take the time of the longest, not
 * of them all. Requests run beside each other and beside the jobs' writes.
 */
export class ReadPool {
  private readonly busy: number[];
  private readonly engines: SqlEngine[];
  private readonly statements: ConnectionLoad = new Map();

  constructor(private readonly contexts: readonly AppContext[]) {
    if (contexts.length === 0) throw new Error('a read pool needs at least one context');
    this.busy = contexts.map(() => 0);
    this.engines = contexts.map((c) => c.store.engine);
  }

  /** Runs `fn` with the least busy context as its home. */
  async run<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
    let pick = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[pick]!) pick = i;
    this.busy[pick]! += 1;
    try {
      return await fn(this.requestContext(this.contexts[pick]!));
    } finally {
      this.busy[pick]! -= 1;
    }
  }

  private requestContext(home: AppContext): AppContext {
    const distinct = new Set(this.engines).size;
    if (home.store.dialect !== 'duckdb' || distinct < 2) return home;
    return withStore(
      home,
      home.store.onEngine(new FanoutReads(home.store.engine, this.engines, this.statements)),
    );
  }
}
