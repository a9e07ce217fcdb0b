import type { ApiKeyRecord } from '../../../app/api-keys.js';
import { type SettingView, settingAbout } from '../../../app/shop-settings.js';
import type { SessionRecord, UserRecord } from '../../../app/users.js';
import type { NurtureError } from '../../../errors.js';
import type { Formatter } from '../../../report/format.js';
import { widgetSnippet } from '../../widget-bundle.js';
import { formError } from '../error-page.js';
import { type Html, html } from '../html.js';
import { type Catalogue, COMMON, fill, type Lang, type Localized, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';

export const T = {
  shop: { vi: 'Cửa hàng', en: 'Shop' },
  name: { vi: 'Tên shop', en: 'Shop name' },
  timezone: { vi: 'Múi giờ (IANA, ví dụ Asia/Ho_Chi_Minh)', en: 'Time zone (IANA, e.g. Asia/Ho_Chi_Minh)' },
  currency: { vi: 'Tiền tệ (ISO 4217, ví dụ VND)', en: 'Currency (ISO 4217, e.g. VND)' },
  nightly: {
    vi: 'Giờ chạy tính toán hằng đêm (0–23, giờ shop)',
    en: 'Nightly recompute hour (0–23, shop time)',
  },
  storefront: { vi: 'Website & đoạn mã theo dõi', en: 'Storefront & tracking snippet' },
  origins: {
    vi: 'Các địa chỉ website được gửi sự kiện (cách nhau bởi dấu phẩy)',
    en: 'Website origins allowed to send events (comma-separated)',
  },
  snippet: {
    vi: 'Dán đoạn mã này vào mọi trang của shop, trước </body>:',
    en: 'Paste this on every page of the shop, before </body>:',
  },
  snippetKey: {
    vi: 'Thay pk_… bằng một khóa công khai (tạo ở mục Khóa API bên dưới).',
    en: 'Replace pk_… with a publishable key (create one under API keys below).',
  },
  copy: { vi: 'Sao chép', en: 'Copy' },
  copied: { vi: 'Đã chép', en: 'Copied' },
  webhooks: { vi: 'Webhook của Shopify và Haravan', en: 'Shopify and Haravan webhooks' },
  webhookUrl: { vi: 'Địa chỉ dán vào {source}:', en: 'URL to paste into {source}:' },
  secretSet: { vi: 'đã đặt', en: 'set' },
  secretUnset: { vi: 'chưa đặt', en: 'not set' },
  secretValue: { vi: 'Giá trị mới', en: 'New value' },
  setSecret: { vi: 'Đặt', en: 'Set' },
  keys: { vi: 'Khóa API', en: 'API keys' },
  kind: { vi: 'Loại', en: 'Kind' },
  secretKind: { vi: 'bí mật (API, máy chủ)', en: 'secret (API, servers)' },
  publishableKind: { vi: 'công khai (website)', en: 'publishable (storefront)' },
  label: { vi: 'Ghi chú', en: 'Label' },
  created: { vi: 'Tạo lúc', en: 'Created' },
  state: { vi: 'Trạng thái', en: 'State' },
  live: { vi: 'đang dùng', en: 'live' },
  revoked: { vi: 'đã thu hồi', en: 'revoked' },
  revoke: { vi: 'Thu hồi', en: 'Revoke' },
  createKey: { vi: 'Tạo khóa', en: 'Create key' },
  newKey: {
    vi: 'Khóa mới (chỉ hiện một lần, hãy lưu lại ngay):',
    en: 'New key (shown this once, keep it now):',
  },
  users: { vi: 'Người dùng', en: 'Users' },
  email: { vi: 'E-mail', en: 'E-mail' },
  role: { vi: 'Vai trò', en: 'Role' },
  owner: { vi: 'chủ shop', en: 'owner' },
  staff: { vi: 'nhân viên', en: 'staff' },
  passwordSet: { vi: 'Đặt mật khẩu lúc', en: 'Password chosen' },
  waiting: { vi: 'chờ đặt mật khẩu', en: 'waiting for a password' },
  addUser: { vi: 'Thêm người dùng', en: 'Add user' },
  newCode: { vi: 'Mã thiết lập mới', en: 'New setup code' },
  setupLink: {
    vi: 'Gửi đường dẫn này cho {email} để đặt mật khẩu (hết hạn {until}):',
    en: 'Send this link to {email} to choose a password (expires {until}):',
  },
  saved: { vi: 'Đã lưu.', en: 'Saved.' },
  key: { vi: 'Khóa', en: 'Key' },
  noKeys: { vi: 'Chưa có khóa nào.', en: 'No keys yet.' },
  setting: { vi: 'Thiết lập', en: 'Setting' },
  you: { vi: '(bạn)', en: '(you)' },
  channels: { vi: 'Kênh gửi tin', en: 'Channels' },
  channelsAbout: {
    vi: 'E-mail, SMS (eSMS, SpeedSMS), Zalo ZNS, Messenger và webhook: khóa của nhà cung cấp, trạng thái sẵn sàng, gửi thử.',
    en: "E-mail, SMS (eSMS, SpeedSMS), Zalo ZNS, Messenger and webhook: the providers' keys, whether each is ready, a test send.",
  },
  channelsLink: { vi: 'Cài đặt kênh gửi tin →', en: 'Channel settings →' },
} as const satisfies Catalogue;

/** What the settings page shows. */
export interface SettingsModel {
  lang: Lang;
  fmt: Formatter;
  timezone: string;
  session: SessionRecord;
  /** Where this server is reached from the browser (for the snippet and webhook URLs). */
  origin: string;
  settings: SettingView[];
  keys: ApiKeyRecord[];
  users: UserRecord[];
  /** Shown once: a key just created, a setup link just made, a saved notice, a failure. */
  newKey?: string;
  setup?: { email: string; link: string; until: Date };
  saved?: boolean;
  error?: { section: 'shop' | 'secrets' | 'keys' | 'users'; error: NurtureError };
}

/** What a setting is, in the reader's language (the CLI's English text for a setting added later). */
const ABOUT: Record<string, Localized> = {
  'shopify.webhook_secret': {
    vi: 'Khóa bí mật (client secret) của ứng dụng dùng để ký webhook Shopify',
    en: "the app's client secret that signs Shopify webhooks",
  },
  'haravan.webhook_secret': {
    vi: 'Khóa bí mật dùng để ký webhook Haravan',
    en: 'the secret that signs Haravan webhooks',
  },
  'haravan.verify_token': {
    vi: 'Mã Haravan gửi khi kiểm tra đăng ký webhook (hub.verify_token)',
    en: "the token Haravan's subscription check sends (hub.verify_token)",
  },
};
const aboutOf = (s: SettingView, lang: Lang) =>
  ABOUT[s.key] ? tr(ABOUT[s.key] as Localized, lang) : s.about;

const csrf = (m: SettingsModel) =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${m.session.csrfToken}">`;
const settingValue = (m: SettingsModel, key: string) => m.settings.find((s) => s.key === key)?.value ?? '';
const errorIn = (m: SettingsModel, section: NonNullable<SettingsModel['error']>['section']) =>
  m.error?.section === section ? formError(m.error.error, m.lang) : '';

function field(id: string, label: Localized, value: string, lang: Lang, type = 'text'): Html {
  return html`<div class="form-row"><label for="${id}">${tr(label, lang)}</label><input id="${id}" name="${id}" type="${type}" value="${value}"></div>`;
}

/** The storefront snippet, with the key when one was just made. */
export function snippet(origin: string, key = 'pk_…'): string {
  return widgetSnippet(origin, key);
}

export function settingsBody(m: SettingsModel): Html {
  const { lang } = m;
  const publishable = m.newKey?.startsWith('pk_') ? m.newKey : undefined;
  return html`${m.saved ? html`<div class="notice" role="status">${tr(T.saved, lang)}</div>` : ''}
<section class="panel" id="shop" aria-labelledby="h-shop"><h2 id="h-shop">${tr(T.shop, lang)}</h2>
${errorIn(m, 'shop')}
<form method="post" action="/settings/shop">${csrf(m)}
${field('name', T.name, settingValue(m, 'name'), lang)}
${field('timezone', T.timezone, settingValue(m, 'timezone'), lang)}
${field('currency', T.currency, settingValue(m, 'currency'), lang)}
${field('jobs.nightly_hour', T.nightly, settingValue(m, 'jobs.nightly_hour') || '3', lang, 'number')}
${field('tracking.allowed_origins', T.origins, settingValue(m, 'tracking.allowed_origins').split(',').join(', '), lang)}
${m.settings
  .filter(
    (s) =>
      !s.secret &&
      !['name', 'timezone', 'currency', 'jobs.nightly_hour', 'tracking.allowed_origins'].includes(s.key),
  )
  .map(
    (s) =>
      html`<div class="form-row"><label for="${s.key}">${s.key} — ${settingAbout(s.key, lang)}</label><input id="${s.key}" name="${s.key}" type="text" value="${s.value ?? ''}"></div>`,
  )}
<button type="submit">${tr(COMMON.save, lang)}</button>
</form></section>
<section class="panel" id="storefront" aria-labelledby="h-storefront"><h2 id="h-storefront">${tr(T.storefront, lang)}</h2>
<p>${tr(T.snippet, lang)}</p>
<pre id="snippet">${snippet(m.origin, publishable)}</pre>
<button type="button" class="secondary" data-copy="#snippet" data-copied="${tr(T.copied, lang)}">${tr(T.copy, lang)}</button>
${publishable ? '' : html`<p class="muted">${tr(T.snippetKey, lang)}</p>`}
</section>
<section class="panel" id="webhooks" aria-labelledby="h-webhooks"><h2 id="h-webhooks">${tr(T.webhooks, lang)}</h2>
${errorIn(m, 'secrets')}
${(['shopify', 'haravan'] as const).map((source) => {
  const url = `${m.origin}/webhooks/${source}/${m.session.shopId}`;
  return html`<p>${fill(T.webhookUrl, lang, { source: source === 'shopify' ? 'Shopify' : 'Haravan' })}</p>
<pre id="url-${source}">${url}</pre>
<button type="button" class="secondary" data-copy="#url-${source}" data-copied="${tr(T.copied, lang)}">${tr(T.copy, lang)}</button>`;
})}
<div class="scroll"><table class="data"><thead><tr><th scope="col">${tr(T.setting, lang)}</th><th scope="col">${tr(T.state, lang)}</th><th scope="col">${tr(T.secretValue, lang)}</th></tr></thead><tbody>
${m.settings
  .filter((s) => s.secret)
  .map(
    (
      s,
    ) => html`<tr><td><code>${s.key}</code><br><span class="muted">${aboutOf(s, lang)}</span></td><td>${tr(s.set ? T.secretSet : T.secretUnset, lang)}</td>
<td><form method="post" action="/settings/secret" class="toolbar">${csrf(m)}<input type="hidden" name="key" value="${s.key}">
<label for="secret-${s.key}" class="visually-hidden">${s.key}</label><input id="secret-${s.key}" name="value" type="password" autocomplete="off">
<button type="submit">${tr(T.setSecret, lang)}</button></form></td></tr>`,
  )}
</tbody></table></div></section>
<section class="panel" id="channels" aria-labelledby="h-channels"><h2 id="h-channels">${tr(T.channels, lang)}</h2>
<p>${tr(T.channelsAbout, lang)}</p><p><a href="/settings/channels">${tr(T.channelsLink, lang)}</a></p></section>
${keysSection(m)}
${usersSection(m)}`;
}

function keysSection(m: SettingsModel): Html {
  const { lang, fmt } = m;
  return html`<section class="panel" id="keys" aria-labelledby="h-keys"><h2 id="h-keys">${tr(T.keys, lang)}</h2>
${errorIn(m, 'keys')}
${m.newKey ? html`<div class="notice" role="status">${tr(T.newKey, lang)}<pre id="new-key">${m.newKey}</pre><button type="button" class="secondary" data-copy="#new-key" data-copied="${tr(T.copied, lang)}">${tr(T.copy, lang)}</button></div>` : ''}
<div class="scroll"><table class="data"><thead><tr><th scope="col">${tr(T.kind, lang)}</th><th scope="col">${tr(T.key, lang)}</th><th scope="col">${tr(T.label, lang)}</th><th scope="col">${tr(T.created, lang)}</th><th scope="col">${tr(T.state, lang)}</th><th scope="col"></th></tr></thead><tbody>
${m.keys.map(
  (
    k,
  ) => html`<tr><td>${tr(k.kind === 'secret' ? T.secretKind : T.publishableKind, lang)}</td><td><code>${k.hint}</code></td><td>${k.label ?? ''}</td>
<td>${fmt.dateTime(k.createdAt, m.timezone)}</td><td>${tr(k.revokedAt ? T.revoked : T.live, lang)}</td>
<td>${k.revokedAt ? '' : html`<form method="post" action="/settings/keys/${k.keyId}/revoke" class="inline">${csrf(m)}<button type="submit" class="danger">${tr(T.revoke, lang)}</button></form>`}</td></tr>`,
)}
</tbody></table></div>
<form method="post" action="/settings/keys" class="toolbar">${csrf(m)}
<div><label for="key-kind">${tr(T.kind, lang)}</label><select id="key-kind" name="kind"><option value="publishable">${tr(T.publishableKind, lang)}</option><option value="secret">${tr(T.secretKind, lang)}</option></select></div>
<div><label for="key-label">${tr(T.label, lang)}</label><input id="key-label" name="label" type="text" maxlength="100"></div>
<button type="submit">${tr(T.createKey, lang)}</button></form></section>`;
}

function usersSection(m: SettingsModel): Html {
  const { lang, fmt } = m;
  return html`<section class="panel" id="users" aria-labelledby="h-users"><h2 id="h-users">${tr(T.users, lang)}</h2>
${errorIn(m, 'users')}
${
  m.setup
    ? html`<div class="notice" role="status">${fill(T.setupLink, lang, { email: m.setup.email, until: fmt.dateTime(m.setup.until, m.timezone) })}<pre id="setup-link">${m.setup.link}</pre><button type="button" class="secondary" data-copy="#setup-link" data-copied="${tr(T.copied, lang)}">${tr(T.copy, lang)}</button></div>`
    : ''
}
<div class="scroll"><table class="data"><thead><tr><th scope="col">${tr(T.email, lang)}</th><th scope="col">${tr(T.role, lang)}</th><th scope="col">${tr(T.passwordSet, lang)}</th><th scope="col">${tr(T.created, lang)}</th><th scope="col"></th></tr></thead><tbody>
${m.users.map(
  (
    u,
  ) => html`<tr><td>${u.email} ${u.userId === m.session.userId ? tr(T.you, lang) : ''}</td><td>${tr(u.role === 'owner' ? T.owner : T.staff, lang)}</td>
<td>${u.passwordSetAt ? fmt.dateTime(u.passwordSetAt, m.timezone) : tr(T.waiting, lang)}</td><td>${fmt.dateTime(u.createdAt, m.timezone)}</td>
<td><form method="post" action="/settings/users/reset" class="inline">${csrf(m)}<input type="hidden" name="email" value="${u.email}"><button type="submit" class="secondary">${tr(T.newCode, lang)}</button></form></td></tr>`,
)}
</tbody></table></div>
<form method="post" action="/settings/users" class="toolbar">${csrf(m)}
<div><label for="user-email">${tr(T.email, lang)}</label><input id="user-email" name="email" type="email" required></div>
<div><label for="user-role">${tr(T.role, lang)}</label><select id="user-role" name="role"><option value="staff">${tr(T.staff, lang)}</option><option value="owner">${tr(T.owner, lang)}</option></select></div>
<button type="submit">${tr(T.addUser, lang)}</button></form></section>`;
}
