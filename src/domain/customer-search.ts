/**
 * What a seller typed in the customers' search box, read as the one lookup it can be answered by
 * without scanning a million customers per keystroke:
 * - a whole phone number in any form (`0912 345 678`, `+84 912…`, `84912345678`) → the identity key
 *   `+84912345678`, looked up exactly;
 * - the start of a phone number (at least `MIN_PHONE_DIGITS` digits) → a range of phone keys
 *   (`+8491234` ≤ key < `+8491235`), which a B-tree answers in order;
 * - a whole e-mail → its normalised key; a partial one (with `@`) → a prefix of e-mail keys;
 * - anything else → the start of a name (family name first, "Nguyễn Thị", or given name, "Hồng"),
 *   lower-cased and in NFC so that a precomposed "ễ" matches however it was typed.
 */
import { normalizeEmail, normalizePhone } from './identity-keys.js';

export type CustomerMatch =
  | { kind: 'phone'; value: string }
  | { kind: 'phone-range'; from: string; below: string }
  | { kind: 'email'; value: string }
  | { kind: 'email-prefix'; prefix: string }
  | { kind: 'name'; prefix: string };

/** Fewer digits than this are too little of a phone to look up (and match too many). */
export const MIN_PHONE_DIGITS = 4;

const PHONE_CHARS = /^\+?[\d\s\-.()/]+$/;

/** Reads the search text; undefined when there is nothing to search for. */
export function readCustomerSearch(text: string | undefined): CustomerMatch | undefined {
  const typed = (text ?? '').normalize('NFC').trim();
  if (typed === '') return undefined;
  if (PHONE_CHARS.test(typed)) {
    const phone = normalizePhone(typed);
    if (phone) return { kind: 'phone', value: phone };
    const start = phonePrefix(typed);
    if (start) return { kind: 'phone-range', from: start, below: nextPrefix(start) };
  }
  if (typed.includes('@')) {
    const email = normalizeEmail(typed);
    return email ? { kind: 'email', value: email } : { kind: 'email-prefix', prefix: typed.toLowerCase() };
  }
  return { kind: 'name', prefix: typed.toLowerCase().replace(/\s+/g, ' ') };
}

/**
 * The E.164 start of a partly typed Vietnamese phone: `0912 34` → `+8491234`, `+84 91` → `+8491`,
 * `84912` → `+84912`. Undefined for too few digits.
 */
export function phonePrefix(typed: string): string | undefined {
  const digits = typed.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return undefined;
  if (typed.trim().startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `+84${digits.slice(1)}`;
  if (digits.startsWith('84')) return `+${digits}`;
  return `+84${digits}`;
}

/**
 * The smallest string of digits after every string that starts with `prefix` (`+84919` →
 * `+8492`): with it the prefix is a range, which every collation orders the same way for
 * digits, unlike `LIKE 'x%'` (which PostgreSQL indexes only under the C collation).
 */
export function nextPrefix(prefix: string): string {
  let head = prefix;
  while (head.length > 1 && head.endsWith('9')) head = head.slice(0, -1);
  const last = head.at(-1);
  if (last === undefined || !/\d/.test(last)) return `${prefix.slice(0, 1)}:`;
  return head.slice(0, -1) + String(Number(last) + 1);
}
