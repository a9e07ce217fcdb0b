import type { FastifyRequest } from 'fastify';
import { NurtureError } from '../errors.js';
import type { ApiKeyRecord } from '../store/api-keys/index.js';
import type { RouteAuth } from './route.js';

/**
 * Live keys by the presented secret, kept for a short while so that a burst of requests does not
 * look the key up each time. A revocation through this server takes effect at once (`forget`);
 * one through another process within `ttlMs`.
 */
export class KeyCache {
  private readonly entries = new Map<string, { key: ApiKeyRecord | undefined; until: number }>();

  /** `lookup` reads a presented key from the store (the server's read connections). */
  constructor(
    private readonly lookup: (presented: string) => Promise<ApiKeyRecord | undefined>,
    private readonly ttlMs = 30_000,
    private readonly capacity = 10_000,
  ) {}

  async resolve(presented: string): Promise<ApiKeyRecord | undefined> {
    const now = Date.now();
    const hit = this.entries.get(presented);
    if (hit && hit.until > now) return hit.key;
    const key = await this.lookup(presented);
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(presented, { key, until: now + this.ttlMs });
    return key;
  }

  forget(keyId: string): void {
    for (const [presented, entry] of this.entries)
      if (entry.key?.keyId === keyId) this.entries.delete(presented);
  }
}

/** The key of `Authorization: Bearer sk_…`, if any. */
export function bearerKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The key a request may act with, for a route's kind of auth: 401 without a valid key, 403 for a
 * publishable key on a route that needs a secret one.
 */
export async function authenticate(
  auth: RouteAuth,
  presented: string | undefined,
  keys: KeyCache,
): Promise<ApiKeyRecord | undefined> {
  if (auth === 'none') return undefined;
  if (presented === undefined)
    throw new NurtureError('unauthorized', 'an API key is required: Authorization: Bearer sk_…');
  const key = await keys.resolve(presented);
  if (!key) throw new NurtureError('unauthorized', 'the API key is not valid (unknown or revoked)');
  if (auth === 'secret' && key.kind !== 'secret')
    throw new NurtureError(
      'forbidden',
      'a publishable key may only send storefront events; use a secret key',
    );
  return key;
}
