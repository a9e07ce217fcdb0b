/**
 * Durable jobs: their states and the retry schedule. Pure: the random source comes in as a
 * parameter, so a test fixes the jitter. The store's side is src/store/jobs, the worker src/engine.
 */

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export function isJobState(value: string): value is JobState {
  return (JOB_STATES as readonly string[]).includes(value);
}

/** Attempts a job gets unless its enqueuer says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** How long a failed attempt waits before the next one. */
export interface RetryPolicy {
  /** The delay after the first failed attempt, before jitter. */
  baseMs: number;
  /** The longest delay, before jitter. */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 10_000, maxMs: 3_600_000 };

/**
 * Exponential backoff with "equal jitter": after attempt n (1-based) the nominal delay is
 * base · 2^(n−1), capped at max, and the delay drawn is uniform in [nominal/2, nominal). Half of
 * it is certain, so retries never come back at once; the other half spreads the jobs that failed
 * together (a provider outage) over time. `random` returns a number in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(nominal / 2 + (nominal / 2) * random());
}
