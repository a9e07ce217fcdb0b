import type { AppContext } from '../app/context.js';

/**
 * Contexts for read-only requests, each on a database connection of its own (DuckDB; on
 * PostgreSQL they share the engine's pool). A request takes the least busy one for its whole
 * length, so its statements stay on one connection (temporary tables, transactions) while
 * requests run beside each other and beside the jobs' writes.
 */
export class ReadPool {
  private readonly busy: number[];

  constructor(private readonly contexts: readonly AppContext[]) {
    if (contexts.length === 0) throw new Error('a read pool needs at least one context');
    this.busy = contexts.map(() => 0);
  }

  /** Runs `fn` with the least busy context. */
  async run<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
    let pick = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[pick]!) pick = i;
    this.busy[pick]! += 1;
    try {
      return await fn(this.contexts[pick]!);
    } finally {
      this.busy[pick]! -= 1;
    }
  }
}
