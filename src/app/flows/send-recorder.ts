/**
 * Records the providers' answers of one dispatch batch while the batch is still being sent, so
 * that a crash leaves `sending` only the messages whose answer was not yet written: at most the
 * calls in flight plus the last `everyMs` of answers, not the whole batch. It matters for the
 * channels that cannot dedupe a repeat (SMTP: an e-mail recovered after a crash goes again, with
 * the same Message-ID): fewer rows left `sending`, fewer repeats. Each write also renews the lease
 * of the batch's messages still waiting for an answer, so a slow provider (calls timing out one
 * after another) does not let another worker's recovery take over messages a live worker is
 * still sending.
 */

/**
 * Writes some answers and renews the lease of `unanswered` (empty unless a renewal is due), in
 * one transaction.
 */
export type RecordAnswers<A> = (answers: A[], unanswered: readonly string[]) => Promise<void>;

export class SendRecorder<A> {
  private pending: A[] = [];
  private answered = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private lastWrite = Date.now();
  private lastRenew = Date.now();
  private readonly timer: NodeJS.Timeout;

  /**
   * `ids`: the batch's message ids; `everyMs`: how often answers are written at most; `renewMs`:
   * how often the lease is renewed even when no answer came (a third of the lease).
   */
  constructor(
    private readonly ids: readonly string[],
    private readonly write: RecordAnswers<A>,
    private readonly everyMs: number,
    private readonly renewMs: number,
  ) {
    this.timer = setInterval(
      () => {
        if (Date.now() - this.lastRenew >= renewMs) this.flush();
      },
      Math.max(10, Math.floor(renewMs / 2)),
    );
    this.timer.unref();
  }

  /** One answer; written with the next flush (at once when `everyMs` passed since the last). */
  add(id: string, answer: A): void {
    this.pending.push(answer);
    this.answered.add(id);
    if (Date.now() - this.lastWrite >= this.everyMs) this.flush();
  }

  /** Writes what is left and waits for every write; throws the first write's failure. */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    if (this.pending.length > 0) this.flush();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  private flush(): void {
    const answers = this.pending;
    this.pending = [];
    const now = Date.now();
    this.lastWrite = now;
    let unanswered: string[] = [];
    if (now - this.lastRenew >= this.renewMs) {
      this.lastRenew = now;
      unanswered = this.ids.filter((id) => !this.answered.has(id));
    }
    this.chain = this.chain.then(async () => {
      // After a failed write nothing more is written: the rows stay `sending` for recovery.
      if (this.failure !== undefined) return;
      try {
        await this.write(answers, unanswered);
      } catch (error) {
        this.failure = error;
      }
    });
  }
}
