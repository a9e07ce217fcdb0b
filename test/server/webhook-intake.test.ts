/**
 * The webhook intake on both engines: deliveries kept together on a connection of their own
 * (group commit), re-deliveries recognised within and across groups, the batch job of the right
 * window, a late commit handed over again, and pending deliveries resumed after a restart. On
 * DuckDB also: the intake does not wait behind a long transaction of the main connection, and
 * a commit that loses to another connection is a `conflict` that the group runs again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { GroupCommit } from '../../src/app/group-commit.js';
import { cachedShopSettings, setShopSetting } from '../../src/app/shop-settings.js';
import { resumePendingWebhooks, WEBHOOKS_BATCH_JOB, WebhookIntake } from '../../src/app/webhook-intake.js';
import { NurtureError } from '../../src/errors.js';
import { listJobs } from '../../src/store/jobs/index.js';
import { openStore, type Store } from '../../src/store/store.js';
import type { WebhookDelivery } from '../../src/store/webhooks/deliveries.js';
import { ENGINES } from '../support/engines.js';

const SHOP = 'shop-i';
const T0 = Date.parse('2026-12-01T10:00:00.100Z');

const delivery = (ctx: AppContext, webhookId: string): WebhookDelivery => ({
  shopId: SHOP,
  deliveryId: ctx.newId('whk'),
  source: 'shopify',
  topic: 'orders/create',
  webhookId,
  body: JSON.stringify({ id: webhookId }),
  receivedAt: ctx.clock.now(),
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`the webhook intake (${engine.title})`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    /** A store with the shop, and a context on a connection of its own whose clock the test sets. */
    async function setUp(): Promise<{ main: AppContext; intakeCtx: AppContext; clock: { ms: number } }> {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP });
      const clock = { ms: T0 };
      const now = { now: () => new Date(clock.ms) };
      const main = makeContext(store, { clock: now });
      const intakeCtx = makeContext(await store.separateConnection(), { clock: now });
      return { main, intakeCtx, clock };
    }

    const count = async (table: string) =>
      Number(
        (
          await store!.engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE shop_id = $1`, [
            SHOP,
          ])
        )[0]?.n,
      );

    it('keeps 300 concurrent deliveries in groups, each once, with one batch job for their window', async () => {
      const { intakeCtx } = await setUp();
      const intake = new WebhookIntake(intakeCtx);
      // 250 distinct deliveries, 50 of them sent twice at once (a platform retrying).
      const ids = Array.from({ length: 300 }, (_, i) => `wh-${i % 250}`);
      const kept = await Promise.all(ids.map((id) => intake.keep(delivery(intakeCtx, id))));
      expect(kept.filter((k) => k.inserted)).toHaveLength(250);
      for (let i = 250; i < 300; i++)
        expect(kept[i]).toEqual({ deliveryId: kept[i - 250]!.deliveryId, inserted: false });
      // Sent again later, in another group: still the first ids.
      const again = await intake.keep(delivery(intakeCtx, 'wh-7'));
      expect(again).toEqual({ deliveryId: kept[7]!.deliveryId, inserted: false });
      expect(await count('webhook_deliveries')).toBe(250);
      expect(await count('pending_deliveries')).toBe(250);
      const jobs = await listJobs(store!, SHOP, { kind: WEBHOOKS_BATCH_JOB });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.runAt.getTime()).toBe(Date.parse('2026-12-01T10:00:00.500Z'));
    });

    it('hands the deliveries over again when their commit came after the job could start', async () => {
      const { intakeCtx, clock } = await setUp();
      const seen: string[] = [];
      const intake = new WebhookIntake(intakeCtx, {
        handOver: async (_ctx, _shop, deliveryIds) => {
          seen.push(...deliveryIds);
          clock.ms += 1000; // the transaction commits a second later
          return new Date(T0 + 400);
        },
        again: async (_ctx, shopId) => {
          seen.push(`again:${shopId}`);
        },
      });
      await intake.keep(delivery(intakeCtx, 'late-1'));
      expect(seen).toHaveLength(2);
      expect(seen[1]).toBe(`again:${SHOP}`);
    });

    it('gives every shop with waiting deliveries its batch job after a restart', async () => {
      const { main, intakeCtx } = await setUp();
      await new WebhookIntake(intakeCtx, {
        handOver: async (ctx, shopId, deliveryIds) => {
          const { notePendingDeliveries } = await import('../../src/store/webhooks/deliveries.js');
          await notePendingDeliveries(ctx.store, shopId, deliveryIds);
          return undefined; // as if the process died before enqueueing
        },
      }).keep(delivery(intakeCtx, 'orphan-1'));
      expect(await listJobs(store!, SHOP, { kind: WEBHOOKS_BATCH_JOB })).toHaveLength(0);
      expect(await resumePendingWebhooks(main)).toBe(1);
      expect(await listJobs(store!, SHOP, { kind: WEBHOOKS_BATCH_JOB })).toHaveLength(1);
    });
  });
}

/** DuckDB's connections of their own (PostgreSQL's pool needs none of this). */
describe('the webhook intake on DuckDB connections', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function setUp(): Promise<{ main: AppContext; intakeCtx: AppContext }> {
    store = await openStore({ db: ':memory:' });
    await store.ensureShop({ shopId: SHOP });
    const now = { now: () => new Date(T0) };
    const main = makeContext(store, { clock: now });
    const intakeCtx = makeContext(await store.separateConnection(), { clock: now });
    return { main, intakeCtx };
  }

  const count = async (table: string) =>
    Number(
      (
        await store!.engine.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE shop_id = $1`, [
          SHOP,
        ])
      )[0]?.n,
    );

  it('keeps deliveries while the main connection holds a long transaction', async () => {
    const { main, intakeCtx } = await setUp();
    const intake = new WebhookIntake(intakeCtx);
    let keptWhileBusy = -1;
    await main.store.transaction(async (tx) => {
      await tx.engine.run("UPDATE shops SET name = 'busy' WHERE shop_id = $1", [SHOP]);
      const kept = await Promise.all(
        Array.from({ length: 20 }, (_, i) => intake.keep(delivery(intakeCtx, `busy-${i}`))),
      );
      keptWhileBusy = kept.filter((k) => k.inserted).length;
    });
    expect(keptWhileBusy).toBe(20);
    expect(await count('webhook_deliveries')).toBe(20);
  });

  it('reports a commit lost to another connection as a conflict, which a group runs again', async () => {
    const { main, intakeCtx } = await setUp();
    const other = intakeCtx.store;
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const insert = (s: Store, v: string) =>
      s.engine.run(
        "INSERT INTO shop_settings (shop_id, key, value, updated_at) VALUES ($1, 'race.key', $2, $3)",
        [SHOP, v, new Date(T0)],
      );
    let inserted: () => void = () => {};
    const firstInserted = new Promise<void>((r) => {
      inserted = r;
    });
    const first = main.store.transaction(async (tx) => {
      await insert(tx, 'a');
      inserted();
      await held;
    });
    await firstInserted;
    const second = other.transaction((tx) => insert(tx, 'b'));
    await expect(second).resolves.toBeUndefined();
    release();
    const lost = await first.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(lost).toBeInstanceOf(NurtureError);
    expect((lost as NurtureError).code).toBe('conflict');

    let attempts = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      attempts++;
      if (attempts === 1) throw new NurtureError('conflict', 'lost a race');
      return items.map((i) => i * 2);
    });
    expect(await Promise.all([group.submit(1), group.submit(2)])).toEqual([2, 4]);
    expect(attempts).toBe(2);
  });
  it('sees a shop setting changed through another connection at once (one cache per database)', async () => {
    const { main, intakeCtx } = await setUp();
    await setShopSetting(main, { shopId: SHOP, key: 'shopify.webhook_secret', value: 'first-secret-123' });
    expect((await cachedShopSettings(intakeCtx, SHOP)).shopifyWebhookSecret).toBe('first-secret-123');
    await setShopSetting(main, { shopId: SHOP, key: 'shopify.webhook_secret', value: 'second-secret-456' });
    const [a, b] = await Promise.all([
      cachedShopSettings(intakeCtx, SHOP),
      cachedShopSettings(intakeCtx, SHOP),
    ]);
    expect(a.shopifyWebhookSecret).toBe('second-secret-456');
    expect(b).toBe(a);
  });
});
