import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './read-all.js';

/**
 * The parse worker runs compiled JavaScript, so an import through a real worker thread is
 * checked against the build (dist/, made by `npm run build`); the protocol itself is tested
 * from sources in parse-worker.test.ts.
 */
const DIST = resolve('dist/src');
const built = existsSync(`${DIST}/ingest/parse-worker.js`);

/**
 * Imports `file` (`times` times) into two fresh stores with the same ids, once parsing in a
 * worker and once on the main thread; returns what each import left.
 */
function importBothWays(file: string, skipInvalid: boolean, times = 1): { worker: unknown; thread: unknown } {
  const url = (p: string) => pathToFileURL(`${DIST}/${p}`).href;
  const script = `
    const { openStore } = await import(${JSON.stringify(url('store/store.js'))});
    const { importFile } = await import(${JSON.stringify(url('app/imports.js'))});
    const { makeContext } = await import(${JSON.stringify(url('app/context.js'))});
    const { seededRandom } = await import(${JSON.stringify(url('domain/ids.js'))});
    const run = async (parseInWorker) => {
      const store = await openStore({ db: ':memory:', ids: { now: () => 1767225600000, random: seededRandom(5) } });
      try {
        let s;
        for (let i = 0; i < ${times}; i++)
          s = await importFile(makeContext(store), {
            shopId: 'w', format: 'shopify-orders', path: ${JSON.stringify(file)},
            skipInvalid: ${skipInvalid}, parseInWorker,
          });
        return { summary: { rowsRead: s.rowsRead, orders: s.orders, customers: s.customers, rejects: s.rejects },
          snapshot: await store.snapshot('w') };
      } catch (e) {
        return { error: { code: e.code, details: e.details }, snapshot: await store.snapshot('w') };
      } finally {
        await store.close();
      }
    };
    process.stdout.write(JSON.stringify({ worker: await run(true), thread: await run(false) }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { worker: unknown; thread: unknown };
}

describe.runIf(built)('importing through the parse worker (built code)', () => {
  const file = `${FIXTURES}shopify-orders.csv`;

  it('is all-or-nothing: the same rejects, nothing imported', () => {
    const { worker, thread } = importBothWays(file, false);
    expect(worker).toEqual(thread);
    expect(worker).toMatchObject({
      error: {
        code: 'invalid_file',
        details: expect.arrayContaining([expect.objectContaining({ line: 9 })]),
      },
    });
  });

  it('with skipInvalid writes exactly what the in-thread import writes', () => {
    const { worker, thread } = importBothWays(file, true);
    expect(worker).toEqual(thread);
    expect(worker).toMatchObject({ summary: { rowsRead: 14, orders: 5 } });
  });

  it('changes nothing when the file is imported again', () => {
    const once = importBothWays(file, true, 1);
    const twice = importBothWays(file, true, 2);
    expect(twice.worker).toMatchObject({ summary: { customers: 0 } });
    expect((twice.worker as { snapshot: unknown }).snapshot).toEqual(
      (once.worker as { snapshot: unknown }).snapshot,
    );
  });
});
