/**
 * Referral codes as they arrive in a storefront link (`?ref=CODE`): letters, digits, `-` and `_`,
 * at most 64 characters. Kept as written (the loyalty rules decide how codes compare).
 */
const CODE = /^[A-Za-z0-9_-]{1,64}$/;

/** The event a storefront sends when a visitor lands with `?ref=CODE` (properties.code, .url). */
export const REFERRAL_EVENT = 'Referral Link Opened';

/** The code if `value` is a well-formed referral code (trimmed), else undefined. */
export function referralCodeOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim();
  return CODE.test(code) ? code : undefined;
}
