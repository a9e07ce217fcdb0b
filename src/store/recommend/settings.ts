/** The seller's word on recommendations: excluded SKUs and cross-shop links (opt-in per pair). */
import type { Store } from '../store.js';

export async function setExcluded(store: Store, shopId: string, sku: string, excluded: boolean, at: Date) {
  if (excluded)
    await store.engine.run(
      'INSERT INTO rec_exclusions (shop_id, sku, created_at) VALUES ($1, $2, $3) ON CONFLICT (shop_id, sku) DO NOTHING',
      [shopId, sku, at],
    );
  else await store.engine.run('DELETE FROM rec_exclusions WHERE shop_id = $1 AND sku = $2', [shopId, sku]);
}

export async function listExcluded(store: Store, shopId: string): Promise<string[]> {
  const rows = await store.engine.all<{ sku: string }>(
    'SELECT sku FROM rec_exclusions WHERE shop_id = $1 ORDER BY sku',
    [shopId],
  );
  return rows.map((r) => r.sku);
}

/** Opts in (or out): customers of `shopId` may get `partnerShopId`'s products. */
export async function setLink(
  store: Store,
  shopId: string,
  partnerShopId: string,
  linked: boolean,
  at: Date,
) {
  if (linked)
    await store.engine.run(
      `INSERT INTO shop_links (shop_id, partner_shop_id, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (shop_id, partner_shop_id) DO NOTHING`,
      [shopId, partnerShopId, at],
    );
  else
    await store.engine.run('DELETE FROM shop_links WHERE shop_id = $1 AND partner_shop_id = $2', [
      shopId,
      partnerShopId,
    ]);
}

export async function listLinks(
  store: Store,
  shopId: string,
): Promise<{ partnerShopId: string; since: Date }[]> {
  const rows = await store.engine.all<{ partner_shop_id: string; created_at: Date }>(
    'SELECT partner_shop_id, created_at FROM shop_links WHERE shop_id = $1 ORDER BY partner_shop_id',
    [shopId],
  );
  return rows.map((r) => ({ partnerShopId: r.partner_shop_id, since: new Date(r.created_at) }));
}
