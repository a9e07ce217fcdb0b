import { type RouteSpec, route } from '../route.js';

export interface HealthProbe {
  /** Whether the server is shutting down (readyz fails first, so a balancer stops sending). */
  stopping(): boolean;
  /** Whether the store answers. */
  storeAnswers(): Promise<boolean>;
}

/** Liveness, readiness and the API's own documents. */
export function healthRoutes(
  probe: HealthProbe,
  documents: { openApi: () => object; html: () => string },
): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/healthz',
      auth: 'none',
      tag: 'Health',
      summary: 'The process is alive (does not touch the store).',
      handler: async () => ({ ok: true }),
    }),
    route({
      method: 'GET',
      url: '/readyz',
      auth: 'none',
      tag: 'Health',
      summary: 'Ready for traffic: the store answers and the server is not shutting down (503 otherwise).',
      handler: async ({ reply }) => {
        const ready = !probe.stopping() && (await probe.storeAnswers());
        return reply.status(ready ? 200 : 503).send({ ok: ready });
      },
    }),
    route({
      method: 'GET',
      url: '/api/openapi.json',
      auth: 'none',
      tag: 'Health',
      summary: 'The OpenAPI 3.1 document.',
      hidden: true,
      handler: async () => documents.openApi(),
    }),
    route({
      method: 'GET',
      url: '/api/docs',
      auth: 'none',
      tag: 'Health',
      summary: 'The API reference as a page.',
      hidden: true,
      handler: async ({ reply }) =>
        reply.header('content-type', 'text/html; charset=utf-8').send(documents.html()),
    }),
  ];
}
