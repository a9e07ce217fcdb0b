/**
 * What the messages page shows: the filter (customer by id, phone or e-mail; state; flow) and the
 * outbox's messages with their channel, state, times in the shop's zone and, in words, why one
 * was deferred, expired, suppressed or is unknown. Also the short list on a customer's profile.
 */
import { DEFER_REASONS, type DeferReason, describeDeferReason } from '../../../domain/messages/policy.js';
import type { Formatter } from '../../../report/format.js';
import { MESSAGE_STATES, type MessageRecord, type MessageState } from '../../../store/flows/messages.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { CHANNEL_LABELS } from './flows-text.js';

export const M = {
  title: { vi: 'Tin nhắn', en: 'Messages' },
  intro: {
    vi: 'Mọi tin nhắn của các flow, mới nhất trước. Tin bị dời lịch (giới hạn tần suất, giờ yên tĩnh) vẫn được gửi ở khung giờ trống tiếp theo, không bị bỏ.',
    en: "Every flow's messages, newest first. A deferred message (frequency cap, quiet hours) goes in the next free slot; it is never dropped.",
  },
  customer: { vi: 'Khách (mã, số điện thoại hoặc e-mail)', en: 'Customer (id, phone or e-mail)' },
  customerCol: { vi: 'Khách', en: 'Customer' },
  state: { vi: 'Trạng thái', en: 'State' },
  flow: { vi: 'Flow', en: 'Flow' },
  all: { vi: 'Tất cả', en: 'All' },
  apply: { vi: 'Lọc', en: 'Filter' },
  noCustomer: { vi: 'Không tìm thấy khách "{q}".', en: 'No customer "{q}".' },
  none: { vi: 'Không có tin nhắn nào khớp.', en: 'No messages match.' },
  results: { vi: 'Danh sách tin nhắn', en: 'Messages' },
  shown: { vi: 'Hiện {n} tin mới nhất.', en: 'The newest {n} messages.' },
  channel: { vi: 'Kênh', en: 'Channel' },
  when: { vi: 'Thời điểm', en: 'When' },
  why: { vi: 'Chi tiết', en: 'Details' },
  sentAt: { vi: 'gửi {at}', en: 'sent {at}' },
  dueAt: { vi: 'dự kiến {at}', en: 'due {at}' },
  deferred: { vi: 'Dời lịch vì {why}.', en: 'Deferred: {why}.' },
  expired: { vi: 'Hết hạn: {why}.', en: 'Expired: {why}.' },
  expiresAt: { vi: 'Hết hạn lúc {at}.', en: 'Expires {at}.' },
  expiredBefore: { vi: 'đã quá hạn khi đến lượt gửi', en: 'its expiry had passed when it was due' },
  pastExpiry: {
    vi: 'khung giờ trống đầu tiên ({at}) sau thời hạn của tin',
    en: 'the first free slot ({at}) was after its expiry',
  },
  pastExpiryNoAt: {
    vi: 'khung giờ trống đầu tiên sau thời hạn của tin',
    en: 'the first free slot was after its expiry',
  },
  noSlot: { vi: 'không có khung giờ trống nào trong một năm', en: 'no free slot within a year' },
  suppressed: { vi: 'Không gửi: {why}', en: 'Not sent: {why}' },
  unknown: {
    vi: 'Máy chủ bị ngắt khi đang gửi qua {provider}, nhà cung cấp này không chống gửi trùng: tin có thể đã đến khách hoặc chưa. Hãy kiểm tra (lịch sử gửi của nhà cung cấp, hỏi khách) trước khi gửi lại; Nurture sẽ không tự gửi lại.',
    en: 'A crash interrupted the send through {provider}, which cannot dedupe: the message may or may not have reached the customer. Check (the provider’s send log, the customer) before sending again; Nurture will not resend it by itself.',
  },
  profileTitle: { vi: 'Tin nhắn gần đây', en: 'Recent messages' },
  profileAll: { vi: 'Xem tất cả tin nhắn của khách', en: "All of the customer's messages" },
} as const satisfies Catalogue;

export const MESSAGE_STATE_LABELS: Record<MessageState, { vi: string; en: string }> = {
  queued: { vi: 'chờ gửi', en: 'queued' },
  sending: { vi: 'đang gửi', en: 'sending' },
  finalizing: { vi: 'đang gửi (bước cuối)', en: 'sending (last step)' },
  sent: { vi: 'đã gửi', en: 'sent' },
  delivered: { vi: 'đã đến', en: 'delivered' },
  expired: { vi: 'hết hạn', en: 'expired' },
  suppressed: { vi: 'không gửi', en: 'suppressed' },
  declined: { vi: 'khách từ chối', en: 'declined' },
  unreachable: { vi: 'không liên lạc được', en: 'unreachable' },
  failed: { vi: 'lỗi', en: 'failed' },
  unknown: { vi: 'chưa rõ: cần kiểm tra', en: 'unknown: check' },
};

export interface MessageFilter {
  q: string;
  state: MessageState | undefined;
  flow: string | undefined;
}

export function filterQuery(f: MessageFilter): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.state) p.set('state', f.state);
  if (f.flow) p.set('flow', f.flow);
  return p.toString();
}

export function messageFilterForm(lang: Lang, f: MessageFilter, flows: readonly string[]): Html {
  return html`<form method="get" action="/messages" class="panel filters" role="search"
  hx-get="/messages" hx-target="#message-results" hx-push-url="true"
  hx-trigger="submit, input changed delay:300ms from:#message-q, change from:#message-state, change from:#message-flow">
  <div class="form-row"><label for="message-q">${tr(M.customer, lang)}</label>
  <input type="search" id="message-q" name="q" value="${f.q}" autocomplete="off" spellcheck="false"></div>
  <div class="form-row"><label for="message-state">${tr(M.state, lang)}</label>
  <select id="message-state" name="state"><option value="">${tr(M.all, lang)}</option>${MESSAGE_STATES.map(
    (s) =>
      html`<option value="${s}"${f.state === s ? ' selected' : ''}>${tr(MESSAGE_STATE_LABELS[s], lang)}</option>`,
  )}</select></div>
  <div class="form-row"><label for="message-flow">${tr(M.flow, lang)}</label>
  <select id="message-flow" name="flow"><option value="">${tr(M.all, lang)}</option>${flows.map(
    (name) => html`<option value="${name}"${f.flow === name ? ' selected' : ''}>${name}</option>`,
  )}</select></div>
  <div class="toolbar"><button type="submit">${tr(M.apply, lang)}</button></div>
</form>`;
}

const isDeferReason = (r: string): r is DeferReason => (DEFER_REASONS as readonly string[]).includes(r);

/** Why a message is where it is, in the seller's words (empty when there is nothing to say). */
export function whyWords(m: MessageRecord, lang: Lang, fmt: Formatter, zone: string): string[] {
  const out: string[] = [];
  const reasons = (m.deferred ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (reasons.length > 0)
    out.push(
      fill(M.deferred, lang, {
        why: reasons.map((r) => (isDeferReason(r) ? describeDeferReason(r, lang) : r)).join('; '),
      }),
    );
  switch (m.state) {
    case 'expired': {
      const reason = m.reason ?? '';
      const slot = /first free slot was (\S+)\)/.exec(reason)?.[1];
      const why = reason.startsWith('expired_before_wanted')
        ? tr(M.expiredBefore, lang)
        : reason.startsWith('deferred_past_expiry')
          ? slot
            ? fill(M.pastExpiry, lang, { at: fmt.dateTime(new Date(slot), zone) })
            : tr(M.pastExpiryNoAt, lang)
          : reason.startsWith('no_slot')
            ? tr(M.noSlot, lang)
            : reason;
      out.push(fill(M.expired, lang, { why }));
      break;
    }
    case 'suppressed':
      out.push(fill(M.suppressed, lang, { why: m.reason ?? '' }));
      break;
    case 'unknown':
      out.push(fill(M.unknown, lang, { provider: m.provider ?? m.channel }));
      break;
    case 'failed':
    case 'declined':
    case 'unreachable':
      if (m.reason) out.push(m.reason);
      break;
    case 'queued':
    case 'sending':
    case 'finalizing':
    case 'sent':
    case 'delivered':
      break;
  }
  if (m.expiresAt && (m.state === 'queued' || m.state === 'expired'))
    out.push(fill(M.expiresAt, lang, { at: fmt.dateTime(m.expiresAt, zone) }));
  return out;
}

function whenWords(m: MessageRecord, lang: Lang, fmt: Formatter, zone: string): string {
  return m.sentAt
    ? fill(M.sentAt, lang, { at: fmt.dateTime(m.sentAt, zone) })
    : fill(M.dueAt, lang, { at: fmt.dateTime(m.dueAt, zone) });
}

export function messageRows(
  list: readonly MessageRecord[],
  v: {
    lang: Lang;
    fmt: Formatter;
    zone: string;
    flowNames: ReadonlyMap<string, string>;
    withCustomer: boolean;
  },
): Html {
  const { lang, fmt, zone } = v;
  return html`${list.map((m) => {
    const flow = m.flowId ? (v.flowNames.get(m.flowId) ?? m.flowId) : '';
    const why = whyWords(m, lang, fmt, zone);
    return html`<tr data-message="${m.messageId}" data-state="${m.state}">${
      v.withCustomer
        ? html`<td class="who"><a href="/customers/${encodeURIComponent(m.customerId)}" title="${m.customerId}">${m.recipient ?? m.customerId}</a></td>`
        : ''
    }<td>${flow ? html`<a href="/flows/${encodeURIComponent(flow)}">${flow}</a>` : ''}${m.stepId ? html` <span class="muted small mono">${m.stepId}</span>` : ''}</td><td>${tr(CHANNEL_LABELS[m.channel], lang)}</td><td><span class="state msg-${m.state}">${tr(MESSAGE_STATE_LABELS[m.state], lang)}</span></td><td class="nowrap">${whenWords(m, lang, fmt, zone)}</td><td class="why">${why.map((w) => html`<span class="line">${w}</span>`)}</td></tr>`;
  })}`;
}

export function messageResults(
  list: readonly MessageRecord[],
  v: { lang: Lang; fmt: Formatter; zone: string; flowNames: ReadonlyMap<string, string>; notice?: string },
): Html {
  const { lang } = v;
  return html`<div id="message-results">${v.notice ? html`<p class="muted" role="status">${v.notice}</p>` : ''}${
    list.length === 0
      ? html`<p class="muted">${tr(M.none, lang)}</p>`
      : html`<p class="muted small">${fill(M.shown, lang, { n: list.length })}</p><div class="scroll"><table class="data messages"><caption class="visually-hidden">${tr(M.results, lang)}</caption>
<thead><tr><th scope="col">${tr(M.customerCol, lang)}</th><th scope="col">${tr(M.flow, lang)}</th><th scope="col">${tr(M.channel, lang)}</th><th scope="col">${tr(M.state, lang)}</th><th scope="col">${tr(M.when, lang)}</th><th scope="col">${tr(M.why, lang)}</th></tr></thead>
<tbody>${messageRows(list, { ...v, withCustomer: true })}</tbody></table></div>`
  }</div>`;
}

/** The customer's latest messages on their profile, with a link to all of them on the messages page. */
export function customerMessagesView(
  customerId: string,
  list: readonly MessageRecord[],
  v: { lang: Lang; fmt: Formatter; zone: string; flowNames: ReadonlyMap<string, string> },
): Html {
  if (list.length === 0) return html``;
  const { lang } = v;
  return html`<section aria-labelledby="h-msgs"><h2 id="h-msgs">${tr(M.profileTitle, lang)}</h2>
<div class="scroll"><table class="data messages"><thead><tr><th scope="col">${tr(M.flow, lang)}</th><th scope="col">${tr(M.channel, lang)}</th><th scope="col">${tr(M.state, lang)}</th><th scope="col">${tr(M.when, lang)}</th><th scope="col">${tr(M.why, lang)}</th></tr></thead>
<tbody>${messageRows(list, { ...v, withCustomer: false })}</tbody></table></div>
<p><a href="/messages?${filterQuery({ q: customerId, state: undefined, flow: undefined })}">${tr(M.profileAll, lang)}</a></p></section>`;
}
