import type { SessionRecord } from '../../app/users.js';
import { assetUrl } from './assets.js';
import { type Html, html } from './html.js';
import { COMMON, fill, type Lang, type Localized, tr } from './i18n.js';
import { mainMenu } from './menu.js';
import type { NavKey } from './page.js';
import { CSRF_FIELD } from './session.js';

export interface LayoutInput {
  lang: Lang;
  title: Localized | string;
  nav: NavKey | undefined;
  body: Html;
  session: SessionRecord | undefined;
  /** The shop's name and time zone, shown in the header (times on every page are in this zone). */
  shopName?: string;
  timezone?: string;
  /** The path of this page, for the language switch to come back to. */
  path: string;
}

/**
 * Every page's frame: the skip link, the header with the menu (src/server/dashboard/menu.ts), the
 * language switch and sign-out, then the page. htmx requests carry the CSRF token from the body's
 * `hx-headers`, so every htmx POST is checked like a form.
 */
export function layout(input: LayoutInput): Html {
  const { lang, session } = input;
  const title = typeof input.title === 'string' ? input.title : tr(input.title, lang);
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const headers = session ? JSON.stringify({ 'x-csrf-token': session.csrfToken }) : undefined;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${session ? html`<meta name="csrf-token" content="${session.csrfToken}">` : ''}
<title>${title} · ${tr(COMMON.appName, lang)}</title>
<link rel="stylesheet" href="${assetUrl('dashboard.css')}">
<script src="${assetUrl('htmx.min.js')}" defer></script>
<script src="${assetUrl('dashboard.js')}" defer></script>
</head>
<body${headers ? html` hx-headers="${headers}"` : ''}>
<a class="skip" href="#main">${tr(COMMON.skipToContent, lang)}</a>
<header class="top">
  <a class="brand" href="/">${tr(COMMON.appName, lang)}${input.shopName ? html` <span class="shop">${input.shopName}</span>` : ''}</a>
  ${session ? mainMenu(session, input.nav, lang) : ''}
  <div class="tools">
    <a class="lang" href="/lang/${other}?back=${encodeURIComponent(input.path)}" hreflang="${other}" lang="${other}">${tr(COMMON.switchTo, lang)}</a>
    ${
      session
        ? html`<form method="post" action="/sign-out" class="inline"><input type="hidden" name="${CSRF_FIELD}" value="${session.csrfToken}"><button type="submit" class="link" title="${session.email}">${tr(COMMON.signOut, lang)}</button></form>`
        : ''
    }
  </div>
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${input.body}
</main>
${input.timezone ? html`<footer class="foot">${fill(COMMON.shopTime, lang, { zone: input.timezone })}</footer>` : ''}
</body>
</html>`;
}
