import type { Channel, ChannelKind, Channels, Held, SendOutcome } from '../../channels/channel.js';
import type { Sending } from './dispatch.js';

/**
 * The outbox's sends through a channel that holds its messages before the provider's last step
 * (SMTP: the whole e-mail but its final dot; see src/channels/smtp-pool.ts). Per group of the
 * channel's capacity: hold every message, commit the held ones `finalizing` in ONE transaction,
 * then take the last step for them (the commit is the batch's next SendRecorder write, shared
 * with the answers recorded meanwhile). The order is what makes a crash harmless:
 *
 * - before the commit, the messages are `sending` and no final step was taken: the provider
 *   discards them when the worker dies, and recovery sends them again;
 * - after it, recovery counts them as sent: the provider took them or, when the worker died
 *   between the commit and the dot, discarded them (lost rather than twice — the residual window
 *   docs/flows.md measures).
 *
 * A message this worker no longer holds (its lease ran out and another worker's recovery took it
 * over) is not marked and is dropped: the provider discards it, the other worker sends it.
 */
export async function sendHeld(
  sending: readonly Sending[],
  channels: Channels,
  answered: (s: Sending, outcome: SendOutcome) => void,
  finalize: Finalize,
): Promise<void> {
  const byChannel = new Map<ChannelKind, Sending[]>();
  for (const s of sending) byChannel.set(s.chosen.channel, [...(byChannel.get(s.chosen.channel) ?? []), s]);
  await Promise.all(
    [...byChannel].map(async ([kind, list]) => {
      const holding = channels[kind]?.holding;
      if (!holding) throw new Error(`the ${kind} channel does not hold messages`);
      const size = Math.max(1, holding.capacity);
      for (let i = 0; i < list.length; i += size)
        await holding.group(() => sendGroup(list.slice(i, i + size), holding, answered, finalize));
    }),
  );
}

type Holding = NonNullable<Channel['holding']>;

/**
 * Commits the held messages `finalizing` (those the worker still holds `sending`) and resolves
 * with the ids marked once that is committed: the dispatcher's SendRecorder, whose next write
 * carries the marks along with the answers that came meanwhile.
 */
export type Finalize = (messageIds: readonly string[]) => Promise<ReadonlySet<string>>;

async function sendGroup(
  group: readonly Sending[],
  holding: Holding,
  answered: (s: Sending, outcome: SendOutcome) => void,
  finalize: Finalize,
): Promise<void> {
  const holds = await Promise.all(
    group.map(async (s): Promise<Held> => {
      try {
        return await holding.hold(s.outgoing);
      } catch (error) {
        // An adapter throws only for a bug; nothing was held, so the message is retried.
        return {
          kind: 'answered',
          outcome: {
            kind: 'retry',
            code: 'adapter_error',
            reason: error instanceof Error ? error.message : String(error),
          },
        };
      }
    }),
  );
  const waiting: [Sending, Extract<Held, { kind: 'held' }>][] = [];
  holds.forEach((h, i) => {
    const s = group[i]!;
    if (h.kind === 'answered') answered(s, h.outcome);
    else waiting.push([s, h]);
  });
  if (waiting.length === 0) return;
  let mine: ReadonlySet<string>;
  try {
    mine = await finalize(waiting.map(([s]) => s.message.messageId));
  } catch (error) {
    // Not committed: no final step may be taken; the rows stay `sending` for recovery.
    for (const [, h] of waiting) h.drop();
    throw error;
  }
  await Promise.all(
    waiting.map(async ([s, h]) => {
      if (!mine.has(s.message.messageId)) {
        h.drop();
        return;
      }
      answered(s, await h.finish());
    }),
  );
}
