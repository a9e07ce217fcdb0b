/**
 * The intake of store webhooks: kept deliveries are written together (group commit) on a
 * connection of their own, so that an acknowledgement waits for one short transaction shared
 * with the deliveries that arrived beside it, not behind the processing of earlier ones.
 */
import { enqueueJob } from '../store/jobs/index.js';
import {
  type KeptDelivery,
  keepDeliveries,
  notePendingDeliveries,
  shopsWithPendingDeliveries,
  type WebhookDelivery,
} from '../store/webhooks/deliveries.js';
import { type AppContext, withStore } from './context.js';
import { GroupCommit } from './group-commit.js';

/** How kept deliveries reach their processing. */
export interface DeliveryHandOver {
  /**
   * Called in the transaction that keeps a shop's new deliveries. Returns the instant by which
   * that transaction must have committed for the hand-over to see them, if there is one.
   * `committed` is the instant an earlier hand-over of this intake returned and committed for
   * the shop: a hand-over to the same job need not be made again.
   */
  handOver(
    ctx: AppContext,
    shopId: string,
    deliveryIds: readonly string[],
    committed: Date | undefined,
  ): Promise<Date | undefined>;
  /** Called when the commit came after that instant: hands the shop's waiting deliveries over again. */
  again?(ctx: AppContext, shopId: string): Promise<void>;
}

/** The job kind that processes every pending delivery of a shop at once. */
export const WEBHOOKS_BATCH_JOB = 'webhooks.process';

/** How long a kept delivery waits at most for its batch: one job per shop and window. */
const BATCH_WINDOW_MS = 500;

/**
 * One `webhooks.process` job per shop and window after `from`, which takes every pending
 * delivery of the shop (enqueue is idempotent per window). Returns when it may start.
 */
async function enqueueBatchJob(ctx: AppContext, shopId: string, from: Date, committed?: Date): Promise<Date> {
  const window = Math.floor(from.getTime() / BATCH_WINDOW_MS) + 1;
  const runAt = new Date(window * BATCH_WINDOW_MS);
  // This window's job is in the table already (it cannot have started: its time is to come).
  if (committed?.getTime() === runAt.getTime()) return runAt;
  await enqueueJob(
    ctx.store,
    { shopId, kind: WEBHOOKS_BATCH_JOB, runAt, dedupeKey: `${WEBHOOKS_BATCH_JOB}:${window}` },
    ctx.clock.now(),
  );
  return runAt;
}

/**
 * The server's hand-over: the deliveries are noted pending and the shop's batch job for the next
 * half second is enqueued, in the keeping transaction (never one without the other). The job
 * reads the pending deliveries it can see when it starts, so the keeping transaction must have
 * committed by then; if it did not, the shop gets the job of a later window.
 */
export const batchHandOver: DeliveryHandOver = {
  async handOver(ctx, shopId, deliveryIds, committed) {
    await notePendingDeliveries(ctx.store, shopId, deliveryIds);
    return enqueueBatchJob(ctx, shopId, ctx.clock.now(), committed);
  },
  async again(ctx, shopId) {
    await enqueueBatchJob(ctx, shopId, ctx.clock.now());
  },
};

/**
 * After a restart: every shop with deliveries still waiting gets its batch job (a crash between
 * a late commit and `again` would otherwise leave them until the shop's next delivery).
 */
export async function resumePendingWebhooks(ctx: AppContext): Promise<number> {
  const shops = await shopsWithPendingDeliveries(ctx.store);
  for (const shopId of shops) await batchHandOver.again?.(ctx, shopId);
  return shops.length;
}

/**
 * Keeps deliveries for the receivers: `keep` resolves once the delivery is committed and handed
 * over. `ctx` should be on a connection of its own (`Store.separateConnection`).
 */
export class WebhookIntake {
  private readonly groups: GroupCommit<WebhookDelivery, KeptDelivery>;
  /** Per shop, the instant the last committed hand-over returned (its batch job's start). */
  private readonly committed = new Map<string, Date>();

  constructor(
    private readonly ctx: AppContext,
    private readonly handOver: DeliveryHandOver = batchHandOver,
  ) {
    this.groups = new GroupCommit((deliveries) => this.writeGroup(deliveries));
  }

  /** The intake's context (its own connection): receivers read shop settings through it. */
  get context(): AppContext {
    return this.ctx;
  }

  /** Keeps one delivery (with others that arrive meanwhile); a re-delivery answers the first's id. */
  keep(delivery: WebhookDelivery): Promise<KeptDelivery> {
    return this.groups.submit(delivery);
  }

  /** Resolves when every delivery given so far is kept. */
  flush(): Promise<void> {
    return this.groups.flush();
  }

  private async writeGroup(deliveries: readonly WebhookDelivery[]): Promise<KeptDelivery[]> {
    const deadlines = new Map<string, Date | undefined>();
    const kept = await this.ctx.store.transaction(async (tx) => {
      const results = await keepDeliveries(tx, deliveries);
      const newByShop = new Map<string, string[]>();
      results.forEach((r, i) => {
        if (!r.inserted) return;
        const shopId = deliveries[i]!.shopId;
        newByShop.set(shopId, [...(newByShop.get(shopId) ?? []), r.deliveryId]);
      });
      const txCtx = withStore(this.ctx, tx);
      for (const [shopId, ids] of newByShop)
        deadlines.set(shopId, await this.handOver.handOver(txCtx, shopId, ids, this.committed.get(shopId)));
      return results;
    });
    const committedAt = this.ctx.clock.now();
    for (const [shopId, deadline] of deadlines) {
      if (deadline === undefined) continue;
      this.committed.set(shopId, deadline);
      if (committedAt >= deadline) await this.handOver.again?.(this.ctx, shopId);
    }
    return kept;
  }
}
