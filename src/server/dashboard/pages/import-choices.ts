/**
 * The files the imports page takes: every import format (src/ingest/records.ts), the mapped ones
 * once per built-in mapping (a seller picks "Haravan orders", not "orders-csv" and a mapping).
 * Mapping files are the CLI's: a page never names a file on the server.
 */
import type { ImportFormat } from '../../../ingest/records.js';
import type { Localized } from '../i18n.js';

export interface ImportChoice {
  /** The select's value: the format, or `format:mapping`. */
  value: string;
  format: ImportFormat;
  mapping?: string;
  label: Localized;
}

const choice = (format: ImportFormat, label: Localized, mapping?: string): ImportChoice => ({
  value: mapping ? `${format}:${mapping}` : format,
  format,
  ...(mapping ? { mapping } : {}),
  label,
});

export const IMPORT_CHOICES: readonly ImportChoice[] = [
  choice('shopify-orders', { vi: 'Đơn hàng Shopify (CSV)', en: 'Shopify orders (CSV)' }),
  choice('shopify-customers', { vi: 'Khách hàng Shopify (CSV)', en: 'Shopify customers (CSV)' }),
  choice('shopify-products', { vi: 'Sản phẩm Shopify (CSV)', en: 'Shopify products (CSV)' }),
  choice('orders-csv', { vi: 'Đơn hàng Haravan (CSV)', en: 'Haravan orders (CSV)' }, 'haravan'),
  choice('products-csv', { vi: 'Sản phẩm Haravan (CSV)', en: 'Haravan products (CSV)' }, 'haravan'),
  choice('orders-csv', { vi: 'Đơn hàng Shopee (CSV)', en: 'Shopee orders (CSV)' }, 'shopee'),
  choice('products-csv', { vi: 'Sản phẩm Shopee (CSV)', en: 'Shopee products (CSV)' }, 'shopee'),
  choice('orders-csv', { vi: 'Đơn hàng Lazada (CSV)', en: 'Lazada orders (CSV)' }, 'lazada'),
  choice('orders-csv', { vi: 'Đơn hàng TikTok Shop (CSV)', en: 'TikTok Shop orders (CSV)' }, 'tiktok'),
  choice('events-jsonl', {
    vi: 'Sự kiện trên cửa hàng (JSONL, kiểu Segment)',
    en: 'Storefront events (JSONL, Segment style)',
  }),
  choice('marketing-costs', {
    vi: 'Chi phí marketing theo tháng (CSV)',
    en: 'Monthly marketing costs (CSV)',
  }),
];

/** The choice of a select value, if it is one. */
export function importChoice(value: string): ImportChoice | undefined {
  return IMPORT_CHOICES.find((c) => c.value === value);
}

/** How an import's format is named in the history: the choice's label, else the format itself. */
export function formatLabel(format: string | undefined, mapping: string | undefined): Localized | undefined {
  if (!format) return undefined;
  return importChoice(mapping ? `${format}:${mapping}` : format)?.label ?? { vi: format, en: format };
}
