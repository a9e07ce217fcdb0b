import type { Store } from '../store.js';

/** Every stored setting of a shop, as text (the app layer validates and types them). */
export async function readShopSettings(store: Store, shopId: string): Promise<Map<string, string>> {
  const rows = await store.engine.all<{ key: string; value: string }>(
    'SELECT key, value FROM shop_settings WHERE shop_id = $1',
    [shopId],
  );
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeShopSetting(
  store: Store,
  shopId: string,
  key: string,
  value: string,
  at: Date,
): Promise<void> {
  await store.engine.run(
    `INSERT INTO shop_settings (shop_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (shop_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [shopId, key, value, at],
  );
}

export async function deleteShopSetting(store: Store, shopId: string, key: string): Promise<void> {
  await store.engine.run('DELETE FROM shop_settings WHERE shop_id = $1 AND key = $2', [shopId, key]);
}

/** The shops table's own columns that are settings too. */
export async function updateShopColumn(
  store: Store,
  shopId: string,
  column: 'name' | 'currency' | 'timezone',
  value: string,
): Promise<void> {
  await store.engine.run(`UPDATE shops SET ${column} = $2 WHERE shop_id = $1`, [shopId, value]);
}

/** Every shop of the database, with its time zone (for schedules in shop time). */
export async function listShops(store: Store): Promise<{ shopId: string; timezone: string }[]> {
  const rows = await store.engine.all<{ shop_id: string; timezone: string }>(
    'SELECT shop_id, timezone FROM shops ORDER BY shop_id',
  );
  return rows.map((r) => ({ shopId: r.shop_id, timezone: r.timezone }));
}
