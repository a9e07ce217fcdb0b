import type { ChannelKind, Channels, OutgoingMessage, SendOutcome } from '../../channels/channel.js';
import { retryDelayMs } from '../../domain/jobs/index.js';
import { DEFAULT_DELIVERY_POLICY, type HistoryItem, planSend } from '../../domain/messages/policy.js';
import { assertNever } from '../../errors.js';
import { type MessageEvent, recordMessageEvents } from '../../store/flows/message-events.js';
import {
  capSlots,
  lockDueMessages,
  lockOrphanedSends,
  type MessageRecord,
  renewSendLeases,
  saveMessages,
} from '../../store/flows/messages.js';
import { loadRecipients, type Recipient, recordOptOut } from '../../store/flows/recipients.js';
import { loadChannels } from '../channel-settings.js';
import type { AppContext } from '../context.js';
import { type ChosenChannel, chooseChannel } from './choose-channel.js';
import { loadMessageVars, renderMessage } from './message-content.js';
import { SendRecorder } from './send-recorder.js';

/** Messages planned per transaction. */
export const MESSAGE_BATCH = 200;
/** Provider calls at once. */
const SEND_CONCURRENCY = 16;
/** How long a worker holds a message it is sending before recovery may take it over. */
const SEND_LEASE_MS = 60_000;
/** How often the answers of a batch being sent are written at most (see SendRecorder). */
const RECORD_EVERY_MS = 100;
/** Attempts of a passing failure (provider -100, 5xx, network) before the message fails. */
const MAX_SEND_ATTEMPTS = 5;
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
}

interface Sending {
  message: MessageRecord;
  outgoing: OutgoingMessage;
  chosen: Extract<ChosenChannel, { kind: 'ok' }>;
}

/**
 * One batch of the outbox: plans each due message against the cap, quiet hours and consent
 * (decisions for one customer are serialised: PostgreSQL takes an advisory lock per customer),
 * marks the ones to go now as `sending` and commits that BEFORE calling any provider, then calls
 * the providers and records what they answered as the answers come (every RECORD_EVERY_MS). A
 * crash in between leaves the unrecorded ones `sending`, for `recoverOrphanedSends`.
 */
export async function dispatchDueMessages(
  ctx: AppContext,
  shopId: string,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const result = emptyDispatch();
  const asOf = ctx.clock.now();
  const owner = options.owner ?? 'run-due';
  const channels = options.channels ?? (await loadChannels(ctx, shopId));
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
  if (sending.length === 0) return result;
  // Answers are recorded while the batch is still being sent (see SendRecorder): a crash leaves
  // `sending` only the messages whose answer was not written yet.
  const leaseMs = options.leaseMs ?? SEND_LEASE_MS;
  const startedAt = Date.now();
  const recorder = new SendRecorder<[Sending, SendOutcome]>(
    sending.map((s) => s.message.messageId),
    (answers, unanswered) =>
      ctx.store.transaction(async (tx) => {
        const finished: MessageRecord[] = [];
        const events: MessageEvent[] = [];
        for (const [s, outcome] of answers) {
          const next = applyOutcome(s, outcome, asOf, ctx, events);
          result[next.counted]++;
          finished.push(next.message);
          if (outcome.kind === 'declined' && s.message.channel === 'zalo' && s.message.recipient)
            await recordOptOut(tx, shopId, {
              channel: 'zalo',
              address: s.message.recipient,
              customerId: s.message.customerId,
              source: `zalo ${outcome.code}`,
              at: asOf,
            });
        }
        await saveMessages(tx, shopId, finished, asOf, owner);
        await recordMessageEvents(tx, shopId, events);
        const leaseUntil = new Date(asOf.getTime() + (Date.now() - startedAt) + leaseMs);
        await renewSendLeases(tx, shopId, unanswered, leaseUntil, owner);
      }),
    RECORD_EVERY_MS,
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  await sendAll(sending, channels, (i, outcome) => {
    const s = sending[i]!;
    recorder.add(s.message.messageId, [s, outcome]);
  });
  await recorder.finish();
  return result;
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

type Counted = keyof Omit<DispatchResult, 'considered'>;

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

/** The message after its provider answered, and the events that answer makes. */
function applyOutcome(
  s: Sending,
  outcome: SendOutcome,
  asOf: Date,
  ctx: AppContext,
  events: MessageEvent[],
): { message: MessageRecord; counted: Counted } {
  const m = { ...s.message, leaseUntil: null };
  const event = (name: string, what: string, extra: Record<string, unknown> = {}) =>
    events.push({
      eventId: ctx.newId('evt'),
      dedupeKey: `msg:${m.messageId}:${what}`,
      name,
      customerId: m.customerId,
      at: m.sentAt ?? asOf,
      properties: {
        message_id: m.messageId,
        flow_id: m.flowId,
        step_id: m.stepId,
        channel: m.channel,
        ...extra,
      },
    });
  switch (outcome.kind) {
    case 'sent':
    case 'duplicate':
      event('Message Sent', 'sent');
      return {
        message: {
          ...m,
          state: 'sent',
          providerMessageId: outcome.providerMessageId ?? m.providerMessageId,
          reason: null,
        },
        counted: 'sent',
      };
    case 'declined':
      event('Message Declined', 'declined', { code: outcome.code });
      return {
        message: { ...m, state: 'declined', reason: `${outcome.code}: ${outcome.reason}` },
        counted: 'declined',
      };
    case 'unreachable': {
      const reason = `${m.channel} ${outcome.code}: ${outcome.reason}`;
      if (m.channelIndex + 1 < m.channels.length)
        // The next channel of the preference is tried in the next batch, planned afresh.
        return {
          message: {
            ...m,
            state: 'queued',
            planned: false,
            channelIndex: m.channelIndex + 1,
            channel: m.channels[m.channelIndex + 1]!,
            sentAt: null,
            leaseOwner: null,
            reason,
          },
          counted: 'unreachable',
        };
      return { message: { ...m, state: 'unreachable', reason }, counted: 'unreachable' };
    }
    case 'retry': {
      const reason = `${outcome.code}: ${outcome.reason}`;
      if (m.attempts >= MAX_SEND_ATTEMPTS)
        return {
          message: { ...m, state: 'failed', reason: `gave up after ${m.attempts} attempts; ${reason}` },
          counted: 'failed',
        };
      const wait =
        outcome.retryAfterMs ?? retryDelayMs(m.attempts, Math.random, { baseMs: 30_000, maxMs: 3_600_000 });
      return {
        message: {
          ...m,
          state: 'queued',
          planned: false,
          dueAt: new Date(asOf.getTime() + wait),
          sentAt: null,
          leaseOwner: null,
          reason,
        },
        counted: 'retried',
      };
    }
    case 'failed':
      return {
        message: { ...m, state: 'failed', reason: `${outcome.code}: ${outcome.reason}` },
        counted: 'failed',
      };
    default:
      return assertNever(outcome, 'send outcome');
  }
}

/**
 * Messages a dead worker left in `sending`: to a provider that dedupes by our key they are queued
 * again (the retry cannot reach the customer twice); to one that cannot, they become `unknown`
 * and are shown to the seller, never sent again blindly.
 */
export async function recoverOrphanedSends(
  ctx: AppContext,
  shopId: string,
  options: { channels?: Channels; everything?: boolean } = {},
): Promise<number> {
  const now = ctx.clock.now();
  const channels = options.channels ?? (await loadChannels(ctx, shopId));
  // `everything`: the caller knows no other worker is alive (DuckDB's one process, at start).
  const leaseEnd = options.everything ? new Date(8.64e15) : now;
  return ctx.store.transaction(async (tx) => {
    const orphans = await lockOrphanedSends(tx, shopId, leaseEnd, 10_000);
    const fixed = orphans.map((m): MessageRecord => {
      const channel = channels[m.channel as ChannelKind];
      return channel?.idempotent
        ? {
            ...m,
            state: 'queued',
            planned: false,
            leaseOwner: null,
            leaseUntil: null,
            sentAt: null,
            reason: 'resent after a crash (the provider dedupes)',
          }
        : {
            ...m,
            state: 'unknown',
            leaseOwner: null,
            leaseUntil: null,
            reason: `a crash interrupted the call to ${m.provider ?? m.channel}, which cannot tell whether it was sent; check before sending again`,
          };
    });
    await saveMessages(tx, shopId, fixed, now);
    return fixed.length;
  });
}
