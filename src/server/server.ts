import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { z } from 'zod';
import { findApiKey } from '../app/api-keys.js';
import type { AppContext } from '../app/context.js';
import { storeAnswers } from '../app/health.js';
import { NurtureError } from '../errors.js';
import { renderApiHtml } from './api-reference.js';
import { authenticate, bearerKey, KeyCache } from './auth.js';
import { mountDashboard } from './dashboard/index.js';
import type { SignInLimits } from './dashboard/pages/auth.js';
import type { FirstOwnerInvite } from './dashboard/pages/welcome.js';
import { handleError } from './http-errors.js';
import { registerMessageLinks } from './message-links.js';
import { openApiDocument } from './openapi.js';
import type { ReadPool } from './read-pool.js';
import type { RouteSpec } from './route.js';
import { analyticsRoutes } from './routes/analytics.js';
import { channelRoutes } from './routes/channels.js';
import { couponRoutes } from './routes/coupons.js';
import { customerRoutes } from './routes/customers.js';
import { flowRoutes } from './routes/flows.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { loyaltyRoutes } from './routes/loyalty.js';
import { loyaltyFeedbackRoutes } from './routes/loyalty-feedback.js';
import { productRoutes } from './routes/products.js';
import { recommendRoutes } from './routes/recommend.js';
import { replenishmentRoutes } from './routes/replenishment.js';
import { segmentRoutes } from './routes/segments.js';
import { shopRoutes } from './routes/shop.js';

export const API_VERSION = '0.1.0';

/** JSON bodies up to this size (uploads to /api/v1/imports stream and are not limited by it). */
const JSON_BODY_LIMIT = 1 << 20;
const UPLOAD_LIMIT = 8 * 1024 ** 3;

export interface ServerOptions {
  ctx: AppContext;
  /**
   * Where GET routes run: the same store on connections of their own, so that reads do not wait
   * behind the jobs' writes nor one behind another (default: `ctx`). GET routes only read.
   */
  readPool?: ReadPool;
  /** The pino logger requests are logged to (none: nothing is logged, as in tests). */
  logger?: PinoLogger;
  /** More routes (webhooks, tracking) from the server's other parts. */
  extraRoutes?: readonly RouteSpec[];
  /** Whether the server is shutting down, for /readyz. */
  stopping?: () => boolean;
  /** The dashboard's sign-in rate limits (tests set their own). */
  signInLimits?: SignInLimits;
  /** The welcome page's one-time code, when the shop has no dashboard user yet. */
  firstOwner?: FirstOwnerInvite;
}

export interface NurtureServer {
  app: FastifyInstance;
  routes: readonly RouteSpec[];
  keys: KeyCache;
}

/** The JSON API's routes (without health and docs), for the documentation and the tenancy test. */
export function apiRoutes(): RouteSpec[] {
  return [
    ...customerRoutes,
    ...recommendRoutes,
    ...productRoutes,
    ...replenishmentRoutes,
    ...couponRoutes,
    ...segmentRoutes,
    ...analyticsRoutes,
    ...shopRoutes,
    ...channelRoutes,
    ...jobRoutes,
    ...flowRoutes,
    ...loyaltyRoutes,
    ...loyaltyFeedbackRoutes,
  ];
}

/**
 * Builds the HTTP server: every route from its spec (auth, zod validation of params, query and
 * body, one app/ call), one error body for every failure, the OpenAPI document and its page.
 */
export async function buildServer(options: ServerOptions): Promise<NurtureServer> {
  const { ctx } = options;
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: JSON_BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const { readPool } = options;
  // Keys are read where GET routes read: a key check never waits behind the jobs' writes.
  const keys = new KeyCache((presented) =>
    readPool ? readPool.run((c) => findApiKey(c, presented)) : findApiKey(ctx, presented),
  );
  registerBodyParsers(app);
  // While shutting down, answers end their connection: no new request rides a kept-alive socket.
  app.addHook('onSend', async (_request, reply) => {
    if (options.stopping?.()) reply.header('connection', 'close');
  });
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: 'no such route', details: [] } }),
  );

  let docCache: object | undefined;
  const routes: RouteSpec[] = [];
  const documents = {
    openApi: () => {
      docCache ??= openApiDocument(routes, { version: API_VERSION });
      return docCache;
    },
    html: () => renderApiHtml(documents.openApi() as Record<string, unknown>),
  };
  const probe = {
    stopping: options.stopping ?? (() => false),
    storeAnswers: () => storeAnswers(ctx),
  };
  routes.push(...healthRoutes(probe, documents), ...apiRoutes(), ...(options.extraRoutes ?? []));
  const contextOf = (spec: RouteSpec): WithContext =>
    spec.method === 'GET' && readPool ? (fn) => readPool.run(fn) : (fn) => fn(ctx);
  for (const spec of routes.filter((r) => !r.rawBody)) registerRoute(app, spec, contextOf(spec), keys);
  // Routes that need the exact bytes (signed webhooks) get them whatever the content type says.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const spec of routes.filter((r) => r.rawBody)) registerRoute(raw, spec, contextOf(spec), keys);
  });
  await registerMessageLinks(app, ctx);
  await mountDashboard(app, {
    ctx,
    read: readPool ? (fn) => readPool.run(fn) : (fn) => fn(ctx),
    ...(options.signInLimits ? { signInLimits: options.signInLimits } : {}),
    ...(options.firstOwner ? { firstOwner: options.firstOwner } : {}),
  });
  return { app, routes, keys };
}

/** Runs a handler with the context its route uses. */
type WithContext = <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>;

function registerRoute(
  app: FastifyInstance,
  spec: RouteSpec,
  withContext: WithContext,
  keys: KeyCache,
): void {
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.url === '/api/v1/imports' ? { bodyLimit: UPLOAD_LIMIT } : {}),
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const presented =
        bearerKey(request) ??
        (spec.auth === 'publishable' ? (writeKeyOf(request.body) ?? writeKeyOf(request.query)) : undefined);
      const key = await authenticate(spec.auth, presented, keys);
      const params = validate(spec.params, request.params, 'params');
      const query = validate(spec.query, request.query, 'query');
      const body =
        spec.url === '/api/v1/imports' || spec.rawBody
          ? request.body
          : validate(spec.body, request.body, 'body');
      const result = await withContext((ctx) =>
        spec.handler({ ctx, shopId: key?.shopId ?? '', key, params, query, body, request, reply }),
      );
      if (reply.sent || result === reply) return reply;
      return reply.status(spec.status ?? 200).send(result);
    },
  });
}

/**
 * The `writeKey` of a storefront body or query (sendBeacon cannot send an Authorization header,
 * and a GET with one would need a CORS preflight).
 */
function writeKeyOf(body: unknown): string | undefined {
  const key =
    typeof body === 'object' && body !== null ? (body as { writeKey?: unknown }).writeKey : undefined;
  return typeof key === 'string' ? key : undefined;
}

/** Validates one part of a request; a bad value is invalid input naming `query.limit`, `body.name`… */
function validate(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return {};
  const parsed = schema.safeParse(value ?? undefined);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    reason: issue.message,
  }));
  throw new NurtureError('invalid_input', details.map((d) => `${d.path}: ${d.reason}`).join('; '), details);
}

/**
 * JSON (and `text/plain` holding JSON, as `navigator.sendBeacon` sends it) parsed by us so that
 * the raw bytes stay available (webhook signatures are over them) and a syntax error says where.
 * Files for /api/v1/imports arrive as a stream.
 */
function registerBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      const raw = body as Buffer;
      (request as FastifyRequest & { rawBody?: Buffer }).rawBody = raw;
      if (raw.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(raw.toString('utf8')));
      } catch (error) {
        done(jsonSyntaxError(raw, error), undefined);
      }
    },
  );
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream', 'application/x-ndjson', 'application/jsonl'],
    (_request, payload, done) => done(null, payload),
  );
}

/** A JSON syntax error with its line and column. */
export function jsonSyntaxError(raw: Buffer, error: unknown): NurtureError {
  const message = error instanceof Error ? error.message : String(error);
  const position = Number(/position (\d+)/.exec(message)?.[1]);
  const text = raw.toString('utf8');
  const before = Number.isFinite(position) ? text.slice(0, position) : '';
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return new NurtureError(
    'invalid_input',
    `the body is not valid JSON: ${message}`,
    Number.isFinite(position)
      ? [{ line, column, path: '$', reason: message }]
      : [{ path: '$', reason: message }],
  );
}

/** The raw body bytes of a JSON request (for signatures). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return (request as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
}
