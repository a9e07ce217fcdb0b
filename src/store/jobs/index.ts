/**
 * Durable jobs over the store (docs/jobs.md). The worker (src/engine) claims, completes and fails
 * them; anything may enqueue; the seller lists, counts and retries them. Every function takes
 * `now` from the caller.
 */
export { type EnqueueInput, type EnqueueResult, enqueueJob, enqueueJobs } from './enqueue.js';
export {
  type ClaimOptions,
  claimJobs,
  completeJobs,
  extendLeases,
  type FailOptions,
  type FailOutcome,
  failJob,
  LEASE_EXPIRED,
} from './lease.js';
export { countJobs, getJob, type ListJobsFilter, listJobs, retryJob } from './manage.js';
export { recordJobResult, reportJobProgress } from './progress.js';
export type { Job } from './records.js';
export { type PruneOutcome, pruneShopHistory } from './retention.js';
