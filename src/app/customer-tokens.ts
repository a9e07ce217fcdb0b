/**
 * The HMAC behind signed customer tokens (src/domain/customer-token.ts): HMAC-SHA256 with the
 * shop's `widget.customer_secret`, base64url. A shop's server computes the same to sign.
 */
import { createHmac } from 'node:crypto';
import { type TokenMac, verifyCustomerToken } from '../domain/customer-token.js';
import { NurtureError } from '../errors.js';
import { readShopSettings } from '../store/settings/index.js';
import type { AppContext } from './context.js';

/** The HMAC a token is signed with, for one secret. */
export function hmacSha256(secret: string): TokenMac {
  return (text) => createHmac('sha256', secret).update(text).digest('base64url');
}

/** The shop setting whose value signs customer tokens (the shop's server holds the same secret). */
export const CUSTOMER_TOKEN_SECRET = 'widget.customer_secret';

/** The customer a signed storefront token names (its external id at the shop, or Nurture's id). */
export async function customerOfToken(ctx: AppContext, shopId: string, token: string): Promise<string> {
  const secret = (await readShopSettings(ctx.store, shopId)).get(CUSTOMER_TOKEN_SECRET);
  const check = secret
    ? verifyCustomerToken(hmacSha256(secret), shopId, token, ctx.clock.now())
    : ({ ok: false, reason: 'bad_signature' } as const);
  if (!check.ok)
    throw new NurtureError('unauthorized', `the customer token is not valid (${check.reason})`, [
      { path: 'customerToken', reason: check.reason },
    ]);
  const byId = await ctx.store.getCustomer(shopId, check.customerRef);
  if (byId) return byId.mergedInto ?? byId.customerId;
  for (const source of ['shopify', 'haravan', 'web']) {
    const c = await ctx.store.findCustomerByKey(shopId, `external:${source}`, check.customerRef);
    if (c) return c.mergedInto ?? c.customerId;
  }
  throw new NurtureError('not_found', 'the customer of this token is not known yet', [
    { path: 'customerToken', reason: 'unknown customer' },
  ]);
}
