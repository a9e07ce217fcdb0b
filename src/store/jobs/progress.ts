import type { Store } from '../store.js';

/**
 * What a running job says (e.g. an import's rows read so far), as JSON. Only the worker holding
 * the job's lease writes it; false when the lease is no longer its own.
 */
export async function reportJobProgress(
  store: Store,
  jobId: string,
  owner: string,
  progress: unknown,
  now: Date,
): Promise<boolean> {
  return setJobJson(store, 'progress', jobId, owner, progress, now);
}

/**
 * What a job answered (e.g. an import's summary), as JSON, written by the handler before it
 * returns: a job run again after its worker died finds it and need not do the work twice.
 */
export async function recordJobResult(
  store: Store,
  jobId: string,
  owner: string,
  result: unknown,
  now: Date,
): Promise<boolean> {
  return setJobJson(store, 'result', jobId, owner, result, now);
}

async function setJobJson(
  store: Store,
  column: 'progress' | 'result',
  jobId: string,
  owner: string,
  value: unknown,
  now: Date,
): Promise<boolean> {
  const rows = await store.engine.all<{ job_id: string }>(
    `UPDATE jobs SET ${column} = $3, updated_at = $4
     WHERE job_id = $1 AND state = 'running' AND lease_owner = $2 RETURNING job_id`,
    [jobId, owner, JSON.stringify(value), now],
  );
  return rows.length > 0;
}
