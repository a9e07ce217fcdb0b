/**
 * `nurture predict`'s pipeline on a prepared DuckDB file, in a process of its own so that its
 * peak RSS is the pipeline's: open the store, predictShop twice (summary in SQL, fit, score,
 * write back; the first run inserts, the second updates), count what was written. Prints one
 * JSON line (see StoreRun in clv-store.ts).
 * Usage: node dist/bench/clv-store-child.js <db> <shop> <as-of YYYY-MM-DD>
 */
import { type PredictResult, predictShop } from '../src/store/clv/predict-shop.js';
import { openStore } from '../src/store/store.js';
import { peakRssMiB } from './util.js';

const [db, shopId, asOf] = process.argv.slice(2);
if (db === undefined || shopId === undefined || asOf === undefined) {
  process.stderr.write('usage: clv-store-child <db> <shop> <as-of>\n');
  process.exit(2);
}
const t0 = performance.now();
const store = await openStore({ db });
const openSeconds = (performance.now() - t0) / 1000;

/** One predictShop, timed from outside (commit included). */
async function run(): Promise<{ seconds: number; result: PredictResult }> {
  const t = performance.now();
  const result = await predictShop(store, {
    shopId: shopId as string,
    asOf,
    unit: 'day',
    now: new Date(),
    newRunId: () => store.newId('pred'),
  });
  return { seconds: (performance.now() - t) / 1000, result };
}

// The first run inserts every prediction; the second is the recurring recompute (update in place).
const first = await run();
const again = await run();
const [row] = await store.engine.all<{ n: number }>(
  'SELECT COUNT(*) AS n FROM customer_predictions WHERE shop_id = $1',
  [shopId],
);
await store.close();
process.stdout.write(
  `${JSON.stringify({ openSeconds, first, again, written: Number(row?.n ?? 0), peakRssMiB: peakRssMiB() })}\n`,
);
