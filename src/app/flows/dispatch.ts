import type { Channels, OutgoingMessage, SendOutcome } from '../../channels/channel.js';
import { DEFAULT_DELIVERY_POLICY, type HistoryItem, planSend } from '../../domain/messages/policy.js';
import type { MessageEvent } from '../../store/flows/message-events.js';
import { capSlots, lockDueMessages, type MessageRecord, saveMessages } from '../../store/flows/messages.js';
import { loadRecipients, type Recipient } from '../../store/flows/recipients.js';
import { loadChannels } from '../channel-settings.js';
import type { AppContext } from '../context.js';
import { type AnswerOptOut, AnswerWriter } from './answer-writer.js';
import { type ChosenChannel, chooseChannel } from './choose-channel.js';
import { sendHeld } from './held-sends.js';
import { loadMessageVars, renderMessage } from './message-content.js';
import { applyOutcome } from './outcomes.js';
import { SendRecorder } from './send-recorder.js';

/** Messages planned per transaction. */
export const MESSAGE_BATCH = 200;
/** Provider calls at once. */
const SEND_CONCURRENCY = 16;
/** How long a worker holds a message it is sending before recovery may take it over. */
const SEND_LEASE_MS = 60_000;
/** How often the answers of a batch being sent are written at most (see SendRecorder). */
const RECORD_EVERY_MS = 100;
const DAY_MS = 86_400_000;

export interface DispatchResult {
  considered: number;
  sent: number;
  deferred: number;
  expired: number;
  suppressed: number;
  declined: number;
  unreachable: number;
  retried: number;
  failed: number;
  unknown: number;
}

export function emptyDispatch(): DispatchResult {
  return {
    considered: 0,
    sent: 0,
    deferred: 0,
    expired: 0,
    suppressed: 0,
    declined: 0,
    unreachable: 0,
    retried: 0,
    failed: 0,
    unknown: 0,
  };
}

export interface DispatchOptions {
  channels?: Channels;
  owner?: string;
  pausedFlowIds?: ReadonlySet<string>;
  timeZone: string;
  /** How long this worker holds a message it is sending (default 60 s; `nurture worker --lease-ms`). */
  leaseMs?: number;
  /**
   * Writes the answers of every batch in flight together (runDueFlows gives one per pass; a
   * batch alone gets its own). Its store is where they are written.
   */
  writer?: AnswerWriter;
}

export interface Sending {
  message: MessageRecord;
  outgoing: OutgoingMessage;
  chosen: Extract<ChosenChannel, { kind: 'ok' }>;
}

/**
 * One batch of the outbox: plans each due message against the cap, quiet hours and consent
 * (decisions for one customer are serialised: PostgreSQL takes an advisory lock per customer),
 * marks the ones to go now as `sending` and commits that BEFORE calling any provider, then calls
 * the providers and records what they answered as the answers come (every RECORD_EVERY_MS). A
 * crash in between leaves the unrecorded ones `sending` (or `finalizing`, for e-mail held before
 * its final dot: see held-sends.ts), for `recoverOrphanedSends`.
 */
export async function dispatchDueMessages(
  ctx: AppContext,
  shopId: string,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const channels = options.channels ?? (await loadChannels(ctx, shopId));
  const planned = await planDueMessages(ctx, shopId, { ...options, channels });
  await sendPlanned(ctx, shopId, planned, { ...options, channels });
  return planned.result;
}

/** A batch planned and committed `sending`, ready for its provider calls. */
export interface PlannedBatch {
  /** The batch's counts; `sendPlanned` adds the providers' answers to them. */
  result: DispatchResult;
  sending: Sending[];
  asOf: Date;
}

/**
 * The first half of a batch: locks the due messages, plans each (cap, quiet hours, consent) and
 * commits the ones to go now as `sending`, in one transaction, before any provider is called.
 */
export async function planDueMessages(
  ctx: AppContext,
  shopId: string,
  options: DispatchOptions & { channels: Channels },
): Promise<PlannedBatch> {
  const result = emptyDispatch();
  const asOf = ctx.clock.now();
  const owner = options.owner ?? 'run-due';
  const { channels } = options;
  const sending = await ctx.store.transaction(async (tx) => {
    const due = await lockDueMessages(tx, shopId, asOf, MESSAGE_BATCH, [...(options.pausedFlowIds ?? [])]);
    result.considered = due.length;
    if (due.length === 0) return [];
    const ids = due.map((m) => m.customerId);
    const recipients = await loadRecipients(tx, shopId, ids);
    const history = historyByCustomer(await capSlots(tx, shopId, ids, new Date(asOf.getTime() - 8 * DAY_MS)));
    const vars = await loadMessageVars({ ...ctx, store: tx }, shopId, due, recipients);
    const out: Sending[] = [];
    const changed: MessageRecord[] = [];
    for (const m of due) {
      const next = planOne(m, recipients.get(m.customerId), history, channels, options.timeZone, asOf, vars);
      changed.push(next.message);
      result[next.counted]++;
      if (next.sending) out.push({ ...next.sending, message: { ...next.message, leaseOwner: owner } });
    }
    await saveMessages(
      tx,
      shopId,
      changed.map((m) =>
        m.state === 'sending'
          ? {
              ...m,
              leaseOwner: owner,
              leaseUntil: new Date(asOf.getTime() + (options.leaseMs ?? SEND_LEASE_MS)),
            }
          : m,
      ),
      asOf,
    );
    return out;
  });
  return { result, sending, asOf };
}

/**
 * The second half: calls the providers of a planned batch and records what they answered as
 * the answers come (every RECORD_EVERY_MS), adding them to the batch's counts.
 */
export async function sendPlanned(
  ctx: AppContext,
  shopId: string,
  batch: PlannedBatch,
  options: DispatchOptions & { channels: Channels },
): Promise<void> {
  const { sending, asOf, result } = batch;
  if (sending.length === 0) return;
  const owner = options.owner ?? 'run-due';
  const { channels } = options;
  // Answers are recorded while the batch is still being sent (see SendRecorder): a crash leaves
  // `sending` only the messages whose answer was not written yet.
  const leaseMs = options.leaseMs ?? SEND_LEASE_MS;
  const startedAt = Date.now();
  const writer = options.writer ?? new AnswerWriter(ctx, shopId, owner);
  const record = async (
    answers: [Sending, SendOutcome][],
    unanswered: readonly string[],
    toFinalize: readonly string[],
  ): Promise<ReadonlySet<string>> => {
    const finished: MessageRecord[] = [];
    const eventsOf = new Map<string, MessageEvent[]>();
    const counted: Counted[] = [];
    const optOuts: AnswerOptOut[] = [];
    for (const [s, outcome] of answers) {
      const events: MessageEvent[] = [];
      const next = applyOutcome(s.message, outcome, asOf, ctx, events);
      counted.push(next.counted);
      finished.push(next.message);
      eventsOf.set(s.message.messageId, events);
      if (outcome.kind === 'declined' && s.message.channel === 'zalo' && s.message.recipient)
        optOuts.push({
          channel: 'zalo',
          address: s.message.recipient,
          customerId: s.message.customerId,
          source: `zalo ${outcome.code}`,
          at: asOf,
        });
    }
    const leaseUntil = new Date(asOf.getTime() + (Date.now() - startedAt) + leaseMs);
    const marked = await writer.submit({ finished, eventsOf, optOuts, unanswered, leaseUntil, toFinalize });
    for (const c of counted) result[c]++;
    return marked;
  };
  const recorder = new SendRecorder<[Sending, SendOutcome]>(
    sending.map((s) => s.message.messageId),
    record,
    RECORD_EVERY_MS,
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  const answered = (s: Sending, outcome: SendOutcome) => recorder.add(s.message.messageId, [s, outcome]);
  // E-mail is held before its final dot and finished after a commit (held-sends.ts); the other
  // channels are called once, their providers deduping a repeat by our key.
  const held = sending.filter((s) => channels[s.chosen.channel]?.holding);
  const direct = sending.filter((s) => !channels[s.chosen.channel]?.holding);
  try {
    await Promise.all([
      sendAll(direct, channels, (i, outcome) => answered(direct[i]!, outcome)),
      sendHeld(held, channels, answered, (ids) => recorder.finalize(ids)),
    ]);
  } finally {
    await recorder.finish();
  }
}

function historyByCustomer(
  slots: Awaited<ReturnType<typeof capSlots>>,
): Map<string, (HistoryItem & { id: string })[]> {
  const out = new Map<string, (HistoryItem & { id: string })[]>();
  for (const s of slots) {
    const list = out.get(s.customerId) ?? [];
    list.push({
      id: s.messageId,
      at: s.at,
      channel: s.channel,
      promotional: s.promotional,
      ...(s.recipient ? { to: s.recipient } : {}),
    });
    out.set(s.customerId, list);
  }
  return out;
}

export type Counted = keyof Omit<DispatchResult, 'considered'>;

interface Planned {
  message: MessageRecord;
  counted: Counted | 'considered';
  sending?: Omit<Sending, 'message'>;
}

/** Decides one message: suppressed, expired, deferred to a slot, or to be sent now. */
function planOne(
  m: MessageRecord,
  recipient: Recipient | undefined,
  history: Map<string, (HistoryItem & { id: string })[]>,
  channels: Channels,
  timeZone: string,
  asOf: Date,
  vars: Awaited<ReturnType<typeof loadMessageVars>>,
): Planned {
  if (!recipient)
    return {
      message: { ...m, state: 'suppressed', reason: 'the customer no longer exists' },
      counted: 'suppressed',
    };
  const chosen = chooseChannel(m, recipient, channels);
  if (chosen.kind === 'none')
    return { message: { ...m, state: 'suppressed', reason: chosen.reason }, counted: 'suppressed' };
  const mine = (history.get(m.customerId) ?? []).filter((h) => h.id !== m.messageId);
  const overrides = vars.capOverride(m);
  const plan = planSend({
    wanted: m.dueAt,
    channel: chosen.channel,
    promotional: m.promotional,
    ...(chosen.address ? { to: chosen.address } : {}),
    ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
    history: mine,
    policy: DEFAULT_DELIVERY_POLICY,
    timeZone,
    ...(overrides ? { capOverride: overrides } : {}),
  });
  const base = { ...m, channel: chosen.channel, channelIndex: chosen.index, recipient: chosen.address };
  if (plan.kind === 'expired')
    return {
      message: {
        ...base,
        state: 'expired',
        reason: `${plan.reason}${plan.wouldSendAt ? ` (its first free slot was ${plan.wouldSendAt.toISOString()})` : ''}`,
        deferred: plan.deferred.join(',') || null,
      },
      counted: 'expired',
    };
  const slot = {
    id: m.messageId,
    at: plan.at,
    channel: chosen.channel,
    promotional: m.promotional,
    ...(chosen.address ? { to: chosen.address } : {}),
  };
  history.set(m.customerId, [...mine, slot]);
  if (plan.at.getTime() > asOf.getTime())
    return {
      message: {
        ...base,
        state: 'queued',
        planned: true,
        dueAt: plan.at,
        deferred: plan.deferred.join(',') || null,
      },
      counted: 'deferred',
    };
  const rendered = renderMessage(m, chosen.channel, recipient, vars, timeZone);
  if (!rendered.ok)
    return { message: { ...base, state: 'failed', reason: rendered.reason }, counted: 'failed' };
  const message: MessageRecord = {
    ...base,
    state: 'sending',
    planned: true,
    dueAt: plan.at,
    sentAt: plan.at,
    provider: chosen.provider,
    attempts: m.attempts + 1,
    rendered: JSON.stringify({ ...rendered.message, links: rendered.links }),
    deferred: plan.deferred.join(',') || m.deferred,
  };
  return {
    message,
    counted: 'considered',
    sending: {
      chosen,
      outgoing: { ...rendered.outgoing, messageId: m.messageId, idempotencyKey: m.idempotencyKey },
    },
  };
}

/** Calls the providers, SEND_CONCURRENCY at once, handing each answer to `answered` as it comes. */
async function sendAll(
  sending: readonly Sending[],
  channels: Channels,
  answered: (index: number, outcome: SendOutcome) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < sending.length; i = next++) {
      const s = sending[i]!;
      const channel = channels[s.chosen.channel];
      let outcome: SendOutcome;
      try {
        outcome = channel
          ? await channel.send(s.outgoing)
          : { kind: 'failed', code: 'not_configured', reason: `no ${s.chosen.channel} channel` };
      } catch (error) {
        // An adapter throws only for a bug; the message is retried rather than lost.
        outcome = {
          kind: 'retry',
          code: 'adapter_error',
          reason: error instanceof Error ? error.message : String(error),
        };
      }
      answered(i, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, sending.length) }, worker));
}
