import { z } from 'zod';
import { runAnalysis } from '../../app/analyze.js';
import { enqueueImport } from '../../app/import-jobs.js';
import { importStream } from '../../app/imports.js';
import { predict, predictInputSchema } from '../../app/predict.js';
import { IMPORT_FORMATS } from '../../ingest/records.js';
import { type RouteSpec, route } from '../route.js';

const bool = z.enum(['true', 'false']).optional();

/** Analysis, predictions and imports of the key's shop. */
export const analyticsRoutes: RouteSpec[] = [
  route({
    method: 'POST',
    url: '/api/v1/analyze',
    auth: 'secret',
    tag: 'Analytics',
    summary:
      'Recompute scores and groups and answer the analysis (the JSON of `nurture analyze --json`): KPIs, RFM, groups, cohorts, transitions, best customers.',
    body: z
      .object({
        as_of: z.string().max(40).optional(),
        lang: z.enum(['vi', 'en']).default('vi'),
        segments: z.boolean().default(false),
      })
      .prefault({}),
    handler: async ({ ctx, shopId, body }) => {
      const outcome = await runAnalysis(
        { kind: 'store', ctx },
        { shopId, lang: body.lang, segments: body.segments, ...(body.as_of ? { asOf: body.as_of } : {}) },
      );
      return outcome.report;
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/predictions',
    auth: 'secret',
    tag: 'Analytics',
    summary:
      "Fit the CLV models on the shop's orders and write every customer's predictions (`nurture predict`).",
    body: predictInputSchema.omit({ shopId: true }).prefault({}),
    handler: async ({ ctx, shopId, body }) => {
      const { result, membership } = await predict(ctx, { ...body, shopId });
      return {
        ...result,
        segments: { refreshed: membership.segments, entered: membership.entered, exited: membership.exited },
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/imports',
    auth: 'secret',
    tag: 'Imports',
    summary:
      'Import a file sent as the request body (any CLI format, e.g. `curl --data-binary @orders.csv -H "content-type: text/csv"`); answers the summary of `nurture import`.',
    query: z.object({
      format: z.enum(IMPORT_FORMATS),
      mapping: z
        .enum(['haravan', 'shopee', 'lazada', 'tiktok'])
        .optional()
        .describe(
          'orders-csv (haravan, shopee, lazada, tiktok) or products-csv (haravan, shopee): a built-in mapping',
        ),
      skip_invalid: bool,
      file_name: z.string().max(200).optional(),
      wait: bool.describe(
        'false: answer 202 with the job at once and import in the background; follow it at /api/v1/jobs/{id} (progress, then the summary as its result)',
      ),
    }),
    handler: async ({ ctx, shopId, query, request, reply }) => {
      const input = {
        shopId,
        format: query.format,
        ...(query.mapping ? { mapping: query.mapping } : {}),
        skipInvalid: query.skip_invalid === 'true',
        stream: request.body as NodeJS.ReadableStream & import('node:stream').Readable,
        ...(query.file_name ? { fileName: query.file_name } : {}),
      };
      if (query.wait === 'false') {
        const job = await enqueueImport(ctx, input);
        return reply
          .status(202)
          .header('location', `/api/v1/jobs/${job.jobId}`)
          .send({ job, url: `/api/v1/jobs/${job.jobId}` });
      }
      const summary = await importStream(ctx, input);
      const { rejects, ...rest } = summary;
      return { ...rest, rejects: rejects.slice(0, 1000) };
    },
  }),
];
