/**
 * Signed customer tokens (issue 17, item 8): how a storefront tells the widget who the logged-in
 * customer is without trusting a bare id from the browser. The shop's server signs
 * `customer id + expiry` with the shop's secret (HMAC-SHA256); Nurture verifies the signature and
 * the expiry before answering anything personal (a survey answer, a loyalty balance).
 *
 * Token: `v1.<base64url(customerRef)>.<expiry, unix seconds>.<base64url(HMAC)>` where the MAC is
 * over `v1|<shopId>|<customerRef>|<expiry>`. `customerRef` is the shop's own customer id (the
 * identity `external:<source>`) or Nurture's customer id.
 *
 * The domain does no crypto itself (it stays pure): the caller passes the MAC, `hmacSha256` of
 * src/app/customer-tokens.ts in the server, the same HMAC-SHA256 (base64url) in the shop's server.
 */

/** HMAC-SHA256 of a text with the shop's secret, base64url (43 characters). */
export type TokenMac = (text: string) => string;

/** What the MAC covers. */
export function tokenPayload(shopId: string, customerRef: string, expires: number): string {
  return `v1|${shopId}|${customerRef}|${expires}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function utf8(text: string): number[] {
  const out: number[] = [];
  const encoded = unescape(encodeURIComponent(text));
  for (let i = 0; i < encoded.length; i++) out.push(encoded.charCodeAt(i));
  return out;
}

function base64url(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let k = 0; k < chars; k++) out += B64[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64url(text: string): string | undefined {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    const v = B64.indexOf(c);
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  try {
    return decodeURIComponent(escape(String.fromCharCode(...bytes)));
  } catch {
    return undefined;
  }
}

/** Compares two MACs in time that does not depend on where they differ. */
function sameMac(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A token for `customerRef`, valid until `expiresAt` (the shop's server makes it per page view). */
export function signCustomerToken(
  mac: TokenMac,
  shopId: string,
  customerRef: string,
  expiresAt: Date,
): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `v1.${base64url(utf8(customerRef))}.${expires}.${mac(tokenPayload(shopId, customerRef, expires))}`;
}

export type TokenCheck =
  | { ok: true; customerRef: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** The customer a token names, if its signature holds and it has not expired at `now`. */
export function verifyCustomerToken(mac: TokenMac, shopId: string, token: string, now: Date): TokenCheck {
  const m = /^v1\.([A-Za-z0-9_-]{1,200})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const ref = m ? fromBase64url(m[1]!) : undefined;
  if (!m || ref === undefined || ref === '') return { ok: false, reason: 'malformed' };
  const expires = Number(m[2]);
  if (!sameMac(mac(tokenPayload(shopId, ref, expires)), m[3]!)) return { ok: false, reason: 'bad_signature' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, customerRef: ref, expiresAt: new Date(expires * 1000) };
}
