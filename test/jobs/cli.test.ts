import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueJob, getJob } from '../../src/store/jobs/index.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';

describe('nurture jobs and nurture worker (DuckDB file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-jobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'jobs.duckdb');

  it('lists jobs, drains them with a worker, shows the failed one and retries it', async () => {
    const store = await openStore({ db });
    const now = new Date();
    const { jobId } = await enqueueJob(
      store,
      { shopId: 'default', kind: 'nobody.handles', payload: { a: 1 } },
      now,
    );
    await enqueueJob(store, { shopId: 'other', kind: 'nobody.handles' }, now);
    await store.close();

    const listed = await cli('jobs', 'list', '--db', db);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(jobId);
    expect(listed.out).toContain('đang chờ 1, đang chạy 0, xong 0, lỗi 0');
    expect(listed.out).toMatch(/^việc\s+loại\s+trạng thái\s+số lần chạy\s+chạy lúc \(Asia\/Ho_Chi_Minh\)/);
    const english = await cli('jobs', 'list', '--db', db, '--lang', 'en');
    expect(english.out).toContain('queued 1, running 0, done 0, failed 0');
    expect(english.out).toMatch(/^job\s+kind\s+state\s+attempts\s+run at \(Asia\/Ho_Chi_Minh\)/);

    // No kind is registered in the application yet: the worker fails the job with a clear error.
    const worked = await cli('worker', '--db', db, '--drain', '--poll-ms', '10', '--lang', 'en');
    expect(worked.code).toBe(0);
    expect(worked.out).toBe('0 done, 0 to retry, 2 failed\n');
    expect(worked.err).toContain(
      "no handler for job kind 'nobody.handles' in this worker (known kinds: after-orders, import.file, nightly.recompute, webhook.process, webhooks.process)",
    );

    const failed = await cli('jobs', 'list', '--db', db, '--failed', '--json');
    expect(failed.code).toBe(0);
    const parsed = JSON.parse(failed.out) as { counts: Record<string, number>; jobs: { jobId: string }[] };
    expect(parsed.counts).toEqual({ queued: 0, running: 0, done: 0, failed: 1 });
    expect(parsed.jobs.map((j) => j.jobId)).toEqual([jobId]);

    const retried = await cli('jobs', 'retry', jobId, '--db', db);
    expect(retried.code).toBe(0);
    expect(retried.out).toContain(
      `việc ${jobId} (nobody.handles) đã vào hàng đợi lại, 5 lần thử; lần trước lỗi:`,
    );
    const again = await cli('jobs', 'retry', jobId, '--db', db);
    expect(again).toMatchObject({
      code: 5,
      err: expect.stringContaining('only a failed job can be retried'),
    });
    expect((await cli('jobs', 'retry', 'job_nope', '--db', db)).code).toBe(4);

    const reopened = await openStore({ db });
    expect(await getJob(reopened, 'default', jobId)).toMatchObject({ state: 'queued', attempts: 0 });
    await reopened.close();
  });

  it('checks its options', async () => {
    const bad = await cli('jobs', 'list', '--db', db, '--state', 'sleeping');
    expect(bad).toMatchObject({
      code: 2,
      err: expect.stringContaining('--state phải là một trong: queued, running, done, failed'),
    });
    const both = await cli('jobs', 'list', '--db', db, '--failed', '--state', 'done');
    expect(both).toMatchObject({ code: 2, err: expect.stringContaining('contradict') });
    const zero = await cli('worker', '--db', db, '--concurrency', '0', '--drain');
    expect(zero).toMatchObject({ code: 2, err: expect.stringContaining('--concurrency phải từ 1 trở lên') });
    const missing = await cli('worker', '--db', join(dir, 'missing.duckdb'), '--drain');
    expect(missing.code).toBe(4);
    const handlers = await cli('worker', '--db', db, '--drain', '--handlers', join(dir, 'nope.mjs'));
    expect(handlers).toMatchObject({ code: 2, err: expect.stringContaining('--handlers: cannot load') });
  });
});
