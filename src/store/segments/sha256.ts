import { createHash } from 'node:crypto';

/**
 * SHA-256 of a text's UTF-8 bytes, as hex: how the ads audience format hashes its values (the
 * domain's audience writer takes it as a parameter, since it cannot import node:crypto).
 */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
