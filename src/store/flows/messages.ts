import type { ChannelKind } from '../../channels/channel.js';
import type { SqlValue } from '../engine.js';
import { stage, stageSmall, t } from '../staging.js';
import type { Store } from '../store.js';
import { skipExisting } from './columns.js';

/**
 * A message's life in the outbox:
 * - queued: waiting for its time (`due_at`; `planned` once the cap and quiet hours chose the slot);
 * - sending: its provider is being called (the row was written first; `lease_until` bounds it);
 * - finalizing: held before its provider's last step (SMTP: the e-mail without its final dot),
 *   committed just before that step is taken: a crash from here on counts it as sent (the
 *   provider either took it or discarded it; never twice);
 * - sent, delivered: accepted by the provider, then reported delivered;
 * - expired: its slot came after its expiry (a 24 h voucher); suppressed: no consent, opted out
 *   or no address; declined: the customer refused the channel; unreachable: no channel reached
 *   them; failed: the shop's channel settings are wrong, or retries ran out;
 * - unknown: a crash interrupted the call to a provider that cannot dedupe (SpeedSMS, Messenger):
 *   it may or may not have gone, so it is shown to the seller and never sent again blindly.
 */
export const MESSAGE_STATES = [
  'queued',
  'sending',
  'finalizing',
  'sent',
  'delivered',
  'expired',
  'suppressed',
  'declined',
  'unreachable',
  'failed',
  'unknown',
] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export interface MessageRecord {
  messageId: string;
  sourceKey: string;
  customerId: string;
  flowId: string | null;
  version: number | null;
  runId: string | null;
  stepId: string | null;
  /** The channels in order of preference; `channelIndex` is the one in use. */
  channels: ChannelKind[];
  channelIndex: number;
  channel: ChannelKind;
  promotional: boolean;
  state: MessageState;
  dueAt: Date;
  planned: boolean;
  expiresAt: Date | null;
  idempotencyKey: string;
  provider: string | null;
  providerMessageId: string | null;
  recipient: string | null;
  /** What was sent (JSON: subject, text…), kept for the messages page. */
  rendered: string | null;
  reason: string | null;
  /** Why it waits: the cap or quiet-hours rules that moved it. */
  deferred: string | null;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt?: Date | null;
  openedAt?: Date | null;
  clickedAt?: Date | null;
}

const COLUMNS: readonly [keyof MessageRecord, string, 'text' | 'integer' | 'boolean' | 'timestamp'][] = [
  ['messageId', 'message_id', 'text'],
  ['sourceKey', 'source_key', 'text'],
  ['customerId', 'customer_id', 'text'],
  ['flowId', 'flow_id', 'text'],
  ['version', 'version', 'integer'],
  ['runId', 'run_id', 'text'],
  ['stepId', 'step_id', 'text'],
  ['channels', 'channels', 'text'],
  ['channelIndex', 'channel_index', 'integer'],
  ['channel', 'channel', 'text'],
  ['promotional', 'promotional', 'boolean'],
  ['state', 'state', 'text'],
  ['dueAt', 'due_at', 'timestamp'],
  ['planned', 'planned', 'boolean'],
  ['expiresAt', 'expires_at', 'timestamp'],
  ['idempotencyKey', 'idempotency_key', 'text'],
  ['provider', 'provider', 'text'],
  ['providerMessageId', 'provider_message_id', 'text'],
  ['recipient', 'recipient', 'text'],
  ['rendered', 'rendered', 'text'],
  ['reason', 'reason', 'text'],
  ['deferred', 'deferred', 'text'],
  ['attempts', 'attempts', 'integer'],
  ['leaseOwner', 'lease_owner', 'text'],
  ['leaseUntil', 'lease_until', 'timestamp'],
  ['createdAt', 'created_at', 'timestamp'],
  ['sentAt', 'sent_at', 'timestamp'],
];

const SELECT = COLUMNS.map(([, c]) => c).join(', ');
/** What reads show besides the columns the engine writes back: the first delivery, open and click. */
const READ = `${SELECT}, delivered_at, opened_at, clicked_at`;
const STAGE = t('stage_messages', ...COLUMNS.map(([, name, type]): [string, typeof type] => [name, type]));

function toRecord(row: Record<string, unknown>): MessageRecord {
  const out: Record<string, unknown> = {};
  for (const [key, column, type] of COLUMNS) {
    const v = row[column];
    out[key] = type === 'integer' && v !== null && v !== undefined ? Number(v) : v;
  }
  out['channels'] = JSON.parse(String(row['channels'])) as ChannelKind[];
  if ('delivered_at' in row) {
    out['deliveredAt'] = row['delivered_at'] ?? null;
    out['openedAt'] = row['opened_at'] ?? null;
    out['clickedAt'] = row['clicked_at'] ?? null;
  }
  return out as unknown as MessageRecord;
}

function stageRows(messages: readonly MessageRecord[]): SqlValue[][] {
  const cols: SqlValue[][] = COLUMNS.map(() => []);
  for (const m of messages)
    COLUMNS.forEach(([key], i) => {
      const v = key === 'channels' ? JSON.stringify(m.channels) : (m[key] as SqlValue);
      cols[i]!.push(v ?? null);
    });
  return cols;
}

/** Adds messages to the outbox; a message whose source key is there already is not added again. */
export async function insertMessages(
  store: Store,
  shopId: string,
  messages: readonly MessageRecord[],
): Promise<void> {
  if (messages.length === 0) return;
  const seen = new Set<string>();
  const unique = messages.filter((m) => !seen.has(m.sourceKey) && seen.add(m.sourceKey));
  await stage(store.engine, STAGE, stageRows(unique));
  const skip = skipExisting(store.dialect, 'messages', [['source_key'], ['message_id']]);
  await store.engine.run(
    `INSERT INTO messages (shop_id, ${SELECT}, updated_at)
     SELECT $1, ${SELECT.split(', ')
       .map((c) => `s.${c}`)
       .join(', ')}, s.created_at FROM ${STAGE.name} s
     ${skip.where} ${skip.onConflict}`,
    [shopId],
  );
}

/**
 * Writes messages back whole (their state, slot, channel, outcome), one statement. With `owner`,
 * only rows whose lease that worker still holds: a worker that stalled past its lease records
 * nothing (the recovery has taken the message over).
 */
export async function saveMessages(
  store: Store,
  shopId: string,
  messages: readonly MessageRecord[],
  now: Date,
  owner?: string,
): Promise<void> {
  if (messages.length === 0) return;
  const head: SqlValue[] = owner === undefined ? [shopId, now] : [shopId, now, owner];
  const rows = await stageSmall(store.engine, STAGE, stageRows(messages), head.length + 1);
  const sets = COLUMNS.filter(([, c]) => c !== 'message_id' && c !== 'source_key')
    .map(([, c]) => `${c} = s.${c}`)
    .join(', ');
  await store.engine.run(
    `UPDATE messages SET ${sets}, updated_at = $2 FROM ${rows.source} s
     WHERE messages.shop_id = $1 AND messages.message_id = s.message_id
       ${owner === undefined ? '' : 'AND messages.lease_owner = $3'}`,
    [...head, ...rows.params],
  );
}

/**
 * `message_id IN (…)` over ids given after the statement's first `before` parameters: on
 * DuckDB one JSON list parameter (a fixed statement text, prepared once, whatever the count;
 * a list of placeholders is a new text, parsed and planned again, for each count), elsewhere a
 * placeholder per id.
 */
export function idsIn(
  store: Store,
  ids: readonly string[],
  before: number,
): { sql: string; params: SqlValue[] } {
  if (store.dialect === 'duckdb')
    return {
      sql: `message_id IN (SELECT unnest(json_transform($${before + 1}, '["VARCHAR"]')))`,
      params: [JSON.stringify(ids)],
    };
  return { sql: `message_id IN (${ids.map((_, i) => `$${before + i + 1}`).join(', ')})`, params: [...ids] };
}

/**
 * Locks and returns up to `limit` queued messages due by `asOf` (not of the paused flows `skipFlowIds`). Call inside the transaction that
 * plans them. Popups are left for the storefront widget to show. On PostgreSQL a message is taken only with an advisory lock on its customer, so
 * the cap's decisions for one customer are made by one worker at a time across all channels (a
 * picked message whose customer another worker holds stays queued, row-locked until this
 * transaction ends).
 */
export async function lockDueMessages(
  store: Store,
  shopId: string,
  asOf: Date,
  limit: number,
  skipFlowIds: readonly string[] = [],
): Promise<MessageRecord[]> {
  const pg = store.dialect === 'postgres';
  const skip =
    skipFlowIds.length === 0
      ? ''
      : `AND (flow_id IS NULL OR flow_id NOT IN (${skipFlowIds.map((_, i) => `$${i + 3}`).join(', ')}))`;
  const due = `FROM messages
     WHERE shop_id = $1 AND state = 'queued' AND due_at <= $2 AND channel <> 'popup' ${skip}
     ORDER BY due_at, message_id LIMIT ${Math.max(1, Math.floor(limit))}`;
  // PostgreSQL: the rows are picked (and row-locked) first, and only those few are tried for their
  // customer's advisory lock. A lock call in the WHERE of the ordered scan is evaluated for every
  // due row before the sort and LIMIT, so a broadcast's 40,000 due messages took 40,000 advisory
  // locks in one transaction: "out of shared memory", and no worker could send anything.
  const rows = await store.engine.all(
    pg
      ? `WITH picked AS MATERIALIZED (SELECT message_id ${due} FOR UPDATE SKIP LOCKED)
         SELECT ${SELECT} FROM messages
         WHERE shop_id = $1 AND message_id IN (SELECT message_id FROM picked)
           AND pg_try_advisory_xact_lock(hashtext('nurture-msg:' || shop_id || ':' || customer_id))
         ORDER BY due_at, message_id`
      : `SELECT ${SELECT} ${due}`,
    [shopId, asOf, ...skipFlowIds],
  );
  return rows.map(toRecord);
}

/** A slot a customer's cap counts: a message sent, being sent, or planned for a time. */
export interface CapSlot {
  customerId: string;
  messageId: string;
  at: Date;
  channel: ChannelKind;
  promotional: boolean;
  recipient: string | null;
}

/**
 * The customers' messages that count against the cap from `since` on: sent or being sent (at
 * their send time) and planned (at their slot).
 */
export async function capSlots(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
  since: Date,
): Promise<CapSlot[]> {
  if (customerIds.length === 0) return [];
  const ids = [...new Set(customerIds)];
  const rows = await store.engine.all<{
    customer_id: string;
    message_id: string;
    slot_at: Date;
    channel: string;
    promotional: boolean;
    recipient: string | null;
  }>(
    `SELECT customer_id, message_id, COALESCE(sent_at, due_at) AS slot_at, channel, promotional, recipient FROM messages
     WHERE shop_id = $1 AND customer_id IN (${ids.map((_, i) => `$${i + 3}`).join(', ')})
       AND (state IN ('sent', 'delivered', 'sending', 'finalizing') OR (state = 'queued' AND planned))
       AND COALESCE(sent_at, due_at) >= $2`,
    [shopId, since, ...ids],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    messageId: r.message_id,
    at: r.slot_at,
    channel: r.channel as ChannelKind,
    promotional: Boolean(r.promotional),
    recipient: r.recipient,
  }));
}

/**
 * Messages left in `sending` or `finalizing` by a worker that died (its lease ran out by `now`).
 * Locked on PostgreSQL; call inside the transaction that decides their fate.
 */
export async function lockOrphanedSends(
  store: Store,
  shopId: string,
  now: Date,
  limit: number,
): Promise<MessageRecord[]> {
  const lock = store.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const rows = await store.engine.all(
    `SELECT ${SELECT} FROM messages WHERE shop_id = $1 AND state IN ('sending', 'finalizing') AND lease_until <= $2
     ORDER BY lease_until LIMIT ${Math.max(1, Math.floor(limit))} ${lock}`,
    [shopId, now],
  );
  return rows.map(toRecord);
}

export interface MessageFilter {
  customerId?: string;
  state?: MessageState;
  flowId?: string;
  limit?: number;
}

/** Messages, newest first. */
export async function listMessages(
  store: Store,
  shopId: string,
  filter: MessageFilter = {},
): Promise<MessageRecord[]> {
  const params: SqlValue[] = [shopId];
  const where = ['shop_id = $1'];
  if (filter.customerId) {
    params.push(filter.customerId);
    where.push(`customer_id = $${params.length}`);
  }
  if (filter.state) {
    params.push(filter.state);
    where.push(`state = $${params.length}`);
  }
  if (filter.flowId) {
    params.push(filter.flowId);
    where.push(`flow_id = $${params.length}`);
  }
  const rows = await store.engine.all(
    `SELECT ${READ} FROM messages WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, message_id DESC LIMIT ${Math.min(Math.max(filter.limit ?? 100, 1), 10_000)}`,
    params,
  );
  return rows.map(toRecord);
}

/** The earliest due time of a queued message, if any (how long the worker may sleep). */
export async function nextMessageDue(store: Store, shopId: string): Promise<Date | undefined> {
  const rows = await store.engine.all<{ first_due: Date | null }>(
    "SELECT MIN(due_at) AS first_due FROM messages WHERE shop_id = $1 AND state = 'queued'",
    [shopId],
  );
  return rows[0]?.first_due ?? undefined;
}

/** One message by id, or undefined. */
export async function getMessage(
  store: Store,
  shopId: string,
  messageId: string,
): Promise<MessageRecord | undefined> {
  const rows = await store.engine.all(
    `SELECT ${SELECT} FROM messages WHERE shop_id = $1 AND message_id = $2`,
    [shopId, messageId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** The message a provider names by our idempotency key (eSMS RequestId) or by its own id, or undefined. */
export async function messageByProviderReport(
  store: Store,
  shopId: string,
  report: { idempotencyKey?: string; providerMessageId?: string },
): Promise<MessageRecord | undefined> {
  const [column, value] = report.idempotencyKey
    ? ['idempotency_key', report.idempotencyKey]
    : ['provider_message_id', report.providerMessageId];
  if (!value) return undefined;
  const rows = await store.engine.all(
    `SELECT ${SELECT} FROM messages WHERE shop_id = $1 AND ${column} = $2`,
    [shopId, value],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * Records the first delivery, open or click of a message; false when one was recorded before.
 * A delivery also moves a sent message to `delivered`.
 */
export async function markEngagement(
  store: Store,
  shopId: string,
  messageId: string,
  what: 'delivered_at' | 'opened_at' | 'clicked_at',
  at: Date,
): Promise<boolean> {
  const state =
    what === 'delivered_at' ? ", state = CASE WHEN state = 'sent' THEN 'delivered' ELSE state END" : '';
  const rows = await store.engine.all<{ message_id: string }>(
    `UPDATE messages SET ${what} = $3${state}, updated_at = $3
     WHERE shop_id = $1 AND message_id = $2 AND ${what} IS NULL RETURNING message_id`,
    [shopId, messageId, at],
  );
  return rows.length > 0;
}

/** Notes why a sent message was not delivered (a provider's final report). */
export async function markUndelivered(
  store: Store,
  shopId: string,
  messageId: string,
  reason: string,
  at: Date,
): Promise<void> {
  await store.engine.run(
    `UPDATE messages SET reason = $3, updated_at = $4 WHERE shop_id = $1 AND message_id = $2 AND delivered_at IS NULL`,
    [shopId, messageId, reason, at],
  );
}

/**
 * Renews the lease of messages a worker is still sending (its provider calls are slow): until
 * `until`, for the rows that worker still holds.
 */
export async function renewSendLeases(
  store: Store,
  shopId: string,
  messageIds: readonly string[],
  until: Date,
  owner: string,
): Promise<void> {
  if (messageIds.length === 0) return;
  const ids = idsIn(store, messageIds, 3);
  await store.engine.run(
    `UPDATE messages SET lease_until = $2
     WHERE shop_id = $1 AND lease_owner = $3 AND state IN ('sending', 'finalizing') AND ${ids.sql}`,
    [shopId, until, owner, ...ids.params],
  );
}
