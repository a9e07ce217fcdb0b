import { stat, writeFile } from 'node:fs/promises';
import { NurtureError } from '../errors.js';
import type { Store } from '../store/store.js';
import { csvLine } from './csv.js';
import { readFormat } from './formats/index.js';
import type { ImportFormat, ParsedBatch, Reject } from './records.js';

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
}

export interface ImportFileOptions {
  shopId: string;
  format: ImportFormat;
  path: string;
  mappingFile?: string;
  /** Import the good rows and report the bad ones instead of importing nothing. */
  skipInvalid?: boolean;
  /** Where to write rejected rows (CSV: line,column,reason). */
  rejectsPath?: string;
  onProgress?: (p: ImportProgress) => void;
  batchSize?: number;
}

export interface ImportSummary {
  importId: string;
  rowsRead: number;
  customers: number;
  orders: number;
  events: number;
  merged: number;
  rejected: number;
  seconds: number;
  rejects: Reject[];
}

/** Rejects shown in an error message; the rejects file has all of them. */
const REJECTS_IN_MESSAGE = 20;

/**
 * Imports one file into a shop in one transaction. By default any rejected row aborts the
 * import and nothing changes; with `skipInvalid` the valid rows go in. Re-importing a file
 * changes nothing: orders upsert by (source, external id), customers by their identity keys,
 * events by message id.
 */
export async function importFile(store: Store, options: ImportFileOptions): Promise<ImportSummary> {
  const started = performance.now();
  const startedAt = new Date(store.ids.now());
  const shop = await store.ensureShop({ shopId: options.shopId });
  const totalBytes = await fileSize(options.path);
  const importId = store.newId('imp');
  const rejects: Reject[] = [];
  const totals = { rowsRead: 0, customers: 0, orders: 0, events: 0, merged: 0 };

  const run = store.transaction(async (tx) => {
    const referrals = [];
    const session = await tx.beginImport(options.shopId);
    const batches = readFormat(options.format, options.path, {
      currency: shop.currency,
      timezone: shop.timezone,
      ...(options.mappingFile ? { mappingFile: options.mappingFile } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
    for await (const batch of batches) {
      rejects.push(...batch.rejects);
      totals.rowsRead = batch.rowsRead;
      // Once a row is bad and the import is all-or-nothing, the rest is only validated.
      if (rejects.length === 0 || options.skipInvalid) {
        const result = await tx.importBatch(options.shopId, valuesOf(batch), importId, startedAt, session);
        totals.customers += result.newCustomers;
        totals.orders += result.orders;
        totals.events += result.events;
        totals.merged += result.merged;
        referrals.push(...result.referrals);
      }
      options.onProgress?.({ bytesRead: batch.bytesRead, totalBytes, rowsRead: batch.rowsRead });
    }
    if (rejects.length > 0 && !options.skipInvalid) throw rejectedError(options.path, rejects);
    await tx.resolveReferrals(options.shopId, referrals);
    await tx.recordImportRun(options.shopId, {
      importId,
      format: options.format,
      file: options.path,
      ...totals,
      rejected: rejects.length,
      startedAt,
      finishedAt: new Date(store.ids.now()),
    });
  });
  try {
    await run;
  } finally {
    if (options.rejectsPath && rejects.length > 0) await writeRejects(options.rejectsPath, rejects);
  }
  return {
    importId,
    ...totals,
    rejected: rejects.length,
    seconds: (performance.now() - started) / 1000,
    rejects,
  };
}

function valuesOf(batch: ParsedBatch) {
  return {
    customers: batch.customers.map((c) => c.value),
    orders: batch.orders.map((o) => o.value),
    events: batch.events.map((e) => e.value),
  };
}

function rejectedError(path: string, rejects: readonly Reject[]): NurtureError {
  const shown = rejects
    .slice(0, REJECTS_IN_MESSAGE)
    .map((r) => `  line ${r.line}${r.column ? `, column ${r.column}` : ''}: ${r.reason}`)
    .join('\n');
  const more = rejects.length > REJECTS_IN_MESSAGE ? `\n  … and ${rejects.length - REJECTS_IN_MESSAGE} more` : '';
  return new NurtureError(
    'invalid_file',
    `${path}: ${rejects.length} row(s) rejected; nothing was imported (use --skip-invalid --rejects FILE to import the valid rows)\n${shown}${more}`,
    rejects.map((r) => ({ file: path, line: r.line, ...(r.column ? { column: r.column } : {}), reason: r.reason })),
  );
}

async function writeRejects(path: string, rejects: readonly Reject[]): Promise<void> {
  const body = rejects.map((r) => csvLine([r.line, r.column ?? '', r.reason])).join('');
  await writeFile(path, csvLine(['line', 'column', 'reason']) + body, 'utf8');
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    throw new NurtureError('invalid_input', `file not found: ${path}`);
  }
}
