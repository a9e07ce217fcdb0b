import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/domain/jobs/index.js';
import {
  claimJobs,
  completeJobs,
  countJobs,
  enqueueJob,
  enqueueJobs,
  extendLeases,
  failJob,
  getJob,
  LEASE_EXPIRED,
  listJobs,
  retryJob,
} from '../../src/store/jobs/index.js';
import { ENGINES, TestClock } from '../support/engines.js';

const SHOP = 'shop1';
const T0 = Date.UTC(2026, 0, 1, 8);
const at = (ms: number) => new Date(T0 + ms);
const LEASE = 60_000;
const half = () => 0.5;

describe('retry delays', () => {
  it('double from the base up to the cap, with half of each delay jittered', () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, () => 0, policy))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
    expect(retryDelayMs(3, () => 0.999999, policy)).toBe(4000);
    expect(retryDelayMs(3, half, policy)).toBe(3000);
  });
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(
    `jobs in the store on ${engine.name}${engine.skipped ? ` — ${engine.skipped}` : ''}`,
    () => {
      const open = () => engine.open(new TestClock(T0));

      it('enqueues idempotently by dedupe key, per shop', async () => {
        const store = await open();
        try {
          const first = await enqueueJob(
            store,
            { shopId: SHOP, kind: 'welcome', payload: { customer: 'cus_1' }, dedupeKey: 'welcome:cus_1' },
            at(0),
          );
          expect(first.inserted).toBe(true);
          expect(first.jobId).toMatch(/^job_/);
          const again = await enqueueJob(
            store,
            { shopId: SHOP, kind: 'welcome', payload: { customer: 'other' }, dedupeKey: 'welcome:cus_1' },
            at(5),
          );
          expect(again).toEqual({ jobId: first.jobId, inserted: false });
          const otherShop = await enqueueJob(
            store,
            { shopId: 'shop2', kind: 'welcome', dedupeKey: 'welcome:cus_1' },
            at(5),
          );
          expect(otherShop.inserted).toBe(true);
          // No key, no dedupe.
          const a = await enqueueJob(store, { shopId: SHOP, kind: 'tick' }, at(0));
          const b = await enqueueJob(store, { shopId: SHOP, kind: 'tick' }, at(0));
          expect(a.inserted && b.inserted && a.jobId !== b.jobId).toBe(true);

          const batch = await enqueueJobs(
            store,
            [
              { shopId: SHOP, kind: 'welcome', dedupeKey: 'welcome:cus_1' },
              { shopId: SHOP, kind: 'welcome', dedupeKey: 'welcome:cus_2' },
              { shopId: SHOP, kind: 'welcome', dedupeKey: 'welcome:cus_2' },
              { shopId: SHOP, kind: 'tick' },
            ],
            at(10),
          );
          expect(batch.map((r) => r.inserted)).toEqual([false, true, false, true]);
          expect(batch[0]!.jobId).toBe(first.jobId);
          expect(batch[2]!.jobId).toBe(batch[1]!.jobId);
          expect(await countJobs(store, SHOP)).toEqual({ queued: 5, running: 0, done: 0, failed: 0 });
          const job = await getJob(store, SHOP, first.jobId);
          expect(job).toMatchObject({
            kind: 'welcome',
            payload: { customer: 'cus_1' },
            state: 'queued',
            attempts: 0,
            maxAttempts: 5,
            dedupeKey: 'welcome:cus_1',
            runAt: at(0),
            createdAt: at(0),
          });
          expect(await getJob(store, 'shop2', first.jobId)).toBeUndefined();
        } finally {
          await store.close();
        }
      });

      it('claims due jobs in run_at order under a lease, and completes them in a batch', async () => {
        const store = await open();
        try {
          const ids = (
            await enqueueJobs(
              store,
              [0, 1, 2, 3].map((i) => ({ shopId: SHOP, kind: 'k', payload: i, runAt: at(3000 - i * 1000) })),
              at(0),
            )
          ).map((r) => r.jobId);
          // At 1.5 s, jobs due at 0 s and 1 s only.
          const first = await claimJobs(store, { owner: 'w1', limit: 10, leaseMs: LEASE, now: at(1500) });
          expect(first.map((j) => j.payload)).toEqual([3, 2]);
          expect(first[0]).toMatchObject({ state: 'running', attempts: 1, leaseOwner: 'w1' });
          expect(first[0]!.leaseExpiresAt).toEqual(at(1500 + LEASE));
          // Claimed jobs are not handed out again while the lease holds; limit is respected.
          const second = await claimJobs(store, { owner: 'w2', limit: 1, leaseMs: LEASE, now: at(5000) });
          expect(second.map((j) => j.payload)).toEqual([1]);
          // Only the holder completes.
          expect(await completeJobs(store, 'w2', [ids[3]!, ids[2]!], at(6000))).toBe(0);
          expect(await completeJobs(store, 'w1', [ids[3]!, ids[2]!], at(6000))).toBe(2);
          expect(await getJob(store, SHOP, ids[3]!)).toMatchObject({
            state: 'done',
            leaseOwner: null,
            finishedAt: at(6000),
          });
          expect(await countJobs(store)).toEqual({ queued: 1, running: 1, done: 2, failed: 0 });
        } finally {
          await store.close();
        }
      });

      it('retries a failed attempt after a backoff with jitter, then fails it for good', async () => {
        const store = await open();
        try {
          const { jobId } = await enqueueJob(store, { shopId: SHOP, kind: 'k', maxAttempts: 3 }, at(0));
          const policy = { baseMs: 1000, maxMs: 60_000 };
          let now = 0;
          const runAts: number[] = [];
          for (let attempt = 1; attempt <= 3; attempt++) {
            const [job] = await claimJobs(store, { owner: 'w', limit: 1, leaseMs: LEASE, now: at(now) });
            expect(job).toMatchObject({ jobId, attempts: attempt });
            const outcome = await failJob(store, 'w', jobId, new Error(`boom ${attempt}`), at(now), {
              random: half,
              policy,
            });
            if (attempt < 3) {
              // attempt 1: 1000 nominal → 750 with random 0.5; attempt 2: 2000 → 1500.
              const delay = [750, 1500][attempt - 1]!;
              expect(outcome).toEqual({ state: 'queued', runAt: at(now + delay), attempts: attempt });
              // Not due before its time.
              expect(
                await claimJobs(store, { owner: 'w', limit: 1, leaseMs: LEASE, now: at(now + delay - 1) }),
              ).toEqual([]);
              now += delay;
              runAts.push(now);
            } else expect(outcome).toEqual({ state: 'failed', runAt: null, attempts: 3 });
          }
          const failed = await getJob(store, SHOP, jobId);
          expect(failed).toMatchObject({ state: 'failed', attempts: 3, finishedAt: at(now) });
          expect(failed!.lastError).toContain('boom 3');
          expect(
            await claimJobs(store, { owner: 'w', limit: 1, leaseMs: LEASE, now: at(now + 1e9) }),
          ).toEqual([]);
          expect((await listJobs(store, SHOP, { state: 'failed' })).map((j) => j.jobId)).toEqual([jobId]);
          expect(runAts).toEqual([750, 2250]);
        } finally {
          await store.close();
        }
      });

      it('fails for good at once when told the failure is permanent; another worker cannot fail it', async () => {
        const store = await open();
        try {
          const { jobId } = await enqueueJob(store, { shopId: SHOP, kind: 'k' }, at(0));
          await claimJobs(store, { owner: 'w', limit: 1, leaseMs: LEASE, now: at(0) });
          expect(await failJob(store, 'other', jobId, 'no', at(1))).toBeUndefined();
          expect(await failJob(store, 'w', jobId, 'no handler', at(1), { permanent: true })).toEqual({
            state: 'failed',
            runAt: null,
            attempts: 1,
          });
          expect(await getJob(store, SHOP, jobId)).toMatchObject({
            state: 'failed',
            lastError: 'no handler',
          });
        } finally {
          await store.close();
        }
      });

      it("reclaims a crashed worker's jobs once their lease expires; extended leases hold", async () => {
        const store = await open();
        try {
          const [a, b] = (
            await enqueueJobs(
              store,
              [
                { shopId: SHOP, kind: 'k', payload: 'a' },
                { shopId: SHOP, kind: 'k', payload: 'b' },
              ],
              at(0),
            )
          ).map((r) => r.jobId);
          expect(
            await claimJobs(store, { owner: 'dead', limit: 1, leaseMs: 10_000, now: at(0) }),
          ).toHaveLength(1);
          expect(
            await claimJobs(store, { owner: 'slow', limit: 1, leaseMs: 10_000, now: at(0) }),
          ).toHaveLength(1);
          // The slow worker heartbeats; the dead one does not.
          expect(await extendLeases(store, 'slow', [b!, a!], 10_000, at(9000))).toBe(1);
          expect(await claimJobs(store, { owner: 'w2', limit: 5, leaseMs: 10_000, now: at(9999) })).toEqual(
            [],
          );
          const taken = await claimJobs(store, { owner: 'w2', limit: 5, leaseMs: 10_000, now: at(10_000) });
          expect(taken.map((j) => [j.jobId, j.attempts, j.leaseOwner, j.lastError])).toEqual([
            [a, 2, 'w2', LEASE_EXPIRED],
          ]);
          // The dead worker, back, finishes nothing it no longer holds.
          expect(await completeJobs(store, 'dead', [a!], at(10_001))).toBe(0);
          expect(await completeJobs(store, 'w2', [a!], at(10_001))).toBe(1);
          expect(await completeJobs(store, 'slow', [b!], at(10_002))).toBe(1);
        } finally {
          await store.close();
        }
      });

      it('fails a job whose lease expires on its last attempt', async () => {
        const store = await open();
        try {
          const { jobId } = await enqueueJob(store, { shopId: SHOP, kind: 'k', maxAttempts: 1 }, at(0));
          await claimJobs(store, { owner: 'dead', limit: 1, leaseMs: 1000, now: at(0) });
          expect(await claimJobs(store, { owner: 'w', limit: 1, leaseMs: 1000, now: at(1000) })).toEqual([]);
          const job = await getJob(store, SHOP, jobId);
          expect(job).toMatchObject({ state: 'failed', attempts: 1, leaseOwner: null, finishedAt: at(1000) });
          expect(job!.lastError).toContain(LEASE_EXPIRED);
        } finally {
          await store.close();
        }
      });

      it('retries a failed job by hand with fresh attempts; refuses other states and other shops', async () => {
        const store = await open();
        try {
          const { jobId } = await enqueueJob(store, { shopId: SHOP, kind: 'k', maxAttempts: 1 }, at(0));
          await expect(retryJob(store, SHOP, jobId, at(1))).rejects.toMatchObject({ code: 'conflict' });
          await claimJobs(store, { owner: 'w', limit: 1, leaseMs: LEASE, now: at(0) });
          await failJob(store, 'w', jobId, 'boom', at(1));
          await expect(retryJob(store, 'shop2', jobId, at(2))).rejects.toMatchObject({ code: 'not_found' });
          const retried = await retryJob(store, SHOP, jobId, at(2));
          expect(retried).toMatchObject({ state: 'queued', attempts: 0, runAt: at(2), finishedAt: null });
          expect(retried.lastError).toBe('boom');
          const [again] = await claimJobs(store, { owner: 'w', limit: 1, leaseMs: LEASE, now: at(2) });
          expect(again).toMatchObject({ jobId, attempts: 1 });
        } finally {
          await store.close();
        }
      });

      it('lists a shop’s jobs by state and kind, latest first', async () => {
        const store = await open();
        try {
          await enqueueJob(store, { shopId: SHOP, kind: 'a' }, at(0));
          await enqueueJob(store, { shopId: SHOP, kind: 'b' }, at(1));
          await enqueueJob(store, { shopId: 'shop2', kind: 'a' }, at(2));
          expect((await listJobs(store, SHOP)).map((j) => j.kind)).toEqual(['b', 'a']);
          expect((await listJobs(store, SHOP, { kind: 'a' })).map((j) => j.kind)).toEqual(['a']);
          expect(await listJobs(store, SHOP, { state: 'done' })).toEqual([]);
          expect(await listJobs(store, SHOP, { limit: 1 })).toHaveLength(1);
        } finally {
          await store.close();
        }
      });
    },
  );
}
