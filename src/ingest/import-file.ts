import { stat } from 'node:fs/promises';
import { spreadsheetText } from '../domain/spreadsheet.js';
import { columnPhrase, directoryGivenError, inputFileError, NurtureError } from '../errors.js';
import { writeOutputFile } from '../output-file.js';
import type { Store } from '../store/store.js';
import { csvLine } from './csv.js';
import { readFormat } from './formats/index.js';
import type { ImportFormat, ParsedBatch, ReadOptions, Reject } from './records.js';
import { canParseInWorker, readInWorker } from './worker-reader.js';

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
  /** Records (orders) per batch written; default IMPORT_BATCH_SIZE. */
  batchSize?: number;
  /**
   * Parse in a worker thread, overlapping parsing with writing. Default: for order files of at
   * least WORKER_MIN_BYTES. Only where the compiled worker exists (not from TypeScript sources).
   */
  parseInWorker?: boolean;
  /**
   * What follows the written orders, in the import's transaction: the application's one
   * after-orders pipeline (src/app/after-orders.ts), given the customers the import touched.
   */
  afterOrders: (tx: Store, customerIds: string[]) => Promise<unknown>;
}

/** Where an import spent its time, in seconds (reading overlaps writing when a worker parses). */
export interface ImportPhases {
  /** Waiting for the next parsed batch. */
  readSeconds: number;
  /** Writing batches to the store. */
  writeSeconds: number;
  /** After the last batch: referrals, what derives from the touched customers, the import record. */
  finishSeconds: number;
}

/**
 * Orders (or records) per batch: large batches keep the per-statement cost of the set-based
 * writes small. 8,192 rather than 16,384 keeps a 1M-row import under 1.5 GiB of peak RSS
 * (1.38–1.45 GiB against 1.56–1.69 GiB) for about 2 % more time (docs/benchmarks.md, Import).
 */
export const IMPORT_BATCH_SIZE = 8192;

/** Imports writing this many orders and customers refresh the planner's statistics (PostgreSQL). */
const PLANNER_STATISTICS_MIN_ROWS = 1000;

/** Smaller files are parsed on the importing thread: starting a worker costs more than it saves. */
export const WORKER_MIN_BYTES = 4 << 20;

export interface ImportSummary {
  importId: string;
  rowsRead: number;
  customers: number;
  orders: number;
  events: number;
  merged: number;
  /** Catalogue entries (SKUs) written by a catalogue import. */
  products: number;
  marketingCosts: number;
  /** Catalogue variants without a SKU, left out (order lines name SKUs). */
  skippedVariants: number;
  rejected: number;
  seconds: number;
  rejects: Reject[];
  phases: ImportPhases;
}

/** Rejects shown in an error message; the rejects file has all of them. */
const REJECTS_IN_MESSAGE = 20;

/**
 * Imports one file into a shop in one transaction. By default any rejected row aborts the
 * import and nothing changes; with `skipInvalid` the valid rows go in. Re-importing a file
 * changes nothing: orders upsert by (source, external id), customers by their identity keys,
 * events by message id.
 */
export async function runFileImport(store: Store, options: ImportFileOptions): Promise<ImportSummary> {
  const started = performance.now();
  const startedAt = new Date(store.ids.now());
  const totalBytes = await fileSize(options.path);
  const importId = store.newId('imp');
  const rejects: Reject[] = [];
  const totals = {
    rowsRead: 0,
    customers: 0,
    orders: 0,
    events: 0,
    merged: 0,
    products: 0,
    marketingCosts: 0,
    skippedVariants: 0,
  };
  const phases: ImportPhases = { readSeconds: 0, writeSeconds: 0, finishSeconds: 0 };

  const inWorker = parsesInWorker(options, totalBytes);
  // The parse worker takes a core: DuckDB runs faster with one thread fewer than contending for it.
  const untune = inWorker ? await store.engine.tuneForBulkWrite?.() : undefined;
  const run = store.transaction(async (tx) => {
    // In the transaction: an import that fails creates no shop either.
    const shop = await tx.ensureShop({ shopId: options.shopId });
    const referrals = [];
    const touched = new Set<string>();
    const session = await tx.beginImport(options.shopId);
    const batches = readBatches(options, inWorker, {
      currency: shop.currency,
      timezone: shop.timezone,
      ...(options.mappingFile ? { mappingFile: options.mappingFile } : {}),
      batchSize: options.batchSize ?? IMPORT_BATCH_SIZE,
    });
    for await (const batch of timedBatches(batches, phases)) {
      // One by one: spreading a batch of 100,000 rejects into push's arguments overflows the stack.
      for (const r of batch.rejects) rejects.push(r);
      totals.rowsRead = batch.rowsRead;
      totals.skippedVariants = batch.skippedVariants ?? totals.skippedVariants;
      // Once a row is bad and the import is all-or-nothing, the rest is only validated.
      if (rejects.length === 0 || options.skipInvalid) {
        const writeStart = performance.now();
        const result = await tx.importBatch(
          options.shopId,
          valuesOf(batch),
          importId,
          startedAt,
          session,
          catalogueSource(options.format),
        );
        phases.writeSeconds += (performance.now() - writeStart) / 1000;
        totals.customers += result.newCustomers;
        totals.orders += result.orders;
        totals.events += result.events;
        totals.merged += result.merged;
        totals.products += result.products;
        totals.marketingCosts += result.marketingCosts;
        for (const r of result.referrals) referrals.push(r);
        for (const id of result.customerIds) touched.add(id);
      }
      options.onProgress?.({ bytesRead: batch.bytesRead, totalBytes, rowsRead: batch.rowsRead });
    }
    if (rejects.length > 0 && !options.skipInvalid) throw rejectedError(options.path, rejects);
    const finishStart = performance.now();
    if (totals.orders + totals.customers >= PLANNER_STATISTICS_MIN_ROWS) await tx.refreshPlannerStatistics();
    await tx.resolveReferrals(options.shopId, referrals);
    // Stats and segment membership of the touched customers follow in the same transaction.
    await options.afterOrders(tx, [...touched]);
    await tx.recordImportRun(options.shopId, {
      importId,
      format: options.format,
      file: options.path,
      ...totals,
      rejected: rejects.length,
      startedAt,
      finishedAt: new Date(store.ids.now()),
    });
    phases.finishSeconds = (performance.now() - finishStart) / 1000;
  });
  try {
    await run;
  } finally {
    await untune?.();
    if (options.rejectsPath && rejects.length > 0) await writeRejects(options.rejectsPath, rejects);
  }
  return {
    importId,
    ...totals,
    rejected: rejects.length,
    seconds: (performance.now() - started) / 1000,
    rejects,
    phases,
  };
}

/** Whether to parse in a worker: big order files, where the compiled worker exists. */
function parsesInWorker(options: ImportFileOptions, totalBytes: number): boolean {
  return (options.parseInWorker ?? totalBytes >= WORKER_MIN_BYTES) && canParseInWorker(options.format);
}

/** The file's batches: from a parse worker, or read on this thread. */
function readBatches(
  options: ImportFileOptions,
  inWorker: boolean,
  read: ReadOptions,
): AsyncGenerator<ParsedBatch> {
  return inWorker
    ? readInWorker({ format: options.format, path: options.path, options: read })
    : readFormat(options.format, options.path, read);
}

/** The batches, adding the time spent waiting for each to `phases.readSeconds`. */
async function* timedBatches(
  batches: AsyncGenerator<ParsedBatch>,
  phases: ImportPhases,
): AsyncGenerator<ParsedBatch> {
  try {
    for (;;) {
      const start = performance.now();
      const next = await batches.next();
      phases.readSeconds += (performance.now() - start) / 1000;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await batches.return(undefined);
  }
}

function valuesOf(batch: ParsedBatch) {
  return {
    customers: batch.customers.map((c) => c.value),
    orders: batch.orderColumns ?? batch.orders.map((o) => o.value),
    events: batch.events.map((e) => e.value),
    products: batch.productGroups.flatMap((g) => g.value),
    marketingCosts: batch.marketingCosts.map((c) => c.value),
  };
}

/** What the catalogue entries of an import record as their source: its format's platform. */
function catalogueSource(format: ImportFormat): string {
  return format === 'shopify-products' ? 'shopify' : format;
}

function rejectedError(path: string, rejects: readonly Reject[]): NurtureError {
  const shown = rejects
    .slice(0, REJECTS_IN_MESSAGE)
    .map((r) => `  line ${r.line}${r.column ? `, ${columnPhrase(r.column)}` : ''}: ${r.reason}`)
    .join('\n');
  const more =
    rejects.length > REJECTS_IN_MESSAGE ? `\n  … and ${rejects.length - REJECTS_IN_MESSAGE} more` : '';
  return new NurtureError(
    'invalid_file',
    `${path}: ${rejects.length} row(s) rejected; nothing was imported (use --skip-invalid --rejects FILE to import the valid rows)\n${shown}${more}`,
    rejects.map((r) => ({
      file: path,
      line: r.line,
      ...(r.column ? { column: r.column } : {}),
      reason: r.reason,
    })),
  );
}

/** The refusal's first line, as `rejectedError` writes it. */
const REFUSAL = /: (\d+) row\(s\) rejected; nothing was imported/;
/** One rejected row's line in the refusal's message. */
const REFUSED_ROW = /^ {2}line (\d+)(?:, column (.*?))?: (.*)$/;

/**
 * Reads back the rejected rows of an all-or-nothing import's refusal from its message (a job
 * keeps only its error's text): how many rows were rejected and the first ones, by line and
 * column; undefined for any other error.
 */
export function refusalOf(message: string): { rejected: number; rejects: Reject[] } | undefined {
  const head = REFUSAL.exec(message);
  if (!head) return undefined;
  const rejects: Reject[] = [];
  for (const line of message.split('\n')) {
    const row = REFUSED_ROW.exec(line);
    if (row)
      rejects.push({ line: Number(row[1]), ...(row[2] ? { column: row[2] } : {}), reason: row[3] ?? '' });
  }
  return { rejected: Number(head[1]), rejects };
}

async function writeRejects(path: string, rejects: readonly Reject[]): Promise<void> {
  // Read by people in a spreadsheet: a column or value from the file cannot become a formula.
  const body = rejects
    .map((r) => csvLine([r.line, spreadsheetText(r.column ?? ''), spreadsheetText(r.reason)]))
    .join('');
  await writeOutputFile(path, csvLine(['line', 'column', 'reason']) + body);
}

async function fileSize(path: string): Promise<number> {
  const info = await stat(path).catch((error: unknown) => {
    throw inputFileError(error, path) ?? error;
  });
  if (info.isDirectory()) throw directoryGivenError(path);
  return info.size;
}
