import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import type { ShopSettings } from '../../app/shop-settings.js';
import type { SessionRecord } from '../../app/users.js';
import type { Formatter } from '../../report/format.js';
import type { Html } from './html.js';
import type { Lang, Localized } from './i18n.js';

/** The main menu's entries; a page says which one it belongs to. */
export const NAV = [
  'overview',
  'customers',
  'segments',
  'best',
  'products',
  'flows',
  'messages',
  'coupons',
  'loyalty',
  'referrals',
  'feedback',
  'tasks',
  'live',
  'imports',
  'settings',
] as const;
export type NavKey = (typeof NAV)[number];

/**
 * Who may open a page: anyone (sign-in), any signed-in user of the shop (staff), or its owner.
 */
export type PageAccess = 'public' | 'staff' | 'owner';

/** What a page handler gets: the context, the signed-in session, the language and formats. */
export interface PageCall<Q, F, P> {
  ctx: AppContext;
  /** Undefined only on public pages. Every page reads its shop from here and nowhere else. */
  session: SessionRecord | undefined;
  /** The shop of the session ('' on public pages). */
  shopId: string;
  lang: Lang;
  fmt: Formatter;
  /** The shop's settings (time zone, currency…), for formatting; defaults on public pages. */
  shop: ShopSettings;
  params: P;
  query: Q;
  form: F;
  /** This page's URL with a different query, for links that keep the page's state. */
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * What a page answers: a whole page (wrapped in the layout), a fragment (for an htmx request, or
 * a part that replaces itself), a redirect (after a form: post/redirect/get), or `sent` when the
 * handler answered itself (a CSV download).
 */
export type PageResult =
  | { kind: 'page'; title: Localized | string; nav: NavKey | undefined; body: Html; status?: number }
  | { kind: 'fragment'; body: Html; status?: number }
  | { kind: 'redirect'; to: string }
  | { kind: 'sent' };

export const page = (
  title: Localized | string,
  nav: NavKey | undefined,
  body: Html,
  status?: number,
): PageResult => ({ kind: 'page', title, nav, body, ...(status ? { status } : {}) });
export const fragment = (body: Html, status?: number): PageResult => ({
  kind: 'fragment',
  body,
  ...(status ? { status } : {}),
});
export const redirect = (to: string): PageResult => ({ kind: 'redirect', to });
export const SENT: PageResult = { kind: 'sent' };

/**
 * One dashboard page (or form target): its place, who may open it, a zod schema per input and
 * the handler, which calls app/ functions and renders. POSTs are checked for the session's CSRF
 * token before the handler runs; GETs run on the server's read connections.
 */
export interface PageSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  F extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST';
  url: string;
  access: PageAccess;
  params?: P;
  query?: Q;
  /** The form fields of a POST (urlencoded); a multipart upload reads `request` itself. */
  form?: F;
  /** The body is a multipart upload read by the handler (no form parsing, no field check). */
  multipart?: boolean;
  handler(call: PageCall<z.output<Q>, z.output<F>, z.output<P>>): Promise<PageResult>;
}

/** Declares a page with its inputs' types inferred from the schemas. */
export function definePage<P extends z.ZodType, Q extends z.ZodType, F extends z.ZodType>(
  spec: PageSpec<P, Q, F>,
): PageSpec {
  return spec as unknown as PageSpec;
}

/** A path inside the dashboard to come back to (`next=`): only our own, never another site. */
export function safeLocalPath(path: unknown, fallback = '/'): string {
  return typeof path === 'string' && /^\/(?![/\\])[^\s]*$/.test(path) ? path : fallback;
}
