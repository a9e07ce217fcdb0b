import { z } from 'zod';
import { getShopJob, listShopJobs, retryShopJob } from '../../app/jobs.js';
import { JOB_STATES } from '../../domain/jobs/index.js';
import { type RouteSpec, route } from '../route.js';

/** The shop's jobs: what ran, what waits, what failed and why; a failed job can be run again. */
export const jobRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/jobs',
    auth: 'secret',
    tag: 'Jobs',
    summary:
      "The shop's jobs, latest first, with their counts by state (webhook processing, the nightly recompute …).",
    query: z.object({
      state: z.enum(JOB_STATES).optional(),
      kind: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(50),
    }),
    handler: ({ ctx, shopId, query }) => listShopJobs(ctx, { shopId, ...query }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/jobs/:id',
    auth: 'secret',
    tag: 'Jobs',
    summary: 'One job: its state, attempts, next run and last error.',
    params: z.object({ id: z.string().min(1).max(100) }),
    handler: ({ ctx, shopId, params }) => getShopJob(ctx, { shopId, jobId: params.id }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/jobs/:id/retry',
    auth: 'secret',
    tag: 'Jobs',
    summary: 'Run a failed job again (due now, attempts from zero).',
    params: z.object({ id: z.string().min(1).max(100) }),
    handler: ({ ctx, shopId, params }) => retryShopJob(ctx, { shopId, jobId: params.id }),
  }),
];
