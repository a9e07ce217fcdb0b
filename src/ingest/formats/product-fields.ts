/** Cell readers shared by the catalogue formats (shopify-products, products-csv). */
import { PRODUCT_STATUSES, type ProductStatus } from '../../domain/model/index.js';
import { boolOf, money, problem, shown, text } from './fields.js';

/**
 * The category order lines get: the seller's own product type when there is one (it is the
 * seller's word, e.g. "Giấy in nhiệt"), else the last step of the platform's category path
 * ("Office Supplies > Paper Products > Printer Paper" → "Printer Paper").
 */
export function categoryOf(
  productType: string | undefined,
  taxonomy: string | undefined,
): string | undefined {
  if (productType !== undefined) return productType;
  if (taxonomy === undefined) return undefined;
  return text(taxonomy.split('>').at(-1));
}

const STATUS_WORDS: Readonly<Record<string, ProductStatus>> = {
  active: 'active',
  draft: 'draft',
  archived: 'archived',
  unlisted: 'unlisted',
  'đang bán': 'active',
  'hoạt động': 'active',
  nháp: 'draft',
  'lưu trữ': 'archived',
  ẩn: 'unlisted',
};

/** A product status (active, draft, archived, unlisted; or their Vietnamese names); empty is undefined. */
export function statusOf(raw: string, column: string): ProductStatus | undefined {
  const t = text(raw)?.toLowerCase();
  if (t === undefined) return undefined;
  return (
    STATUS_WORDS[t] ??
    problem(column, `unknown product status ${shown(raw.trim())} (expected ${PRODUCT_STATUSES.join(', ')})`)
  );
}

/** TRUE/FALSE, yes/no, có/không; empty is undefined. */
export function publishedOf(raw: string, column: string): boolean | undefined {
  return boolOf(raw, column);
}

export function consumableOf(raw: string, column: string): boolean | undefined {
  return boolOf(raw, column);
}

/** A price that fits DECIMAL(18,2); empty is undefined. */
export function priceOf(raw: string, column: string): string | undefined {
  const t = raw.trim();
  return t === '' ? undefined : money(t, column);
}

/**
 * A whole number as spreadsheets write it: `1000`, `1.000` or `1,000` (a `.` or `,` before exactly
 * three digits groups thousands, as for amounts), `12.0`; undefined when it is not one.
 */
function wholeNumberOf(t: string): number | undefined {
  let digits: string;
  if (/^-?\d{1,3}([.,]\d{3})+$/.test(t)) digits = t.replace(/[.,]/g, '');
  else if (/^-?\d+([.,]0{1,2})?$/.test(t)) digits = t.replace(/[.,]0*$/, '');
  else return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A stock count (Shopify lets it go below zero); empty is undefined. */
export function inventoryOf(raw: string, column: string): number | undefined {
  const t = raw.trim();
  if (t === '') return undefined;
  const n = wholeNumberOf(t);
  return n !== undefined && Math.abs(n) <= 2_000_000_000
    ? n
    : problem(column, `not a whole stock count: ${shown(t)}`);
}

/** A reorder cycle in days, 1–3650; empty is undefined. */
export function cycleOf(raw: string, column: string): number | undefined {
  const t = raw.trim();
  if (t === '') return undefined;
  const n = wholeNumberOf(t);
  return n !== undefined && n >= 1 && n <= 3650
    ? n
    : problem(column, `not a reorder cycle in days (1–3650): ${shown(t)}`);
}

/**
 * The SKUs of one file: a SKU names one variant, so a second variant with the same SKU is
 * refused, naming the line of the first (an order line could not tell them apart).
 */
export class DuplicateSkus {
  private readonly lines = new Map<string, number>();

  claim(sku: string, line: number, column: string): void {
    const first = this.lines.get(sku);
    if (first !== undefined && first !== line)
      problem(column, `SKU ${shown(sku)} is already on line ${first}: one SKU names one variant`);
    this.lines.set(sku, line);
  }
}
