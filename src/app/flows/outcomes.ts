import type { ChannelKind, Channels, SendOutcome } from '../../channels/channel.js';
import { retryDelayMs } from '../../domain/jobs/index.js';
import { assertNever } from '../../errors.js';
import { type MessageEvent, recordMessageEvents } from '../../store/flows/message-events.js';
import { lockOrphanedSends, type MessageRecord, saveMessages } from '../../store/flows/messages.js';
import { loadChannels } from '../channel-settings.js';
import type { AppContext } from '../context.js';
import type { Counted } from './dispatch.js';

/**
 * What a provider's answer makes of a message being sent, and what becomes of messages a dead
 * worker left `sending`. The dispatcher (dispatch.ts) plans and sends; this decides.
 */

/** Attempts of a passing failure (provider -100, 5xx, network) before the message fails. */
const MAX_SEND_ATTEMPTS = 5;

/** The message after its provider answered, and the events that answer makes. */
export function applyOutcome(
  message: MessageRecord,
  outcome: SendOutcome,
  asOf: Date,
  ctx: AppContext,
  events: MessageEvent[],
): { message: MessageRecord; counted: Counted } {
  const m = { ...message, leaseUntil: null };
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
          reason: outcome.kind === 'sent' ? (outcome.unconfirmed ?? null) : null,
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
 * Messages a dead worker left in `sending`: to a provider that dedupes by our key, or whose
 * channel holds messages before the last step (SMTP: no final dot was written for a message
 * still `sending`), they are queued again (the retry cannot reach the customer twice); to one
 * that cannot, they become `unknown` and are shown to the seller, never sent again blindly.
 * Messages left `finalizing` count as sent: the provider got the last step or discarded the
 * message, and sending again could be a second copy (docs/flows.md, "the residual window").
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
    const events: MessageEvent[] = [];
    const fixed = orphans.map((m): MessageRecord => {
      if (m.state === 'finalizing')
        return applyOutcome(
          { ...m, leaseOwner: null },
          {
            kind: 'sent',
            unconfirmed: `a crash came after the final step to ${m.provider ?? m.channel} was committed; counted as sent (the provider took it or discarded it), not sent again`,
          },
          now,
          ctx,
          events,
        ).message;
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
    await recordMessageEvents(tx, shopId, events);
    return fixed.length;
  });
}
