import type { Store } from '../store.js';

/**
 * A flow's active runs per version (newest first): the dashboard says which versions customers
 * inside are still finishing. Read only.
 */
export async function activeRunsByVersion(
  store: Store,
  shopId: string,
  flowId: string,
): Promise<{ version: number; runs: number }[]> {
  const rows = await store.engine.all<{ version: number | bigint; n: number | bigint }>(
    `SELECT version, COUNT(*) AS n FROM flow_runs WHERE shop_id = $1 AND flow_id = $2 AND state = 'active'
     GROUP BY version ORDER BY version DESC`,
    [shopId, flowId],
  );
  return rows.map((r) => ({ version: Number(r.version), runs: Number(r.n) }));
}
