import type { JobState } from '../../domain/jobs/index.js';

/** A job as the store holds it. */
export interface Job {
  jobId: string;
  shopId: string;
  kind: string;
  /** The payload, parsed from its JSON text. */
  payload: unknown;
  runAt: Date;
  state: JobState;
  /** Attempts started so far (a claim starts one). */
  attempts: number;
  maxAttempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  dedupeKey: string | null;
  /** The error of the latest failed attempt (kept when a later attempt succeeds). */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** What the job said last while running (JSON), e.g. an import's rows read so far. */
  progress: unknown;
  /** What the job answered when done (JSON), e.g. an import's summary. */
  result: unknown;
}

export type JobRow = {
  job_id: string;
  shop_id: string;
  kind: string;
  payload: string;
  run_at: Date;
  state: string;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  dedupe_key: string | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  progress: string | null;
  result: string | null;
};

export const JOB_COLUMNS =
  'job_id, shop_id, kind, payload, run_at, state, attempts, max_attempts, lease_owner, lease_expires_at, ' +
  'dedupe_key, last_error, created_at, updated_at, finished_at, progress, result';

export function toJob(r: JobRow): Job {
  return {
    jobId: r.job_id,
    shopId: r.shop_id,
    kind: r.kind,
    payload: parsePayload(r.payload),
    runAt: r.run_at,
    state: r.state as JobState,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    dedupeKey: r.dedupe_key,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    progress: r.progress === null ? null : parsePayload(r.progress),
    result: r.result === null ? null : parsePayload(r.result),
  };
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Written by something other than enqueue: hand it over as it is.
    return text;
  }
}

/** `$first, $first+1, …` for `count` parameters. */
export function placeholders(first: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${first + i}`).join(', ');
}

/** Errors are kept to this many characters (a stack trace is plenty at that length). */
export const MAX_ERROR_LENGTH = 4000;

export function errorText(error: unknown): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error ?? 'failed');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
