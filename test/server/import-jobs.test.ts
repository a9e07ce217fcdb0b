/**
 * A long import as a job, over real HTTP on both engines: `POST /api/v1/imports?wait=false`
 * answers 202 with the job, a real dispatcher runs it (the import on a connection of its own),
 * the job shows its progress and then the same summary a waiting import gives, and the upload
 * is removed. A bad request enqueues nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { appJobContext, applicationJobs, Dispatcher } from '../../src/engine/index.js';
import { countJobs } from '../../src/store/jobs/index.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';
import { call, FIXTURES, startTestServer, type TestServer } from './support.js';

const ORDERS = readFileSync(`${FIXTURES}shopify-orders.csv`);

/** The parts of a summary that two imports of the same file into empty shops share. */
function comparable(summary: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, phases: _p, importId: _i, ...rest } = summary;
  return rest;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`imports as jobs (${engine.title})`, () => {
    let store: Store;
    let server: TestServer;
    const keys: Record<string, string> = {};

    beforeAll(async () => {
      store = await engine.open();
      server = await startTestServer(store);
      for (const shopId of ['shop-job', 'shop-wait']) {
        await store.ensureShop({ shopId });
        keys[shopId] = (await createApiKey(server.ctx, { shopId, kind: 'secret' })).key;
      }
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    const upload = (shopId: string, query: string) =>
      call(server.url, 'POST', `/api/v1/imports?${query}`, {
        key: keys[shopId]!,
        body: ORDERS,
        headers: { 'content-type': 'text/csv' },
      });

    it('answers 202 with the job, which a worker runs to the summary a waiting import gives', async () => {
      const queued = await upload(
        'shop-job',
        'format=shopify-orders&skip_invalid=true&wait=false&file_name=orders.csv',
      );
      expect(queued.status).toBe(202);
      const { job, url } = queued.body as {
        job: { jobId: string; state: string; kind: string; payload: { path: string } };
        url: string;
      };
      expect(job).toMatchObject({ state: 'queued', kind: 'import.file' });
      expect(queued.headers.get('location')).toBe(url);
      expect(existsSync(job.payload.path)).toBe(true);

      const dispatcher = new Dispatcher({
        store,
        registry: applicationJobs(),
        context: appJobContext(server.ctx.config),
      });
      const stats = await dispatcher.drain();
      expect(stats).toMatchObject({ claimed: 1, done: 1, failed: 0 });

      const done = await call(server.url, 'GET', url, { key: keys['shop-job']! });
      const finished = done.body as {
        state: string;
        progress: { rowsRead: number };
        result: Record<string, unknown>;
      };
      expect(finished.state).toBe('done');
      expect(finished.progress.rowsRead).toBeGreaterThan(0);
      expect(existsSync(job.payload.path)).toBe(false);

      const waited = await upload('shop-wait', 'format=shopify-orders&skip_invalid=true');
      expect(waited.status).toBe(200);
      expect(comparable(finished.result)).toEqual(comparable(waited.body as Record<string, unknown>));
      expect(Number(finished.result['orders'])).toBeGreaterThan(0);
    });

    it('refuses a bad request with 400 and enqueues nothing', async () => {
      const before = await countJobs(store, 'shop-job');
      const bad = await upload('shop-job', 'format=orders-csv&wait=false');
      expect(bad.status).toBe(400);
      expect(await countJobs(store, 'shop-job')).toEqual(before);
    });
  });
}
