import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { findUserSession, SESSION_DAYS, type SessionRecord, sessionKey } from '../../app/users.js';
import { NurtureError } from '../../errors.js';
import type { Lang } from './i18n.js';

export const SESSION_COOKIE = 'nurture_session';
/** The sign-in form's CSRF token before there is a session (double submit: cookie = field). */
export const PRE_SESSION_COOKIE = 'nurture_csrf';
export const LANG_COOKIE = 'nurture_lang';
/** The form field and the header (htmx requests) that carry the CSRF token. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The request's cookies (RFC 6265 pairs; a value that is not valid percent-encoding is kept as is). */
export function cookiesOf(request: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  httpOnly?: boolean;
}

/** Adds a Set-Cookie (several may be set on one answer). SameSite=Lax; Secure behind https. */
export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  value: string,
  options: CookieOptions = {},
): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Lax'];
  if (options.httpOnly ?? true) parts.push('HttpOnly');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (isHttps(request)) parts.push('Secure');
  const previous = reply.getHeader('set-cookie');
  const list = Array.isArray(previous) ? previous : previous === undefined ? [] : [String(previous)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

/** https directly or behind a proxy that says so (the usual deployment behind a TLS terminator). */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  setCookie(request, reply, SESSION_COOKIE, token, { maxAgeSeconds: SESSION_DAYS * 86_400 });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  setCookie(request, reply, SESSION_COOKIE, '', { maxAgeSeconds: 0 });
}

/** The language of a request: the cookie's, else Vietnamese. */
export function langOf(request: FastifyRequest): Lang {
  return cookiesOf(request).get(LANG_COOKIE) === 'en' ? 'en' : 'vi';
}

/** The pre-session CSRF token of the sign-in forms, made and set when missing. */
export function preSessionToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = cookiesOf(request).get(PRE_SESSION_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{20,64}$/.test(existing)) return existing;
  const made = randomBytes(24).toString('base64url');
  setCookie(request, reply, PRE_SESSION_COOKIE, made);
  return made;
}

const sameToken = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Checks a POST's CSRF token (form field or header) against the expected one, and its Origin,
 * when the browser sends one, against the host it was sent to.
 */
export function checkCsrf(request: FastifyRequest, expected: string, form: unknown): void {
  const field =
    typeof form === 'object' && form !== null ? (form as Record<string, unknown>)[CSRF_FIELD] : undefined;
  const header = request.headers[CSRF_HEADER];
  const presented = typeof field === 'string' ? field : typeof header === 'string' ? header : '';
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.headers.host)
      throw new NurtureError('forbidden', 'the form was sent from another site');
  }
  if (!presented || !sameToken(presented, expected))
    throw new NurtureError('forbidden', 'the form has expired: reload the page and try again');
}

/**
 * Sessions by the cookie's token, kept a few seconds so that a page's requests (the page, its
 * htmx parts) read the session once. A sign-out through this server takes effect at once
 * (`forget`); one through another process within `ttlMs`.
 */
export class SessionCache {
  private readonly entries = new Map<string, { session: SessionRecord | undefined; until: number }>();

  constructor(
    private readonly lookup: (token: string) => Promise<SessionRecord | undefined>,
    private readonly ttlMs = 5_000,
    private readonly capacity = 10_000,
  ) {}

  async resolve(token: string, now = Date.now()): Promise<SessionRecord | undefined> {
    const key = sessionKey(token);
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.session;
    const session = await this.lookup(token);
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(key, { session, until: now + this.ttlMs });
    return session && session.expiresAt.getTime() > now ? session : undefined;
  }

  forget(token: string): void {
    this.entries.delete(sessionKey(token));
  }
}

/** The session cache over the server's read connections. */
export function sessionCache(read: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): SessionCache {
  return new SessionCache((token) => read((ctx) => findUserSession(ctx, token)));
}
