/**
 * The store pipeline of `npm run bench -- clv`: the generated shop's transactions become rows of
 * a DuckDB `orders` table (one valid order per transaction, noon in Vietnam on its day), then
 * `nurture predict`'s pipeline runs on it in a child process — summary per customer in SQL,
 * reading it as typed arrays, BG/NBD + Gamma-Gamma fits, scoring everyone (P(alive), expected
 * orders over 30/90/365 days, next order date, expected order value, 12-month CLV with its 90 %
 * interval) and writing the predictions back (vector appender into a temporary table, then one
 * INSERT … SELECT into customer_predictions) — timed step by step, with the child's peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BgNbdParams,
  formatEpochDay,
  type GammaGammaParams,
  type TransactionLog,
} from '../src/domain/clv/index.js';
import { appendNumberColumns, prepareNumberTable } from '../src/store/clv/columns.js';
import type { PredictResult } from '../src/store/clv/predict-shop.js';
import { openStore } from '../src/store/store.js';
import { fmt, markdownTable, runInChild } from './util.js';

const SHOP = 'bench';

/** What the child prints. */
interface StoreRun {
  openSeconds: number;
  /** The first run (inserts every prediction) and the recurring one (updates them in place). */
  first: { seconds: number; result: PredictResult };
  again: { seconds: number; result: PredictResult };
  written: number;
  peakRssMiB: number;
}

/** Writes the transactions as orders of a new DuckDB file; returns the seconds it took. */
export async function writeOrdersDb(path: string, log: TransactionLog): Promise<number> {
  const t0 = performance.now();
  const store = await openStore({ db: path });
  try {
    await store.ensureShop({ shopId: SHOP, name: 'CLV benchmark', timezone: 'Asia/Ho_Chi_Minh' });
    await store.transaction(async (tx) => {
      const columns = ['n', 'c', 'd', 'amount'];
      await prepareNumberTable(tx.engine, 'bench_transactions', columns);
      const n = log.day.length;
      await appendNumberColumns(tx.engine, 'bench_transactions', columns, [
        Float64Array.from({ length: n }, (_, i) => i),
        Float64Array.from(log.customer),
        Float64Array.from(log.day),
        Float64Array.from(log.amount ?? new Float64Array(n)),
      ]);
      await tx.engine.run(
        `INSERT INTO orders (shop_id, order_id, source, external_id, customer_id, status, currency, subtotal, shipping,
           taxes, discount, total, refunded, created_at, imported_at)
         SELECT $1, 'ord_' || CAST(CAST(n AS BIGINT) AS VARCHAR), 'bench', CAST(CAST(n AS BIGINT) AS VARCHAR),
           'cus_' || lpad(CAST(CAST(c AS BIGINT) AS VARCHAR), 7, '0'), 'paid', 'VND',
           CAST(amount AS DECIMAL(18,2)), 0, 0, 0, CAST(amount AS DECIMAL(18,2)), 0,
           to_timestamp(d * 86400 + 18000), to_timestamp(d * 86400 + 18000)
         FROM bench_transactions`,
        [SHOP],
      );
    });
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}

function paramsLine(p: Record<string, number>, names: readonly string[]): string {
  return names.map((k) => `${k}=${fmt(p[k] as number, 4)}`).join(', ');
}

/**
 * Runs the store pipeline on `log` (observed up to `until`) and prints its table. `truth` are the
 * generating parameters in weeks (the fit is in days).
 */
export async function benchClvStore(
  log: TransactionLog,
  until: number,
  truth: { bgnbd: BgNbdParams; gg: GammaGammaParams },
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-bench-clv-'));
  try {
    const db = join(dir, 'shop.duckdb');
    const prepare = await writeOrdersDb(db, log);
    const child = fileURLToPath(new URL('./clv-store-child.js', import.meta.url));
    const run = runInChild<StoreRun>(child, [db, SHOP, formatEpochDay(until)]);
    printStoreRun(run, log, prepare, truth);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds of the timed steps of a run (the rest of its wall time is the commit). */
function stepsOf(t: PredictResult['timings']): number {
  return t.summarySeconds + t.readSeconds + t.chooseSeconds + t.fitSeconds + t.scoreSeconds + t.writeSeconds;
}

function printStoreRun(
  run: StoreRun,
  log: TransactionLog,
  prepareSeconds: number,
  truth: { bgnbd: BgNbdParams; gg: GammaGammaParams },
): void {
  const a = run.first.result.timings;
  const b = run.again.result.timings;
  const r = run.again.result;
  const step = (label: string, x: number, y: number, target = ''): (string | number)[] => [
    label,
    fmt(x, 3),
    fmt(y, 3),
    target,
  ];
  const rows: (string | number)[][] = [
    step(
      `summary per customer in SQL (${log.day.length.toLocaleString('en-US')} orders → ${r.customers.toLocaleString('en-US')} customers)`,
      a.summarySeconds,
      b.summarySeconds,
    ),
    step('read the summary into typed arrays', a.readSeconds, b.readSeconds),
    step(
      `choose the model on the holdout (4 candidates on ≤ 20,000 customers; chose ${r.model})`,
      a.chooseSeconds,
      b.chooseSeconds,
    ),
    step(`fit ${r.model} + Gamma-Gamma`, a.fitSeconds, b.fitSeconds, '<= 1'),
    step(
      'score everyone (P(alive), E[X] 30/90/365 d, 90 % predictive intervals of orders and CLV, next order, E[M], 12-month CLV + its confidence interval)',
      a.scoreSeconds,
      b.scoreSeconds,
    ),
    step(
      `write ${run.written.toLocaleString('en-US')} predictions (first: INSERT; again: UPDATE in place)`,
      a.writeSeconds,
      b.writeSeconds,
    ),
    step(
      'commit (DuckDB writes the changed rows to its file)',
      run.first.seconds - stepsOf(a),
      run.again.seconds - stepsOf(b),
    ),
    [
      '**whole pipeline** (predictShop: one transaction, commit included)',
      `**${fmt(run.first.seconds, 3)}**`,
      `**${fmt(run.again.seconds, 3)}**`,
      '<= 5',
    ],
  ];
  const days = { ...truth.bgnbd, alpha: truth.bgnbd.alpha * 7 };
  process.stdout.write(
    `### Store pipeline (\`nurture predict\` on DuckDB)\n\n${markdownTable(['step', 'first run, s', 'again, s', 'target'], rows)}\n\n` +
      `Peak RSS of the pipeline process (both runs): ${fmt(run.peakRssMiB, 0)} MiB; opening the store ${fmt(run.openSeconds, 3)} s; ` +
      `writing the orders table (not timed above) ${fmt(prepareSeconds, 1)} s. ` +
      `Estimates from the store (truth ${paramsLine(days, ['r', 'alpha', 'a', 'b'])}; ${paramsLine({ ...truth.gg }, ['p', 'q', 'v'])}): ` +
      `${paramsLine(r.transaction.params, ['r', 'alpha', 'a', 'b'])}; ${r.spend ? paramsLine(r.spend.params, ['p', 'q', 'v']) : 'no spend model'}. ` +
      `Total 12-month CLV ${fmt(r.totals.clv ?? 0, 0)}.\n\n`,
  );
}
