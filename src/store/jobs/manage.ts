/** The seller's side of the job table, scoped to one shop: look, count, retry. */
import { JOB_STATES, type JobState } from '../../domain/jobs/index.js';
import { NurtureError } from '../../errors.js';
import type { Store } from '../store.js';
import { JOB_COLUMNS, type Job, type JobRow, toJob } from './records.js';

export async function getJob(store: Store, shopId: string, jobId: string): Promise<Job | undefined> {
  const rows = await store.engine.all<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM jobs WHERE shop_id = $1 AND job_id = $2`,
    [shopId, jobId],
  );
  return rows[0] && toJob(rows[0]);
}

export interface ListJobsFilter {
  state?: JobState;
  kind?: string;
  /** At most this many (default 100). */
  limit?: number;
}

/** A shop's jobs, the latest created first. */
export async function listJobs(store: Store, shopId: string, filter: ListJobsFilter = {}): Promise<Job[]> {
  const rows = await store.engine.all<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM jobs
     WHERE shop_id = $1 AND ($2 = '' OR state = $2) AND ($3 = '' OR kind = $3)
     ORDER BY created_at DESC, job_id DESC
     LIMIT $4`,
    [shopId, filter.state ?? '', filter.kind ?? '', filter.limit ?? 100],
  );
  return rows.map(toJob);
}

/** How many jobs are in each state, for one shop or (without it) all of them. */
export async function countJobs(store: Store, shopId?: string): Promise<Record<JobState, number>> {
  const rows = await store.engine.all<{ state: string; n: number }>(
    `SELECT state, COUNT(*) AS n FROM jobs WHERE ($1 = '' OR shop_id = $1) GROUP BY state`,
    [shopId ?? ''],
  );
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  for (const r of rows) if (r.state in counts) counts[r.state as JobState] = Number(r.n);
  return counts;
}

/**
 * Puts a failed job back in the queue, due now, with a fresh set of attempts (attempts back to
 * 0): whoever retries by hand has fixed the cause, and the job should get its full retry schedule
 * again. Its last error is kept until an attempt fails anew. Only a failed job can be retried.
 */
export async function retryJob(store: Store, shopId: string, jobId: string, now: Date): Promise<Job> {
  const rows = await store.engine.all<JobRow>(
    `UPDATE jobs SET state = 'queued', attempts = 0, run_at = $3, lease_owner = NULL, lease_expires_at = NULL,
       finished_at = NULL, updated_at = $3
     WHERE shop_id = $1 AND job_id = $2 AND state = 'failed'
     RETURNING ${JOB_COLUMNS}`,
    [shopId, jobId, now],
  );
  if (rows[0]) return toJob(rows[0]);
  const job = await getJob(store, shopId, jobId);
  if (!job) throw new NurtureError('not_found', `no job '${jobId}' in shop '${shopId}'`);
  throw new NurtureError('conflict', `job ${jobId} is ${job.state}: only a failed job can be retried`);
}
