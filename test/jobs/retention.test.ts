/**
 * The nightly forgetting of old history, on both engines: done jobs and processed webhook
 * deliveries older than a week go; failed jobs, pending deliveries, recent rows and other shops'
 * rows stay. Run through the nightly job's own function.
 */
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { HISTORY_DAYS, runNightly } from '../../src/app/nightly.js';
import { enqueueJob } from '../../src/store/jobs/index.js';
import { keepDeliveries, notePendingDeliveries } from '../../src/store/webhooks/deliveries.js';
import { ENGINES } from '../support/engines.js';

const NOW = new Date('2026-12-07T20:00:00Z');
const OLD = new Date(NOW.getTime() - (HISTORY_DAYS + 1) * 86_400_000);
const RECENT = new Date(NOW.getTime() - 86_400_000);

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`forgetting old history (${engine.title})`, () => {
    it('removes old done jobs and processed deliveries, and nothing else', async () => {
      const store = await engine.open();
      try {
        for (const shopId of ['shop-r', 'shop-other']) await store.ensureShop({ shopId });
        const job = async (shopId: string, state: string, finishedAt: Date) => {
          const { jobId } = await enqueueJob(store, { shopId, kind: 'test.kind' }, OLD);
          await store.engine.run('UPDATE jobs SET state = $2, finished_at = $3 WHERE job_id = $1', [
            jobId,
            state,
            finishedAt,
          ]);
          return jobId;
        };
        const oldDone = await job('shop-r', 'done', OLD);
        const recentDone = await job('shop-r', 'done', RECENT);
        const oldFailed = await job('shop-r', 'failed', OLD);
        const otherShop = await job('shop-other', 'done', OLD);
        const delivery = (id: string, receivedAt: Date) => ({
          shopId: 'shop-r',
          deliveryId: `whk_${id}`,
          source: 'shopify' as const,
          topic: 'orders/create',
          webhookId: id,
          body: '{}',
          receivedAt,
        });
        await store.transaction((tx) =>
          keepDeliveries(tx, [delivery('old', OLD), delivery('old-pending', OLD), delivery('new', RECENT)]),
        );
        await notePendingDeliveries(store, 'shop-r', ['whk_old-pending']);

        const ctx = makeContext(store, { clock: { now: () => NOW } });
        const night = await runNightly(ctx, 'shop-r');
        expect(night.pruned).toEqual({ jobs: 1, deliveries: 1 });
        const jobs = await store.engine.all<{ job_id: string }>('SELECT job_id FROM jobs');
        const left = new Set(jobs.map((j) => j.job_id));
        expect(left.has(oldDone)).toBe(false);
        for (const kept of [recentDone, oldFailed, otherShop]) expect(left.has(kept)).toBe(true);
        const deliveries = await store.engine.all<{ delivery_id: string }>(
          'SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id',
        );
        expect(deliveries.map((d) => d.delivery_id)).toEqual(['whk_new', 'whk_old-pending']);
      } finally {
        await store.close();
      }
    });
  });
}
