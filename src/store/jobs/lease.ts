/**
 * The worker's side of the job table: claim a batch under a lease, complete, fail (retry later
 * or give up), extend leases. Every function takes `now` from the caller's clock.
 *
 * Claiming differs by engine (docs/jobs.md):
 * - PostgreSQL: `UPDATE … WHERE job_id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING`.
 *   Any number of workers in any number of processes claim at once; each skips the rows another
 *   has locked, so no job is handed to two of them.
 * - DuckDB: no row locks (`FOR UPDATE` is a parser error) and concurrent writers of one row
 *   conflict ("Conflict on tuple deletion"). The same UPDATE without the locking clause claims a
 *   batch in one statement; the DuckDB engine runs its statements one at a time, so claims in a
 *   process never race, and only one process can open the file.
 *
 * Completion and failure are guarded by the lease: only the worker that holds a running job
 * can finish it. A worker whose lease expired (it stalled, another worker took the job over)
 * finishes nothing; the job's new holder does.
 */
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from '../../domain/jobs/index.js';
import { NurtureError } from '../../errors.js';
import type { Store } from '../store.js';
import { errorText, JOB_COLUMNS, type Job, type JobRow, placeholders, toJob } from './records.js';

export interface ClaimOptions {
  /** Who claims: a worker id, unique per dispatcher (e.g. host:pid:random). */
  owner: string;
  /** At most this many jobs. */
  limit: number;
  /** The lease: the job is the owner's until now + leaseMs, then any worker may claim it again. */
  leaseMs: number;
  now: Date;
}

/** Message kept on a job whose lease ran out (its worker was killed, lost or stalled). */
export const LEASE_EXPIRED = 'lease expired: the worker stopped or stalled before finishing';

/**
 * Claims up to `limit` due jobs: queued ones whose run_at has come, and running ones whose lease
 * has expired (a crashed worker's). Each claim starts an attempt. A job whose lease expired on
 * its last attempt is failed instead of claimed. Jobs come back in run_at order.
 */
export async function claimJobs(store: Store, options: ClaimOptions): Promise<Job[]> {
  const { owner, limit, leaseMs, now } = options;
  if (!(Number.isInteger(limit) && limit >= 1)) return [];
  if (!(leaseMs > 0)) throw new NurtureError('invalid_input', `leaseMs must be positive, not ${leaseMs}`);
  const engine = store.engine;
  // An idle poll (the usual one: the worker polls every --poll-ms) reads instead of writing: the
  // two UPDATEs below scan and commit each time, and on DuckDB they take turns on the one
  // connection with the flows' outbox (in the flows benchmark, polling every 20 ms, they held it
  // a tenth of the time). Whatever either UPDATE would touch, this finds.
  const due = await engine.all(
    `SELECT 1 AS one FROM jobs
     WHERE (state = 'queued' AND run_at <= $1) OR (state = 'running' AND lease_expires_at <= $1) LIMIT 1`,
    [now],
  );
  if (due.length === 0) return [];
  await engine.run(
    `UPDATE jobs SET state = 'failed', last_error = $2, lease_owner = NULL, lease_expires_at = NULL,
       finished_at = $1, updated_at = $1
     WHERE state = 'running' AND lease_expires_at <= $1 AND attempts >= max_attempts`,
    [now, `${LEASE_EXPIRED} (on the last attempt)`],
  );
  const lock = engine.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const rows = await engine.all<JobRow>(
    `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2,
       updated_at = $3,
       last_error = CASE WHEN state = 'running' THEN $5 ELSE last_error END
     WHERE job_id IN (
       SELECT job_id FROM jobs
       WHERE (state = 'queued' AND run_at <= $3)
          OR (state = 'running' AND lease_expires_at <= $3 AND attempts < max_attempts)
       ORDER BY run_at, job_id
       LIMIT $4 ${lock})
     RETURNING ${JOB_COLUMNS}`,
    [owner, new Date(now.getTime() + leaseMs), now, limit, LEASE_EXPIRED],
  );
  return rows.map(toJob).sort(byRunAt);
}

const byRunAt = (a: Job, b: Job) =>
  a.runAt.getTime() - b.runAt.getTime() || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);

/** Rows per statement for id lists. */
const ID_CHUNK = 1000;

/** Marks the owner's running jobs done, in one statement per thousand; returns how many. */
export async function completeJobs(
  store: Store,
  owner: string,
  jobIds: readonly string[],
  now: Date,
): Promise<number> {
  let done = 0;
  for (let start = 0; start < jobIds.length; start += ID_CHUNK) {
    const chunk = jobIds.slice(start, start + ID_CHUNK);
    const rows = await store.engine.all<{ job_id: string }>(
      `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, finished_at = $2, updated_at = $2
       WHERE job_id IN (${placeholders(3, chunk.length)}) AND state = 'running' AND lease_owner = $1
       RETURNING job_id`,
      [owner, now, ...chunk],
    );
    done += rows.length;
  }
  return done;
}

export interface FailOptions {
  /** Give up now, whatever attempts are left (e.g. no handler for the kind). */
  permanent?: boolean;
  /** Random source of the jitter, in [0, 1) (tests fix it). */
  random?: () => number;
  policy?: RetryPolicy;
}

export interface FailOutcome {
  /** 'queued' when it will be tried again at `runAt`, 'failed' when it will not. */
  state: 'queued' | 'failed';
  runAt: Date | null;
  attempts: number;
}

/**
 * Records a failed attempt of the owner's running job: queued again after an exponential
 * backoff with jitter, or failed for good once it has had max_attempts (or when `permanent`).
 * Undefined when the owner does not hold the job (any more).
 */
export async function failJob(
  store: Store,
  owner: string,
  jobId: string,
  error: unknown,
  now: Date,
  options: FailOptions = {},
): Promise<FailOutcome | undefined> {
  const [job] = await store.engine.all<{ attempts: number; max_attempts: number }>(
    `SELECT attempts, max_attempts FROM jobs WHERE job_id = $1 AND state = 'running' AND lease_owner = $2`,
    [jobId, owner],
  );
  if (!job) return undefined;
  const attempts = Number(job.attempts);
  const message = errorText(error);
  const guard = `WHERE job_id = $1 AND state = 'running' AND lease_owner = $2 RETURNING job_id`;
  if (options.permanent || attempts >= Number(job.max_attempts)) {
    const rows = await store.engine.all(
      `UPDATE jobs SET state = 'failed', last_error = $3, lease_owner = NULL, lease_expires_at = NULL,
         finished_at = $4, updated_at = $4 ${guard}`,
      [jobId, owner, message, now],
    );
    return rows.length === 0 ? undefined : { state: 'failed', runAt: null, attempts };
  }
  const delay = retryDelayMs(attempts, options.random ?? Math.random, options.policy ?? DEFAULT_RETRY_POLICY);
  const runAt = new Date(now.getTime() + delay);
  const rows = await store.engine.all(
    `UPDATE jobs SET state = 'queued', run_at = $5, last_error = $3, lease_owner = NULL, lease_expires_at = NULL,
       updated_at = $4 ${guard}`,
    [jobId, owner, message, now, runAt],
  );
  return rows.length === 0 ? undefined : { state: 'queued', runAt, attempts };
}

/**
 * Extends the owner's leases on running jobs to now + leaseMs (a long job's heartbeat); returns
 * how many it still held.
 */
export async function extendLeases(
  store: Store,
  owner: string,
  jobIds: readonly string[],
  leaseMs: number,
  now: Date,
): Promise<number> {
  let held = 0;
  for (let start = 0; start < jobIds.length; start += ID_CHUNK) {
    const chunk = jobIds.slice(start, start + ID_CHUNK);
    const rows = await store.engine.all<{ job_id: string }>(
      `UPDATE jobs SET lease_expires_at = $2, updated_at = $3
       WHERE job_id IN (${placeholders(4, chunk.length)}) AND state = 'running' AND lease_owner = $1
       RETURNING job_id`,
      [owner, new Date(now.getTime() + leaseMs), now, ...chunk],
    );
    held += rows.length;
  }
  return held;
}
