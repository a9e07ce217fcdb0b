import { DEFAULT_MAX_ATTEMPTS } from '../../domain/jobs/index.js';
import { NurtureError } from '../../errors.js';
import type { SqlValue } from '../engine.js';
import type { Store } from '../store.js';
import { placeholders } from './records.js';

export interface EnqueueInput {
  shopId: string;
  kind: string;
  /** Anything JSON can hold; stored as JSON text. */
  payload?: unknown;
  /** When the job may run first (default: now). */
  runAt?: Date;
  /**
   * Makes the enqueue idempotent: a second job with the same key in the same shop is not
   * inserted, whatever the state of the first (done jobs included: the key holds while the row exists).
   */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface EnqueueResult {
  /** The new job's id, or the id of the job that already holds the dedupe key. */
  jobId: string;
  inserted: boolean;
}

/** Rows per INSERT (8 parameters each, well under PostgreSQL's limit of 65,535). */
const INSERT_CHUNK = 500;
const INSERT_COLUMNS =
  'job_id, shop_id, kind, payload, run_at, state, attempts, max_attempts, dedupe_key, created_at, updated_at';

/** Enqueues one job; with a dedupe key already taken in the shop, inserts nothing. */
export async function enqueueJob(store: Store, input: EnqueueInput, now: Date): Promise<EnqueueResult> {
  const [result] = await enqueueJobs(store, [input], now);
  return result!;
}

/**
 * Enqueues jobs in as few statements as possible (`INSERT … ON CONFLICT DO NOTHING RETURNING`),
 * one result per input, in order. Inputs repeating a dedupe key of the same batch share the
 * first one's job. Call it inside `store.transaction` to enqueue together with other writes.
 */
export async function enqueueJobs(
  store: Store,
  inputs: readonly EnqueueInput[],
  now: Date,
): Promise<EnqueueResult[]> {
  const rows = inputs.map((input) => ({ input: checked(input), jobId: store.newId('job') }));
  // The first input with a key in this batch is the one offered to the table.
  const firstByKey = new Map<string, number>();
  const offered: number[] = [];
  rows.forEach((row, i) => {
    const key = row.input.dedupeKey;
    if (key === undefined) offered.push(i);
    else {
      const name = dedupeName(row.input.shopId, key);
      if (!firstByKey.has(name)) {
        firstByKey.set(name, i);
        offered.push(i);
      }
    }
  });
  const inserted = new Set<string>();
  // Jobs without a key cannot conflict (their ids are new) and go in with a plain INSERT: DuckDB
  // (1.5) takes rows of one `INSERT … ON CONFLICT DO NOTHING` whose unique key holds a NULL for
  // duplicates of each other and keeps one of them (measured: three rows (shop, NULL), one
  // inserted), although NULLs never conflict with the rows already in the table.
  const plain = offered.filter((i) => rows[i]!.input.dedupeKey === undefined);
  const keyed = offered.filter((i) => rows[i]!.input.dedupeKey !== undefined);
  for (const [group, onConflict] of [
    [plain, ''],
    [keyed, 'ON CONFLICT DO NOTHING'],
  ] as const)
    for (let start = 0; start < group.length; start += INSERT_CHUNK) {
      const chunk = group.slice(start, start + INSERT_CHUNK);
      for (const id of await insertChunk(
        store,
        chunk.map((i) => rows[i]!),
        now,
        onConflict,
      ))
        inserted.add(id);
    }
  const existing = await existingIds(
    store,
    rows.filter((r) => r.input.dedupeKey !== undefined && !inserted.has(r.jobId)).map((r) => r.input),
  );
  return rows.map(({ input, jobId }) => {
    if (inserted.has(jobId)) return { jobId, inserted: true };
    const name = dedupeName(input.shopId, input.dedupeKey!);
    const first = rows[firstByKey.get(name)!]!;
    if (inserted.has(first.jobId)) return { jobId: first.jobId, inserted: false };
    const id = existing.get(name);
    if (id === undefined)
      // The holder of the key was deleted between the insert and the look-up: a rare race.
      throw new NurtureError('conflict', `job with dedupe key '${input.dedupeKey}' changed while enqueueing`);
    return { jobId: id, inserted: false };
  });
}

/** Inserts jobs in one statement; the ids inserted. */
async function insertChunk(
  store: Store,
  chunk: readonly { input: EnqueueInput; jobId: string }[],
  now: Date,
  onConflict: string,
): Promise<string[]> {
  const params: SqlValue[] = [];
  const values = chunk.map(({ input, jobId }) => {
    const first = params.length + 1;
    params.push(
      jobId,
      input.shopId,
      input.kind,
      JSON.stringify(input.payload ?? null),
      input.runAt ?? now,
      input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      input.dedupeKey ?? null,
      now,
    );
    const p = (k: number) => `$${first + k}`;
    return `(${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, 'queued', 0, ${p(5)}, ${p(6)}, ${p(7)}, ${p(7)})`;
  });
  const returned = await store.engine.all<{ job_id: string }>(
    `INSERT INTO jobs (${INSERT_COLUMNS}) VALUES ${values.join(', ')} ${onConflict} RETURNING job_id`,
    params,
  );
  return returned.map((r) => r.job_id);
}

function checked(input: EnqueueInput): EnqueueInput {
  if (input.shopId === '' || input.kind === '')
    throw new NurtureError('invalid_input', 'a job needs a shop and a kind');
  if (input.maxAttempts !== undefined && !(Number.isInteger(input.maxAttempts) && input.maxAttempts >= 1))
    throw new NurtureError(
      'invalid_input',
      `maxAttempts must be a whole number ≥ 1, not ${input.maxAttempts}`,
    );
  if (input.runAt !== undefined && Number.isNaN(input.runAt.getTime()))
    throw new NurtureError('invalid_input', 'runAt is not a valid date');
  return input;
}

const dedupeName = (shopId: string, key: string) => JSON.stringify([shopId, key]);

/** The jobs holding the dedupe keys of `inputs`, by dedupeName. */
async function existingIds(store: Store, inputs: readonly EnqueueInput[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byShop = new Map<string, Set<string>>();
  for (const i of inputs) {
    const keys = byShop.get(i.shopId) ?? new Set<string>();
    keys.add(i.dedupeKey!);
    byShop.set(i.shopId, keys);
  }
  for (const [shopId, keySet] of byShop) {
    const keys = [...keySet];
    for (let start = 0; start < keys.length; start += INSERT_CHUNK) {
      const chunk = keys.slice(start, start + INSERT_CHUNK);
      const rows = await store.engine.all<{ job_id: string; dedupe_key: string }>(
        `SELECT job_id, dedupe_key FROM jobs WHERE shop_id = $1 AND dedupe_key IN (${placeholders(2, chunk.length)})`,
        [shopId, ...chunk],
      );
      for (const r of rows) out.set(dedupeName(shopId, r.dedupe_key), r.job_id);
    }
  }
  return out;
}
