/**
 * The first run: a shop without any user. `nurture serve` prints a link with a one-time code
 * (kept in memory, good while the shop has no user); whoever opens it on this machine chooses the
 * owner's e-mail and password and is signed in. So `npx nurture demo && npx nurture serve` is
 * enough to reach the dashboard, and nobody else on the network can claim the shop.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { createFirstOwner, MIN_PASSWORD_LENGTH } from '../../../app/users.js';
import { NurtureError } from '../../../errors.js';
import { formError } from '../error-page.js';
import { html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { definePage, type PageResult, type PageSpec, page, redirect } from '../page.js';
import { CSRF_FIELD, preSessionToken, setSessionCookie } from '../session.js';

/** The one-time code of a shop without users (made by startServer). */
export interface FirstOwnerInvite {
  shopId: string;
  code: string;
}

const T = {
  title: { vi: 'Chào mừng đến với Nurture', en: 'Welcome to Nurture' },
  intro: {
    vi: 'Shop “{shop}” chưa có người dùng. Tạo tài khoản chủ shop để vào bảng điều khiển.',
    en: 'Shop “{shop}” has no user yet. Create the owner account to open the dashboard.',
  },
  email: { vi: 'E-mail', en: 'E-mail' },
  password: { vi: 'Mật khẩu (ít nhất {n} ký tự)', en: 'Password (at least {n} characters)' },
  create: { vi: 'Tạo chủ shop', en: 'Create the owner' },
  expired: {
    vi: 'Đường dẫn này không còn dùng được: shop đã có chủ. Hãy đăng nhập.',
    en: 'This link no longer works: the shop has its owner. Please sign in.',
  },
} as const satisfies Catalogue;

const sameCode = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function welcomePages(invite: FirstOwnerInvite | undefined): PageSpec[] {
  const valid = (code: string | undefined) =>
    invite !== undefined && code !== undefined && sameCode(code, invite.code);
  return [
    definePage({
      method: 'GET',
      url: '/welcome',
      access: 'public',
      query: z.object({ code: z.string().max(200).optional() }),
      handler: async ({ lang, query, request, reply }) => {
        if (!valid(query.code) || !invite) throw new NurtureError('not_found', 'no such route');
        return welcomePage(lang, invite, preSessionToken(request, reply), '');
      },
    }),
    definePage({
      method: 'POST',
      url: '/welcome',
      access: 'public',
      form: z.object({
        code: z.string().max(200).default(''),
        email: z.string().max(300).default(''),
        password: z.string().max(1024).default(''),
      }),
      handler: async ({ ctx, lang, form, request, reply }) => {
        if (!valid(form.code) || !invite) throw new NurtureError('not_found', 'no such route');
        try {
          const { token } = await createFirstOwner(ctx, {
            shopId: invite.shopId,
            email: form.email,
            password: form.password,
          });
          setSessionCookie(request, reply, token);
          return redirect('/');
        } catch (error) {
          if (!(error instanceof NurtureError)) throw error;
          if (error.code === 'conflict')
            return page(
              T.title,
              undefined,
              html`<div class="error" role="alert">${tr(T.expired, lang)}</div><p><a href="/sign-in">→</a></p>`,
              409,
            );
          reply.status(400);
          return welcomePage(lang, invite, preSessionToken(request, reply), form.email, error);
        }
      },
    }),
  ];
}

function welcomePage(
  lang: Lang,
  invite: FirstOwnerInvite,
  csrf: string,
  email: string,
  error?: NurtureError,
): PageResult {
  return page(
    T.title,
    undefined,
    html`<div class="signin panel">
${error ? formError(error, lang) : ''}
<p>${fill(T.intro, lang, { shop: invite.shopId })}</p>
<form method="post" action="/welcome">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="code" value="${invite.code}">
<div class="form-row"><label for="email">${tr(T.email, lang)}</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}" autofocus></div>
<div class="form-row"><label for="password">${fill(T.password, lang, { n: MIN_PASSWORD_LENGTH })}</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></div>
<button type="submit">${tr(T.create, lang)}</button>
</form></div>`,
  );
}
