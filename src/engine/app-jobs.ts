import { AFTER_ORDERS_JOB, runDeferredAfterOrders } from '../app/after-orders.js';
import type { AppContext } from '../app/context.js';
import { makeContext } from '../app/context.js';
import { IMPORT_JOB, runImportJob } from '../app/import-jobs.js';
import type { Logger } from '../app/logger.js';
import { NIGHTLY_JOB, runNightly } from '../app/nightly.js';
import {
  processPendingWebhooks,
  processWebhookDelivery,
  WEBHOOK_JOB,
  WEBHOOKS_BATCH_JOB,
} from '../app/webhooks.js';
import type { AppConfig } from '../config.js';
import { NurtureError } from '../errors.js';
import { recordJobResult, reportJobProgress } from '../store/jobs/index.js';
import { type JobContext, JobRegistry } from './handlers.js';

/** A job's context with the application's: jobs call the same app/ functions as the CLI and the API. */
export interface AppJobContext extends JobContext {
  app: AppContext;
}

/** Builds the app context of a dispatcher's jobs from its base context. */
export function appJobContext(config: AppConfig, log?: Logger): (base: JobContext) => AppJobContext {
  return (base) => ({
    ...base,
    app: makeContext(base.store, { config, clock: base.clock, ...(log ? { log } : {}) }),
  });
}

function deliveryIdOf(payload: unknown): string {
  const id =
    typeof payload === 'object' && payload !== null
      ? (payload as { deliveryId?: unknown }).deliveryId
      : undefined;
  if (typeof id !== 'string')
    throw new NurtureError('invalid_input', 'a webhook job needs payload.deliveryId');
  return id;
}

/** Every job kind of the application, each a call of one app/ function. */
export function applicationJobs(): JobRegistry<AppJobContext> {
  return new JobRegistry<AppJobContext>()
    .register(WEBHOOK_JOB, async (ctx, job) => {
      await processWebhookDelivery(
        ctx.app,
        { shopId: job.shopId, deliveryId: deliveryIdOf(job.payload) },
        { deferAfterOrders: true },
      );
    })
    .register(WEBHOOKS_BATCH_JOB, async (ctx, job) => {
      await processPendingWebhooks(ctx.app, job.shopId);
    })
    .register(AFTER_ORDERS_JOB, async (ctx, job) => {
      await runDeferredAfterOrders(ctx.app, job.shopId);
    })
    .register(NIGHTLY_JOB, async (ctx, job) => {
      await runNightly(ctx.app, job.shopId);
    })
    .register(IMPORT_JOB, async (ctx, job) => {
      await runImportJob(ctx.app, job, {
        progress: (p) => reportJobProgress(ctx.store, job.jobId, ctx.owner, p, ctx.clock.now()),
        result: (summary) => recordJobResult(ctx.store, job.jobId, ctx.owner, summary, ctx.clock.now()),
      });
    });
}
