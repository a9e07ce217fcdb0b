import { z } from 'zod';
import { loadShopSettings } from '../../app/shop-settings.js';
import type { WebhookIntake } from '../../app/webhook-intake.js';
import { receiveWebhook } from '../../app/webhooks.js';
import { NurtureError } from '../../errors.js';
import { SIGNATURE_HEADERS, type WebhookSource } from '../../ingest/webhooks/index.js';
import { type RouteSpec, route } from '../route.js';

const shopParams = z.object({ shop: z.string().min(1).max(64) });

function header(
  headers: Record<string, string | string[] | undefined>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const v = headers[name];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/**
 * Store webhooks: checked, kept and acknowledged at once (Shopify waits 5 s), processed by a job.
 * 200 for a kept delivery (also a re-delivery, which changes nothing), 202 for a topic Nurture
 * does not read, 401 for a missing or bad signature (nothing kept), 400 for a malformed body.
 */
export function webhookRoutes(intake: WebhookIntake): RouteSpec[] {
  return [
    receiver(
      intake,
      'shopify',
      'x-shopify-topic',
      'x-shopify-webhook-id',
      'Shopify webhooks (orders/*, refunds/create, customers/*), signed with X-Shopify-Hmac-Sha256.',
    ),
    receiver(
      intake,
      'haravan',
      'x-haravan-topic',
      'x-haravan-webhook-id',
      'Haravan webhooks (orders/*, customers/*), signed with X-Haravan-Hmacsha256.',
    ),
    route({
      method: 'GET',
      url: '/webhooks/haravan/:shop',
      auth: 'none',
      tag: 'Webhooks',
      summary: "Haravan's subscription check: answers hub.challenge when hub.verify_token is the shop's.",
      params: shopParams,
      query: z.object({
        'hub.mode': z.literal('subscribe'),
        'hub.verify_token': z.string().min(1).max(200),
        'hub.challenge': z.string().min(1).max(500),
      }),
      handler: async ({ ctx, params, query, reply }) => {
        const settings = await loadShopSettings(ctx, params.shop);
        if (
          settings.haravanVerifyToken === undefined ||
          settings.haravanVerifyToken !== query['hub.verify_token']
        )
          throw new NurtureError('unauthorized', "hub.verify_token is not this shop's haravan.verify_token");
        return reply.header('content-type', 'text/plain; charset=utf-8').send(query['hub.challenge']);
      },
    }),
  ];
}

/** The receiving route of one platform: the headers it reads differ, nothing else. */
function receiver(
  intake: WebhookIntake,
  source: WebhookSource,
  topicHeader: string,
  idHeader: string,
  summary: string,
): RouteSpec {
  return route({
    method: 'POST',
    url: `/webhooks/${source}/:shop`,
    auth: 'none',
    tag: 'Webhooks',
    summary,
    params: shopParams,
    rawBody: true,
    handler: async ({ ctx, params, request, reply }) => {
      const receipt = await receiveWebhook(
        ctx,
        {
          source,
          shopId: params.shop,
          topic: header(request.headers, [topicHeader]),
          webhookId: header(request.headers, [idHeader]),
          signature: header(request.headers, SIGNATURE_HEADERS[source]),
          rawBody: asBuffer(request.body),
        },
        intake,
      );
      return reply.status(receipt.accepted ? 200 : 202).send(receipt);
    },
  });
}

function asBuffer(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}
