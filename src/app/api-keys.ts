import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import {
  API_KEY_KINDS,
  type ApiKeyKind,
  type ApiKeyRecord,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
} from '../store/api-keys/index.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

export type { ApiKeyKind, ApiKeyRecord } from '../store/api-keys/index.js';

const PREFIX: Record<ApiKeyKind, string> = { secret: 'sk', publishable: 'pk' };

export const createApiKeyInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  kind: z.enum(API_KEY_KINDS, { error: 'kind is secret or publishable' }),
  label: z.string().trim().min(1).max(100).optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInputSchema>;

/** Keys are stored as their SHA-256: 192 random bits need no slow hash, and a leak of the table reveals no key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Creates a key for a shop (the shop too, on a fresh database). The key itself is in the result
 * and nowhere else: it is shown once and only its hash is kept.
 */
export async function createApiKey(
  ctx: AppContext,
  input: CreateApiKeyInput,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const valid = parseInput(createApiKeyInputSchema, input);
  await ctx.store.ensureShop({ shopId: valid.shopId });
  const key = `${PREFIX[valid.kind]}_${randomBytes(24).toString('base64url')}`;
  const record: ApiKeyRecord = {
    keyId: ctx.newId('key'),
    shopId: valid.shopId,
    kind: valid.kind,
    hint: `${PREFIX[valid.kind]}_…${key.slice(-4)}`,
    label: valid.label ?? null,
    createdAt: ctx.clock.now(),
    revokedAt: null,
  };
  await insertApiKey(ctx.store, { ...record, keyHash: hashApiKey(key) });
  ctx.log.info({ shopId: record.shopId, keyId: record.keyId, kind: record.kind }, 'api key created');
  return { key, record };
}

export function listShopApiKeys(ctx: AppContext, input: { shopId: string }): Promise<ApiKeyRecord[]> {
  return listApiKeys(ctx.store, input.shopId);
}

export async function revokeShopApiKey(
  ctx: AppContext,
  input: { shopId: string; keyId: string },
): Promise<{ keyId: string; revoked: true }> {
  if (!(await revokeApiKey(ctx.store, input.shopId, input.keyId, ctx.clock.now())))
    throw new NurtureError('not_found', `no live API key ${input.keyId} in shop ${input.shopId}`);
  ctx.log.info({ shopId: input.shopId, keyId: input.keyId }, 'api key revoked');
  return { keyId: input.keyId, revoked: true };
}

/** The live key a presented secret belongs to, or undefined (unknown, revoked or malformed). */
export async function findApiKey(ctx: AppContext, presented: string): Promise<ApiKeyRecord | undefined> {
  if (!/^(sk|pk)_[A-Za-z0-9_-]{16,64}$/.test(presented)) return undefined;
  return findApiKeyByHash(ctx.store, hashApiKey(presented));
}
