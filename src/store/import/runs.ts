/** After an import's batches: referrals resolved across the whole file, and the run's record. */
import { STAGE_REFERRALS, stage } from '../staging.js';
import type { Store } from '../store.js';
import type { BatchResult } from './session.js';

/** What one import run read and wrote, (a row of import_runs). */
export interface ImportRunRecord {
  importId: string;
  format: string;
  file: string;
  rowsRead: number;
  customers: number;
  orders: number;
  events: number;
  merged: number;
  products: number;
  marketingCosts: number;
  rejected: number;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Resolves referral references (the referrer's external id in the same source, e-mail or
 * phone) to customer ids. Returns how many were resolved.
 */
export async function resolveReferrals(
  store: Store,
  shopId: string,
  refs: readonly BatchResult['referrals'][number][],
): Promise<number> {
  if (refs.length === 0) return 0;
  await stage(store.engine, STAGE_REFERRALS, [
    refs.map((r) => r.customerId),
    refs.map((r) => r.ref),
    refs.map((r) => r.source),
  ]);
  const resolved = await store.engine.all<{ customer_id: string; referrer: string }>(
    // A reference is the referrer's id at the source, phone or e-mail, or their referral code.
    `SELECT x.customer_id, MIN(x.referrer) AS referrer FROM (
       SELECT r.customer_id, i.customer_id AS referrer FROM stage_referrals r
       JOIN customer_identities i ON i.shop_id = $1 AND i.value = r.ref
         AND (i.kind = 'external:' || r.source OR i.kind IN ('email', 'phone'))
       UNION ALL
       SELECT r.customer_id, k.customer_id AS referrer FROM stage_referrals r
       JOIN referral_codes k ON k.shop_id = $1 AND k.code = UPPER(TRIM(r.ref))
     ) x WHERE x.referrer <> x.customer_id
     GROUP BY x.customer_id`,
    [shopId],
  );
  for (const r of resolved)
    await store.engine.run(
      `UPDATE customers SET referred_by = $3 WHERE shop_id = $1 AND customer_id = $2
       AND referred_by IS DISTINCT FROM $3`,
      [shopId, r.customer_id, r.referrer],
    );
  return resolved.length;
}

/** Records a finished import run. */
export async function recordImportRun(store: Store, shopId: string, run: ImportRunRecord): Promise<void> {
  await store.engine.run(
    `INSERT INTO import_runs (shop_id, import_id, format, file, rows_read, customers, orders, events, merged,
       rejected, started_at, finished_at, products, marketing_costs)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      shopId,
      run.importId,
      run.format,
      run.file,
      run.rowsRead,
      run.customers,
      run.orders,
      run.events,
      run.merged,
      run.rejected,
      run.startedAt,
      run.finishedAt,
      run.products,
      run.marketingCosts,
    ],
  );
}
