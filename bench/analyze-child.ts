/**
 * One measured step of the analytics benchmark, in its own process so that its peak RSS is its own.
 * argv: <engine: duckdb|postgres> <db path or url> <step: generate|recompute|two-step|bare|bare-write> [customers] [orders] [schema]
 * Prints one JSON line.
 */
import { DEFAULT_ANALYTICS_CONFIG } from '../src/domain/analytics/config.js';
import { recomputeScores, recomputeShop, refreshCustomerStats } from '../src/store/analytics/index.js';
import { openStore } from '../src/store/store.js';
import { BARE_RFM_SQL, BENCH_SHOP, generateAnalyticsShop } from './analyze-data.js';
import { peakRssMiB } from './util.js';

const [, , engineName, db, step, customers = '1000000', orders = '10000000', schema] = process.argv;
const store = await openStore({
  db: db!,
  ...(engineName === 'postgres' && schema ? { pgSchema: schema } : {}),
});
const ASOF = new Date('2026-01-01T00:00:00Z');
const start = performance.now();
const cpuStart = process.cpuUsage();
const seconds = () => (performance.now() - start) / 1000;
let result: Record<string, unknown>;
if (step === 'generate') {
  await generateAnalyticsShop(store.engine, Number(customers), Number(orders));
  result = { seconds: seconds() };
} else if (step === 'recompute') {
  const full = await recomputeShop(store.engine, BENCH_SHOP, ASOF, DEFAULT_ANALYTICS_CONFIG);
  result = { seconds: seconds(), ...full.phases, customers: full.customers, thresholds: full.thresholds };
} else if (step === 'two-step') {
  const asOf = ASOF;
  // The way before recomputeShop: stats compared and rewritten (categories from the joined lines), then scores updated.
  const refresh = await refreshCustomerStats(store.engine, BENCH_SHOP, { strategy: 'replace', pivot: false });
  const statsSeconds = seconds();
  const scores = await recomputeScores(store.engine, BENCH_SHOP, asOf, DEFAULT_ANALYTICS_CONFIG);
  result = {
    seconds: seconds(),
    statsSeconds,
    scoresSeconds: seconds() - statsSeconds,
    customers: refresh.customers,
    thresholds: scores.thresholds,
  };
} else if (step === 'bare-write') {
  // The write's limit: the shop's customer_stats rows (as the recompute left them) appended to an
  // empty table of the same columns, in one transaction; the copy is dropped again.
  await store.engine.run('DROP TABLE IF EXISTS bench_stats_copy');
  await store.engine.run('CREATE TABLE bench_stats_copy AS SELECT * FROM customer_stats WHERE FALSE');
  const copyStart = performance.now();
  await store.engine.transaction((tx) =>
    tx.run('INSERT INTO bench_stats_copy SELECT * FROM customer_stats WHERE shop_id = $1', [BENCH_SHOP]),
  );
  result = { seconds: (performance.now() - copyStart) / 1000 };
  await store.engine.run('DROP TABLE bench_stats_copy');
} else {
  const [row] = await store.engine.all(BARE_RFM_SQL, [BENCH_SHOP]);
  result = { seconds: seconds(), row };
}
// CPU up to the same point as `seconds` (the close's checkpoint is in neither).
const cpu = process.cpuUsage(cpuStart);
await store.close();
process.stdout.write(
  `${JSON.stringify({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMiB: peakRssMiB() })}\n`,
);
