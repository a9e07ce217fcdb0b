/**
 * Group commit: many callers' small writes carried out together, one transaction for all that
 * arrived while the previous one was being written. A caller's promise settles when its item
 * is committed (or its group failed), so an acknowledgement still means "stored".
 *
 * Under light load a write starts at once (at the end of the current I/O phase, so requests
 * read in the same phase share it); under heavy load the groups grow by themselves, and the
 * cost of a commit is shared by everyone who waited for it.
 */
import { NurtureError } from '../errors.js';

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** The largest group (default 1,000). */
  maxItems?: number;
  /** How many times a group that lost a race to another connection's commit is run again (default 3). */
  conflictRetries?: number;
}

export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private running: Promise<void> | undefined;
  private readonly maxItems: number;
  private readonly conflictRetries: number;

  /** `write` gets a group and returns one result per item, in order, once it is committed. */
  constructor(
    private readonly write: (items: readonly I[]) => Promise<readonly O[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 1000;
    this.conflictRetries = options.conflictRetries ?? 3;
  }

  /** Resolves with the item's result once its group is committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.running ??= new Promise<void>((started) => setImmediate(started)).then(() => this.drain());
    });
  }

  /** Resolves when everything submitted so far is written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxItems);
        try {
          const results = await this.writeWithRetries(group.map((w) => w.item));
          group.forEach((w, i) => {
            w.resolve(results[i] as O);
          });
        } catch (error) {
          for (const w of group) w.reject(error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async writeWithRetries(items: readonly I[]): Promise<readonly O[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.write(items);
      } catch (error) {
        const lostRace = error instanceof NurtureError && error.code === 'conflict';
        if (!lostRace || attempt >= this.conflictRetries) throw error;
      }
    }
  }
}
