import type { SqlValue } from '../engine.js';
import { stage, t } from '../staging.js';
import type { Store } from '../store.js';
import { skipExisting, toColumns } from './columns.js';

/** A run's state: active (due at wake_at), or ended as done, exited or control (the holdout). */
export type RunState = 'active' | 'done' | 'exited' | 'control';

/** What a run carries between steps (JSON in flow_runs.context). */
export interface RunContext {
  /** The order that started it (order triggers). */
  orderId?: string;
  /** The trigger occurrence (event id, segment entry, tick). */
  occurrence?: string;
  /** The event that started the run (event triggers): its name and properties, for the messages. */
  event?: { name: string; properties: Record<string, unknown> };
  /** Event triggers with `unless`: the run exits if this event happens before `until`. */
  unless?: { event: string; since: string; until: string };
  /** The coupons the run created, by step id (their source keys). */
  coupons?: Record<string, string>;
}

export interface NewRun {
  runId: string;
  flowId: string;
  version: number;
  customerId: string;
  entryKey: string;
  control: boolean;
  stepId: string | null;
  wakeAt: Date | null;
  context: RunContext;
  enteredAt: Date;
}

export interface RunRecord {
  runId: string;
  flowId: string;
  version: number;
  customerId: string;
  state: RunState;
  stepId: string | null;
  seq: number;
  wakeAt: Date | null;
  waitingEvent: string | null;
  waitSince: Date | null;
  context: RunContext;
  enteredAt: Date;
}

type RunRow = {
  run_id: string;
  flow_id: string;
  version: number;
  customer_id: string;
  state: string;
  step_id: string | null;
  seq: number;
  wake_at: Date | null;
  waiting_event: string | null;
  wait_since: Date | null;
  context: string;
  entered_at: Date;
};

const RUN_COLUMNS =
  'run_id, flow_id, version, customer_id, state, step_id, seq, wake_at, waiting_event, wait_since, context, entered_at';

function toRun(r: RunRow): RunRecord {
  return {
    runId: r.run_id,
    flowId: r.flow_id,
    version: Number(r.version),
    customerId: r.customer_id,
    state: r.state as RunState,
    stepId: r.step_id,
    seq: Number(r.seq),
    wakeAt: r.wake_at,
    waitingEvent: r.waiting_event,
    waitSince: r.wait_since,
    context: JSON.parse(r.context) as RunContext,
    enteredAt: r.entered_at,
  };
}

const STAGE_NEW_RUNS = t(
  'stage_flow_runs',
  ['run_id', 'text'],
  ['flow_id', 'text'],
  ['version', 'integer'],
  ['customer_id', 'text'],
  ['entry_key', 'text'],
  ['state', 'text'],
  ['control', 'boolean'],
  ['step_id', 'text'],
  ['wake_at', 'timestamp'],
  ['context', 'text'],
  ['entered_at', 'timestamp'],
);

/**
 * Starts runs; a run whose entry key the flow already has is not started (see `skipExisting`),
 * whatever that run's state. Returns how many started. A control run (the holdout)
 * ends at once: it is kept only to be compared with.
 */
export async function insertRuns(
  store: Store,
  shopId: string,
  runs: readonly NewRun[],
  now: Date,
): Promise<number> {
  if (runs.length === 0) return 0;
  const seen = new Set<string>();
  const unique = runs.filter((r) => {
    const key = `${r.flowId}\u0000${r.entryKey}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const cols = toColumns(
    unique.map((r): SqlValue[] => [
      r.runId,
      r.flowId,
      r.version,
      r.customerId,
      r.entryKey,
      r.control ? 'control' : r.stepId === null ? 'done' : 'active',
      r.control,
      r.control ? null : r.stepId,
      r.control || r.stepId === null ? null : r.wakeAt,
      JSON.stringify(r.context),
      r.enteredAt,
    ]),
    STAGE_NEW_RUNS.columns.length,
  );
  await stage(store.engine, STAGE_NEW_RUNS, cols);
  const skip = skipExisting(store.dialect, 'flow_runs', [['flow_id', 'entry_key'], ['run_id']]);
  const inserted = await store.engine.all<{ run_id: string }>(
    `INSERT INTO flow_runs (shop_id, run_id, flow_id, version, customer_id, entry_key, state, control, step_id,
       seq, wake_at, context, entered_at, updated_at, ended_at, end_reason)
     SELECT $1, run_id, flow_id, version, customer_id, entry_key, state, control, step_id, 0, wake_at, context,
       entered_at, CAST($2 AS TIMESTAMPTZ), CASE WHEN state = 'active' THEN NULL ELSE CAST($2 AS TIMESTAMPTZ) END,
       CASE WHEN state = 'control' THEN 'holdout' WHEN state = 'done' THEN 'completed' ELSE NULL END
     FROM ${STAGE_NEW_RUNS.name} s ${skip.where}
     ${skip.onConflict}
     RETURNING run_id`,
    [shopId, now],
  );
  return inserted.length;
}

/**
 * Locks and returns up to `limit` active runs of the given (live) flows due by `asOf`, oldest first. Call inside the
 * transaction that writes their progress: on PostgreSQL the rows stay locked (SKIP LOCKED: other
 * workers take other runs) until it commits or a crash rolls it back. On DuckDB one process owns
 * the file and advances runs one batch at a time.
 */
export async function lockDueRuns(
  store: Store,
  shopId: string,
  asOf: Date,
  limit: number,
  flowIds: readonly string[],
): Promise<RunRecord[]> {
  if (flowIds.length === 0) return [];
  const lock = store.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const rows = await store.engine.all<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM flow_runs
     WHERE shop_id = $1 AND state = 'active' AND wake_at <= $2
       AND flow_id IN (${flowIds.map((_, i) => `$${i + 3}`).join(', ')})
     ORDER BY wake_at, run_id LIMIT ${Math.max(1, Math.floor(limit))} ${lock}`,
    [shopId, asOf, ...flowIds],
  );
  return rows.map(toRun);
}

/** A run's new position after it advanced. */
export interface RunProgress {
  runId: string;
  state: RunState;
  stepId: string | null;
  seq: number;
  wakeAt: Date | null;
  waitingEvent: string | null;
  waitSince: Date | null;
  context: RunContext;
  endedAt: Date | null;
  endReason: string | null;
}

const STAGE_PROGRESS = t(
  'stage_flow_progress',
  ['run_id', 'text'],
  ['state', 'text'],
  ['step_id', 'text'],
  ['seq', 'integer'],
  ['wake_at', 'timestamp'],
  ['waiting_event', 'text'],
  ['wait_since', 'timestamp'],
  ['context', 'text'],
  ['ended_at', 'timestamp'],
  ['end_reason', 'text'],
);

/** Writes the runs' new positions (one statement). */
export async function saveRunProgress(
  store: Store,
  shopId: string,
  progress: readonly RunProgress[],
  now: Date,
): Promise<void> {
  if (progress.length === 0) return;
  const cols = toColumns(
    progress.map((p): SqlValue[] => [
      p.runId,
      p.state,
      p.stepId,
      p.seq,
      p.wakeAt,
      p.waitingEvent,
      p.waitSince,
      JSON.stringify(p.context),
      p.endedAt,
      p.endReason,
    ]),
    STAGE_PROGRESS.columns.length,
  );
  await stage(store.engine, STAGE_PROGRESS, cols);
  await store.engine.run(
    `UPDATE flow_runs SET state = p.state, step_id = p.step_id, seq = p.seq, wake_at = p.wake_at,
       waiting_event = p.waiting_event, wait_since = p.wait_since, context = p.context,
       ended_at = p.ended_at, end_reason = p.end_reason, updated_at = $2
     FROM ${STAGE_PROGRESS.name} p
     WHERE flow_runs.shop_id = $1 AND flow_runs.run_id = p.run_id`,
    [shopId, now],
  );
}

export interface JournalRow {
  runId: string;
  seq: number;
  flowId: string;
  version: number;
  stepId: string;
  outcome: string;
  detail: string | null;
  at: Date;
}

const STAGE_JOURNAL = t(
  'stage_flow_journal',
  ['run_id', 'text'],
  ['seq', 'integer'],
  ['flow_id', 'text'],
  ['version', 'integer'],
  ['step_id', 'text'],
  ['outcome', 'text'],
  ['detail', 'text'],
  ['ran_at', 'timestamp'],
);

/** Appends journal rows (one per executed step). */
export async function appendJournal(
  store: Store,
  shopId: string,
  rows: readonly JournalRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = toColumns(
    rows.map((r): SqlValue[] => [r.runId, r.seq, r.flowId, r.version, r.stepId, r.outcome, r.detail, r.at]),
    STAGE_JOURNAL.columns.length,
  );
  await stage(store.engine, STAGE_JOURNAL, cols);
  await store.engine.run(
    `INSERT INTO flow_journal (shop_id, run_id, seq, flow_id, version, step_id, outcome, detail, ran_at)
     SELECT $1, run_id, seq, flow_id, version, step_id, outcome, detail, ran_at FROM ${STAGE_JOURNAL.name}`,
    [shopId],
  );
}

/** Customers among `customerIds` with a run of the flow entered at or after `since` (the once-per rule). */
export async function customersWithRunSince(
  store: Store,
  shopId: string,
  flowId: string,
  since: Date,
): Promise<Set<string>> {
  const rows = await store.engine.all<{ customer_id: string }>(
    'SELECT DISTINCT customer_id FROM flow_runs WHERE shop_id = $1 AND flow_id = $2 AND entered_at >= $3',
    [shopId, flowId, since],
  );
  return new Set(rows.map((r) => r.customer_id));
}

/** A flow's runs of one customer (newest first), for the customer's page and tests. */
export async function runsOfCustomer(store: Store, shopId: string, customerId: string): Promise<RunRecord[]> {
  const rows = await store.engine.all<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM flow_runs WHERE shop_id = $1 AND customer_id = $2 ORDER BY entered_at DESC, run_id`,
    [shopId, customerId],
  );
  return rows.map(toRun);
}

/**
 * Wakes runs waiting for an event that has now happened: their wake time becomes `asOf`, so the
 * next batch takes their `then` branch at once instead of at the timeout.
 */
export async function wakeRunsOnEvents(store: Store, shopId: string, since: Date, asOf: Date): Promise<void> {
  await store.engine.run(
    `UPDATE flow_runs SET wake_at = $3
     WHERE shop_id = $1 AND state = 'active' AND waiting_event IS NOT NULL AND wake_at > $3
       AND EXISTS (
         SELECT 1 FROM events e
         WHERE e.shop_id = $1 AND e.customer_id = flow_runs.customer_id AND e.name = flow_runs.waiting_event
           AND e.occurred_at > $2 AND e.occurred_at <= $3 AND e.occurred_at >= flow_runs.wait_since
       )`,
    [shopId, since, asOf],
  );
}
