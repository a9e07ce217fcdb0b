/** The seller's view of the job table, for `nurture jobs` and `/api/v1/jobs`. */
import type { JobState } from '../domain/jobs/index.js';
import { NurtureError } from '../errors.js';
import { countJobs, getJob, type Job, listJobs, retryJob } from '../store/jobs/index.js';
import type { AppContext } from './context.js';

/** One job of the shop. */
export async function getShopJob(ctx: AppContext, input: { shopId: string; jobId: string }): Promise<Job> {
  const job = await getJob(ctx.store, input.shopId, input.jobId);
  if (!job) throw new NurtureError('not_found', `no job ${input.jobId}`);
  return job;
}

/** The latest jobs of the shop, with its counts by state. */
export async function listShopJobs(
  ctx: AppContext,
  input: {
    shopId: string;
    state?: JobState | undefined;
    kind?: string | undefined;
    limit?: number | undefined;
  },
): Promise<{ jobs: Job[]; counts: Record<JobState, number> }> {
  const jobs = await listJobs(ctx.store, input.shopId, {
    ...(input.state ? { state: input.state } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.limit ? { limit: input.limit } : {}),
  });
  return { jobs, counts: await countJobs(ctx.store, input.shopId) };
}

/** A failed job back in the queue, due now. */
export function retryShopJob(ctx: AppContext, input: { shopId: string; jobId: string }): Promise<Job> {
  return retryJob(ctx.store, input.shopId, input.jobId, ctx.clock.now());
}
