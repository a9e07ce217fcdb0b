/**
 * The HMAC behind signed customer tokens (src/domain/customer-token.ts): HMAC-SHA256 with the
 * shop's `widget.customer_secret`, base64url. A shop's server computes the same to sign.
 */
import { createHmac } from 'node:crypto';
import type { TokenMac } from '../domain/customer-token.js';

export function hmacSha256(secret: string): TokenMac {
  return (text) => createHmac('sha256', secret).update(text).digest('base64url');
}
