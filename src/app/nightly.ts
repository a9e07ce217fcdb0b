/**
 * The nightly recompute of each shop, at its `jobs.nightly_hour` in its own time zone: the
 * reorder cycles, analyze (scores and groups, then every segment), then predict. Scheduled as jobs, one per shop and
 * local day (the dedupe key), so a restart or a second server never runs a night twice.
 */
import { localDay } from '../domain/analytics/calendar.js';
import { startOfDay } from '../domain/segments/resolve.js';
import { NurtureError } from '../errors.js';
import { enqueueJob, type PruneOutcome, pruneShopHistory } from '../store/jobs/index.js';
import { listShops } from '../store/settings/index.js';
import { runAnalysis } from './analyze.js';
import type { AppContext } from './context.js';
import { runLoyaltyDaily } from './loyalty/events.js';
import { predict } from './predict.js';
import { recomputeRecommendations } from './recommend.js';
import { settleReferrals } from './referral-program.js';
import { recomputeReorderCycles } from './replenishment.js';
import { loadShopSettings } from './shop-settings.js';

export const NIGHTLY_JOB = 'nightly.recompute';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The next instant at `hour` o'clock in `timeZone`, after `now`, and its local day. */
export function nextNightly(now: Date, hour: number, timeZone: string): { at: Date; day: string } {
  for (let d = -1; d <= 2; d++) {
    const day = localDay(new Date(now.getTime() + d * DAY_MS), timeZone);
    const at = new Date(startOfDay(day, timeZone).getTime() + hour * HOUR_MS);
    if (at.getTime() > now.getTime()) return { at, day };
  }
  throw new Error('unreachable: a local day starts within two days');
}

/** Enqueues every shop's next nightly recompute (idempotent: one job per shop and local day). */
export async function scheduleNightly(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  let enqueued = 0;
  for (const shop of await listShops(ctx.store)) {
    const settings = await loadShopSettings(ctx, shop.shopId);
    const next = nextNightly(now, settings.nightlyHour, shop.timezone);
    const r = await enqueueJob(
      ctx.store,
      { shopId: shop.shopId, kind: NIGHTLY_JOB, runAt: next.at, dedupeKey: `${NIGHTLY_JOB}:${next.day}` },
      now,
    );
    if (r.inserted) enqueued++;
  }
  return enqueued;
}

/** Done jobs and processed webhook deliveries are kept this long (the seller's "what ran lately"). */
export const HISTORY_DAYS = 7;

/**
 * One shop's night: learn the reorder cycles, analyze as of now (segments follow), predict when the shop allows it, then
 * forget done jobs and processed deliveries older than a week.
 */
export async function runNightly(
  ctx: AppContext,
  shopId: string,
): Promise<{ predicted: boolean; pruned: PruneOutcome }> {
  // The reorder cycles first: the analysis refreshes the segments, replenishment_due(…) among them.
  await recomputeReorderCycles(ctx, { shopId });
  await runAnalysis({ kind: 'store', ctx }, { shopId, lang: 'vi' });
  let predicted = true;
  try {
    await predict(ctx, { shopId });
  } catch (error) {
    // A young shop has too few buyers to fit: that is not a failure of the night.
    if (!(error instanceof NurtureError && error.code === 'not_enough_data')) throw error;
    predicted = false;
    ctx.log.info({ shopId, reason: error.message.split('\n')[0] }, 'nightly: predictions skipped');
  }
  // Birthdays, expiry and its reminders, tier downgrades due with the calendar.
  const loyalty = await runLoyaltyDaily(ctx, { shopId });
  if (loyalty.expired + loyalty.reminders + loyalty.tierChanges > 0)
    ctx.log.info({ shopId, ...loyalty }, 'nightly: loyalty');
  // Referrals whose return window ended since their last order change earn their reward now.
  await settleReferrals(ctx, shopId);
  // The recommendations follow the night's orders (issue 18): lists, rules, popular products.
  await recomputeRecommendations(ctx, { shopId });
  const pruned = await pruneShopHistory(
    ctx.store,
    shopId,
    new Date(ctx.clock.now().getTime() - HISTORY_DAYS * 86_400_000),
  );
  if (pruned.jobs + pruned.deliveries > 0)
    ctx.log.info({ shopId, ...pruned }, 'nightly: old history forgotten');
  await scheduleNightly(ctx);
  return { predicted, pruned };
}
