import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { cachedShopSettings } from '../../app/shop-settings.js';
import { checkTrackingBatch, type TrackingWriter, trackingBatchSchema } from '../../app/tracking.js';
import { NurtureError } from '../../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import { type RouteSpec, route } from '../route.js';

export interface TrackingLimits {
  perKey: RateLimiter;
  perIp: RateLimiter;
}

/** The CORS headers of an allowed origin. */
export function allowOrigin(reply: FastifyReply, origin: string): void {
  reply
    .header('access-control-allow-origin', origin)
    .header('vary', 'Origin')
    .header('access-control-allow-methods', 'GET, POST, OPTIONS')
    .header('access-control-allow-headers', 'authorization, content-type')
    .header('access-control-max-age', '600');
}

/**
 * A page may call only from the shop's allowed origins (its CORS headers are set then); a
 * request without an Origin (a server) is not a browser and is let through.
 */
export async function checkOrigin(
  ctx: AppContext,
  shopId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (!(await cachedShopSettings(ctx, shopId)).trackingAllowedOrigins.includes(origin))
    throw new NurtureError(
      'forbidden',
      `origin ${origin} may not send events for this shop (tracking.allowed_origins)`,
    );
  allowOrigin(reply, origin);
}

export const storefrontConfigSchema = z.object({
  consentRequired: z.boolean().describe('the widget waits for nurture.consent(true)'),
});

/**
 * `POST /t/v1/batch`: storefront events with a publishable key (header or `writeKey`, since
 * `navigator.sendBeacon` sends no headers; `text/plain` JSON is accepted for the same reason),
 * and `GET /t/v1/config`, the widget's settings (key as `?writeKey=`, a simple request without
 * a preflight). A page may call only from the shop's allowed origins.
 */
export function trackingRoutes(ctx: AppContext, writer: TrackingWriter, limits: TrackingLimits): RouteSpec[] {
  return [
    route({
      method: 'POST',
      url: '/t/v1/batch',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        'Send storefront calls (Segment spec: track, page, identify). Good calls are kept, bad ones answered with their index and reason.',
      body: trackingBatchSchema,
      bodyLimit: 512 * 1024,
      handler: async ({ ctx: c, key, body, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        limits.perKey.take(key?.keyId ?? '', 'key');
        await checkOrigin(ctx, shopId, request, reply);
        // Read through the intake's context (cached): never queued behind the jobs' writes.
        const { timezone } = await cachedShopSettings(ctx, shopId);
        const checked = checkTrackingBatch(body.batch, timezone, c.clock.now());
        await writer.write(shopId, checked);
        return { accepted: checked.events.length + checked.identifies.length, rejected: checked.rejected };
      },
    }),
    route({
      method: 'GET',
      url: '/t/v1/config',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        "The storefront widget's settings for the shop of a publishable key (`?writeKey=pk_…`): whether it waits for the visitor's consent.",
      query: z.object({ writeKey: z.string().max(100).optional().describe('the publishable key (pk_…)') }),
      response: storefrontConfigSchema,
      handler: async ({ key, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        await checkOrigin(ctx, shopId, request, reply);
        const settings = await cachedShopSettings(ctx, shopId);
        reply.header('cache-control', 'private, max-age=60');
        return { consentRequired: settings.trackingConsentRequired };
      },
    }),
    route({
      method: 'OPTIONS',
      url: '/t/v1/batch',
      auth: 'none',
      tag: 'Storefront',
      summary: 'CORS preflight (the POST itself checks the origin against the shop of the key).',
      hidden: true,
      handler: async ({ request, reply }: { request: FastifyRequest; reply: FastifyReply }) => {
        const origin = request.headers.origin;
        if (origin !== undefined) allowOrigin(reply, origin);
        return reply.status(204).send();
      },
    }),
  ];
}
