import { NurtureError } from '../../errors.js';
import { type MessageEvent, recordMessageEvents } from '../../store/flows/message-events.js';
import { type MessageRecord, renewSendLeases } from '../../store/flows/messages.js';
import { recordOptOut } from '../../store/flows/recipients.js';
import { NoLongerHeld, writeSendAnswers } from '../../store/flows/send-answers.js';
import type { AppContext } from '../context.js';
import { GroupCommit } from '../group-commit.js';

/** An opt-out a provider's answer made (a Zalo refusal), recorded with the answer. */
export interface AnswerOptOut {
  channel: 'zalo';
  address: string;
  customerId: string;
  source: string;
  at: Date;
}

/** One batch's share of a write (what its SendRecorder hands over, with the answers applied). */
export interface AnswerPart {
  /** The messages as the providers' answers left them. */
  finished: MessageRecord[];
  /** Each answered message's events, written for the answers that are written. */
  eventsOf: ReadonlyMap<string, readonly MessageEvent[]>;
  optOuts: readonly AnswerOptOut[];
  /** The batch's messages still waiting for an answer whose lease is renewed, until `leaseUntil`. */
  unanswered: readonly string[];
  leaseUntil: Date;
  /** Held messages to mark `finalizing`. */
  toFinalize: readonly string[];
}

/**
 * Writes the outbox's answers, `finalizing` marks and lease renewals of every batch a pass has
 * in flight (at most two: one sending, the next one being sent as its providers answer), one
 * transaction for all that came while the previous one was written (GroupCommit). Each batch's
 * SendRecorder wrote a transaction of its own before: two batches, twice the commits, and on
 * DuckDB each commit a turn of the one connection the held e-mails wait for.
 *
 * On DuckDB only: its one connection takes one transaction at a time anyway, while PostgreSQL's
 * pool writes the batches' answers side by side.
 *
 * `submit` resolves with the ids the write marked `finalizing` once it is committed.
 */
export class AnswerWriter {
  private readonly groups: GroupCommit<AnswerPart, ReadonlySet<string>>;

  constructor(
    private readonly ctx: AppContext,
    private readonly shopId: string,
    private readonly owner: string,
  ) {
    // A lost race is handled in `write` (written again with `exact`), not by GroupCommit's retries.
    this.groups = new GroupCommit((parts) => this.write(parts), { conflictRetries: 0 });
  }

  submit(part: AnswerPart): Promise<ReadonlySet<string>> {
    // PostgreSQL writes each batch's answers at once on a connection of the pool: queueing them
    // behind one another (one write at a time) cost 18 % of its messages/s (bench flows, 3 workers).
    if (this.ctx.store.engine.dialect === 'postgres')
      return this.write([part]).then(([marked]) => marked ?? new Set<string>());
    return this.groups.submit(part);
  }

  private async write(parts: readonly AnswerPart[]): Promise<ReadonlySet<string>[]> {
    const { ctx, shopId, owner } = this;
    const finished = parts.flatMap((p) => p.finished);
    const toFinalize = parts.flatMap((p) => p.toFinalize);
    const eventsOf = (id: string) => {
      for (const p of parts) {
        const events = p.eventsOf.get(id);
        if (events) return events;
      }
      return [];
    };
    const once = (exact: boolean) =>
      ctx.store.transaction(async (tx) => {
        for (const p of parts) for (const o of p.optOuts) await recordOptOut(tx, shopId, o);
        const written = await writeSendAnswers(
          tx,
          shopId,
          finished,
          toFinalize,
          owner,
          ctx.clock.now(),
          exact,
        );
        // Only the answers written are transitions made here: their events are new.
        const events = [...written.answered].flatMap(eventsOf);
        await recordMessageEvents(tx, shopId, events, { fresh: true });
        for (const p of parts) await renewSendLeases(tx, shopId, p.unanswered, p.leaseUntil, owner);
        return written.finalized;
      });
    // DuckDB learns which rows were still held only when some were not (see writeSendAnswers).
    // A commit that lost to another connection's change of the same rows (recovery on another
    // connection took them over) is written again the same way: `exact` reads which rows are
    // still this worker's, in a transaction of its own.
    const marked = await once(false).catch((error: unknown) => {
      if (error instanceof NoLongerHeld || (error instanceof NurtureError && error.code === 'conflict'))
        return once(true);
      throw error;
    });
    return parts.map(() => marked);
  }
}
