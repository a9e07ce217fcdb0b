/**
 * The channels part of the settings: per channel its settings with what each is, whether the
 * channel is ready, a form for the owner (staff read the state only) and a test send. A secret is
 * shown only as set / not set and never put back into a form, not even after an error.
 */

import type { ChannelName, ChannelView } from '../../../app/channel-settings.js';
import { channelSettingAbout } from '../../../app/channel-settings.js';
import { TESTABLE_CHANNELS, type TestableChannel } from '../../../app/channel-settings-form.js';
import type { SendOutcome } from '../../../channels/channel.js';
import { assertNever, type NurtureError } from '../../../errors.js';
import { formError } from '../error-page.js';
import { type Html, html } from '../html.js';
import { type Catalogue, COMMON, fill, type Lang, type Localized, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';

export const T = {
  title: { vi: 'Kênh gửi tin', en: 'Channels' },
  intro: {
    vi: 'Khóa và mã của các nhà cung cấp mà luồng chăm sóc dùng để gửi tin. Khóa bí mật chỉ hiện "đã đặt" hoặc "chưa đặt", không bao giờ hiện lại giá trị. Cũng đặt được bằng lệnh:',
    en: 'The keys and tokens of the providers flows send through. A secret shows only "set" or "not set", never its value. Also set with:',
  },
  back: { vi: '← Cài đặt', en: '← Settings' },
  readOnly: {
    vi: 'Chỉ chủ shop thay đổi được các thiết lập này.',
    en: 'Only the shop owner can change these settings.',
  },
  ready: { vi: 'sẵn sàng', en: 'ready' },
  notReady: { vi: 'chưa sẵn sàng', en: 'not ready' },
  missing: { vi: 'Còn thiếu: {keys}', en: 'Missing: {keys}' },
  set: { vi: 'đã đặt', en: 'set' },
  unset: { vi: 'chưa đặt', en: 'not set' },
  byDefault: { vi: '(mặc định)', en: '(default)' },
  keepSecret: { vi: 'để trống để giữ nguyên', en: 'leave blank to keep' },
  auto: { vi: 'tự chọn (ưu tiên eSMS)', en: 'automatic (eSMS first)' },
  setting: { vi: 'Thiết lập', en: 'Setting' },
  value: { vi: 'Giá trị', en: 'Value' },
  about: { vi: 'Ý nghĩa', en: 'About' },
  saved: { vi: 'Đã lưu.', en: 'Saved.' },
  test: { vi: 'Gửi thử', en: 'Send a test' },
  testTo: { vi: 'Gửi thử đến', en: 'Send a test to' },
  testToEmail: { vi: 'địa chỉ e-mail, ví dụ lan@example.vn', en: 'an e-mail address, e.g. lan@example.vn' },
  testToSms: { vi: 'số điện thoại, ví dụ 0912345678', en: 'a phone number, e.g. 0912345678' },
  testToMessenger: {
    vi: 'PSID của người đã nhắn tin cho trang trong 24 giờ qua',
    en: 'the PSID of someone who messaged the page in the last 24 hours',
  },
  testWebhook: {
    vi: 'Gửi một tin thử (JSON có ký) đến địa chỉ webhook đã đặt.',
    en: 'Posts a signed test message to the webhook URL set above.',
  },
  testNotReady: {
    vi: 'Gửi thử được khi kênh đã sẵn sàng.',
    en: 'A test can be sent once the channel is ready.',
  },
  testZalo: {
    vi: 'Zalo ZNS chỉ gửi mẫu tin đã duyệt: hãy gửi thử bằng nurture flow test-send.',
    en: 'Zalo ZNS sends only approved templates: test with nurture flow test-send.',
  },
  outcome: { vi: 'Kết quả ({provider}): {kind}', en: 'Outcome ({provider}): {kind}' },
} as const satisfies Catalogue;

/** Each channel's heading. */
const NAMES: Record<ChannelName, Localized> = {
  email: { vi: 'E-mail (SMTP)', en: 'E-mail (SMTP)' },
  sms: { vi: 'SMS: nhà cung cấp', en: 'SMS: provider' },
  esms: { vi: 'eSMS.vn', en: 'eSMS.vn' },
  speedsms: { vi: 'SpeedSMS', en: 'SpeedSMS' },
  zalo: { vi: 'Zalo ZNS', en: 'Zalo ZNS' },
  messenger: { vi: 'Facebook Messenger', en: 'Facebook Messenger' },
  webhook: { vi: 'Webhook', en: 'Webhook' },
};

/** An outcome's kind in words. */
function outcomeWords(outcome: SendOutcome, lang: Lang): string {
  switch (outcome.kind) {
    case 'sent':
      return tr({ vi: 'đã gửi (nhà cung cấp đã nhận)', en: 'sent (the provider accepted it)' }, lang);
    case 'duplicate':
      return tr({ vi: 'trùng, đã gửi trước đó', en: 'duplicate, sent before' }, lang);
    case 'declined':
      return tr({ vi: 'người nhận từ chối kênh này', en: 'the recipient declines this channel' }, lang);
    case 'unreachable':
      return tr({ vi: 'không tới được người nhận', en: 'the recipient cannot be reached' }, lang);
    case 'retry':
      return tr({ vi: 'lỗi tạm thời, thử lại sau', en: 'a passing failure, try again later' }, lang);
    case 'failed':
      return tr({ vi: 'cấu hình sai, cần sửa', en: 'the configuration is wrong' }, lang);
    default:
      return assertNever(outcome, 'outcome');
  }
}

/** What the channels page shows. */
export interface ChannelsModel {
  lang: Lang;
  csrf: string;
  owner: boolean;
  channels: ChannelView[];
  /** The channel whose form was just saved. */
  saved?: ChannelName;
  /** A refused form: the error and what was typed (plain values only; secrets are never kept). */
  error?: { channel: ChannelName; error: NurtureError; typed: Record<string, string> };
  /** A test send's answer, or its refusal. */
  test?: {
    channel: TestableChannel;
    to: string;
    result?: { provider: string; outcome: SendOutcome };
    error?: NurtureError;
  };
}

const fieldId = (channel: string, key: string) => `ch-${channel}-${key}`;

function stateBadge(v: ChannelView, lang: Lang): Html {
  return v.ready
    ? html`<span class="badge yes" data-ready="yes">${tr(T.ready, lang)}</span>`
    : html`<span class="badge no" data-ready="no">${tr(T.notReady, lang)}</span> <span class="small">${fill(T.missing, lang, { keys: v.missing.join(', ') })}</span>`;
}

function secretBadge(set: boolean, lang: Lang): Html {
  return html`<span class="badge ${set ? 'yes' : 'no'}" data-secret="${set ? 'set' : 'unset'}">${tr(set ? T.set : T.unset, lang)}</span>`;
}

/** One setting's field in the owner's form. */
function settingField(m: ChannelsModel, v: ChannelView, s: ChannelView['settings'][number]): Html {
  const { lang } = m;
  const id = fieldId(v.channel, s.key);
  const failed = m.error?.channel === v.channel ? m.error : undefined;
  const reason = failed?.error.details.find((d) => d.path === s.key)?.reason;
  const described = html`aria-describedby="${id}-about${reason ? html` ${id}-error` : ''}"${reason ? html` aria-invalid="true"` : ''}`;
  const typed = s.secret ? undefined : failed?.typed[s.key];
  const current = typed ?? (s.set ? (s.value ?? '') : '');
  let input: Html;
  if (s.secret)
    input = html`<input id="${id}" name="${s.key}" type="password" autocomplete="new-password"${s.set ? html` placeholder="${tr(T.keepSecret, lang)}"` : ''} ${described}>`;
  else if (v.channel === 'sms' && s.key === 'provider')
    input = html`<select id="${id}" name="${s.key}" ${described}>${s.set ? '' : html`<option value="">${tr(T.auto, lang)}</option>`}${[
      'esms',
      'speedsms',
    ].map((p) => html`<option value="${p}"${current === p ? ' selected' : ''}>${p}</option>`)}</select>`;
  else
    input = html`<input id="${id}" name="${s.key}" type="text" value="${current}"${s.isDefault && s.value ? html` placeholder="${s.value}"` : ''} ${described}>`;
  return html`<div class="form-row"><label for="${id}"><code>${s.key}</code></label>${s.secret ? html` ${secretBadge(s.set, lang)}` : ''}
${input}
<p class="muted small" id="${id}-about">${channelSettingAbout(v.channel, s.key, lang)}</p>
${reason ? html`<p class="field-error" id="${id}-error">${reason}</p>` : ''}</div>`;
}

/** Staff's view of a channel: the same state, no form. */
function readOnlyTable(v: ChannelView, lang: Lang): Html {
  return html`<div class="scroll"><table class="data"><thead><tr><th scope="col">${tr(T.setting, lang)}</th><th scope="col">${tr(T.value, lang)}</th><th scope="col">${tr(T.about, lang)}</th></tr></thead><tbody>
${v.settings.map(
  (s) =>
    html`<tr><td><code>${s.key}</code></td><td>${
      s.secret
        ? secretBadge(s.set, lang)
        : s.value === null
          ? tr(T.unset, lang)
          : html`${s.value}${s.isDefault ? html` <span class="muted small">${tr(T.byDefault, lang)}</span>` : ''}`
    }</td><td class="small">${channelSettingAbout(s.channel, s.key, lang)}</td></tr>`,
)}
</tbody></table></div>`;
}

/** The test-send form of a channel that has one, with the last answer. */
function testPart(m: ChannelsModel, v: ChannelView): Html {
  const { lang } = m;
  if (v.channel === 'zalo') return html`<p class="muted small">${tr(T.testZalo, lang)}</p>`;
  const channel = TESTABLE_CHANNELS.find((c) => c === v.channel);
  if (!channel) return html``;
  const test = m.test?.channel === channel ? m.test : undefined;
  const id = `test-${channel}`;
  const hint = channel === 'email' ? T.testToEmail : channel === 'sms' ? T.testToSms : T.testToMessenger;
  const outcome = test?.result?.outcome;
  const answer = test?.error
    ? formError(test.error, lang)
    : outcome && test?.result
      ? html`<div class="${outcome.kind === 'sent' || outcome.kind === 'duplicate' ? 'notice' : 'error'}" role="status" data-outcome="${outcome.kind}">${fill(
          T.outcome,
          lang,
          { provider: test.result.provider, kind: outcomeWords(outcome, lang) },
        )}${'code' in outcome ? html` — <code>${outcome.code}</code>: ${outcome.reason}` : ''}</div>`
      : '';
  if (!v.ready) return html`${answer}<p class="muted small">${tr(T.testNotReady, lang)}</p>`;
  return html`<h3>${tr(T.test, lang)}</h3>${answer}
<form method="post" action="/settings/channels/${channel}/test" class="toolbar" novalidate><input type="hidden" name="${CSRF_FIELD}" value="${m.csrf}">
${
  channel === 'webhook'
    ? html`<p class="small">${tr(T.testWebhook, lang)}</p><input type="hidden" name="to" value="">`
    : html`<div><label for="${id}">${tr(T.testTo, lang)}</label><input id="${id}" name="to" type="text" value="${test?.to ?? ''}" aria-describedby="${id}-hint"><p class="muted small" id="${id}-hint">${tr(hint, lang)}</p></div>`
}
<button type="submit" class="secondary">${tr(T.test, lang)}</button></form>`;
}

function channelSection(m: ChannelsModel, v: ChannelView): Html {
  const { lang } = m;
  const failed = m.error?.channel === v.channel ? m.error : undefined;
  return html`<section class="panel" id="ch-${v.channel}" aria-labelledby="h-ch-${v.channel}" data-channel="${v.channel}">
<h2 id="h-ch-${v.channel}">${tr(NAMES[v.channel], lang)} ${stateBadge(v, lang)}</h2>
${m.saved === v.channel ? html`<div class="notice" role="status">${tr(T.saved, lang)}</div>` : ''}
${failed ? formError(failed.error, lang) : ''}
${
  m.owner
    ? html`<form method="post" action="/settings/channels/${v.channel}" novalidate><input type="hidden" name="${CSRF_FIELD}" value="${m.csrf}">
${v.settings.map((s) => settingField(m, v, s))}
<button type="submit">${tr(COMMON.save, lang)}</button></form>
${testPart(m, v)}`
    : readOnlyTable(v, lang)
}</section>`;
}

/** The channels page's body. */
export function channelsBody(m: ChannelsModel): Html {
  const { lang } = m;
  return html`${m.owner ? html`<p><a href="/settings">${tr(T.back, lang)}</a></p>` : ''}
<p>${tr(T.intro, lang)} <code>nurture channel set CHANNEL KEY VALUE</code></p>
${m.owner ? '' : html`<p class="muted">${tr(T.readOnly, lang)}</p>`}
<nav aria-label="${tr(T.title, lang)}"><ul class="channel-summary">${m.channels.map(
    (v) => html`<li><a href="#ch-${v.channel}">${tr(NAMES[v.channel], lang)}</a> ${stateBadge(v, lang)}</li>`,
  )}</ul></nav>
${m.channels.map((v) => channelSection(m, v))}`;
}
