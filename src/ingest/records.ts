import type { CustomerInput, EventInput, MarketingCost, OrderInput, Product } from '../domain/model/index.js';
import type { OrderColumns } from '../domain/order-columns.js';

/** A row the importer could not take, with the place it came from. */
export interface Reject {
  line: number;
  column?: string;
  reason: string;
}

export interface Located<T> {
  line: number;
  value: T;
}

/** What a format reader yields: validated records in file order, and the rows it rejected. */
export interface ParsedBatch {
  customers: Located<CustomerInput>[];
  orders: Located<OrderInput>[];
  /**
   * The orders as columns, when a parse worker sent them (`orders` is then empty): one packed
   * batch crosses threads far more cheaply than an object per order (see batch-wire.ts).
   */
  orderColumns?: OrderColumns;
  events: Located<EventInput>[];
  /** Catalogue formats: each product's variants (one entry per SKU), by the product's first line. */
  productGroups: Located<Product[]>[];
  marketingCosts: Located<MarketingCost>[];
  /** Catalogue formats: variants without a SKU so far in the whole file (order lines cannot name them). */
  skippedVariants?: number;
  rejects: Reject[];
  /** Data rows read so far in the whole file (not counting the header). */
  rowsRead: number;
  /** Bytes read so far, for the progress bar. */
  bytesRead: number;
}

export function emptyBatch(rowsRead = 0, bytesRead = 0): ParsedBatch {
  return {
    customers: [],
    orders: [],
    events: [],
    productGroups: [],
    marketingCosts: [],
    rejects: [],
    rowsRead,
    bytesRead,
  };
}

export const IMPORT_FORMATS = [
  'shopify-customers',
  'shopify-orders',
  'orders-csv',
  'events-jsonl',
  'shopify-products',
  'products-csv',
  'marketing-costs',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The formats read through a mapping (`--mapping`): orders and products of any export. */
export const MAPPED_FORMATS = ['orders-csv', 'products-csv'] as const satisfies readonly ImportFormat[];

export interface ReadOptions {
  /**
   * A built-in mapping's name or a mapping file: orders-csv (src/ingest/formats/mapping.ts) and
   * products-csv (product-mapping.ts) need one.
   */
  mappingFile?: string;
  /** Shop currency, used when the file has none. */
  currency: string;
  /** Shop time zone, used for dates written without an offset. */
  timezone: string;
  batchSize?: number;
}

/** A catalog entry that a generator or a product feed brings (consumables and reorder cycles). */
export type CatalogEntry = Product;
