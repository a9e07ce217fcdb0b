import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import { type ImportProgress, type ImportSummary, runFileImport } from '../ingest/import-file.js';
import { IMPORT_FORMATS, MAPPED_FORMATS } from '../ingest/records.js';
import { afterOrders } from './after-orders.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

/** What an import needs, as the CLI and `POST /api/v1/imports` both give it. */
export const importInputSchema = z
  .object({
    shopId: shopSchema.shape.shopId,
    format: z.enum(IMPORT_FORMATS, {
      error: (issue) =>
        `unknown import format ${JSON.stringify(issue.input)}; use one of: ${IMPORT_FORMATS.join(', ')}`,
    }),
    /**
     * orders-csv: haravan | shopee | lazada | tiktok; products-csv: haravan | shopee; or a
     * .json/.yaml mapping file.
     */
    mapping: z.string().min(1).optional(),
    /** Import the valid rows and report the rejected ones (default: all or nothing). */
    skipInvalid: z.boolean().default(false),
  })
  .superRefine((input, issues) => {
    const mapped = (MAPPED_FORMATS as readonly string[]).includes(input.format);
    if (mapped && input.mapping === undefined)
      issues.addIssue({
        code: 'custom',
        path: ['mapping'],
        message:
          input.format === 'orders-csv'
            ? 'orders-csv needs a mapping (haravan, shopee, lazada, tiktok or a file)'
            : 'products-csv needs a mapping (haravan, shopee or a file)',
      });
    if (!mapped && input.mapping !== undefined)
      issues.addIssue({
        code: 'custom',
        path: ['mapping'],
        message: `a mapping is for ${MAPPED_FORMATS.join(' and ')}, not ${input.format}`,
      });
  });
export type ImportInput = z.input<typeof importInputSchema>;

/** How to run it, beyond what the input says (not part of the wire type). */
export interface ImportRunOptions {
  /** Where to write rejected rows (CSV: line,column,reason). */
  rejectsPath?: string;
  onProgress?: (p: ImportProgress) => void;
  batchSize?: number;
  parseInWorker?: boolean;
}

/**
 * Imports a file into a shop in one transaction, then the after-orders pipeline for every customer
 * it touched, in the same transaction. Creates the shop on its first import.
 */
export async function importFile(
  ctx: AppContext,
  input: ImportInput & { path: string } & ImportRunOptions,
): Promise<ImportSummary> {
  const { shopId, format, mapping, skipInvalid, path, ...options } = input;
  const valid = parseInput(importInputSchema, { shopId, format, mapping, skipInvalid });
  return runFileImport(ctx.store, {
    shopId: valid.shopId,
    format: valid.format,
    path,
    ...(valid.mapping ? { mappingFile: valid.mapping } : {}),
    skipInvalid: valid.skipInvalid,
    ...options,
    afterOrders: (tx, customerIds) => afterOrders(ctx, valid.shopId, customerIds, tx),
  });
}

/**
 * Imports a stream (an upload): written to a private temporary file first, since the readers
 * (and the parse worker) read files, then imported as `importFile` does, and removed.
 */
export async function importStream(
  ctx: AppContext,
  input: ImportInput & { stream: Readable; fileName?: string } & ImportRunOptions,
): Promise<ImportSummary> {
  const dir = await mkdtemp(join(tmpdir(), 'nurture-upload-'));
  const path = join(dir, input.fileName?.replace(/[^\w.-]/g, '_') || 'upload');
  try {
    await pipeline(input.stream, createWriteStream(path, { mode: 0o600 }));
    const { stream: _stream, fileName: _name, ...rest } = input;
    return await importFile(ctx, { ...rest, path });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
