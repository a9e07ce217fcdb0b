import type { Channel, ChannelKind, Channels, Held, SendOutcome } from '../../channels/channel.js';
import { markFinalizing } from '../../store/flows/messages.js';
import type { AppContext } from '../context.js';
import type { Sending } from './dispatch.js';

/**
 * The outbox's sends through a channel that holds its messages before the provider's last step
 * (SMTP: the whole e-mail but its final dot; see src/channels/smtp-pool.ts). Each message is
 * held, committed `finalizing`, then finished; the commits are grouped (`FinalizeCommits`): every
 * message held while one commit runs goes in the next, whatever batch it belongs to. The order
 * is what makes a crash harmless:
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
  finalize: FinalizeCommits,
  answered: (s: Sending, outcome: SendOutcome) => void,
): Promise<void> {
  const byChannel = new Map<ChannelKind, Sending[]>();
  for (const s of sending) byChannel.set(s.chosen.channel, [...(byChannel.get(s.chosen.channel) ?? []), s]);
  const lanes: Promise<void>[] = [];
  for (const [kind, list] of byChannel) {
    const holding = channels[kind]?.holding;
    if (!holding) throw new Error(`the ${kind} channel does not hold messages`);
    // As many lanes as the channel holds at once; each lane holds one message at a time and never
    // waits for another lane, so lanes of batches sent together cannot starve each other.
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < list.length; i = next++) await sendOne(list[i]!, holding, finalize, answered);
    };
    for (let n = 0; n < Math.min(Math.max(1, holding.capacity), list.length); n++) lanes.push(lane());
  }
  // Every lane ends (its message finished or dropped) before a failure is reported.
  const settled = await Promise.allSettled(lanes);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

type Holding = NonNullable<Channel['holding']>;

async function sendOne(
  s: Sending,
  holding: Holding,
  finalize: FinalizeCommits,
  answered: (s: Sending, outcome: SendOutcome) => void,
): Promise<void> {
  let held: Held;
  try {
    held = await holding.hold(s.outgoing);
  } catch (error) {
    // An adapter throws only for a bug; nothing was held, so the message is retried.
    held = {
      kind: 'answered',
      outcome: {
        kind: 'retry',
        code: 'adapter_error',
        reason: error instanceof Error ? error.message : String(error),
      },
    };
  }
  if (held.kind === 'answered') {
    answered(s, held.outcome);
    return;
  }
  let mine: boolean;
  try {
    mine = await finalize.mark(s.message.messageId);
  } catch (error) {
    // Not committed: no final step may be taken; the row stays `sending` for recovery.
    held.drop();
    throw error;
  }
  if (!mine) {
    held.drop();
    return;
  }
  answered(s, await held.finish());
}

interface Waiting {
  id: string;
  resolve: (mine: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of `finalizing`: `mark` asks for one held message to be committed; one commit runs
 * at a time, and every message asked for while it runs goes in the next one. So the number of
 * commits follows the store's speed, not the number of messages or batches: on DuckDB, where
 * every transaction of the process goes through one connection, a commit that queued behind the
 * next batch's planning carries all the e-mails held meanwhile.
 */
export class FinalizeCommits {
  private pending: Waiting[] = [];
  private running = false;

  /** `commit` marks the ids `finalizing` in one transaction and returns those it marked. */
  constructor(private readonly commit: (ids: string[]) => Promise<Set<string>>) {}

  /** For the messages of `owner` in a shop: only rows it still holds `sending` are marked. */
  static forOwner(ctx: AppContext, shopId: string, owner: string): FinalizeCommits {
    return new FinalizeCommits((ids) =>
      ctx.store.transaction((tx) => markFinalizing(tx, shopId, ids, owner, ctx.clock.now())),
    );
  }

  /** Resolves true once the message is committed `finalizing`, false when this worker no longer holds it. */
  mark(messageId: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ id: messageId, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    // The holds answered in the same turn of the event loop join the first commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      try {
        const mine = await this.commit(group.map((w) => w.id));
        for (const w of group) w.resolve(mine.has(w.id));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.running = false;
  }
}
