import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countJobs, enqueueJobs, LEASE_EXPIRED, listJobs } from '../../src/store/jobs/index.js';
import { openStore, type Store } from '../../src/store/store.js';
import { PG_URL } from '../support/engines.js';
import { PG_SKIP_REASON } from '../support/skip.js';
import { transpileSources } from '../support/transpile.js';

/*
 * The acceptance test of durable jobs: `nurture worker` PROCESSES sharing one PostgreSQL schema.
 * The CLI runs from the sources as they are now (transpiled in beforeAll, not a stale dist/).
 * The job kind `test.record` exists only here: a handler module passed with --handlers, which
 * writes one row per run, keyed by job id, without any unique key, so that a job run twice shows.
 */
const BUILD = resolve('test-artifacts/jobs-build');
const HANDLERS = join(BUILD, 'test-handlers.mjs');
const HANDLERS_SOURCE = `
export const handlers = {
  'test.record': async (ctx, job) => {
    await ctx.store.engine.run('INSERT INTO job_test_runs (job_id, owner) VALUES ($1, $2)', [job.jobId, ctx.owner]);
    const ms = job.payload?.sleepMs ?? 0;
    if (ms > 0) await new Promise((done) => setTimeout(done, ms));
  },
};
`;

interface Worker {
  child: ChildProcess;
  started: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

let main = '';
const schemas: string[] = [];

function schemaUrl(schema: string): string {
  const url = new URL(PG_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

function startWorker(db: string, args: readonly string[]): Worker {
  const child = spawn(
    process.execPath,
    [main, 'worker', '--db', db, '--poll-ms', '50', '--handlers', HANDLERS, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  let out = '';
  let onStarted: (owner: string) => void = () => {};
  const started = new Promise<string>((done) => {
    onStarted = done;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    const m = /worker started (\{.*\})/.exec(err);
    if (m) onStarted((JSON.parse(m[1]!) as { owner: string }).owner);
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return { child, started, exited, stderr: () => `${err}${out}` };
}

async function openSchema(): Promise<{ store: Store; db: string }> {
  const schema = `nurture_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  const store = await openStore({ db: PG_URL!, pgSchema: schema });
  await store.engine.run('CREATE TABLE job_test_runs (job_id VARCHAR NOT NULL, owner VARCHAR NOT NULL)');
  return { store, db: schemaUrl(schema) };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 150_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function runsByJob(store: Store): Promise<Map<string, number>> {
  const rows = await store.engine.all<{ job_id: string; n: number }>(
    'SELECT job_id, COUNT(*) AS n FROM job_test_runs GROUP BY job_id',
  );
  return new Map(rows.map((r) => [r.job_id, Number(r.n)]));
}

const jobs = (n: number, sleepMs: number) =>
  Array.from({ length: n }, (_, i) => ({ shopId: 'shop1', kind: 'test.record', payload: { i, sleepMs } }));

describe.skipIf(!PG_URL)(
  `nurture worker processes on one PostgreSQL schema${PG_URL ? '' : ` — ${PG_SKIP_REASON}`}`,
  () => {
    const workers: Worker[] = [];

    beforeAll(() => {
      main = transpileSources(BUILD);
      writeFileSync(HANDLERS, HANDLERS_SOURCE);
    }, 300_000);

    afterAll(async () => {
      for (const w of workers)
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      if (schemas.length === 0) return;
      // A plain client: opening a store here would migrate the database's public schema.
      const client = new pg.Client({ connectionString: PG_URL! });
      await client.connect();
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await client.end();
    });

    it('three workers do 1,200 jobs, each exactly once, and stop gracefully on SIGTERM', async () => {
      const { store, db } = await openSchema();
      try {
        const three = [0, 1, 2].map(() => startWorker(db, ['--concurrency', '8']));
        workers.push(...three);
        const owners = await Promise.all(three.map((w) => w.started));
        const N = 1200;
        const enqueued = await enqueueJobs(store, jobs(N, 10), new Date());
        expect(enqueued.every((r) => r.inserted)).toBe(true);
        await until('all jobs are done', async () => (await countJobs(store)).done === N);

        for (const w of three) w.child.kill('SIGTERM');
        for (const w of three) {
          expect(await w.exited).toEqual({ code: 0, signal: null });
          expect(w.stderr()).toContain('SIGTERM: không nhận thêm việc');
          expect(w.stderr()).toContain('worker stopped');
        }
        const runs = await runsByJob(store);
        expect(runs.size).toBe(N);
        expect([...runs.values()].every((n) => n === 1)).toBe(true);
        const [total] = await store.engine.all<{ n: number }>('SELECT COUNT(*) AS n FROM job_test_runs');
        expect(Number(total!.n)).toBe(N);
        expect(await countJobs(store)).toEqual({ queued: 0, running: 0, done: N, failed: 0 });
        expect(new Set(enqueued.map((r) => r.jobId))).toEqual(new Set(runs.keys()));
        // All three took part.
        const byOwner = await store.engine.all<{ owner: string; n: number }>(
          'SELECT owner, COUNT(*) AS n FROM job_test_runs GROUP BY owner',
        );
        expect(new Set(byOwner.map((r) => r.owner))).toEqual(new Set(owners));
        console.info(`${N} jobs, runs per worker: ${byOwner.map((r) => r.n).join(', ')}`);
      } finally {
        await store.close();
      }
    }, 300_000);

    it('a worker killed with SIGKILL mid-run: its leased jobs are done by the others after the lease expires', async () => {
      const { store, db } = await openSchema();
      try {
        const three = [0, 1, 2].map(() => startWorker(db, ['--concurrency', '4', '--lease-ms', '2000']));
        workers.push(...three);
        const owners = await Promise.all(three.map((w) => w.started));
        const victim = owners[0]!;
        const N = 300;
        await enqueueJobs(store, jobs(N, 40), new Date());
        await until('the victim has run a few jobs', async () => {
          const [r] = await store.engine.all<{ n: number }>(
            'SELECT COUNT(*) AS n FROM job_test_runs WHERE owner = $1',
            [victim],
          );
          return Number(r!.n) >= 8;
        });
        three[0]!.child.kill('SIGKILL');
        expect(await three[0]!.exited).toEqual({ code: null, signal: 'SIGKILL' });
        const leased = await store.engine.all<{ job_id: string; lease_expires_at: Date }>(
          "SELECT job_id, lease_expires_at FROM jobs WHERE lease_owner = $1 AND state = 'running'",
          [victim],
        );
        expect(leased.length).toBeGreaterThan(0);

        await until('all jobs are done', async () => (await countJobs(store)).done === N);
        for (const w of three.slice(1)) w.child.kill('SIGTERM');
        for (const w of three.slice(1)) expect(await w.exited).toEqual({ code: 0, signal: null });

        expect(await countJobs(store)).toEqual({ queued: 0, running: 0, done: N, failed: 0 });
        const runs = await runsByJob(store);
        expect(runs.size).toBe(N);
        // A job ran twice only if the victim held it when it died (at least once: it may have
        // done the work and died before recording it).
        const leasedIds = new Set(leased.map((l) => l.job_id));
        const twice = [...runs].filter(([, n]) => n > 1).map(([id]) => id);
        expect(twice.every((id) => leasedIds.has(id))).toBe(true);
        expect([...runs.values()].every((n) => n <= 2)).toBe(true);
        // The victim's jobs were taken over once their lease ran out, by the others.
        const all = new Map((await listJobs(store, 'shop1', { limit: N })).map((j) => [j.jobId, j]));
        for (const l of leased) {
          const job = all.get(l.job_id)!;
          expect(job).toMatchObject({ state: 'done', attempts: 2, lastError: LEASE_EXPIRED });
          expect(job.finishedAt!.getTime()).toBeGreaterThanOrEqual(l.lease_expires_at.getTime());
        }
        const takenOver = await store.engine.all<{ job_id: string }>(
          'SELECT DISTINCT job_id FROM job_test_runs WHERE owner <> $1',
          [victim],
        );
        const byOthers = new Set(takenOver.map((r) => r.job_id));
        expect([...leasedIds].every((id) => byOthers.has(id))).toBe(true);
        console.info(
          `SIGKILL: the victim held ${leasedIds.size} running jobs; all done by the others after the lease, ` +
            `${twice.length} of them run twice (the victim had done the work, not recorded it)`,
        );
      } finally {
        await store.close();
      }
    }, 300_000);
  },
);
