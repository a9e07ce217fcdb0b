/**
 * Vietnamese providers want the phone as `84…` without `+` (eSMS, SpeedSMS, ZNS). Our messages
 * carry E.164 (`+84912345678`); a local `0912…` is accepted too, as sellers type it.
 */

/** `84912345678` for `+84912345678`, `84912345678` or `0912345678`; undefined when not a phone. */
export function phone84(to: string): string | undefined {
  const digits = to.replace(/[\s.-]/g, '');
  let national: string | undefined;
  if (/^\+84\d{8,10}$/.test(digits)) national = digits.slice(3);
  else if (/^84\d{8,10}$/.test(digits)) national = digits.slice(2);
  else if (/^0\d{8,10}$/.test(digits)) national = digits.slice(1);
  return national === undefined ? undefined : `84${national}`;
}
