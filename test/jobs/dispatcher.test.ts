import { describe, expect, it, vi } from 'vitest';
import { Dispatcher, type JobContext, JobRegistry } from '../../src/engine/index.js';
import {
  countJobs,
  enqueueJob,
  enqueueJobs,
  getJob,
  type Job,
  listJobs,
} from '../../src/store/jobs/index.js';
import type { Store } from '../../src/store/store.js';
import { ManualClock } from '../support/clock.js';
import { ENGINES, TestClock } from '../support/engines.js';

const SHOP = 'shop1';
const T0 = Date.UTC(2026, 0, 1, 8);

/** A test-only job kind: records that it ran, keyed by job id. */
async function record(ctx: JobContext, job: Job): Promise<void> {
  await ctx.store.engine.run('INSERT INTO job_test_runs (job_id, payload, owner) VALUES ($1, $2, $3)', [
    job.jobId,
    JSON.stringify(job.payload),
    ctx.owner,
  ]);
}

async function runs(store: Store): Promise<{ job_id: string; n: number }[]> {
  return store.engine.all<{ job_id: string; n: number }>(
    'SELECT job_id, COUNT(*) AS n FROM job_test_runs GROUP BY job_id ORDER BY job_id',
  );
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `the job dispatcher on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      async function open(): Promise<Store> {
        const store = await engine.open(new TestClock(T0));
        await store.engine.run('CREATE TABLE job_test_runs (job_id VARCHAR, payload VARCHAR, owner VARCHAR)');
        return store;
      }

      it('runs every due job once through its handler, retries a failure, fails an unknown kind', async () => {
        const store = await open();
        try {
          const clock = new ManualClock(T0);
          let flakyCalls = 0;
          const registry = new JobRegistry()
            .register('test.record', record)
            .register('test.flaky', async () => {
              flakyCalls++;
              if (flakyCalls === 1) throw new Error('provider down');
            });
          const now = clock.now();
          await enqueueJobs(
            store,
            Array.from({ length: 60 }, (_, i) => ({ shopId: SHOP, kind: 'test.record', payload: { i } })),
            now,
          );
          const flaky = await enqueueJob(store, { shopId: SHOP, kind: 'test.flaky' }, now);
          const unknown = await enqueueJob(store, { shopId: SHOP, kind: 'test.nobody' }, now);
          const later = await enqueueJob(
            store,
            { shopId: SHOP, kind: 'test.record', runAt: new Date(T0 + 60_000) },
            now,
          );
          const dispatcher = new Dispatcher({
            store,
            registry,
            clock,
            concurrency: 8,
            random: () => 0,
            retryPolicy: { baseMs: 1000, maxMs: 60_000 },
          });
          const stats = await dispatcher.drain();
          expect(stats).toEqual({ claimed: 62, done: 60, retried: 1, failed: 1, lost: 0 });
          const ran = await runs(store);
          expect(ran).toHaveLength(60);
          expect(ran.every((r) => Number(r.n) === 1)).toBe(true);
          expect(await getJob(store, SHOP, unknown.jobId)).toMatchObject({
            state: 'failed',
            attempts: 1,
            lastError: expect.stringContaining(
              "no handler for job kind 'test.nobody' in this worker (known kinds: test.flaky, test.record)",
            ),
          });
          // The flaky job waits out its backoff (500 ms with no jitter), the later one its run_at.
          expect(await getJob(store, SHOP, flaky.jobId)).toMatchObject({
            state: 'queued',
            runAt: new Date(T0 + 500),
            lastError: expect.stringContaining('provider down'),
          });
          clock.advance(60_000);
          const next = new Dispatcher({ store, registry, clock });
          expect(await next.drain()).toMatchObject({ claimed: 2, done: 2 });
          expect(await getJob(store, SHOP, later.jobId)).toMatchObject({ state: 'done' });
          expect(await countJobs(store, SHOP)).toEqual({ queued: 0, running: 0, done: 62, failed: 1 });
        } finally {
          await store.close();
        }
      });

      it('runs at most `concurrency` jobs at once', async () => {
        const store = await open();
        try {
          let now = 0;
          let most = 0;
          const registry = new JobRegistry().register('test.slow', async () => {
            now++;
            most = Math.max(most, now);
            await new Promise((r) => setTimeout(r, 5));
            now--;
          });
          await enqueueJobs(
            store,
            Array.from({ length: 20 }, () => ({ shopId: SHOP, kind: 'test.slow' })),
            new Date(T0),
          );
          const d = new Dispatcher({ store, registry, clock: new ManualClock(T0), concurrency: 3 });
          expect((await d.drain()).done).toBe(20);
          expect(most).toBe(3);
        } finally {
          await store.close();
        }
      });

      it('stops gracefully: claims nothing more, waits for running jobs and records them', async () => {
        const store = await open();
        try {
          const clock = new ManualClock(T0);
          const g = gate();
          let started = 0;
          const registry = new JobRegistry().register('test.gated', async () => {
            started++;
            await g.wait;
          });
          await enqueueJobs(
            store,
            Array.from({ length: 5 }, () => ({ shopId: SHOP, kind: 'test.gated' })),
            clock.now(),
          );
          const d = new Dispatcher({ store, registry, clock, concurrency: 2 });
          d.start();
          await vi.waitFor(() => expect(started).toBe(2));
          let stopped = false;
          const stopping = d.stop().then(() => {
            stopped = true;
          });
          await new Promise((r) => setTimeout(r, 50));
          expect(stopped).toBe(false);
          g.open();
          await stopping;
          expect(started).toBe(2);
          expect(await countJobs(store, SHOP)).toEqual({ queued: 3, running: 0, done: 2, failed: 0 });
        } finally {
          await store.close();
        }
      });

      it("extends a long job's lease while it runs, so no other worker takes it", async () => {
        const store = await open();
        try {
          const clock = new ManualClock(T0);
          const g = gate();
          let started = 0;
          const registry = new JobRegistry().register('test.gated', async () => {
            started++;
            await g.wait;
          });
          const { jobId } = await enqueueJob(store, { shopId: SHOP, kind: 'test.gated' }, clock.now());
          const d = new Dispatcher({ store, registry, clock, leaseMs: 3000, pollMs: 10_000 });
          d.start();
          await vi.waitFor(() => expect(started).toBe(1));
          // 10 s pass in steps of 500 ms: the loop wakes every second (a third of the lease).
          for (let i = 0; i < 20; i++) {
            await vi.waitFor(() => expect(clock.sleeping).toBe(1));
            clock.advance(500);
          }
          const job = await getJob(store, SHOP, jobId);
          expect(job!.leaseExpiresAt!.getTime()).toBeGreaterThan(clock.now().getTime());
          const other = new Dispatcher({ store, registry, clock, owner: 'other' });
          expect((await other.drain()).claimed).toBe(0);
          g.open();
          await d.stop();
          expect(await listJobs(store, SHOP, { state: 'done' })).toHaveLength(1);
        } finally {
          await store.close();
        }
      });
    },
  );
}
