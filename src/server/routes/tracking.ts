import type { FastifyReply, FastifyRequest } from 'fastify';
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

function allowOrigin(reply: FastifyReply, origin: string): void {
  reply
    .header('access-control-allow-origin', origin)
    .header('vary', 'Origin')
    .header('access-control-allow-methods', 'POST, OPTIONS')
    .header('access-control-allow-headers', 'authorization, content-type')
    .header('access-control-max-age', '600');
}

/**
 * `POST /t/v1/batch`: storefront events with a publishable key (header or `writeKey`, since
 * `navigator.sendBeacon` sends no headers; `text/plain` JSON is accepted for the same reason).
 * A page may send only from the shop's allowed origins; a request without an Origin (a server)
 * is not a browser and is let through.
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
        const origin = request.headers.origin;
        if (origin !== undefined) {
          if (!(await cachedShopSettings(ctx, shopId)).trackingAllowedOrigins.includes(origin))
            throw new NurtureError(
              'forbidden',
              `origin ${origin} may not send events for this shop (tracking.allowed_origins)`,
            );
          allowOrigin(reply, origin);
        }
        // Read through the intake's context (cached): never queued behind the jobs' writes.
        const { timezone } = await cachedShopSettings(ctx, shopId);
        const checked = checkTrackingBatch(body.batch, timezone, c.clock.now());
        await writer.write(shopId, checked);
        return { accepted: checked.events.length + checked.identifies.length, rejected: checked.rejected };
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
