import { type RouteSpec, route } from '../route.js';
import { widgetBundle } from '../widget-bundle.js';

/**
 * `GET /widget.js`: the storefront widget (docs/widget.md). Public and the same for every shop
 * (the shop comes from the tag's `data-key`), so caches may share it: an hour fresh, then
 * revalidated by its ETag (a new version of the server answers with a new one).
 */
export function widgetRoutes(): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/widget.js',
      auth: 'none',
      tag: 'Storefront',
      summary: "The storefront widget script (one tag on the shop's pages; see docs/widget.md).",
      hidden: true,
      handler: async ({ request, reply }) => {
        const bundle = await widgetBundle();
        reply
          .header('cache-control', 'public, max-age=3600, must-revalidate')
          .header('etag', bundle.etag)
          .header('access-control-allow-origin', '*')
          .header('x-content-type-options', 'nosniff');
        if (request.headers['if-none-match'] === bundle.etag) return reply.status(304).send();
        return reply.header('content-type', 'text/javascript; charset=utf-8').send(bundle.code);
      },
    }),
  ];
}
