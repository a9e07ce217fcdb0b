/**
 * Records the providers' answers of one dispatch batch while the batch is still being sent, so
 * that a crash leaves `sending` only the messages whose answer was not yet written: at most the
 * calls in flight plus the last `everyMs` of answers, not the whole batch. It matters for the
 * channels that cannot dedupe a repeat (SMTP: an e-mail recovered after a crash goes again, with
 * the same Message-ID): fewer rows left `sending`, fewer repeats. Each write also renews the lease
 * of the batch's messages still waiting for an answer, so a slow provider (calls timing out one
 * after another) does not let another worker's recovery take over messages a live worker is
 * still sending.
 *
 * The same writes mark held messages `finalizing` (held-sends.ts): a group of held e-mails waits
 * for the next write rather than for a transaction of its own, so the answers that came and the
 * marks share one commit (on DuckDB, one connection: every commit is a turn of its queue).
 */

/**
 * Writes some answers, renews the lease of `unanswered` (empty unless a renewal is due) and marks
 * `finalizing` the held messages `toFinalize`, in one transaction; returns the ids it marked.
 */
export type RecordAnswers<A> = (
  answers: A[],
  unanswered: readonly string[],
  toFinalize: readonly string[],
) => Promise<ReadonlySet<string>>;

interface FinalizeRequest {
  ids: readonly string[];
  done: (marked: ReadonlySet<string>) => void;
  fail: (error: unknown) => void;
}

export class SendRecorder<A> {
  private pending: A[] = [];
  private finals: FinalizeRequest[] = [];
  private answered = new Set<string>();
  /** The write loop while one runs; `again` asks it for one more write. */
  private writing: Promise<void> | undefined;
  private again = false;
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

  /**
   * Marks held messages `finalizing` with the next write (at once: their sender waits for it),
   * resolving once it is committed with the ids it marked; rejects when that write fails or an
   * earlier one did (nothing more is written then: the rows stay `sending` for recovery).
   */
  finalize(ids: readonly string[]): Promise<ReadonlySet<string>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const marked = new Promise<ReadonlySet<string>>((done, fail) => this.finals.push({ ids, done, fail }));
    this.flush();
    return marked;
  }

  /** Writes what is left and waits for every write; throws the first write's failure. */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    if (this.pending.length > 0 || this.finals.length > 0) this.flush();
    while (this.writing) await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Asks for a write. One runs at a time; what comes meanwhile (answers, marks) waits for the
   * next, which takes all of it: under load the writes grow rather than queue.
   */
  private flush(): void {
    this.again = true;
    this.writing ??= this.loop();
  }

  private async loop(): Promise<void> {
    // Starts after `writing` is set, and clears it in the same turn as its last look at
    // `again`: no request can fall between a loop that ended and the next.
    await null;
    try {
      while (this.again) {
        this.again = false;
        const answers = this.pending;
        const finals = this.finals;
        this.pending = [];
        this.finals = [];
        const now = Date.now();
        this.lastWrite = now;
        let unanswered: string[] = [];
        if (now - this.lastRenew >= this.renewMs) {
          this.lastRenew = now;
          unanswered = this.ids.filter((id) => !this.answered.has(id));
        }
        if (answers.length === 0 && unanswered.length === 0 && finals.length === 0) continue;
        // After a failed write nothing more is written: the rows stay `sending` for recovery.
        if (this.failure !== undefined) {
          for (const f of finals) f.fail(this.failure);
          continue;
        }
        try {
          const marked = await this.write(
            answers,
            unanswered,
            finals.flatMap((f) => f.ids),
          );
          for (const f of finals) f.done(marked);
        } catch (error) {
          this.failure = error;
          for (const f of finals) f.fail(error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
