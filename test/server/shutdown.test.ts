/**
 * Graceful shutdown of `nurture serve`'s server: a request in flight when the stop begins is
 * finished, new connections are refused, and the DuckDB file is released for the next owner.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { makeContext } from '../../src/app/context.js';
import { startServer } from '../../src/server/run.js';
import { openStore } from '../../src/store/store.js';

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new ones and releases the database', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'nurture-shutdown-')), 'shop.duckdb');
    const setup = await openStore({ db });
    const { key } = await createApiKey(makeContext(setup), { shopId: 'default', kind: 'secret' });
    await setup.close();

    const running = await startServer({
      config: { db, shopId: 'default', lang: 'vi' },
      host: '127.0.0.1',
      port: 0,
      log: (await import('pino')).pino({ level: 'silent' }),
    });
    // An upload sent slowly: the stop begins while its body is still arriving.
    let sendRest: () => void = () => {};
    const rest = new Promise<void>((resolve) => {
      sendRest = resolve;
    });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('Customer ID,Email,Phone\n1,a1@example.vn,\n'));
        await rest;
        controller.enqueue(new TextEncoder().encode('2,a2@example.vn,0912345678\n'));
        controller.close();
      },
    });
    const inFlight = fetch(`${running.url}/api/v1/imports?format=shopify-customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    await new Promise((r) => setTimeout(r, 300));
    const stopped = running.stop();
    await new Promise((r) => setTimeout(r, 100));
    sendRest();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { rowsRead: number }).rowsRead).toBe(2);
    await stopped;
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();

    const next = await openStore({ db });
    expect((await next.summary('default')).customers).toBe(2);
    await next.close();
  });
});
