/**
 * What the loyalty pages show: the programme (rules, tiers with their members, rewards,
 * settings) with its YAML editor, a customer's points (balance, pending and why, tier and the
 * next one, the ledger) with the adjustment form, and the points panel of the customer profile.
 * Rendering only; loyalty.ts reads through app/loyalty.
 */
import { stringify as toYaml } from 'yaml';
import type { CustomerPoints } from '../../../app/loyalty/points.js';
import type { LoadedProgram } from '../../../app/loyalty/program.js';
import type { Program, Reward, Rule } from '../../../domain/loyalty/program.js';
import type { Formatter } from '../../../report/format.js';
import { ENTRY_REASON_TEXT, LEDGER_KIND_TEXT, PENDING_WHY_TEXT } from '../../../report/loyalty-text.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';

export const L = {
  title: { vi: 'Khách hàng thân thiết', en: 'Loyalty' },
  intro: {
    vi: 'Điểm của đơn COD chờ đến khi giao thành công; giao thất bại, hủy hoặc trả hàng thì thu hồi, hoàn tiền một phần thì trừ theo tỷ lệ, luôn theo tỷ lệ lúc tích điểm.',
    en: "A COD order's points wait for the delivery; a failed delivery, a cancellation or a return takes them back, a partial refund pro rata, always at the rate they were earned at.",
  },
  on: { vi: 'Đang bật', en: 'On' },
  off: { vi: 'Đang tắt', en: 'Off' },
  version: { vi: 'Phiên bản {version}', en: 'Version {version}' },
  defaults: { vi: 'Mặc định (chưa lưu)', en: 'The default (not stored)' },
  rules: { vi: 'Quy tắc tích điểm', en: 'Earning rules' },
  rule: { vi: 'Quy tắc', en: 'Rule' },
  earns: { vi: 'Tích', en: 'Earns' },
  tiers: { vi: 'Hạng thành viên', en: 'Tiers' },
  tier: { vi: 'Hạng', en: 'Tier' },
  from: { vi: 'Từ', en: 'From' },
  entry: { vi: 'Điểm lên hạng', en: 'Entry points' },
  perks: { vi: 'Quyền lợi', en: 'Perks' },
  members: { vi: 'Thành viên', en: 'Members' },
  rewards: { vi: 'Quà đổi điểm', en: 'Rewards' },
  reward: { vi: 'Quà', en: 'Reward' },
  cost: { vi: 'Điểm', en: 'Points' },
  settings: { vi: 'Cài đặt', en: 'Settings' },
  approveOn: { vi: 'Duyệt điểm khi', en: 'Points approved when' },
  delivered: { vi: 'đơn giao thành công', en: 'the order is delivered' },
  paid: { vi: 'đơn đã thanh toán', en: 'the order is paid' },
  expiry: {
    vi: 'Hết hạn sau {days} ngày không hoạt động, nhắc trước {reminder} ngày',
    en: 'Expire after {days} days without activity, reminded {reminder} days before',
  },
  noExpiry: { vi: 'Điểm không hết hạn', en: 'Points never expire' },
  basis: { vi: 'Xét hạng theo {basis}, {window}', en: 'Tiers on {basis}, {window}' },
  spend: { vi: 'chi tiêu hợp lệ', en: 'valid spend' },
  pointsBasis: { vi: 'điểm tích được', en: 'points earned' },
  rolling: { vi: '12 tháng gần nhất', en: 'the last 12 months' },
  calendar: { vi: 'năm dương lịch', en: 'the calendar year' },
  editor: { vi: 'Sửa chương trình (YAML)', en: 'Edit the programme (YAML)' },
  editorHint: {
    vi: 'Lưu tạo phiên bản mới; các điểm đã tích giữ nguyên quy tắc và tỷ lệ cũ. Nội dung sai sẽ không thay đổi gì.',
    en: 'Saving makes a new version; points already earned keep their rule and rate. Anything invalid changes nothing.',
  },
  saveProgram: { vi: 'Lưu phiên bản mới', en: 'Save a new version' },
  find: { vi: 'Xem điểm của khách', en: "A customer's points" },
  findLabel: { vi: 'Mã khách, số điện thoại hoặc e-mail', en: 'Customer id, phone or e-mail' },
  show: { vi: 'Xem', en: 'Show' },
  pointsTitle: { vi: 'Điểm của {name}', en: "{name}'s points" },
  balance: { vi: 'Điểm khả dụng', en: 'Balance' },
  pending: { vi: 'Chờ duyệt', en: 'Pending' },
  next: { vi: 'Còn {missing} để lên {tier}', en: '{missing} to go for {tier}' },
  top: { vi: 'Hạng cao nhất', en: 'Top tier' },
  expiresAt: { vi: 'Hết hạn {at} nếu không hoạt động', en: 'Expire {at} without activity' },
  pendingOrder: { vi: 'Đơn {order}: {points} điểm, {why}', en: 'Order {order}: {points} points, {why}' },
  ledger: { vi: 'Sổ điểm', en: 'Ledger' },
  when: { vi: 'Thời gian', en: 'When' },
  kind: { vi: 'Loại', en: 'Kind' },
  why: { vi: 'Lý do', en: 'Reason' },
  noEntries: { vi: 'Chưa có điểm nào.', en: 'No points yet.' },
  mergedFrom: { vi: 'từ hồ sơ khách đã gộp', en: 'from a merged customer record' },
  adjust: { vi: 'Điều chỉnh điểm', en: 'Adjust points' },
  amount: { vi: 'Số điểm (âm để trừ)', en: 'Points (negative to take)' },
  reason: { vi: 'Lý do', en: 'Reason' },
  doAdjust: { vi: 'Điều chỉnh', en: 'Adjust' },
  profilePanel: { vi: 'Điểm thưởng', en: 'Loyalty points' },
  seeLedger: { vi: 'Xem sổ điểm', en: 'See the ledger' },
  back: { vi: 'Về hồ sơ khách', en: 'Back to the profile' },
} as const satisfies Catalogue;

function ruleEarns(rule: Rule, lang: Lang, fmt: Formatter, currency: string): string {
  const pts = (n: number) => `${fmt.count(n)} ${lang === 'vi' ? 'điểm' : 'points'}`;
  if (rule.kind === 'per_amount') return `${pts(rule.points)} / ${fmt.money(rule.per, currency)}`;
  if (rule.kind === 'spend_threshold')
    return `${pts(rule.points)} (≥ ${fmt.money(rule.threshold, currency)})`;
  if (rule.kind === 'custom_event') return `${pts(rule.points)} (${rule.event})`;
  return pts(rule.points);
}

function rewardWhat(r: Reward, lang: Lang, fmt: Formatter, currency: string): string {
  switch (r.kind) {
    case 'coupon_amount':
      return `${lang === 'vi' ? 'mã giảm' : 'coupon'} ${fmt.money(r.value, currency)}`;
    case 'coupon_percent':
      return `${lang === 'vi' ? 'mã giảm' : 'coupon'} ${r.value} %`;
    case 'free_shipping':
      return lang === 'vi' ? 'miễn phí vận chuyển' : 'free shipping';
    case 'gift':
      return lang === 'vi' ? 'quà do nhân viên trao' : 'a gift handed over by staff';
    default:
      return '';
  }
}

/** The programme page's body. */
export function programView(v: {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  loaded: LoadedProgram;
  members: ReadonlyMap<string, number>;
  csrf: string;
  owner: boolean;
  yamlText?: string;
  error?: Html;
}): Html {
  const { lang, fmt, currency } = v;
  const p: Program = v.loaded.program;
  const t = (l: { vi: string; en: string }) => tr(l, lang);
  return html`<p class="muted">${t(L.intro)}</p>
<p><span class="badge ${p.enabled ? 'yes' : 'no'}">${t(p.enabled ? L.on : L.off)}</span> ${
    v.loaded.version === 0 ? t(L.defaults) : fill(L.version, lang, { version: v.loaded.version })
  }</p>
<form method="get" action="/loyalty/customer" class="panel filters" role="search">
  <div class="form-row"><label for="loyalty-q">${t(L.findLabel)}</label>
  <input type="search" id="loyalty-q" name="q" autocomplete="off" spellcheck="false"></div>
  <div class="toolbar"><button type="submit">${t(L.show)}</button></div>
</form>
<section class="panel" aria-labelledby="h-rules"><h2 id="h-rules">${t(L.rules)}</h2>
<div class="scroll"><table class="data loyalty-rules"><thead><tr><th scope="col">${t(L.rule)}</th><th scope="col">${t(L.earns)}</th></tr></thead>
<tbody>${p.rules.map((r) => html`<tr data-rule="${r.id}"><td>${t(r.name)}</td><td>${ruleEarns(r, lang, fmt, currency)}</td></tr>`)}</tbody></table></div>
</section>
<section class="panel" aria-labelledby="h-tiers"><h2 id="h-tiers">${t(L.tiers)}</h2>
<p class="muted">${fill(L.basis, lang, {
    basis: t(p.tiers.basis === 'spend' ? L.spend : L.pointsBasis),
    window: t(p.tiers.window === 'rolling_12_months' ? L.rolling : L.calendar),
  })}</p>
<div class="scroll"><table class="data loyalty-tiers"><thead><tr><th scope="col">${t(L.tier)}</th><th scope="col" class="num">${t(L.from)}</th><th scope="col" class="num">${t(L.entry)}</th><th scope="col">${t(L.perks)}</th><th scope="col" class="num">${t(L.members)}</th></tr></thead>
<tbody>${p.tiers.levels.map(
    (tier) =>
      html`<tr data-tier="${tier.id}"><td>${t(tier.name)}</td><td class="num">${p.tiers.basis === 'spend' ? fmt.money(tier.threshold, currency) : fmt.count(tier.threshold)}</td><td class="num">${fmt.count(tier.entryPoints)}</td><td>${tier.perks.map(t).join(' · ')}</td><td class="num">${fmt.count(v.members.get(tier.id) ?? 0)}</td></tr>`,
  )}</tbody></table></div>
</section>
<section class="panel" aria-labelledby="h-rewards"><h2 id="h-rewards">${t(L.rewards)}</h2>
<div class="scroll"><table class="data loyalty-rewards"><thead><tr><th scope="col">${t(L.reward)}</th><th scope="col"></th><th scope="col" class="num">${t(L.cost)}</th></tr></thead>
<tbody>${p.rewards.map((r) => html`<tr data-reward="${r.id}"><td>${t(r.name)}</td><td>${rewardWhat(r, lang, fmt, currency)}</td><td class="num">${fmt.count(r.cost)}</td></tr>`)}</tbody></table></div>
</section>
<section class="panel" aria-labelledby="h-settings"><h2 id="h-settings">${t(L.settings)}</h2>
<p>${t(L.approveOn)}: ${t(p.settings.approveOn === 'delivered' ? L.delivered : L.paid)}</p>
<p>${p.settings.expiryDays > 0 ? fill(L.expiry, lang, { days: p.settings.expiryDays, reminder: p.settings.reminderDays }) : t(L.noExpiry)}</p>
</section>
${
  v.owner
    ? html`<section class="panel" aria-labelledby="h-editor"><h2 id="h-editor">${t(L.editor)}</h2>
${v.error ?? ''}
<p class="muted small">${t(L.editorHint)}</p>
<form method="post" action="/loyalty/program">
<input type="hidden" name="${CSRF_FIELD}" value="${v.csrf}">
<label for="program-yaml" class="visually-hidden">${t(L.editor)}</label>
<textarea id="program-yaml" name="program" rows="24" class="mono" spellcheck="false">${v.yamlText ?? toYaml(p)}</textarea>
<div class="toolbar"><button type="submit">${t(L.saveProgram)}</button></div>
</form></section>`
    : ''
}`;
}

/** A customer's points page body. */
export function pointsView(v: {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  zone: string;
  points: CustomerPoints;
  csrf: string;
  error?: Html;
}): Html {
  const { lang, fmt, points: p } = v;
  const t = (l: { vi: string; en: string }) => tr(l, lang);
  const id = encodeURIComponent(p.customerId);
  return html`<p><a href="/customers/${id}">${t(L.back)}</a></p>
${summaryCards(v)}
${p.pendingOrders.length > 0 ? html`<ul class="pending">${p.pendingOrders.map((o) => html`<li>${fill(L.pendingOrder, lang, { order: o.orderId, points: fmt.count(o.points), why: t(PENDING_WHY_TEXT[o.why]) })}</li>`)}</ul>` : ''}
<section aria-labelledby="h-ledger"><h2 id="h-ledger">${t(L.ledger)}</h2>${
    p.entries.length === 0
      ? html`<p class="muted">${t(L.noEntries)}</p>`
      : html`<div class="scroll"><table class="data ledger"><thead><tr><th scope="col">${t(L.when)}</th><th scope="col">${t(L.kind)}</th><th scope="col" class="num">${t(L.cost)}</th><th scope="col" class="num">${t(L.pending)}</th><th scope="col">${t(L.why)}</th></tr></thead>
<tbody>${p.entries.map(
          (e) =>
            html`<tr data-kind="${e.kind}"><td>${fmt.dateTime(e.createdAt, v.zone)}</td><td>${t(LEDGER_KIND_TEXT[e.kind])}</td><td class="num">${fmt.count(e.points)}</td><td class="num">${fmt.count(e.pending)}</td><td>${t(ENTRY_REASON_TEXT[e.reason])}${e.note ? `: ${e.note}` : ''}${e.sourceType === 'order' && e.sourceId ? html` <span class="mono small">${e.sourceId}</span>` : ''}${e.mergedFrom ? html` <span class="small muted">(${t(L.mergedFrom)} <a class="mono" href="/customers/${encodeURIComponent(e.mergedFrom)}">${e.mergedFrom}</a>)</span>` : ''}</td></tr>`,
        )}</tbody></table></div>`
  }</section>
<section class="panel" aria-labelledby="h-adjust"><h2 id="h-adjust">${t(L.adjust)}</h2>
${v.error ?? ''}
<form method="post" action="/customers/${id}/points">
<input type="hidden" name="${CSRF_FIELD}" value="${v.csrf}">
<div class="form-row"><label for="adjust-amount">${t(L.amount)}</label><input id="adjust-amount" name="amount" inputmode="numeric" required></div>
<div class="form-row"><label for="adjust-reason">${t(L.reason)}</label><input id="adjust-reason" name="reason" required maxlength="500"></div>
<div class="toolbar"><button type="submit">${t(L.doAdjust)}</button></div>
</form></section>`;
}

function summaryCards(v: {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  zone: string;
  points: CustomerPoints;
}): Html {
  const { lang, fmt, points: p } = v;
  const t = (l: { vi: string; en: string }) => tr(l, lang);
  const card = (label: string, value: string, cls: string) =>
    html`<div class="card ${cls}"><div class="label">${label}</div><div class="value">${value}</div></div>`;
  return html`<div class="cards">${card(t(L.balance), fmt.count(p.balance.points), 'points-balance')}${card(t(L.pending), fmt.count(p.balance.pending), 'points-pending')}${card(t(L.tier), t(p.tier.name), 'points-tier')}</div>
<p class="muted">${
    p.next
      ? fill(L.next, lang, {
          missing: p.basis === 'spend' ? fmt.money(p.next.missing, v.currency) : fmt.count(p.next.missing),
          tier: t(p.next.tier.name),
        })
      : t(L.top)
  }${p.expiresAt ? html` · ${fill(L.expiresAt, lang, { at: fmt.dateTime(p.expiresAt, v.zone) })}` : ''}</p>`;
}

/** The points panel of the customer profile. */
export function profilePointsPanel(v: {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  zone: string;
  points: CustomerPoints;
}): Html {
  return html`<section class="panel" aria-labelledby="h-points"><h2 id="h-points">${tr(L.profilePanel, v.lang)}</h2>
${summaryCards(v)}
<p><a href="/customers/${encodeURIComponent(v.points.customerId)}/points">${tr(L.seeLedger, v.lang)}</a></p></section>`;
}
