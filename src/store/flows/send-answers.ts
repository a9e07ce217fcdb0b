import type { SqlValue } from '../engine.js';
import { stageSmall, t } from '../staging.js';
import type { Store } from '../store.js';
import { toColumns } from './columns.js';
import { idsIn, type MessageRecord } from './messages.js';

/**
 * The columns a provider's answer can change (outcomes.ts `applyOutcome`): the answers' write
 * sets only these. On DuckDB an UPDATE costs per column it sets (each column's changed values
 * are kept apart from the stored segment until the next checkpoint, and committed one by one):
 * writing the whole row back, 25 columns of which the long `rendered` text, made each write of a
 * few answers cost several times the narrow one.
 */
const ANSWER = t(
  'stage_send_answers',
  ['message_id', 'text'],
  ['state', 'text'],
  ['provider_message_id', 'text'],
  ['reason', 'text'],
  ['lease_owner', 'text'],
  ['lease_until', 'timestamp'],
  ['planned', 'boolean'],
  ['channel_index', 'integer'],
  ['channel', 'text'],
  ['sent_at', 'timestamp'],
  ['due_at', 'timestamp'],
);

// Only the source's values: a column of `messages` named here would be read for every row of
// the table (DuckDB scans it before the join), not just for the few rows written.
const SET = ANSWER.columns
  .filter((c) => c.name !== 'message_id')
  .map((c) => `${c.name} = s.${c.name}`)
  .join(', ');

export interface AnswersWritten {
  /** The answers written: the messages this worker still held `sending` or `finalizing`. */
  answered: Set<string>;
  /** The held messages marked `finalizing`: those this worker still held `sending`. */
  finalized: Set<string>;
}

/**
 * Thrown by `writeSendAnswers` on DuckDB when some row was no longer held: the caller rolls the
 * transaction back and writes again with `exact` (rare: a worker that stalled past its lease).
 */
export class NoLongerHeld extends Error {
  constructor() {
    super('some messages are no longer held by this worker');
  }
}

/**
 * Writes providers' answers (the messages' new state) and marks held messages `finalizing`, in
 * the caller's transaction, only for the rows `owner` still holds in flight: an answer moves a
 * message out of `sending`/`finalizing` once, so the answers written are transitions made here
 * and nowhere else (their message events are new: see recordMessageEvents' `fresh`). A worker
 * that stalled past its lease writes nothing for the rows recovery took over.
 *
 * Which rows were written: PostgreSQL returns them (RETURNING, an index probe each). On DuckDB
 * an UPDATE's RETURNING costs as much again as the UPDATE (measured 12 against 6 ms CPU for 14
 * of 40,000 rows: it reads back whole rows), so the statements only count: when every row was
 * written (the rule) the sets are the ids given; otherwise NoLongerHeld is thrown, and the caller
 * rolls back and calls again with `exact`, which first reads which rows are still held.
 */
export async function writeSendAnswers(
  store: Store,
  shopId: string,
  answers: readonly MessageRecord[],
  toFinalize: readonly string[],
  owner: string,
  now: Date,
  exact = false,
): Promise<AnswersWritten> {
  let mine = answers;
  let marks = toFinalize;
  if (exact && store.dialect === 'duckdb') {
    const held = await heldIds(store, shopId, [...answers.map((m) => m.messageId), ...toFinalize], owner);
    mine = answers.filter((m) => held.get(m.messageId) !== undefined);
    marks = toFinalize.filter((id) => held.get(id) === 'sending');
  }
  return {
    answered: await writeAnswers(store, shopId, mine, owner, now),
    finalized: await markFinalizing(store, shopId, marks, owner, now),
  };
}

/** The given messages `owner` holds in flight, with their state. */
async function heldIds(
  store: Store,
  shopId: string,
  messageIds: readonly string[],
  owner: string,
): Promise<Map<string, string>> {
  if (messageIds.length === 0) return new Map();
  const ids = idsIn(store, messageIds, 2);
  const rows = await store.engine.all<{ message_id: string; state: string }>(
    `SELECT message_id, state FROM messages
     WHERE shop_id = $1 AND lease_owner = $2 AND state IN ('sending', 'finalizing') AND ${ids.sql}`,
    [shopId, owner, ...ids.params],
  );
  return new Map(rows.map((r) => [r.message_id, r.state]));
}

/**
 * The rows an UPDATE wrote: PostgreSQL's RETURNING rows; on DuckDB (no RETURNING, see
 * writeSendAnswers) its count, which must be all of `ids`.
 */
async function written(
  store: Store,
  sql: string,
  params: SqlValue[],
  ids: readonly string[],
): Promise<Set<string>> {
  if (store.dialect === 'postgres') {
    const rows = await store.engine.all<{ message_id: string }>(
      `${sql} RETURNING messages.message_id`,
      params,
    );
    return new Set(rows.map((r) => r.message_id));
  }
  const [row] = await store.engine.all<{ Count?: number | bigint }>(sql, params);
  if (Number(row?.Count) !== ids.length) throw new NoLongerHeld();
  return new Set(ids);
}

async function writeAnswers(
  store: Store,
  shopId: string,
  answers: readonly MessageRecord[],
  owner: string,
  now: Date,
): Promise<Set<string>> {
  if (answers.length === 0) return new Set();
  const rows: SqlValue[][] = answers.map((m) => [
    m.messageId,
    m.state,
    m.providerMessageId,
    m.reason,
    m.leaseOwner,
    m.leaseUntil,
    m.planned,
    m.channelIndex,
    m.channel,
    m.sentAt,
    m.dueAt,
  ]);
  const staged = await stageSmall(store.engine, ANSWER, toColumns(rows, ANSWER.columns.length), 4);
  return written(
    store,
    `UPDATE messages SET ${SET}, updated_at = $2 FROM ${staged.source} s
     WHERE messages.shop_id = $1 AND messages.message_id = s.message_id AND messages.lease_owner = $3
       AND messages.state IN ('sending', 'finalizing')`,
    [shopId, now, owner, ...staged.params],
    answers.map((m) => m.messageId),
  );
}

/**
 * Marks held messages `finalizing` (their provider's last step is about to be taken), only those
 * `owner` still holds `sending`: a worker whose lease ran out must not finish a message that
 * recovery has taken over.
 */
async function markFinalizing(
  store: Store,
  shopId: string,
  messageIds: readonly string[],
  owner: string,
  now: Date,
): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const ids = idsIn(store, messageIds, 3);
  return written(
    store,
    `UPDATE messages SET state = 'finalizing', updated_at = $3
     WHERE messages.shop_id = $1 AND messages.lease_owner = $2 AND messages.state = 'sending'
       AND messages.${ids.sql}`,
    [shopId, owner, now, ...ids.params],
    messageIds,
  );
}
