import { z } from 'zod';
import {
  countSegmentQuery,
  createShopSegment,
  deleteShopSegment,
  explainSegmentQuery,
  exportSegment,
  listShopSegments,
  refreshShopSegments,
  segmentHistory,
  shopSegmentMembers,
  showSegment,
  updateShopSegment,
} from '../../app/segments.js';
import { EXPORT_FORMATS } from '../../domain/segments/input.js';
import { type RouteSpec, route } from '../route.js';

const asOf = z
  .string()
  .max(40)
  .optional()
  .describe('YYYY-MM-DD (the end of that day, shop time) or an instant');
const nameParams = z.object({ name: z.string().min(1).max(200) });
const limitQuery = z.object({ as_of: asOf, limit: z.coerce.number().int().min(0).max(100_000).default(50) });
const queryBody = z.object({ query: z.string().min(1).max(20_000), as_of: asOf });

/** Saved segments and ad-hoc segment queries of the key's shop. */
export const segmentRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/segments',
    auth: 'secret',
    tag: 'Segments',
    summary: 'Every segment (built-in and saved) with its member count and last refresh.',
    handler: async ({ ctx, shopId }) => ({ segments: await listShopSegments(ctx, { shopId }) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/segments',
    auth: 'secret',
    tag: 'Segments',
    summary: 'Save a segment; its members are filled at once.',
    status: 201,
    body: z.object({
      name: z.string().min(1).max(200),
      query: z.string().min(1).max(20_000),
      description: z.string().max(2000).optional(),
      as_of: asOf,
    }),
    handler: ({ ctx, shopId, body }) =>
      createShopSegment(ctx, {
        shopId,
        name: body.name,
        query: body.query,
        description: body.description,
        asOf: body.as_of,
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/segments/:name',
    auth: 'secret',
    tag: 'Segments',
    summary: 'One segment with its latest entries and exits.',
    params: nameParams,
    handler: ({ ctx, shopId, params }) => showSegment(ctx, { shopId, name: params.name }),
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/segments/:name',
    auth: 'secret',
    tag: 'Segments',
    summary: "Change a saved segment's query, description or name.",
    params: nameParams,
    body: z.object({
      query: z.string().min(1).max(20_000).optional(),
      description: z.string().max(2000).optional(),
      rename: z.string().min(1).max(200).optional(),
      as_of: asOf,
    }),
    handler: ({ ctx, shopId, params, body }) =>
      updateShopSegment(ctx, {
        shopId,
        name: params.name,
        query: body.query,
        description: body.description,
        rename: body.rename,
        asOf: body.as_of,
      }),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/segments/:name',
    auth: 'secret',
    tag: 'Segments',
    summary: 'Delete a saved segment and its history.',
    params: nameParams,
    handler: async ({ ctx, shopId, params }) => {
      const s = await deleteShopSegment(ctx, { shopId, name: params.name });
      return { deleted: s.name, segmentId: s.segmentId };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/segments/:name/members',
    auth: 'secret',
    tag: 'Segments',
    summary: "A segment's current members (refreshed first).",
    params: nameParams,
    query: limitQuery,
    handler: ({ ctx, shopId, params, query }) =>
      shopSegmentMembers(ctx, { shopId, name: params.name, limit: query.limit, asOf: query.as_of }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/segments/:name/history',
    auth: 'secret',
    tag: 'Segments',
    summary: 'Entries and exits, latest first.',
    params: nameParams,
    query: limitQuery,
    handler: async ({ ctx, shopId, params, query }) => ({
      history: await segmentHistory(ctx, { shopId, name: params.name, limit: query.limit }),
    }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/segments/:name/export',
    auth: 'secret',
    tag: 'Segments',
    summary: 'An audience file of the members: csv, json or ads (Facebook/Zalo custom audience).',
    params: nameParams,
    query: z.object({
      format: z.enum(EXPORT_FORMATS),
      hash: z.enum(['true', 'false']).optional(),
      include_without_consent: z.enum(['true', 'false']).optional(),
      as_of: asOf,
    }),
    handler: async ({ ctx, shopId, params, query, reply }) => {
      const file = await exportSegment(ctx, {
        shopId,
        name: params.name,
        format: query.format,
        hash: query.hash === 'true',
        includeWithoutConsent: query.include_without_consent === 'true',
        asOf: query.as_of,
      });
      const type = query.format === 'json' ? 'application/json' : 'text/csv';
      reply
        .header('content-type', `${type}; charset=utf-8`)
        .header(
          'content-disposition',
          `attachment; filename="${file.segment.name.replace(/[^\w.-]/g, '_')}.${query.format === 'json' ? 'json' : 'csv'}"`,
        )
        .header('x-nurture-rows', String(file.rows));
      return reply.send(file.text);
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/segments/count',
    auth: 'secret',
    tag: 'Segments',
    summary: 'How many customers a query matches.',
    body: queryBody,
    handler: ({ ctx, shopId, body }) =>
      countSegmentQuery(ctx, { shopId, query: body.query, asOf: body.as_of }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/segments/explain',
    auth: 'secret',
    tag: 'Segments',
    summary: 'The parsed and resolved query and the SQL it compiles to.',
    body: queryBody,
    handler: ({ ctx, shopId, body }) =>
      explainSegmentQuery(ctx, { shopId, query: body.query, asOf: body.as_of }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/segments/refresh',
    auth: 'secret',
    tag: 'Segments',
    summary: 'Refresh membership: all segments, the time-dependent ones, or the named ones.',
    body: z.object({
      names: z.array(z.string().min(1).max(200)).max(1000).optional(),
      time_dependent: z.boolean().optional(),
      as_of: asOf,
    }),
    handler: ({ ctx, shopId, body }) =>
      refreshShopSegments(ctx, {
        shopId,
        names: body.names,
        timeDependent: body.time_dependent,
        asOf: body.as_of,
      }),
  }),
];
