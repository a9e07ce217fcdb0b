/**
 * Signed customer tokens (issue 17, item 8): how a storefront tells the widget who the logged-in
 * customer is without trusting a bare id from the browser. The shop's server signs
 * `customer id + expiry` with the shop's secret (HMAC-SHA256); Nurture verifies the signature and
 * the expiry before answering anything personal (a survey answer, a loyalty balance).
 *
 * Token: `v1.<base64url(customerRef)>.<expiry, unix seconds>.<base64url(HMAC)>` where the MAC is
 * over `v1|<shopId>|<customerRef>|<expiry>`. `customerRef` is the shop's own customer id (the
 * identity `external:<source>`) or Nurture's customer id.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, shopId: string, ref: string, expires: number) =>
  createHmac('sha256', secret).update(`v1|${shopId}|${ref}|${expires}`).digest('base64url');

/** A token for `customerRef`, valid until `expiresAt` (the shop's server makes it per page view). */
export function signCustomerToken(
  secret: string,
  shopId: string,
  customerRef: string,
  expiresAt: Date,
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `v1.${Buffer.from(customerRef, 'utf8').toString('base64url')}.${expires}.${mac(secret, shopId, customerRef, expires)}`;
}

export type TokenCheck =
  | { ok: true; customerRef: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** The customer a token names, if its signature holds and it has not expired at `now`. */
export function verifyCustomerToken(secret: string, shopId: string, token: string, now: Date): TokenCheck {
  const m = /^v1\.([A-Za-z0-9_-]{1,200})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const ref = Buffer.from(m[1]!, 'base64url').toString('utf8');
  const expires = Number(m[2]);
  const expected = Buffer.from(mac(secret, shopId, ref, expires));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad_signature' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, customerRef: ref, expiresAt: new Date(expires * 1000) };
}
