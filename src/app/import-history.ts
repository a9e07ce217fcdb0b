/**
 * Imports as a seller follows them: one import job (its file, progress, then its summary with the
 * rejected rows, or why the file was refused) and the shop's recent ones. Read from the job table
 * (src/app/import-jobs.ts writes them); a job that is not an import is not one of these.
 */
import { z } from 'zod';
import type { JobState } from '../domain/jobs/index.js';
import { NurtureError } from '../errors.js';
import { refusalOf } from '../ingest/import-file.js';
import { IMPORT_FORMATS, type ImportFormat, type Reject } from '../ingest/records.js';
import { type Job, listJobs } from '../store/jobs/index.js';
import type { AppContext } from './context.js';
import { IMPORT_JOB } from './import-jobs.js';
import { getShopJob } from './jobs.js';

export interface ImportJobSummary {
  rowsRead: number;
  customers: number;
  orders: number;
  events: number;
  merged: number;
  products: number;
  marketingCosts: number;
  rejected: number;
  seconds: number;
  /** The first rejected rows (the job keeps up to 1000; `rejected` counts them all). */
  rejects: Reject[];
}

export interface ImportJobView {
  jobId: string;
  state: JobState;
  format: ImportFormat | undefined;
  mapping: string | undefined;
  skipInvalid: boolean;
  fileName: string | undefined;
  createdAt: Date;
  finishedAt: Date | null;
  /** When a queued job runs (after a failed attempt: its retry). */
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  /** Rows and bytes read so far, while it runs. */
  progress: { rowsRead: number; bytesRead: number; totalBytes: number } | undefined;
  summary: ImportJobSummary | undefined;
  /** Why the latest attempt failed (a refused file lists its bad rows), without the stack trace. */
  error: string | undefined;
  /**
   * The file was refused (invalid rows not skipped): its rejected rows. Trying again refuses it
   * again, so the seller reads this as the import's end whatever the job's state.
   */
  refused: { rejected: number; rejects: Reject[] } | undefined;
}

const payloadSchema = z.object({
  format: z.enum(IMPORT_FORMATS).optional(),
  mapping: z.string().optional(),
  skipInvalid: z.boolean().optional(),
  path: z.string().optional(),
  fileName: z.string().optional(),
});

const progressSchema = z.object({
  rowsRead: z.number(),
  bytesRead: z.number(),
  totalBytes: z.number(),
});

const count = z.number().catch(0);
const summarySchema = z.object({
  rowsRead: count,
  customers: count,
  orders: count,
  events: count,
  merged: count,
  products: count,
  marketingCosts: count,
  rejected: count,
  seconds: count,
  rejects: z
    .array(z.object({ line: z.number(), column: z.string().optional(), reason: z.string() }))
    .catch([]),
});

/**
 * The message of a job's last error as the seller reads it: the error's own text without its
 * class name and stack, with the server's path of the upload replaced by the file's name.
 */
export function errorMessageOf(
  lastError: string | null,
  path?: string,
  fileName?: string,
): string | undefined {
  if (!lastError) return undefined;
  const lines = lastError.split('\n');
  const stackAt = lines.findIndex((line) => /^\s+at /.test(line));
  let message = (stackAt >= 0 ? lines.slice(0, stackAt) : lines).join('\n').replace(/^\w*Error: /, '');
  if (path) message = message.split(path).join(fileName ?? 'upload');
  return message.trim();
}

/** An import job as the imports page shows it. */
export function importJobView(job: Job): ImportJobView {
  const payload = payloadSchema.safeParse(job.payload);
  const p = payload.success ? payload.data : {};
  const progress = progressSchema.safeParse(job.progress);
  const summary = job.result === null ? undefined : summarySchema.safeParse(job.result);
  const error = errorMessageOf(job.lastError, p.path, p.fileName);
  return {
    jobId: job.jobId,
    state: job.state,
    format: p.format,
    mapping: p.mapping,
    skipInvalid: p.skipInvalid ?? false,
    fileName: p.fileName,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    runAt: job.runAt,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    progress: progress.success ? progress.data : undefined,
    summary: summary?.success ? summary.data : undefined,
    error,
    refused: error && job.result === null ? refusalOf(error) : undefined,
  };
}

/** One import job of the shop; another shop's job, or a job that is not an import, is not found. */
export async function getImportJob(
  ctx: AppContext,
  input: { shopId: string; jobId: string },
): Promise<ImportJobView> {
  const job = await getShopJob(ctx, input);
  if (job.kind !== IMPORT_JOB) throw new NurtureError('not_found', `no import ${input.jobId}`);
  return importJobView(job);
}

/** The shop's latest imports, the newest first. */
export async function listImportJobs(
  ctx: AppContext,
  input: { shopId: string; limit?: number },
): Promise<ImportJobView[]> {
  const jobs = await listJobs(ctx.store, input.shopId, { kind: IMPORT_JOB, limit: input.limit ?? 20 });
  return jobs.map(importJobView);
}
