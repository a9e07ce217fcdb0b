/**
 * Imports run as jobs: an upload is kept as a file, a job imports it in the background and
 * reports its progress (rows and bytes read) and then its summary on the job, which
 * `GET /api/v1/jobs/{id}` shows. For files too long to wait for in one HTTP request.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { NurtureError } from '../errors.js';
import type { ImportProgress, ImportSummary } from '../ingest/import-file.js';
import { IMPORT_FORMATS } from '../ingest/records.js';
import { enqueueJob, getJob, type Job } from '../store/jobs/index.js';
import { isPostgresUrl } from '../store/store.js';
import { type AppContext, withStore } from './context.js';
import { type ImportInput, importFile, importInputSchema } from './imports.js';
import { parseInput } from './input.js';

/** The job kind of an import run in the background. */
export const IMPORT_JOB = 'import.file';

/** Rejected rows kept in a job's summary (the rest are counted). */
const REJECTS_KEPT = 1000;
/** Progress is written at most this often. */
const PROGRESS_EVERY_MS = 500;

const importJobPayload = z.object({
  format: z.enum(IMPORT_FORMATS),
  mapping: z.string().optional(),
  skipInvalid: z.boolean(),
  /** The kept upload. */
  path: z.string().min(1),
  fileName: z.string().optional(),
});

/**
 * Where uploads wait for their job: beside a DuckDB file (`nurture.duckdb.uploads/`), else in
 * the system's temporary directory. With PostgreSQL and workers on other machines this folder
 * must be shared by them.
 */
export function uploadsDir(db: string): string {
  if (db !== ':memory:' && !isPostgresUrl(db)) return `${db}.uploads`;
  return join(tmpdir(), 'nurture-uploads');
}

/**
 * Keeps an upload and enqueues its import; answers the job at once (state queued). The same
 * input as `importStream`; the summary arrives on the job.
 */
export async function enqueueImport(
  ctx: AppContext,
  input: ImportInput & { stream: Readable; fileName?: string },
): Promise<Job> {
  const valid = parseInput(importInputSchema, {
    shopId: input.shopId,
    format: input.format,
    mapping: input.mapping,
    skipInvalid: input.skipInvalid,
  });
  await ctx.store.requireShop(valid.shopId);
  const dir = uploadsDir(ctx.config.db);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const safeName = input.fileName?.replace(/[^\w.-]/g, '_').slice(0, 100) || 'upload';
  const path = join(dir, `${ctx.newId('job')}-${safeName}`);
  try {
    await pipeline(input.stream, createWriteStream(path, { mode: 0o600 }));
    const { jobId } = await enqueueJob(
      ctx.store,
      {
        shopId: valid.shopId,
        kind: IMPORT_JOB,
        payload: {
          format: valid.format,
          ...(valid.mapping ? { mapping: valid.mapping } : {}),
          skipInvalid: valid.skipInvalid,
          path,
          ...(input.fileName ? { fileName: input.fileName } : {}),
        },
        runAt: ctx.clock.now(),
        // An import that failed on its data fails the same way again.
        maxAttempts: 2,
      },
      ctx.clock.now(),
    );
    const job = await getJob(ctx.store, valid.shopId, jobId);
    if (!job) throw new NurtureError('internal', `the import job ${jobId} was not kept`);
    return job;
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/** What the import job tells its worker: progress while it runs, the summary when done. */
export interface ImportJobHooks {
  progress(p: ImportProgress): Promise<unknown>;
  result(summary: ImportSummary): Promise<unknown>;
}

/**
 * The `import.file` job. The import's transaction runs on a connection of its own (DuckDB), so
 * that the worker's connection stays free to extend the job's lease and write its progress; a
 * job run again after its summary was written only removes the upload.
 */
export async function runImportJob(
  ctx: AppContext,
  job: Pick<Job, 'jobId' | 'shopId' | 'payload' | 'result'>,
  hooks: ImportJobHooks,
): Promise<void> {
  const parsed = importJobPayload.safeParse(job.payload);
  if (!parsed.success)
    throw new NurtureError('invalid_input', `import job ${job.jobId}: the payload is not an import's`);
  const payload = parsed.data;
  if (job.result === null) {
    const side = await ctx.store.separateConnection();
    let reported = 0;
    let writing: Promise<unknown> = Promise.resolve();
    try {
      const summary = await importFile(withStore(ctx, side), {
        shopId: job.shopId,
        format: payload.format,
        ...(payload.mapping ? { mapping: payload.mapping } : {}),
        skipInvalid: payload.skipInvalid,
        path: payload.path,
        onProgress: (p) => {
          const now = Date.now();
          if (now - reported < PROGRESS_EVERY_MS) return;
          reported = now;
          writing = writing.then(() => hooks.progress(p)).catch(() => undefined);
        },
      });
      await writing;
      await hooks.result({ ...summary, rejects: summary.rejects.slice(0, REJECTS_KEPT) });
    } finally {
      if (side !== ctx.store) await side.close();
    }
  }
  await rm(payload.path, { force: true });
}
