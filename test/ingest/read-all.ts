import { readFormat } from '../../src/ingest/formats/index.js';
import type { ImportFormat, ParsedBatch, ReadOptions } from '../../src/ingest/records.js';

export const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;

export const VN: ReadOptions = { currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' };

/** Reads a whole file and concatenates its batches. */
export async function readAll(
  format: ImportFormat,
  path: string,
  options: Partial<ReadOptions> = {},
): Promise<ParsedBatch & { batches: number }> {
  const all: ParsedBatch & { batches: number } = {
    customers: [],
    orders: [],
    events: [],
    productGroups: [],
    marketingCosts: [],
    rejects: [],
    rowsRead: 0,
    bytesRead: 0,
    batches: 0,
  };
  for await (const b of readFormat(format, path, { ...VN, ...options })) {
    all.customers.push(...b.customers);
    all.orders.push(...b.orders);
    all.events.push(...b.events);
    all.productGroups.push(...b.productGroups);
    all.marketingCosts.push(...b.marketingCosts);
    if (b.skippedVariants !== undefined) all.skippedVariants = b.skippedVariants;
    all.rejects.push(...b.rejects);
    all.rowsRead = b.rowsRead;
    all.bytesRead = b.bytesRead;
    all.batches++;
  }
  return all;
}
