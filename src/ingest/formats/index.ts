/**
 * The file formats Nurture imports. Each reader streams its file and yields batches of
 * validated records (customers, orders, events) with the rows it rejected; the import pipeline
 * (src/ingest/import-file.ts) writes them. Readers never split one order across two batches.
 */
import { assertNever } from '../../errors.js';
import type { ImportFormat, ParsedBatch, ReadOptions } from '../records.js';
import { readEventsJsonl } from './events-jsonl.js';
import { readMarketingCosts } from './marketing-costs.js';
import { readOrdersCsv } from './orders-csv.js';
import { readProductsCsv } from './products-csv.js';
import { readShopifyCustomers } from './shopify-customers.js';
import { readShopifyOrders } from './shopify-orders.js';
import { readShopifyProducts } from './shopify-products.js';

export { BUILTIN_MAPPINGS, loadMapping, type Mapping, mappingSchema, parseMapping } from './mapping.js';
export { shopifyOrderStatus } from './shopify-orders.js';

/** Reads a file of the given format in batches; throws NurtureError for a file it cannot read at all. */
export function readFormat(
  format: ImportFormat,
  path: string,
  options: ReadOptions,
): AsyncGenerator<ParsedBatch> {
  switch (format) {
    case 'shopify-customers':
      return readShopifyCustomers(path, options);
    case 'shopify-orders':
      return readShopifyOrders(path, options);
    case 'orders-csv':
      return readOrdersCsv(path, options);
    case 'events-jsonl':
      return readEventsJsonl(path, options);
    case 'shopify-products':
      return readShopifyProducts(path, options);
    case 'products-csv':
      return readProductsCsv(path, options);
    case 'marketing-costs':
      return readMarketingCosts(path, options);
    default:
      return assertNever(format, 'import format');
  }
}
