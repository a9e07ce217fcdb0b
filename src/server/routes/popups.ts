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
        return { popups: await duePopupsForVisitor(ctx, { shopId, anonymousId: query.anonymousId }) };
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
