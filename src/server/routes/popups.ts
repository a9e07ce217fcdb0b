import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import {
  anonymousIdSchema,
  duePopupsForVisitor,
  POPUP_ACTIONS,
  popupsQuerySchema,
  recordPopupAction,
  storefrontPopupSchema,
} from '../../app/popups.js';
import { removeSitePopup, setSitePopup, sitePopupDocumentSchema, sitePopups } from '../../app/site-popups.js';
import { type RouteSpec, route } from '../route.js';
import { checkOrigin, type TrackingLimits } from './tracking.js';

/**
 * The storefront's popups (docs/widget.md, "Popups"), with a publishable key like `/t/v1/batch`
 * and from the shop's allowed origins only: `GET /t/v1/popups` (the key as `?writeKey=`, a simple
 * request without a preflight) and `POST /t/v1/popups/:messageId/shown|closed|clicked` (a
 * `text/plain` JSON body with `writeKey`, as `navigator.sendBeacon` sends it).
 */
export function popupRoutes(ctx: AppContext, limits: TrackingLimits): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/t/v1/popups',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        'The popups due for a storefront visitor (`?anonymousId=`): the queued popup messages of the customer the visitor identified as, rendered in their language, with their display rules.',
      query: popupsQuerySchema,
      response: z.object({ popups: z.array(storefrontPopupSchema) }),
      handler: async ({ key, query, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        await checkOrigin(ctx, shopId, request, reply);
        reply.header('cache-control', 'no-store');
        return {
          popups: await duePopupsForVisitor(ctx, {
            shopId,
            anonymousId: query.anonymousId,
            lang: query.lang,
          }),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/t/v1/popups/:messageId/:action',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        'What the visitor did with a popup: `shown` (the message becomes sent; Message Sent, Delivered, Opened), `clicked` (Message Clicked), `closed`. Each recorded once per message.',
      params: z.object({ messageId: z.string().min(1).max(100), action: z.enum(POPUP_ACTIONS) }),
      body: z.object({ writeKey: z.string().max(100).optional(), anonymousId: anonymousIdSchema }),
      bodyLimit: 4 * 1024,
      handler: async ({ key, params, body, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        limits.perKey.take(key?.keyId ?? '', 'key');
        await checkOrigin(ctx, shopId, request, reply);
        return recordPopupAction(ctx, {
          shopId,
          anonymousId: body.anonymousId,
          messageId: params.messageId,
          action: params.action,
        });
      },
    }),
  ];
}

const sitePopupSchema = z.object({
  name: z.string(),
  audience: z.enum(['new', 'all']),
  state: z.enum(['live', 'paused']),
  content: z.record(z.string(), z.unknown()).describe('the popup content, its defaults filled in'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

/**
 * The shop's site popups through the API (secret key): `GET /api/v1/site-popups`,
 * `PUT /api/v1/site-popups/:name` (the document without its name), `DELETE …/:name`.
 */
export function sitePopupRoutes(): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/site-popups',
      auth: 'secret',
      tag: 'Popups',
      summary: "The shop's site popups: popups for every storefront visitor, outside flows.",
      response: z.object({ sitePopups: z.array(sitePopupSchema) }),
      handler: async ({ ctx, shopId }) => ({ sitePopups: await sitePopups(ctx, { shopId }) }),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/site-popups/:name',
      auth: 'secret',
      tag: 'Popups',
      summary: 'Creates or replaces a site popup (audience new or all, state live or paused, its content).',
      params: z.object({ name: z.string().max(63) }),
      body: sitePopupDocumentSchema.omit({ name: true }),
      response: sitePopupSchema,
      handler: async ({ ctx, shopId, params, body }) =>
        setSitePopup(ctx, { shopId, document: { ...body, name: params.name } }),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/site-popups/:name',
      auth: 'secret',
      tag: 'Popups',
      summary: 'Deletes a site popup.',
      params: z.object({ name: z.string().max(63) }),
      response: z.object({ deleted: z.string() }),
      handler: async ({ ctx, shopId, params }) => {
        await removeSitePopup(ctx, { shopId, name: params.name });
        return { deleted: params.name };
      },
    }),
  ];
}
