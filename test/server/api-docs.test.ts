/**
 * docs/api.md is generated from the route schemas; this test fails when it is stale. Regenerate
 * with `npm run docs:api`. Also: the OpenAPI document and its page are served.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingWriter } from '../../src/app/tracking.js';
import { WebhookIntake } from '../../src/app/webhook-intake.js';
import { renderApiMarkdown } from '../../src/server/api-reference.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { trackingRoutes } from '../../src/server/routes/tracking.js';
import { webhookRoutes } from '../../src/server/routes/webhooks.js';
import { openStore, type Store } from '../../src/store/store.js';
import { call, startTestServer, type TestServer } from './support.js';

const DOC = new URL('../../docs/api.md', import.meta.url).pathname;

describe('the API reference', () => {
  let store: Store;
  let server: TestServer;
  beforeAll(async () => {
    store = await openStore({ db: ':memory:' });
    server = await startTestServer(store, (ctx) => [
      ...webhookRoutes(new WebhookIntake(ctx)),
      ...trackingRoutes(ctx, new TrackingWriter(ctx), {
        perKey: new RateLimiter({ perSecond: 1, burst: 1 }),
        perIp: new RateLimiter({ perSecond: 1, burst: 1 }),
      }),
    ]);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it('serves an OpenAPI 3.1 document of every documented route, and its page', async () => {
    const doc = await call(server.url, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const body = doc.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(body.openapi).toBe('3.1.0');
    const documented = Object.entries(body.paths).flatMap(([p, ms]) =>
      Object.keys(ms).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented).toContain('GET /api/v1/customers/{id}');
    expect(documented).toContain('POST /webhooks/shopify/{shop}');
    expect(documented).toContain('POST /t/v1/batch');
    const listParams = (body.paths['/api/v1/customers']!['get'] as { parameters: { name: string }[] })
      .parameters;
    expect(listParams.map((p) => p.name)).toEqual(['q', 'segment_query', 'cursor', 'limit']);
    const page = await call(server.url, 'GET', '/api/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('/api/v1/segments/{name}/members');
    expect(page.text).not.toMatch(/<script|https?:\/\/cdn/);
  });

  it('docs/api.md is the document rendered (npm run docs:api regenerates it)', async () => {
    const doc = (await call(server.url, 'GET', '/api/openapi.json')).body as Record<string, unknown>;
    const markdown = renderApiMarkdown(doc);
    if (process.env['UPDATE_API_DOCS']) writeFileSync(DOC, markdown);
    expect(readFileSync(DOC, 'utf8')).toBe(markdown);
  });
});
