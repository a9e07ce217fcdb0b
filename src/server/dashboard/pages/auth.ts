/**
 * Signing in and out: e-mail and password (a shop picker only when the e-mail is a user of several
 * shops), choosing a password with the one-time setup code `nurture user create` printed, and
 * signing out. Attempts are rate limited per address and per e-mail; the forms carry a CSRF token
 * (before a session exists, a cookie the form must repeat).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, setupPassword, signIn, signOut } from '../../../app/users.js';
import { NurtureError } from '../../../errors.js';
import type { RateLimiter } from '../../rate-limit.js';
import { formError } from '../error-page.js';
import { type Html, html } from '../html.js';
import { type Catalogue, COMMON, fill, type Lang, tr } from '../i18n.js';
import { definePage, type PageResult, type PageSpec, page, redirect, safeLocalPath } from '../page.js';
import {
  CSRF_FIELD,
  clearSessionCookie,
  cookiesOf,
  preSessionToken,
  SESSION_COOKIE,
  type SessionCache,
  setSessionCookie,
} from '../session.js';

const T = {
  email: { vi: 'E-mail', en: 'E-mail' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  shop: {
    vi: 'Mã shop (nếu e-mail dùng cho nhiều shop)',
    en: 'Shop id (if the e-mail is used in several shops)',
  },
  setupTitle: { vi: 'Đặt mật khẩu', en: 'Choose a password' },
  setupCode: { vi: 'Mã thiết lập', en: 'Setup code' },
  newPassword: {
    vi: 'Mật khẩu mới (ít nhất {n} ký tự)',
    en: 'New password (at least {n} characters)',
  },
  firstTime: {
    vi: 'Lần đầu đăng nhập? Đặt mật khẩu với mã thiết lập',
    en: 'First time? Choose a password with your setup code',
  },
  setupHelp: {
    vi: 'Mã thiết lập do chủ shop tạo bằng lệnh nurture user create.',
    en: 'The setup code comes from the shop owner (nurture user create).',
  },
  tooMany: {
    vi: 'Quá nhiều lần đăng nhập. Vui lòng thử lại sau ít phút.',
    en: 'Too many sign-in attempts. Please try again in a few minutes.',
  },
} as const satisfies Catalogue;

export interface SignInLimits {
  perIp: RateLimiter;
  perEmail: RateLimiter;
}

const signInForm = z.object({
  email: z.string().max(300).default(''),
  password: z.string().max(1024).default(''),
  shopId: z.string().max(100).default(''),
  next: z.string().max(2000).default('/'),
});
const setupForm = z.object({
  email: z.string().max(300).default(''),
  code: z.string().max(300).default(''),
  password: z.string().max(1024).default(''),
});

/** The sign-in pages, with the limits they apply and the session cache they keep up to date. */
export function authPages(limits: SignInLimits, sessions: SessionCache): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/sign-in',
      access: 'public',
      query: z.object({ next: z.string().max(2000).optional(), email: z.string().max(300).optional() }),
      handler: async ({ lang, query, request, reply, session }) => {
        if (session) return redirect(safeLocalPath(query.next));
        return signInPage(lang, preSessionToken(request, reply), {
          email: query.email ?? '',
          shopId: '',
          next: safeLocalPath(query.next),
        });
      },
    }),
    definePage({
      method: 'POST',
      url: '/sign-in',
      access: 'public',
      form: signInForm,
      handler: async ({ ctx, lang, form, request, reply }) => {
        const values = { email: form.email, shopId: form.shopId, next: safeLocalPath(form.next) };
        try {
          take(limits, request, form.email);
          const { token } = await signIn(ctx, {
            email: form.email,
            password: form.password,
            ...(form.shopId.trim() ? { shopId: form.shopId.trim() } : {}),
          });
          setSessionCookie(request, reply, token);
          return redirect(values.next);
        } catch (error) {
          if (!(error instanceof NurtureError)) throw error;
          reply.status(error.code === 'rate_limited' ? 429 : error.code === 'unauthorized' ? 401 : 400);
          return signInPage(lang, preSessionToken(request, reply), values, error);
        }
      },
    }),
    definePage({
      method: 'GET',
      url: '/setup',
      access: 'public',
      query: z.object({ email: z.string().max(300).optional(), code: z.string().max(300).optional() }),
      handler: async ({ lang, query, request, reply }) =>
        setupPage(lang, preSessionToken(request, reply), {
          email: query.email ?? '',
          code: query.code ?? '',
        }),
    }),
    definePage({
      method: 'POST',
      url: '/setup',
      access: 'public',
      form: setupForm,
      handler: async ({ ctx, lang, form, request, reply }) => {
        try {
          take(limits, request, form.email);
          const { token } = await setupPassword(ctx, form);
          setSessionCookie(request, reply, token);
          return redirect('/');
        } catch (error) {
          if (!(error instanceof NurtureError)) throw error;
          reply.status(error.code === 'rate_limited' ? 429 : error.code === 'unauthorized' ? 401 : 400);
          return setupPage(lang, preSessionToken(request, reply), form, error);
        }
      },
    }),
    definePage({
      method: 'POST',
      url: '/sign-out',
      access: 'staff',
      handler: async ({ ctx, request, reply }) => {
        const token = cookiesOf(request).get(SESSION_COOKIE);
        if (token) {
          await signOut(ctx, token);
          sessions.forget(token);
        }
        clearSessionCookie(request, reply);
        return redirect('/sign-in');
      },
    }),
  ];
}

function take(limits: SignInLimits, request: FastifyRequest, email: string): void {
  limits.perIp.take(request.ip, 'address');
  limits.perEmail.take(email.trim().toLowerCase(), 'e-mail');
}

function shownError(error: NurtureError, lang: Lang): Html {
  return error.code === 'rate_limited'
    ? html`<div class="error" role="alert">${tr(T.tooMany, lang)}</div>`
    : formError(error, lang);
}

function signInPage(
  lang: Lang,
  csrf: string,
  values: { email: string; shopId: string; next: string },
  error?: NurtureError,
): PageResult {
  const askShop = values.shopId !== '' || error?.details.some((d) => d.path === 'shopId');
  return page(
    COMMON.signIn,
    undefined,
    html`<div class="signin panel">
${error ? shownError(error, lang) : ''}
<form method="post" action="/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="next" value="${values.next}">
<div class="form-row"><label for="email">${tr(T.email, lang)}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${values.email}" autofocus></div>
<div class="form-row"><label for="password">${tr(T.password, lang)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></div>
${
  askShop
    ? html`<div class="form-row"><label for="shopId">${tr(T.shop, lang)}</label>
<input id="shopId" name="shopId" type="text" value="${values.shopId}"></div>`
    : ''
}
<button type="submit">${tr(COMMON.signIn, lang)}</button>
</form>
<p><a href="/setup${values.email ? `?email=${encodeURIComponent(values.email)}` : ''}">${tr(T.firstTime, lang)}</a></p>
</div>`,
  );
}

function setupPage(
  lang: Lang,
  csrf: string,
  values: { email: string; code: string },
  error?: NurtureError,
): PageResult {
  return page(
    T.setupTitle,
    undefined,
    html`<div class="signin panel">
${error ? shownError(error, lang) : ''}
<p class="muted">${tr(T.setupHelp, lang)}</p>
<form method="post" action="/setup">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<div class="form-row"><label for="email">${tr(T.email, lang)}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${values.email}"></div>
<div class="form-row"><label for="code">${tr(T.setupCode, lang)}</label>
<input id="code" name="code" type="text" autocomplete="one-time-code" required value="${values.code}"></div>
<div class="form-row"><label for="password">${fill(T.newPassword, lang, { n: MIN_PASSWORD_LENGTH })}</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></div>
<button type="submit">${tr(T.setupTitle, lang)}</button>
</form></div>`,
  );
}
