/** The shops of a database: each tenant's name, currency and time zone. */
import { DEFAULT_SHOP_ID, type Shop, shopSchema } from '../../domain/model/index.js';
import { NurtureError } from '../../errors.js';
import type { Store } from '../store.js';

/**
 * The shop `input` names (the default shop when none), created with the given settings when it
 * does not exist yet; an existing shop is returned as stored.
 */
export async function ensureShop(
  store: Store,
  input: Partial<Shop> & { shopId?: string } = {},
): Promise<Shop> {
  const parsed = shopSchema.safeParse({
    shopId: input.shopId ?? DEFAULT_SHOP_ID,
    name: input.name ?? input.shopId ?? 'My shop',
    ...(input.currency ? { currency: input.currency } : {}),
    ...(input.timezone ? { timezone: input.timezone } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw new NurtureError('invalid_input', `shop ${field}: ${issue.message}`, [
      { path: field, reason: issue.message },
    ]);
  }
  const shop = parsed.data;
  const existing = await getShop(store, shop.shopId);
  if (existing) return existing;
  await store.engine.run(
    `INSERT INTO shops (shop_id, name, currency, timezone, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (shop_id) DO NOTHING`,
    [shop.shopId, shop.name, shop.currency, shop.timezone, new Date(store.ids.now())],
  );
  return shop;
}

/** The shop, or undefined when this database has none of that id. */
export async function getShop(store: Store, shopId: string): Promise<Shop | undefined> {
  const rows = await store.engine.all<{ shop_id: string; name: string; currency: string; timezone: string }>(
    'SELECT shop_id, name, currency, timezone FROM shops WHERE shop_id = $1',
    [shopId],
  );
  const r = rows[0];
  return r && { shopId: r.shop_id, name: r.name, currency: r.currency, timezone: r.timezone };
}

/** The shop; a not_found error when this database has none of that id. */
export async function requireShop(store: Store, shopId: string): Promise<Shop> {
  const shop = await getShop(store, shopId);
  if (!shop) throw new NurtureError('not_found', `no shop '${shopId}' in this database`);
  return shop;
}
