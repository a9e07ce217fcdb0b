/**
 * Webhook signatures. Shopify sends X-Shopify-Hmac-Sha256 and Haravan X-Haravan-Hmacsha256: the
 * base64 HMAC-SHA256 of the raw request body, keyed with the app's secret. Verify the bytes as
 * received, before any JSON parsing, and compare in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureResult = { ok: true } | { ok: false; reason: 'missing' } | { ok: false; reason: 'bad' };

const OK: SignatureResult = { ok: true };
const MISSING: SignatureResult = { ok: false, reason: 'missing' };
const BAD: SignatureResult = { ok: false, reason: 'bad' };

function digest(rawBody: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

/** Equal in constant time; buffers of another length are unequal (timingSafeEqual would throw). */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^[0-9a-fA-F]{64}$/;

/** Shopify: base64 only, as Shopify documents. */
export function verifyShopifyHmac(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): SignatureResult {
  const sent = header?.trim();
  if (sent === undefined || sent === '') return MISSING;
  if (!BASE64.test(sent)) return BAD;
  return sameBytes(Buffer.from(sent, 'base64'), digest(rawBody, secret)) ? OK : BAD;
}

/** Haravan: base64 as its handlers compute it; a hex digest (64 hex digits) is tolerated. */
export function verifyHaravanHmac(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): SignatureResult {
  const sent = header?.trim();
  if (sent === undefined || sent === '') return MISSING;
  const expected = digest(rawBody, secret);
  if (HEX.test(sent)) return sameBytes(Buffer.from(sent, 'hex'), expected) ? OK : BAD;
  if (!BASE64.test(sent)) return BAD;
  return sameBytes(Buffer.from(sent, 'base64'), expected) ? OK : BAD;
}

/** The header names each platform signs with (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADERS = {
  shopify: ['x-shopify-hmac-sha256'],
  haravan: ['x-haravan-hmacsha256', 'x-haravan-hmac-sha256', 'x-haravan-hmac'],
} as const;
