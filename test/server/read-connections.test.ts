/**
 * `nurture serve` on a DuckDB file answers the API's reads while a job holds a long write
 * transaction on the server's main connection (GET routes run on connections of their own), and
 * the read pool hands a request the least busy connection.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { ReadPool } from '../../src/server/read-pool.js';
import { startServer } from '../../src/server/run.js';
import { openStore } from '../../src/store/store.js';

describe('reads beside writes', () => {
  it('answers GET routes while the main connection is in a long transaction', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'nurture-reads-')), 'shop.duckdb');
    const setup = await openStore({ db });
    await setup.ensureShop({ shopId: 'default' });
    const { key } = await createApiKey(makeContext(setup), { shopId: 'default', kind: 'secret' });
    await setup.close();
    const running = await startServer({
      config: { db, shopId: 'default', lang: 'vi' },
      host: '127.0.0.1',
      port: 0,
      log: (await import('pino')).pino({ level: 'silent' }),
      jobs: { enabled: false },
    });
    try {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let answered = 0;
      const writing = running.ctx.store.transaction(async (tx) => {
        await tx.engine.run("UPDATE shops SET name = 'busy' WHERE shop_id = 'default'");
        await held;
      });
      const reads = ['/api/v1/customers', '/api/v1/jobs', '/api/v1/segments'].map(async (path) => {
        const res = await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status).toBe(200);
        answered++;
      });
      await Promise.all(reads);
      expect(answered).toBe(3);
      release();
      await writing;
    } finally {
      await running.stop();
    }
  });

  it('gives each request the least busy context', async () => {
    const store = await openStore({ db: ':memory:' });
    const contexts = [makeContext(store), makeContext(store)];
    const pool = new ReadPool(contexts);
    const used: AppContext[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = pool.run(async (ctx) => {
      used.push(ctx);
      await held;
    });
    await pool.run(async (ctx) => {
      used.push(ctx);
    });
    release();
    await first;
    expect(used[0]).toBe(contexts[0]);
    expect(used[1]).toBe(contexts[1]);
    await store.close();
  });
});
