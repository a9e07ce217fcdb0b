import type { AppContext } from '../app/context.js';
import { recoverOrphanedSends } from '../app/flows/outcomes.js';
import { type RunDueResult, runDueFlows } from '../app/flows/run-due.js';
import type { Channels } from '../channels/channel.js';
import { SmtpPools } from '../channels/smtp-pool.js';
import { listFlows } from '../store/flows/definitions.js';
import { listShops } from '../store/settings/index.js';
import type { Store } from '../store/store.js';
import { type Clock, systemClock } from './clock.js';
import { type Log, silentLog } from './handlers.js';

export interface FlowWorkerOptions {
  ctx: AppContext;
  clock?: Clock;
  log?: Log;
  /** How often the worker looks for due flow work (default 1 s). */
  pollMs?: number;
  /** This worker's name on the messages it is sending. */
  owner: string;
  /** How long a message being sent stays this worker's (default 60 s): after a crash on PostgreSQL, another worker recovers it once this runs out. */
  leaseMs?: number;
  /** The channels of a shop (default: built from its settings). */
  channels?: (shopId: string) => Promise<Channels>;
  /** Called after each pass of a shop (tests and the benchmark watch progress). */
  onPass?: (shopId: string, result: RunDueResult) => void;
}

/**
 * The flows' worker: every `pollMs` it runs `runDueFlows` for each shop with live or paused
 * flows, on the system clock. Any number run on PostgreSQL (runs and messages are taken with
 * SKIP LOCKED); on DuckDB the one process that owns the file runs one. On DuckDB it starts by
 * recovering every message left `sending`: no other process can hold the file, so whatever was
 * being sent was interrupted by a crash.
 */
export class FlowWorker {
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly pollMs: number;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake = new AbortController();
  /** The e-mail channel's SMTP connections, kept open across passes and closed by `stop`. */
  private readonly smtpPools = new SmtpPools();
  /**
   * Where the passes record the providers' answers (runDueFlows' `sendStore`): on DuckDB a
   * connection of its own, opened with the first pass and closed by `stop`.
   */
  private sendStore: Promise<Store> | undefined;

  constructor(private readonly options: FlowWorkerOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLog;
    this.pollMs = options.pollMs ?? 1000;
  }

  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.run();
  }

  /** Finishes the pass in progress and stops; closes the SMTP connections it kept open. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    try {
      await this.loop;
    } finally {
      await this.smtpPools.close();
      const sendStore = await this.sendStore?.catch(() => undefined);
      this.sendStore = undefined;
      if (sendStore && sendStore !== this.options.ctx.store) await sendStore.close();
    }
  }

  private sendStoreOf(ctx: AppContext): Promise<Store> {
    if (!this.sendStore) {
      const opened = ctx.store.separateConnection();
      // A connection that failed to open is tried again on the next pass.
      opened.catch(() => {
        if (this.sendStore === opened) this.sendStore = undefined;
      });
      this.sendStore = opened;
    }
    return this.sendStore;
  }

  /** One pass over every shop (the loop's body; tests call it directly). */
  async tick(): Promise<void> {
    const ctx = this.options.ctx;
    for (const shop of await listShops(ctx.store)) {
      if (this.stopping) return;
      // Listed once: the pass takes this list rather than listing the flows again.
      const flows = await listFlows(ctx.store, shop.shopId, ['live', 'paused']);
      if (flows.length === 0) continue;
      const channels = this.options.channels ? await this.options.channels(shop.shopId) : undefined;
      const result = await runDueFlows(
        { ...ctx, clock: { now: () => this.clock.now() } },
        { shopId: shop.shopId, asOf: this.clock.now() },
        {
          flows,
          smtpPools: this.smtpPools,
          sendStore: await this.sendStoreOf(ctx),
          owner: this.options.owner,
          ...(this.options.leaseMs ? { leaseMs: this.options.leaseMs } : {}),
          ...(channels ? { channels } : {}),
        },
      );
      this.options.onPass?.(shop.shopId, result);
      if (result.started + result.advanced + result.messages.considered > 0)
        this.log('debug', 'flows pass', {
          shopId: shop.shopId,
          started: result.started,
          advanced: result.advanced,
          ...result.messages,
        });
    }
  }

  private async run(): Promise<void> {
    const ctx = this.options.ctx;
    if (ctx.store.dialect === 'duckdb')
      for (const shop of await listShops(ctx.store)) {
        const channels = this.options.channels ? await this.options.channels(shop.shopId) : undefined;
        const recovered = await recoverOrphanedSends(ctx, shop.shopId, {
          everything: true,
          ...(channels ? { channels } : {}),
        });
        if (recovered > 0)
          this.log('warn', 'messages interrupted by a crash recovered', { shopId: shop.shopId, recovered });
      }
    while (!this.stopping) {
      try {
        await this.tick();
      } catch (error) {
        this.log('error', 'flows pass failed; trying again after the poll interval', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (this.stopping) break;
      await this.clock.sleep(this.pollMs, this.wake.signal);
    }
  }
}
