import type { AppContext } from './context.js';

/** Whether the store answers a trivial query (for /readyz). */
export async function storeAnswers(ctx: AppContext): Promise<boolean> {
  try {
    await ctx.store.engine.all('SELECT 1 AS ok');
    return true;
  } catch {
    return false;
  }
}
