/**
 * Results that are slow to compute (a whole analysis) kept per shop, key and data version, and
 * computed in the background: a reader gets the current result at once, or the last one of the
 * same key with its age while a fresh one is made. One cache per server (one database), created
 * by whoever serves the pages and passed to the use cases.
 */

/** A computed result and what it was computed from. */
export interface Computed<T> {
  /** The shop's data version the result was computed from (see `shopDataVersion`). */
  version: string;
  computedAt: Date;
  value: T;
}

/** What a reader finds for a key. */
export interface CacheState<T> {
  /** The result of the shop's current data, if there is one. */
  current: Computed<T> | undefined;
  /** Else the last result of the same shop and key, computed from older data. */
  stale: Computed<T> | undefined;
  /** A fresh result is being computed. */
  computing: boolean;
  /** Why the last attempt for the current data failed, if it did (a new start tries again). */
  failed: string | undefined;
}

interface Slot<T> {
  ready?: Computed<T>;
  running?: { version: string };
  failed?: { version: string; message: string };
  /** When the last computation of this key ended and how long it took (wall clock, ms). */
  last?: { endedAt: number; tookMs: number };
}

/**
 * After a computation of t seconds, the same key is computed again at the earliest `IDLE_FACTOR` t
 * seconds after it ended: a shop whose orders keep coming, watched on the overview, is analysed
 * at most a fifth of the time, its figures at most a few minutes old (30 s of analysis → 2 min).
 */
export const IDLE_FACTOR = 4;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ComputedCache<T> {
  private readonly slots = new Map<string, Slot<T>>();
  /** Computations run one at a time: an analysis uses the connection's temporary tables. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Computations started and not ended (waiting their turn or their idle time). */
  private readonly pending = new Set<Promise<unknown>>();

  /** @param maxKeys results kept (oldest dropped first), so memory stays bounded */
  constructor(private readonly maxKeys = 100) {}

  /** What there is for `key` of `shopId` while the shop's data is at `version`. */
  state(shopId: string, key: string, version: string): CacheState<T> {
    const slot = this.slots.get(slotKey(shopId, key));
    const ready = slot?.ready;
    const current = ready?.version === version ? ready : undefined;
    return {
      current,
      stale: current ? undefined : ready,
      computing: slot?.running?.version === version,
      failed: slot?.failed?.version === version ? slot.failed.message : undefined,
    };
  }

  /**
   * Starts computing `key` for `version` unless its result is current or already being made;
   * answers the state right after. `compute` runs after the computations queued before it.
   */
  start(
    shopId: string,
    key: string,
    version: string,
    compute: () => Promise<T>,
    now: () => Date,
  ): CacheState<T> {
    const name = slotKey(shopId, key);
    const slot = this.slots.get(name) ?? {};
    if (slot.ready?.version !== version && slot.running?.version !== version) {
      slot.running = { version };
      delete slot.failed;
      this.remember(name, slot);
      const idle = slot.last ? slot.last.endedAt + IDLE_FACTOR * slot.last.tookMs - Date.now() : 0;
      const run = delay(Math.max(0, idle)).then(() =>
        this.enqueue(() => this.compute(slot, version, compute, now)),
      );
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    }
    return this.state(shopId, key, version);
  }

  /** Resolves when every computation started so far has ended (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run;
    return run;
  }

  private async compute(
    slot: Slot<T>,
    version: string,
    compute: () => Promise<T>,
    now: () => Date,
  ): Promise<void> {
    // A newer version asked for meanwhile: that one's computation makes this one useless.
    if (slot.running?.version !== version) return;
    const began = Date.now();
    try {
      const value = await compute();
      slot.ready = { version, computedAt: now(), value };
    } catch (error) {
      slot.failed = { version, message: error instanceof Error ? error.message : String(error) };
    } finally {
      slot.last = { endedAt: Date.now(), tookMs: Date.now() - began };
      if (slot.running?.version === version) delete slot.running;
    }
  }

  private remember(name: string, slot: Slot<T>): void {
    this.slots.delete(name);
    this.slots.set(name, slot);
    while (this.slots.size > this.maxKeys) {
      const oldest = this.slots.keys().next().value;
      if (oldest === undefined) break;
      this.slots.delete(oldest);
    }
  }
}

const slotKey = (shopId: string, key: string) => `${shopId}\u0000${key}`;
