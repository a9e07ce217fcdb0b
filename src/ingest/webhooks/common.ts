/**
 * Pieces shared by the webhook parsers: the zod types of the values platforms send (ids, amounts,
 * dates), the JSON reader that keeps big ids exact, and the error that names the JSON path.
 */
import { z } from 'zod';
import { compileDateFormat } from '../../domain/time.js';
import { NurtureError } from '../../errors.js';
import { amountOf, text } from '../formats/fields.js';
import { fromCents, toCents } from '../formats/shopify-orders.js';

/** What every parser needs from the shop: the currency and zone to assume when a body has none. */
export interface WebhookContext {
  currency: string;
  timezone: string;
}

/**
 * Reads a raw webhook body. Shopify ids go above 2^53 (820982911946154508), which JSON.parse
 * rounds; integer literals of 16 digits or more are read as strings instead. Strings in the body
 * are matched first and left as they are, so only bare numbers change.
 */
export function parseWebhookBody(raw: Buffer | string): unknown {
  const source = typeof raw === 'string' ? raw : raw.toString('utf8');
  const safe = source.replace(/"(?:[^"\\]|\\.)*"|(?<![\w.+-])-?\d{16,}(?![\w.])/g, (m) =>
    m.startsWith('"') ? m : `"${m}"`,
  );
  try {
    return JSON.parse(safe);
  } catch (error) {
    throw new NurtureError('invalid_input', `webhook body is not JSON: ${(error as Error).message}`, [
      { path: '(body)', reason: 'not JSON' },
    ]);
  }
}

/** An id sent as a number or a string; a number that JSON.parse has already rounded is refused. */
export const idSchema = z.union([z.string(), z.number(), z.bigint()]).transform((v, ctx) => {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) {
      ctx.addIssue({ code: 'custom', message: `not an id: ${v}` });
      return z.NEVER;
    }
    if (!Number.isSafeInteger(v)) {
      ctx.addIssue({
        code: 'custom',
        message: 'id above 2^53 was rounded by JSON.parse: read the body with parseWebhookBody',
      });
      return z.NEVER;
    }
    return String(v);
  }
  const s = String(v).trim();
  if (s === '') {
    ctx.addIssue({ code: 'custom', message: 'empty id' });
    return z.NEVER;
  }
  return s;
});

/**
 * A non-negative amount as a canonical decimal string ('2490000', '12.5'): Shopify sends strings
 * ("404.95"), Haravan numbers (13200000.0000). More than two decimals are refused unless zero.
 */
export const amountSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const raw = typeof v === 'number' ? numberText(v) : v.trim();
  const amount = raw === undefined ? undefined : amountOf(raw);
  if (amount === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an amount: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  if (amount.startsWith('-')) {
    ctx.addIssue({ code: 'custom', message: `negative amount: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return amount;
});

/** An amount that may be negative (Haravan writes refund transactions as -60000). */
export const signedAmountSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const raw = typeof v === 'number' ? numberText(v) : v.trim();
  const amount = raw === undefined ? undefined : amountOf(raw);
  if (amount === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an amount: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return amount;
});

/** A number as plain decimal text with at most two decimals (13200000.0000 → "13200000"). */
function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const cents = Math.round(n * 100);
  if (Math.abs(n * 100 - cents) > 1e-6 * Math.max(1, Math.abs(n))) return undefined;
  return fromCents(BigInt(cents));
}

/** A whole, non-negative quantity (numbers or numeric strings; 2.0 is 2). */
export const quantitySchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.trim());
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) {
    ctx.addIssue({ code: 'custom', message: `not a whole quantity: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/** A free text field: trimmed, NFC, empty and null as undefined. */
export const textSchema = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : text(String(v))));

const readDate = compileDateFormat(undefined);

/**
 * A schema factory made once per time zone: building a zod object costs more than parsing with it
 * (zod compiles each new object schema on its first parse, ~2 ms a webhook body), and the zones a
 * server sees are the few of its shops.
 */
export function perTimezone<S>(make: (timezone: string) => S): (timezone: string) => S {
  const made = new Map<string, S>();
  return (timezone) => {
    let schema = made.get(timezone);
    if (schema === undefined) {
      schema = make(timezone);
      made.set(timezone, schema);
    }
    return schema;
  };
}

/** An ISO 8601 instant; without an offset it is read in the shop's zone (set by `withZone`). */
export const dateSchema = perTimezone((timezone: string) => {
  return z.string().transform((v, ctx) => {
    const d = readDate(v.trim(), timezone);
    if (d === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a date: ${JSON.stringify(v)} (expected ISO 8601)` });
      return z.NEVER;
    }
    return d;
  });
});

/** `a.b[2].c` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(body)' : out;
}

/** Validates `body`, turning zod issues into one invalid_input error naming each JSON path. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: jsonPath(issue.path),
    reason: issueReason(issue),
  }));
  throw new NurtureError(
    'invalid_input',
    `invalid ${what}: ${details.map((d) => `${d.path}: ${d.reason}`).join('; ')}`,
    details,
  );
}

function issueReason(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'invalid_union') {
    const inner = issue.errors.flat().find((i) => i.code === 'custom');
    return inner?.message ?? 'expected a string or a number';
  }
  return issue.message;
}

/** A problem found after the schema (a value the schema cannot judge alone), at a JSON path. */
export function bodyProblem(what: string, path: string, reason: string): never {
  throw new NurtureError('invalid_input', `invalid ${what}: ${path}: ${reason}`, [{ path, reason }]);
}

/** Exact sum of amounts. */
export function sumAmounts(amounts: readonly string[]): string {
  let cents = 0n;
  for (const a of amounts) cents += toCents(a);
  return fromCents(cents);
}

/** The smaller of two amounts. */
export function minAmount(a: string, b: string): string {
  return toCents(a) <= toCents(b) ? a : b;
}

/** |amount|. */
export function absAmount(a: string): string {
  return a.startsWith('-') ? a.slice(1) : a;
}

/** "First Last" from a platform's two name fields, either of which may be missing. */
export function fullName(first: string | undefined, last: string | undefined): string | undefined {
  return text([first, last].filter((p) => p !== undefined).join(' '));
}

/** Checkout note attributes (`[{ name, value }]`, Shopify and Haravan alike); odd entries are ignored. */
export const noteAttributesSchema = z
  .array(z.object({ name: z.unknown(), value: z.unknown() }).loose())
  .nullish()
  .catch(null);

/**
 * Names under which a checkout's note attributes carry a referral code (a storefront field
 * "Mã giới thiệu", a theme's cart attribute `ref`), compared lower case with spaces as `_`.
 */
const REFERRAL_ATTRIBUTES = new Set([
  'ref',
  'referral',
  'referral_code',
  'ma_gioi_thieu',
  'mã_giới_thiệu',
  'nguoi_gioi_thieu',
]);

/**
 * The order tags that carry a referral code given in the checkout's note attributes: `ref:CODE`
 * (the referral programme reads it; see src/app/referral-program.ts). Malformed codes are dropped.
 */
export function referralTagsOf(attributes: z.output<typeof noteAttributesSchema>): string[] {
  const tags: string[] = [];
  for (const a of attributes ?? []) {
    if (typeof a.name !== 'string' || typeof a.value !== 'string') continue;
    const name = a.name.trim().toLowerCase().normalize('NFC').replace(/\s+/g, '_');
    const value = a.value.trim();
    if (REFERRAL_ATTRIBUTES.has(name) && /^[A-Za-z0-9_-]{1,64}$/.test(value)) tags.push(`ref:${value}`);
  }
  return tags;
}
