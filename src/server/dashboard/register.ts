import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { cachedShopSettings, type ShopSettings } from '../../app/shop-settings.js';
import type { SessionRecord } from '../../app/users.js';
import { assertNever, httpStatusOf, NurtureError } from '../../errors.js';
import { formatterFor } from '../../report/format.js';
import { toNurtureError } from '../http-errors.js';
import { asset } from './assets.js';
import { errorPage } from './error-page.js';
import { layout } from './layout.js';
import type { PageResult, PageSpec } from './page.js';
import { safeLocalPath } from './page.js';
import {
  checkCsrf,
  cookiesOf,
  LANG_COOKIE,
  langOf,
  PRE_SESSION_COOKIE,
  SESSION_COOKIE,
  type SessionCache,
  setCookie,
} from './session.js';

/** Runs a handler with the context its page uses (GETs: the read connections). */
export type WithContext = <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>;

export interface DashboardDeps {
  /** The main context: POSTs (forms) write through it. */
  ctx: AppContext;
  /** Where GET pages read (the server's read pool; default `ctx`). */
  read: WithContext;
  sessions: SessionCache;
  pages: readonly PageSpec[];
}

/** Settings of a public page (no shop yet): Vietnam's zone and currency. */
const NO_SHOP: ShopSettings = {
  name: '',
  timezone: 'Asia/Ho_Chi_Minh',
  currency: 'VND',
  shopifyWebhookSecret: undefined,
  haravanWebhookSecret: undefined,
  haravanVerifyToken: undefined,
  url: undefined,
  publicUrl: undefined,
  trackingAllowedOrigins: [],
  trackingConsentRequired: false,
  nightlyHour: 3,
};

const UPLOAD_LIMIT = 2 * 1024 ** 3;

/**
 * Registers the dashboard in its own Fastify scope: urlencoded forms and multipart uploads are
 * parsed here only (the JSON API keeps its own parsers), the static assets, the language switch,
 * and every page with its session, role and CSRF checks.
 */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1 << 20 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    await scope.register(multipart, { limits: { fileSize: UPLOAD_LIMIT, files: 1, fields: 20 } });
    scope.get('/assets/:name', async (request, reply) => {
      const found = asset((request.params as { name: string }).name);
      if (!found) return reply.status(404).type('text/plain').send('not found');
      return reply
        .type(found.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(found.body);
    });
    scope.get('/lang/:lang', async (request, reply) => {
      const lang = (request.params as { lang: string }).lang === 'en' ? 'en' : 'vi';
      setCookie(request, reply, LANG_COOKIE, lang, { maxAgeSeconds: 365 * 86_400, httpOnly: false });
      return reply.redirect(safeLocalPath((request.query as { back?: unknown }).back), 303);
    });
    for (const spec of deps.pages) registerPage(scope, spec, deps);
  });
}

function registerPage(app: FastifyInstance, spec: PageSpec, deps: DashboardDeps): void {
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.multipart ? { bodyLimit: UPLOAD_LIMIT } : {}),
    handler: async (request, reply) => {
      const lang = langOf(request);
      let session: SessionRecord | undefined;
      let shop = NO_SHOP;
      try {
        session = await sessionOf(request, deps.sessions);
        if (spec.access !== 'public' && !session) return toSignIn(request, reply);
        if (spec.access === 'owner' && session?.role !== 'owner')
          throw new NurtureError('forbidden', 'only the shop owner can open this page');
        if (spec.method === 'POST') {
          const expected = session?.csrfToken ?? cookiesOf(request).get(PRE_SESSION_COOKIE) ?? '';
          // A multipart upload carries its token in the header (htmx) or the query (a plain form).
          const form = spec.multipart
            ? { _csrf: (request.query as Record<string, unknown>)['_csrf'] }
            : request.body;
          checkCsrf(request, expected, form);
        }
        const params = validate(spec.params, request.params, 'params');
        const query = validate(spec.query, request.query, 'query');
        const form = spec.multipart ? {} : validate(spec.form, request.body, 'form');
        const run: WithContext = spec.method === 'GET' ? deps.read : (fn) => fn(deps.ctx);
        const result = await run(async (ctx) => {
          if (session) shop = await cachedShopSettings(ctx, session.shopId);
          return spec.handler({
            ctx,
            session,
            shopId: session?.shopId ?? '',
            lang,
            fmt: formatterFor(lang),
            shop,
            params,
            query,
            form,
            request,
            reply,
          });
        });
        return send(request, reply, result, { lang, session, shop });
      } catch (thrown) {
        const error = toNurtureError(thrown);
        if (error.code === 'internal') request.log.error({ err: thrown }, 'dashboard page failed');
        if (error.code === 'unauthorized' && spec.access !== 'public') return toSignIn(request, reply);
        const body = errorPage(error, lang);
        const status = httpStatusOf(error);
        return send(
          request,
          reply,
          isHtmx(request)
            ? { kind: 'fragment', body, status }
            : { kind: 'page', title: errorTitle(status), nav: undefined, body, status },
          { lang, session, shop },
        );
      }
    },
  });
}

const errorTitle = (status: number) =>
  status === 404
    ? { vi: 'Không tìm thấy', en: 'Not found' }
    : status === 403
      ? { vi: 'Không có quyền', en: 'Forbidden' }
      : { vi: 'Có lỗi xảy ra', en: 'Something went wrong' };

async function sessionOf(
  request: FastifyRequest,
  sessions: SessionCache,
): Promise<SessionRecord | undefined> {
  const token = cookiesOf(request).get(SESSION_COOKIE);
  return token ? sessions.resolve(token) : undefined;
}

const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true';

/** Not signed in: to the sign-in page, coming back here after (htmx follows with HX-Redirect). */
function toSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const back = request.method === 'GET' ? request.url : '/';
  const to = `/sign-in?next=${encodeURIComponent(safeLocalPath(back))}`;
  if (isHtmx(request)) return reply.header('hx-redirect', to).status(204).send();
  return reply.redirect(to, 303);
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  result: PageResult,
  frame: { lang: 'vi' | 'en'; session: SessionRecord | undefined; shop: ShopSettings },
): FastifyReply {
  // Pages show a shop's data: never kept by shared caches, nor by the browser's back button after sign-out.
  reply.header('cache-control', 'no-store');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  switch (result.kind) {
    case 'sent':
      return reply;
    case 'redirect':
      if (isHtmx(request)) return reply.header('hx-redirect', result.to).status(204).send();
      return reply.redirect(result.to, 303);
    case 'fragment':
      return reply
        .status(result.status ?? reply.statusCode)
        .type('text/html; charset=utf-8')
        .send(result.body.value);
    case 'page':
      return reply
        .status(result.status ?? reply.statusCode)
        .type('text/html; charset=utf-8')
        .send(
          layout({
            lang: frame.lang,
            title: result.title,
            nav: result.nav,
            body: result.body,
            session: frame.session,
            ...(frame.session ? { shopName: frame.shop.name, timezone: frame.shop.timezone } : {}),
            path: request.url,
          }).value,
        );
    default:
      return assertNever(result, 'page result');
  }
}

/** Validates one part of a request; a bad value is invalid input naming `query.limit`, `form.email`… */
function validate(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return {};
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    reason: issue.message,
  }));
  throw new NurtureError('invalid_input', details.map((d) => `${d.path}: ${d.reason}`).join('; '), details);
}
