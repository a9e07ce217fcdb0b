import { createApiKey } from '../../src/app/api-keys.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import type { RouteSpec } from '../../src/server/route.js';
import { buildServer, type NurtureServer, type ServerOptions } from '../../src/server/server.js';
import type { Store } from '../../src/store/store.js';

export const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;

export interface TestServer {
  url: string;
  server: NurtureServer;
  ctx: AppContext;
  close(): Promise<void>;
}

/** A real server on a free loopback port over `store`. */
export async function startTestServer(
  store: Store,
  extraRoutes: (ctx: AppContext) => readonly RouteSpec[] = () => [],
  options: Omit<ServerOptions, 'ctx' | 'extraRoutes'> = {},
): Promise<TestServer> {
  const ctx = makeContext(store);
  const server = await buildServer({ ...options, ctx, extraRoutes: extraRoutes(ctx) });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server, ctx, close: () => server.app.close() };
}

/** A shop filled from the Shopify fixtures, with a secret and a publishable key. */
export async function seedShop(
  store: Store,
  shopId: string,
): Promise<{ secret: string; publishable: string; ctx: AppContext }> {
  const ctx = makeContext(store);
  await importFile(ctx, {
    shopId,
    format: 'shopify-customers',
    path: `${FIXTURES}shopify-customers.csv`,
    skipInvalid: true,
  });
  await importFile(ctx, {
    shopId,
    format: 'shopify-orders',
    path: `${FIXTURES}shopify-orders.csv`,
    skipInvalid: true,
  });
  const secret = (await createApiKey(ctx, { shopId, kind: 'secret' })).key;
  const publishable = (await createApiKey(ctx, { shopId, kind: 'publishable' })).key;
  return { secret, publishable, ctx };
}

export interface Answer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

/** One request; the body is sent as JSON unless it is a string or a Buffer. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key) headers['authorization'] = `Bearer ${options.key}`;
  let body: string | Buffer | undefined;
  if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
