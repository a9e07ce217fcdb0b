import { z } from 'zod';
import { resolveAsOf } from '../../app/as-of.js';
import {
  changeFlowState,
  createFlow,
  listShopFlows,
  requireFlowView,
  updateFlowDocument,
} from '../../app/flows/definitions.js';
import { flowStats, listShopMessages } from '../../app/flows/messages.js';
import { previewFlowMessage, testSendFlowMessage } from '../../app/flows/preview.js';
import { runDueFlows } from '../../app/flows/run-due.js';
import { enableFlowTemplate, listFlowTemplates } from '../../app/flows/templates.js';
import { CHANNEL_KINDS } from '../../channels/channel.js';
import { MESSAGE_STATES } from '../../store/flows/messages.js';
import { type RouteSpec, route } from '../route.js';

const nameParams = z.object({ name: z.string().min(1).max(64) });
/** A flow document (docs/flows.md); validated by the flow schema, with every problem's path. */
const documentBody = z.record(z.string(), z.unknown()).describe('the flow document (docs/flows.md)');

const previewBody = z.object({
  step: z.string().min(1).max(64),
  customer_id: z.string().min(1).max(100).optional(),
  channel: z.enum(CHANNEL_KINDS).optional(),
  lang: z.enum(['vi', 'en']).optional(),
});

/** Flows and the outbox of the key's shop. */
export const flowRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/flows',
    auth: 'secret',
    tag: 'Flows',
    summary: 'Every flow with its state, newest version and the version new runs start on.',
    handler: async ({ ctx, shopId }) => ({ flows: await listShopFlows(ctx, shopId) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/flows',
    auth: 'secret',
    tag: 'Flows',
    summary: 'Create a flow (a draft unless live is true).',
    status: 201,
    body: z.object({ document: documentBody, live: z.boolean().default(false) }),
    handler: ({ ctx, shopId, body }) => createFlow(ctx, { shopId, document: body.document, live: body.live }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/flows/:name',
    auth: 'secret',
    tag: 'Flows',
    summary: 'One flow: its state, versions and document.',
    params: nameParams,
    handler: ({ ctx, shopId, params }) => requireFlowView(ctx, shopId, params.name),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/flows/:name',
    auth: 'secret',
    tag: 'Flows',
    summary: 'Save a new version; runs inside finish the version they started.',
    params: nameParams,
    body: z.object({ document: documentBody }),
    handler: ({ ctx, shopId, params, body }) =>
      updateFlowDocument(ctx, { shopId, name: params.name, document: body.document }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/flows/:name/state',
    auth: 'secret',
    tag: 'Flows',
    summary: 'Activate, pause, resume or archive a flow.',
    params: nameParams,
    body: z.object({ action: z.enum(['activate', 'pause', 'resume', 'archive']) }),
    handler: ({ ctx, shopId, params, body }) =>
      changeFlowState(ctx, { shopId, name: params.name, action: body.action }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/flows/:name/stats',
    auth: 'secret',
    tag: 'Flows',
    summary: "A flow's runs by state and, per step, its outcomes and messages.",
    params: nameParams,
    handler: ({ ctx, shopId, params }) => flowStats(ctx, { shopId, name: params.name }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/flows/run-due',
    auth: 'secret',
    tag: 'Flows',
    summary: 'Do all flow work due up to a moment, as the worker does (sending included).',
    body: z.object({
      as_of: z
        .string()
        .max(40)
        .optional()
        .describe('ISO 8601, with or without an offset (without: shop time)'),
    }),
    handler: async ({ ctx, shopId, body }) => {
      const timeZone = (await ctx.store.requireShop(shopId)).timezone;
      const asOf = body.as_of
        ? resolveAsOf(body.as_of, { timeZone, now: ctx.clock.now(), field: 'as_of' })
        : ctx.clock.now();
      return runDueFlows(ctx, { shopId, asOf });
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/flows/:name/preview',
    auth: 'secret',
    tag: 'Flows',
    summary: "A send step's message rendered for a customer (or a sample one); writes nothing.",
    params: nameParams,
    body: previewBody,
    handler: ({ ctx, shopId, params, body }) =>
      previewFlowMessage(ctx, {
        shopId,
        name: params.name,
        step: body.step,
        ...(body.customer_id ? { customerId: body.customer_id } : {}),
        ...(body.channel ? { channel: body.channel } : {}),
        ...(body.lang ? { lang: body.lang } : {}),
      }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/flows/:name/test-send',
    auth: 'secret',
    tag: 'Flows',
    summary: "Send a step's message once to a phone or e-mail, outside the outbox and the cap.",
    params: nameParams,
    body: previewBody.extend({ to: z.string().min(3).max(200) }),
    handler: ({ ctx, shopId, params, body }) =>
      testSendFlowMessage(ctx, {
        shopId,
        name: params.name,
        step: body.step,
        to: body.to,
        ...(body.customer_id ? { customerId: body.customer_id } : {}),
        ...(body.channel ? { channel: body.channel } : {}),
        ...(body.lang ? { lang: body.lang } : {}),
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/flow-templates',
    auth: 'secret',
    tag: 'Flows',
    summary: "The seeds' ready flows with their parameters.",
    handler: async () => ({ templates: listFlowTemplates() }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/flow-templates/:name',
    auth: 'secret',
    tag: 'Flows',
    summary: 'Create the flow of a ready template and switch it on (a draft with draft: true).',
    status: 201,
    params: nameParams,
    body: z.object({
      params: z.record(z.string(), z.string().max(2000)).default({}),
      draft: z.boolean().default(false),
    }),
    handler: ({ ctx, shopId, params, body }) =>
      enableFlowTemplate(ctx, { shopId, name: params.name, params: body.params, draft: body.draft }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/messages',
    auth: 'secret',
    tag: 'Flows',
    summary:
      'Messages of the outbox, newest first, with their state and why they were deferred, expired or suppressed.',
    query: z.object({
      customer_id: z.string().min(1).max(100).optional(),
      state: z.enum(MESSAGE_STATES).optional(),
      flow: z.string().min(1).max(64).optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(100),
    }),
    handler: async ({ ctx, shopId, query }) => ({
      messages: await listShopMessages(ctx, {
        shopId,
        ...(query.customer_id ? { customerId: query.customer_id } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(query.flow ? { flow: query.flow } : {}),
        limit: query.limit,
      }),
    }),
  }),
];
