import type { Store } from '../store.js';

/** A secret key reads and writes a shop's data; a publishable key may only send storefront events. */
export const API_KEY_KINDS = ['secret', 'publishable'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

export interface ApiKeyRecord {
  keyId: string;
  shopId: string;
  kind: ApiKeyKind;
  /** The key's kind prefix and last characters (`sk_…a1b2`), to tell keys apart in lists. */
  hint: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

type KeyRow = {
  key_id: string;
  shop_id: string;
  kind: ApiKeyKind;
  hint: string;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
};

const COLUMNS = 'key_id, shop_id, kind, hint, label, created_at, revoked_at';

const toRecord = (r: KeyRow): ApiKeyRecord => ({
  keyId: r.key_id,
  shopId: r.shop_id,
  kind: r.kind,
  hint: r.hint,
  label: r.label,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function insertApiKey(
  store: Store,
  key: Omit<ApiKeyRecord, 'revokedAt'> & { keyHash: string },
): Promise<void> {
  await store.engine.run(
    `INSERT INTO api_keys (shop_id, key_id, kind, key_hash, hint, label, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [key.shopId, key.keyId, key.kind, key.keyHash, key.hint, key.label, key.createdAt],
  );
}

/** The live (not revoked) key with this hash, of any shop: the key says which shop. */
export async function findApiKeyByHash(store: Store, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const rows = await store.engine.all<KeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [keyHash],
  );
  const row = rows[0];
  return row && toRecord(row);
}

export async function listApiKeys(store: Store, shopId: string): Promise<ApiKeyRecord[]> {
  const rows = await store.engine.all<KeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE shop_id = $1 ORDER BY created_at, key_id`,
    [shopId],
  );
  return rows.map(toRecord);
}

/** Marks a key revoked; false when the shop has no such live key. */
export async function revokeApiKey(store: Store, shopId: string, keyId: string, at: Date): Promise<boolean> {
  const rows = await store.engine.all<{ key_id: string }>(
    `UPDATE api_keys SET revoked_at = $3 WHERE shop_id = $1 AND key_id = $2 AND revoked_at IS NULL
     RETURNING key_id`,
    [shopId, keyId, at],
  );
  return rows.length > 0;
}
