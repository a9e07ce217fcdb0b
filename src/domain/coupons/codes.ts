/**
 * Readable, unique coupon codes: `NUR-7KQ4-M2XP` (an optional prefix, then groups of 4).
 *
 * The alphabet leaves out what people misread on a phone screen or a printed card, or type wrong
 * when they read a code aloud: 0/O, 1/I/L. What is left is 31 characters (2–9 and 23 letters).
 * Codes compare case-insensitively: they are stored upper case and an order's code is upper-cased
 * before it is looked up.
 *
 * Collisions. A code of `g` groups has 31^(4g) possible values: 8.5 × 10^11 for the default two
 * groups (about 39.6 bits). With `n` codes already in a shop, a new one collides with probability
 * n / 31^8 (1.2 × 10^-7 at 100,000 codes); among `n` codes drawn at once, the chance that any two
 * are equal is about n² / (2 · 31^8): 0.6 % for a batch of 100,000, 45 % for 1,000,000. So a
 * collision is rare but not impossible, and the store retries it: the table's key is
 * (shop_id, code), a colliding insert is ignored and the coupon gets a fresh code (see
 * src/store/coupons). Three groups (31^12 ≈ 7.9 × 10^17) make even a million codes collide with
 * probability 6 × 10^-7.
 *
 * Pure: the randomness is injected (`RandomInt`), crypto in the app, a seeded one in tests.
 */
import { z } from 'zod';

/** The characters of a code's random part: no 0, O, 1, I or L. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Characters never used in a random part (the misreadable ones). */
export const AMBIGUOUS_CHARACTERS = '0O1IL';

/** Characters per group. */
export const GROUP_LENGTH = 4;

/** Groups of random characters (default 2: `7KQ4-M2XP`). */
export const DEFAULT_GROUPS = 2;
export const MIN_GROUPS = 2;
export const MAX_GROUPS = 4;

/** An integer in [0, bound), uniformly: `crypto.randomInt` in the app, a seeded one in tests. */
export type RandomInt = (bound: number) => number;

/** A shop's prefix: 1–10 letters or digits, written upper case (`NUR`, `SHOP24`). */
export const codePrefixSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,10}$/, 'a prefix is 1 to 10 letters or digits');

export const codeGroupsSchema = z.number().int().min(MIN_GROUPS).max(MAX_GROUPS);

/** How codes are made: an optional prefix and the number of random groups. */
export interface CodeShape {
  prefix?: string | undefined;
  groups?: number | undefined;
}

/** A new random code of the given shape. */
export function generateCode(random: RandomInt, shape: CodeShape = {}): string {
  const groups = shape.groups ?? DEFAULT_GROUPS;
  const parts: string[] = shape.prefix ? [shape.prefix.toUpperCase()] : [];
  for (let g = 0; g < groups; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) {
      const k = random(CODE_ALPHABET.length);
      if (!Number.isInteger(k) || k < 0 || k >= CODE_ALPHABET.length)
        throw new RangeError(`the random source gave ${k} for a bound of ${CODE_ALPHABET.length}`);
      group += CODE_ALPHABET[k];
    }
    parts.push(group);
  }
  return parts.join('-');
}

/**
 * `count` distinct codes (distinct among themselves; the store checks them against the shop's
 * other codes). A repeat within the batch is drawn again.
 */
export function generateCodes(random: RandomInt, count: number, shape: CodeShape = {}): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // A source that keeps repeating itself (a broken or constant one) would loop for ever.
  let repeats = 0;
  while (out.length < count) {
    const code = generateCode(random, shape);
    if (seen.has(code)) {
      if (++repeats > 1000 + count) throw new RangeError('the random source keeps repeating codes');
      continue;
    }
    seen.add(code);
    out.push(code);
  }
  return out;
}

/**
 * The form codes are stored and compared in: trimmed, upper case. What a customer typed in
 * lower case at checkout (`nur-7kq4-m2xp`) finds its coupon.
 */
export function normalizeCode(text: string): string {
  return text.trim().toUpperCase();
}

/**
 * The codes an order's discount field names: platforms join several with a comma
 * (`NUR-7KQ4-M2XP, FREESHIP`), see src/ingest/webhooks. Normalised, empty ones dropped.
 */
export function codesOfOrder(couponCode: string | null | undefined): string[] {
  if (!couponCode) return [];
  return couponCode
    .split(',')
    .map(normalizeCode)
    .filter((c) => c !== '');
}

/** The chance that `n` random codes of `groups` groups contain a repeat (birthday bound). */
export function collisionProbability(n: number, groups = DEFAULT_GROUPS): number {
  const space = CODE_ALPHABET.length ** (GROUP_LENGTH * groups);
  return -Math.expm1((-n * (n - 1)) / (2 * space));
}
