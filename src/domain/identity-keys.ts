/**
 * Normalisation of the keys that identify a customer: phone first (many Vietnamese buyers
 * have no e-mail), then e-mail.
 */

/**
 * Normalises a phone number to E.164. Vietnamese numbers are the default:
 * `0912 345 678`, `84912345678`, `+84 912-345-678` all give `+84912345678`.
 * Returns undefined for something that is not a plausible phone number.
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry = '84'): string | undefined {
  if (raw == null) return undefined;
  let s = String(raw).trim();
  if (s === '') return undefined;
  // Spreadsheets turn phones into numbers and lose the leading 0, or prefix a quote.
  s = s.replace(/^'/, '');
  const hasPlus = s.startsWith('+');
  const digits = s.replace(/[\s\-.()/]/g, '').replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return undefined;
  let e164: string;
  if (hasPlus) e164 = digits;
  else if (digits.startsWith('00')) e164 = digits.slice(2);
  else if (digits.startsWith('0')) e164 = defaultCountry + digits.slice(1);
  else if (digits.startsWith(defaultCountry) && digits.length >= defaultCountry.length + 8) e164 = digits;
  else if (defaultCountry === '84' && digits.length === 9) e164 = defaultCountry + digits;
  else e164 = digits;
  if (e164.length < 8 || e164.length > 15) return undefined;
  if (e164.startsWith('84')) {
    const national = e164.slice(2);
    // Vietnamese mobile and landline numbers have 9 or 10 national digits and never start with 0.
    if (national.length < 9 || national.length > 10 || national.startsWith('0')) return undefined;
  }
  return `+${e164}`;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const s = String(raw).trim().toLowerCase();
  if (s === '' || !EMAIL_RE.test(s)) return undefined;
  return s;
}
