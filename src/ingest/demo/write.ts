/**
 * Writers for the demo shop's files, in the formats the importers read: Shopify's customers,
 * orders and products exports, Segment-style events JSONL and marketing costs as CSV.
 *
 * Everything goes through a ChunkedFileWriter: 1 MB chunks into one fs.WriteStream that is
 * allowed to drain (backpressure), never a write per row, so that the orders writer streams a
 * million line-item rows without holding the file in memory.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MarketingCost } from '../../domain/model/index.js';
import { csvLine } from '../csv.js';
import { DEMO_CATALOG } from './catalog.js';
import { ChunkedFileWriter } from './file-writer.js';
import { SHOPIFY_ORDER_HEADERS, writeOrderRows } from './orders-csv.js';
import { SHOPIFY_PRODUCT_HEADERS, shopifyProductRows } from './products-csv.js';
import type { DemoCustomer, DemoEvent, DemoOrder, DemoShop } from './types.js';

export { shopifyDate } from './dates.js';
export { ChunkedFileWriter } from './file-writer.js';
export { SHOPIFY_ORDER_HEADERS, shopifyOrderRows } from './orders-csv.js';

/** Shopify customers export columns, plus `Referred By` (the referrer's Customer ID). */
export const SHOPIFY_CUSTOMER_HEADERS = [
  'Customer ID',
  'First Name',
  'Last Name',
  'Email',
  'Accepts Email Marketing',
  'Default Address Company',
  'Default Address Address1',
  'Default Address Address2',
  'Default Address City',
  'Default Address Province Code',
  'Default Address Country Code',
  'Default Address Zip',
  'Default Address Phone',
  'Phone',
  'Accepts SMS Marketing',
  'Total Spent',
  'Total Orders',
  'Note',
  'Tax Exempt',
  'Tags',
  'Referred By',
] as const;

/** Columns of marketing_costs.csv. */
export const MARKETING_COST_HEADERS = ['channel', 'month', 'amount'] as const;

/** What a writer wrote. */
export interface WriteStats {
  /** Data rows (CSV rows after the header, JSONL lines, array items). */
  rows: number;
  bytes: number;
}

export interface OrdersWriteStats extends WriteStats {
  orders: number;
}

export type OrdersProgress = (progress: { rows: number; orders: number; bytes: number }) => void;

/** Amounts as Shopify writes them: `1250000.00`. */
export function shopifyMoney(vnd: number): string {
  return `${vnd}.00`;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function isSyncIterable<T>(x: Iterable<T> | AsyncIterable<T>): x is Iterable<T> {
  return Symbol.iterator in x;
}

/**
 * Writes a Shopify orders export (one row per line item, order-level cells on the first row).
 * Takes an array, a generator (e.g. `generateOrdersForRows`) or an async iterable, and streams:
 * only about one chunk of text is held at a time. `onProgress` is called after each chunk.
 */
export async function writeShopifyOrdersCsv(
  orders: Iterable<DemoOrder> | AsyncIterable<DemoOrder>,
  path: string,
  onProgress?: OrdersProgress,
): Promise<OrdersWriteStats> {
  const out = ChunkedFileWriter.create(path);
  let rows = 0;
  let count = 0;
  /** Buffers an order; true when a chunk is full. Synchronous, so the per-row path never awaits. */
  const accept = (o: DemoOrder): boolean => {
    rows += o.lines.length;
    count++;
    writeOrderRows(out, o);
    return out.needsFlush;
  };
  const flush = async (): Promise<void> => {
    await out.flush();
    onProgress?.({ rows, orders: count, bytes: out.bytes });
  };
  try {
    out.push(csvLine(SHOPIFY_ORDER_HEADERS));
    if (isSyncIterable(orders)) {
      for (const o of orders) if (accept(o)) await flush();
    } else {
      for await (const o of orders) if (accept(o)) await flush();
    }
  } finally {
    await out.close();
  }
  onProgress?.({ rows, orders: count, bytes: out.bytes });
  return { rows, orders: count, bytes: out.bytes };
}

function customerRow(c: DemoCustomer): string {
  const a = c.address;
  return csvLine([
    c.id,
    c.firstName,
    c.lastName,
    c.email ?? '',
    yesNo(c.acceptsEmail),
    '',
    a.address1,
    a.address2,
    a.city.city,
    a.city.provinceCode,
    'VN',
    a.zip,
    c.addressPhoneField,
    c.phoneField,
    yesNo(c.acceptsSms),
    shopifyMoney(c.totalSpent),
    c.totalOrders,
    c.note,
    'no',
    c.tags.join(', '),
    c.referredBy ?? '',
  ]);
}

/** Writes a Shopify customers export with the extra `Referred By` column. */
export async function writeShopifyCustomersCsv(
  customers: Iterable<DemoCustomer>,
  path: string,
): Promise<WriteStats> {
  return writeLines(path, csvLine(SHOPIFY_CUSTOMER_HEADERS), customers, customerRow);
}

/** Writes events, one JSON object per line. */
export async function writeEventsJsonl(events: Iterable<DemoEvent>, path: string): Promise<WriteStats> {
  return writeLines(path, '', events, (e) => `${JSON.stringify(e)}\n`);
}

/** Writes marketing costs as `channel,month,amount`. */
export async function writeMarketingCostsCsv(
  costs: Iterable<MarketingCost>,
  path: string,
): Promise<WriteStats> {
  return writeLines(path, csvLine(MARKETING_COST_HEADERS), costs, (c) =>
    csvLine([c.channel, c.month, c.amount]),
  );
}

/** Writes the catalog as Shopify's products export (`rows` counts products). */
export async function writeShopifyProductsCsv(path: string): Promise<WriteStats> {
  return writeLines(path, csvLine(SHOPIFY_PRODUCT_HEADERS), DEMO_CATALOG, shopifyProductRows);
}

async function writeLines<T>(
  path: string,
  header: string,
  items: Iterable<T>,
  format: (item: T) => string,
): Promise<WriteStats> {
  const out = ChunkedFileWriter.create(path);
  let rows = 0;
  try {
    out.push(header);
    for (const item of items) {
      rows++;
      if (out.push(format(item))) await out.flush();
    }
  } finally {
    await out.close();
  }
  return { rows, bytes: out.bytes };
}

/** File names of a written demo shop. */
export const DEMO_FILES = {
  customers: 'customers.csv',
  orders: 'orders.csv',
  events: 'events.jsonl',
  catalog: 'products.csv',
  marketingCosts: 'marketing_costs.csv',
} as const;

export type DemoFileKind = keyof typeof DEMO_FILES;

/** One file of a written demo shop. */
export interface WrittenFile extends WriteStats {
  kind: DemoFileKind;
  path: string;
}

/** Writes the five files of a demo shop into `dir` (created when missing). */
export async function writeDemoShop(shop: DemoShop, dir: string): Promise<WrittenFile[]> {
  await mkdir(dir, { recursive: true });
  const path = (kind: DemoFileKind) => join(dir, DEMO_FILES[kind]);
  const written: WrittenFile[] = [];
  written.push({
    kind: 'customers',
    path: path('customers'),
    ...(await writeShopifyCustomersCsv(shop.customers, path('customers'))),
  });
  const orders = await writeShopifyOrdersCsv(shop.orders, path('orders'));
  written.push({ kind: 'orders', path: path('orders'), rows: orders.rows, bytes: orders.bytes });
  written.push({
    kind: 'events',
    path: path('events'),
    ...(await writeEventsJsonl(shop.events, path('events'))),
  });
  written.push({
    kind: 'catalog',
    path: path('catalog'),
    ...(await writeShopifyProductsCsv(path('catalog'))),
  });
  written.push({
    kind: 'marketingCosts',
    path: path('marketingCosts'),
    ...(await writeMarketingCostsCsv(shop.marketingCosts, path('marketingCosts'))),
  });
  return written;
}
