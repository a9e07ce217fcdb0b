import { assertNever } from '../../errors.js';
import { spreadsheetCell } from '../spreadsheet.js';
import type { ExportFormat } from './input.js';

/**
 * Audience files from a segment's members: CSV and JSON for the seller, and the customer-list
 * format of Facebook (Meta) and Zalo ads custom audiences (seed 003: ad audiences built from
 * customers' phone lists). Pure: rows in, text out.
 *
 * The ads format follows Meta's customer-list identifiers — `email, phone, fn, ln, ct, country`
 * — normalised as the platforms match them: e-mail trimmed and lower-cased; phone in E.164
 * (`+84912345678`); names lower-cased without punctuation; city lower-cased without spaces,
 * punctuation or diacritics; country as a two-letter code. With `hash`, each value is the SHA-256
 * (hex) of its normalised form, the phone hashed as digits with the country code and without '+'
 * (`84912345678`), which is what Meta and Zalo Ads expect of hashed lists.
 *
 * CSV injection: the `csv` format, meant to be opened in a spreadsheet, prefixes text cells that
 * begin with = + - @ with a quote (spreadsheet.ts), the phone `+84…` included (shown as text, as it
 * should be). The `ads` format is uploaded to the ad platforms, which match its values exactly, so
 * none is escaped: a quote would break the phone (`+84912345678` must stay as it is) and the
 * e-mail. Its fn, ln, ct and country cannot begin with a formula character once normalised
 * (letters and digits only), the phone is `+` and digits (no formula can be built from it), and
 * hashed values are hex; an e-mail is kept as the store validated it.
 */
export interface AudienceRow {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
  country: string | null;
  consent: { email: boolean | null; sms: boolean | null; zalo: boolean | null; messenger: boolean | null };
  orders: number;
  amountSpent: number;
  lastOrderDate: string | null;
  enteredAt: Date;
}

/** True when the customer agreed to marketing on at least one channel. */
export function hasMarketingConsent(row: Pick<AudienceRow, 'consent'>): boolean {
  const c = row.consent;
  return c.email === true || c.sms === true || c.zalo === true || c.messenger === true;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A phone in E.164 (the store keeps phones that way; stray spaces or dashes are dropped). */
export function normalisePhone(phone: string): string | null {
  const digits = phone.replace(/[^\d+]/g, '');
  return /^\+\d{8,15}$/.test(digits) ? digits : null;
}

/**
 * A first or last name as Meta matches it before hashing (fn, ln: lower case, no punctuation,
 * UTF-8 letters allowed) and Google (lower case, trimmed): NFC, lower-cased, every character that
 * is not a letter (or a combining mark) or a space dropped, spaces collapsed. 'Nguyễn Thị-Hồng.' →
 * 'nguyễn thịhồng', "O'Brien" → 'obrien'; a name of punctuation only is empty.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 'TP. Hồ Chí Minh' → 'tphochiminh'. */
export function normaliseCity(city: string): string {
  return city
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Calling codes of the countries the shops sell to most, for rows without a country. */
const CALLING_CODES: readonly [string, string][] = [
  ['+84', 'vn'],
  ['+65', 'sg'],
  ['+66', 'th'],
  ['+60', 'my'],
  ['+62', 'id'],
  ['+63', 'ph'],
  ['+855', 'kh'],
  ['+856', 'la'],
  ['+1', 'us'],
];

export function normaliseCountry(country: string | null, phone: string | null): string {
  if (country && /^[A-Za-z]{2}$/.test(country.trim())) return country.trim().toLowerCase();
  if (country && normaliseCity(country) === 'vietnam') return 'vn';
  const code = phone ? CALLING_CODES.find(([prefix]) => phone.startsWith(prefix)) : undefined;
  return code ? code[1] : '';
}

/**
 * A hash of a normalised value (SHA-256 as hex for the ad platforms). Passed in, not imported:
 * hashing comes from node:crypto, which the domain does not import (it also runs in a browser).
 */
export type TextHash = (text: string) => string;

export const ADS_COLUMNS = ['email', 'phone', 'fn', 'ln', 'ct', 'country'] as const;

/**
 * One row of the ads format, its values hashed with `hash` when given; undefined when the customer
 * has neither phone nor e-mail.
 */
export function adsRow(row: AudienceRow, hash: TextHash | undefined): string[] | undefined {
  const email = row.email ? normaliseEmail(row.email) : '';
  const phone = row.phone ? (normalisePhone(row.phone) ?? '') : '';
  if (email === '' && phone === '') return undefined;
  const values = [
    email,
    phone,
    row.firstName ? normaliseName(row.firstName) : '',
    row.lastName ? normaliseName(row.lastName) : '',
    row.city ? normaliseCity(row.city) : '',
    normaliseCountry(row.country, phone || null),
  ];
  if (!hash) return values;
  return values.map((v, i) => (v === '' ? '' : hash(i === 1 ? v.replace(/^\+/, '') : v)));
}

export const CSV_COLUMNS = [
  'customer_id',
  'first_name',
  'last_name',
  'phone',
  'email',
  'city',
  'accepts_email',
  'accepts_sms',
  'accepts_zalo',
  'accepts_messenger',
  'number_of_orders',
  'amount_spent',
  'last_order_date',
  'entered_at',
] as const;

function csvValues(row: AudienceRow): (string | number | boolean | null)[] {
  return [
    row.customerId,
    row.firstName,
    row.lastName,
    row.phone,
    row.email,
    row.city,
    row.consent.email,
    row.consent.sms,
    row.consent.zalo,
    row.consent.messenger,
    row.orders,
    row.amountSpent,
    row.lastOrderDate,
    row.enteredAt.toISOString(),
  ];
}

/** An RFC 4180 line: fields with a comma, quote or line break are quoted. */
export function csvLine(values: readonly (string | number | boolean | null)[]): string {
  return `${values
    .map((v) => {
      const s = v === null ? '' : String(v);
      return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',')}\r\n`;
}

export interface AudienceFile {
  text: string;
  /** Rows written. */
  rows: number;
  /** Members left out: no marketing consent, or (ads format) neither phone nor e-mail. */
  withoutConsent: number;
  withoutContact: number;
}

/** Writes an audience file in a format; `sha256` hashes the ads format's values when `options.hash`. */
export function audienceFile(
  rows: readonly AudienceRow[],
  options: { format: ExportFormat; hash: boolean; includeWithoutConsent: boolean },
  sha256: TextHash,
): AudienceFile {
  const consenting = options.includeWithoutConsent ? rows : rows.filter(hasMarketingConsent);
  const withoutConsent = rows.length - consenting.length;
  switch (options.format) {
    case 'csv':
      // For people: text cells that a spreadsheet would run as a formula get a leading quote.
      return {
        text:
          csvLine(CSV_COLUMNS) + consenting.map((r) => csvLine(csvValues(r).map(spreadsheetCell))).join(''),
        rows: consenting.length,
        withoutConsent,
        withoutContact: 0,
      };
    case 'json': {
      const objects = consenting.map((r) =>
        Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, csvValues(r)[i]])),
      );
      return {
        text: `${JSON.stringify(objects, null, 2)}\n`,
        rows: consenting.length,
        withoutConsent,
        withoutContact: 0,
      };
    }
    case 'ads': {
      const lines = consenting
        .map((r) => adsRow(r, options.hash ? sha256 : undefined))
        .filter((l): l is string[] => l !== undefined);
      return {
        text: csvLine(ADS_COLUMNS) + lines.map(csvLine).join(''),
        rows: lines.length,
        withoutConsent,
        withoutContact: consenting.length - lines.length,
      };
    }
    default:
      return assertNever(options.format, 'export format');
  }
}
