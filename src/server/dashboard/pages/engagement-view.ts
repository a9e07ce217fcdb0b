/**
 * What the referrals, feedback and task pages show (issue 17, item 9). Rendering only;
 * engagement.ts reads through app/referrals.ts, app/feedback.ts and app/tasks.ts.
 */
import type { FeedbackReport } from '../../../app/feedback.js';
import type { ReferralKpis, ReferralView } from '../../../app/referrals.js';
import type { TaskContext, TaskView } from '../../../app/tasks.js';
import type { Formatter } from '../../../report/format.js';
import { svgChart } from '../charts.js';
import { type Html, html } from '../html.js';
import { type Catalogue, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';

export const T = {
  referrals: { vi: 'Giới thiệu bạn bè', en: 'Referrals' },
  referralsIntro: {
    vi: 'Người giới thiệu chỉ được thưởng khi đơn đầu tiên của người được giới thiệu đã giao (COD) và không bị trả lại trong thời hạn đổi trả. Các lượt bị từ chối được giữ lại kèm lý do.',
    en: "A referrer is rewarded only once the friend's first order is delivered (COD) and not returned within the return window. Refused referrals are kept with their reason.",
  },
  referred: { vi: 'Khách được giới thiệu', en: 'Referred customers' },
  converted: { vi: 'Đã thưởng', en: 'Rewarded' },
  refused: { vi: 'Bị từ chối / hủy', en: 'Refused / cancelled' },
  revenuePer: { vi: 'Doanh thu mỗi khách được giới thiệu', en: 'Revenue per referred customer' },
  share: { vi: 'Tỷ trọng doanh thu của người giới thiệu', en: "Referrers' share of revenue" },
  friend: { vi: 'Người được giới thiệu', en: 'Friend' },
  referrer: { vi: 'Người giới thiệu', en: 'Referrer' },
  source: { vi: 'Nguồn', en: 'Source' },
  state: { vi: 'Trạng thái', en: 'State' },
  reason: { vi: 'Lý do', en: 'Reason' },
  when: { vi: 'Lúc', en: 'When' },
  noReferrals: { vi: 'Chưa có lượt giới thiệu nào.', en: 'No referrals yet.' },
  feedback: { vi: 'NPS và đánh giá', en: 'NPS and ratings' },
  feedbackIntro: {
    vi: 'NPS = % khách chấm 9–10 trừ % khách chấm 0–6, trong {days} ngày qua. Khách chấm thấp được tạo việc gọi lại (flow nps-detractor).',
    en: 'NPS = % scoring 9–10 minus % scoring 0–6, over the last {days} days. Low scores get a call-back task (the nps-detractor flow).',
  },
  answers: { vi: 'Câu trả lời', en: 'Answers' },
  promoters: { vi: 'Khách ủng hộ (9–10)', en: 'Promoters (9–10)' },
  detractors: { vi: 'Khách không hài lòng (0–6)', en: 'Detractors (0–6)' },
  perSegment: { vi: 'NPS theo phân khúc và nhóm', en: 'NPS per segment and group' },
  segment: { vi: 'Phân khúc', en: 'Segment' },
  ratings: { vi: 'Đánh giá sản phẩm', en: 'Product ratings' },
  product: { vi: 'Sản phẩm', en: 'Product' },
  stars: { vi: 'Số sao trung bình', en: 'Average stars' },
  recent: { vi: 'Câu trả lời gần đây', en: 'Recent answers' },
  customer: { vi: 'Khách hàng', en: 'Customer' },
  kind: { vi: 'Loại', en: 'Kind' },
  score: { vi: 'Điểm', en: 'Score' },
  channel: { vi: 'Kênh', en: 'Channel' },
  chart: { vi: 'NPS theo ngày', en: 'NPS per day' },
  noAnswers: { vi: 'Chưa có câu trả lời nào.', en: 'No answers yet.' },
  tasks: { vi: 'Việc cần làm', en: 'Staff tasks' },
  tasksIntro: {
    vi: 'Việc do flow tạo (gọi khách chấm NPS thấp, quà tri ân) hoặc tạo tay. Việc quá hạn được đánh dấu đỏ.',
    en: 'Tasks from flows (calling a detractor, a thank-you gift) or made by hand. Overdue tasks are marked red.',
  },
  task: { vi: 'Việc', en: 'Task' },
  due: { vi: 'Hạn', en: 'Due' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  assignee: { vi: 'Người làm', en: 'Assignee' },
  note: { vi: 'Ghi chú', en: 'Note' },
  done: { vi: 'Xong', en: 'Done' },
  skip: { vi: 'Bỏ qua', en: 'Skip' },
  open: { vi: 'Đang mở', en: 'Open' },
  noTasks: { vi: 'Không có việc nào.', en: 'No tasks.' },
  context: { vi: 'Thông tin khách', en: 'Customer context' },
  orders: { vi: 'Đơn hàng', en: 'Orders' },
  groups: { vi: 'Nhóm hiện tại', en: 'Current groups' },
  messages: { vi: 'Tin nhắn gần đây', en: 'Last messages' },
  back: { vi: 'Về danh sách việc', en: 'Back to the tasks' },
} as const satisfies Catalogue;

const stat = (label: string, value: string) =>
  html`<div class="card"><div class="label">${label}</div><div class="value">${value}</div></div>`;

export function referralsView(
  lang: Lang,
  fmt: Formatter,
  shop: { currency: string; timezone: string },
  kpis: ReferralKpis,
  referrals: readonly ReferralView[],
): Html {
  const rows = referrals.map(
    (r) => html`<tr class="${r.state === 'refused' || r.state === 'cancelled' ? 'refused' : ''}">
  <td><a href="/customers/${r.friendId}">${r.friendName ?? r.friendId}</a></td>
  <td>${r.referrerId ? html`<a href="/customers/${r.referrerId}">${r.referrerName ?? r.referrerId}</a>` : ''}</td>
  <td>${r.source}${r.code ? html` <code>${r.code}</code>` : ''}</td>
  <td><span class="badge${r.state === 'converted' ? ' yes' : r.state === 'refused' || r.state === 'cancelled' ? ' no' : ''}">${r.state}</span></td>
  <td>${r.reasonText ? tr(r.reasonText, lang) : ''}</td>
  <td class="nowrap">${fmt.dateTime(r.attributedAt, shop.timezone)}</td>
</tr>`,
  );
  return html`<p class="muted">${tr(T.referralsIntro, lang)}</p>
<div class="cards">
  ${stat(tr(T.referred, lang), fmt.count(kpis.referredCustomers))}
  ${stat(tr(T.converted, lang), fmt.count(kpis.converted))}
  ${stat(tr(T.refused, lang), fmt.count(kpis.refused))}
  ${stat(tr(T.revenuePer, lang), fmt.money(kpis.revenuePerReferredCustomer, shop.currency))}
  ${stat(tr(T.share, lang), fmt.percent(kpis.referrersShareOfRevenue, 1))}
</div>
${
  rows.length === 0
    ? html`<p>${tr(T.noReferrals, lang)}</p>`
    : html`<div class="scroll"><table class="data referrals">
<thead><tr><th>${tr(T.friend, lang)}</th><th>${tr(T.referrer, lang)}</th><th>${tr(T.source, lang)}</th><th>${tr(T.state, lang)}</th><th>${tr(T.reason, lang)}</th><th>${tr(T.when, lang)}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`;
}

const npsText = (n: number | null) => (n === null ? '—' : String(n));

export function feedbackView(
  lang: Lang,
  fmt: Formatter,
  timezone: string,
  days: number,
  r: FeedbackReport,
): Html {
  const chart =
    r.byDay.length === 0
      ? html``
      : svgChart(
          {
            xAxis: { type: 'category', data: r.byDay.map((d) => d.day.slice(5)) },
            yAxis: { type: 'value', min: -100, max: 100 },
            series: [{ type: 'bar', name: 'NPS', data: r.byDay.map((d) => d.nps ?? 0) }],
          },
          { label: tr(T.chart, lang), height: 240 },
        );
  const segments = r.segments.map(
    (s) =>
      html`<tr><td>${s.segment}</td><td class="num">${npsText(s.nps)}</td><td class="num">${fmt.count(s.responses)}</td></tr>`,
  );
  const ratings = r.ratings.map(
    (x) =>
      html`<tr><td>${x.title ?? x.sku ?? '—'}</td><td class="num">${fmt.decimal(x.average, 1)} ★</td><td class="num">${fmt.count(x.ratings)}</td></tr>`,
  );
  const recent = r.recent.map(
    (a) => html`<tr><td><a href="/customers/${a.customerId}">${a.customerId}</a></td><td>${a.kind}</td>
<td class="num">${a.score === null ? '' : String(a.score)}</td><td>${a.channel ?? ''}</td><td>${a.answers['text'] ?? ''}</td>
<td class="nowrap">${fmt.dateTime(a.createdAt, timezone)}</td></tr>`,
  );
  return html`<p class="muted">${tr(T.feedbackIntro, lang).replace('{days}', String(days))}</p>
<div class="cards">
  ${stat('NPS', npsText(r.nps))}
  ${stat(tr(T.answers, lang), fmt.count(r.responses))}
  ${stat(tr(T.promoters, lang), fmt.count(r.promoters))}
  ${stat(tr(T.detractors, lang), fmt.count(r.detractors))}
</div>
${chart}
<h2>${tr(T.perSegment, lang)}</h2>
${
  segments.length === 0
    ? html`<p>${tr(T.noAnswers, lang)}</p>`
    : html`<table class="data nps-segments"><thead><tr><th>${tr(T.segment, lang)}</th><th>NPS</th><th>${tr(T.answers, lang)}</th></tr></thead><tbody>${segments}</tbody></table>`
}
<h2>${tr(T.ratings, lang)}</h2>
${
  ratings.length === 0
    ? html`<p>${tr(T.noAnswers, lang)}</p>`
    : html`<table class="data ratings"><thead><tr><th>${tr(T.product, lang)}</th><th>${tr(T.stars, lang)}</th><th>${tr(T.answers, lang)}</th></tr></thead><tbody>${ratings}</tbody></table>`
}
<h2>${tr(T.recent, lang)}</h2>
${
  recent.length === 0
    ? html`<p>${tr(T.noAnswers, lang)}</p>`
    : html`<div class="scroll"><table class="data answers"><thead><tr><th>${tr(T.customer, lang)}</th><th>${tr(T.kind, lang)}</th><th>${tr(T.score, lang)}</th><th>${tr(T.channel, lang)}</th><th>${tr(T.note, lang)}</th><th>${tr(T.when, lang)}</th></tr></thead><tbody>${recent}</tbody></table></div>`
}`;
}

function closeForm(lang: Lang, csrf: string, taskId: string): Html {
  return html`<form method="post" action="/tasks/${taskId}/close" class="inline task-close">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<label class="visually-hidden" for="note-${taskId}">${tr(T.note, lang)}</label>
<input id="note-${taskId}" name="note" placeholder="${tr(T.note, lang)}" maxlength="4000">
<button type="submit" name="state" value="done">${tr(T.done, lang)}</button>
<button type="submit" name="state" value="skipped" class="secondary">${tr(T.skip, lang)}</button>
</form>`;
}

export function tasksView(
  lang: Lang,
  fmt: Formatter,
  timezone: string,
  csrf: string,
  tasks: readonly TaskView[],
): Html {
  if (tasks.length === 0)
    return html`<p class="muted">${tr(T.tasksIntro, lang)}</p><p>${tr(T.noTasks, lang)}</p>`;
  const rows = tasks.map(
    (t) => html`<tr class="${t.overdue ? 'overdue' : ''}" data-task="${t.taskId}">
  <td><a href="/tasks/${t.taskId}">${t.title}</a></td>
  <td><a href="/customers/${t.customerId}">${[t.customerName, t.customerPhone].filter(Boolean).join(' · ') || t.customerId}</a></td>
  <td class="nowrap">${t.dueAt ? fmt.dateTime(t.dueAt, timezone) : ''}${t.overdue ? html` <span class="badge no">${tr(T.overdue, lang)}</span>` : ''}</td>
  <td>${t.assignee ?? ''}</td>
  <td>${t.state === 'open' ? closeForm(lang, csrf, t.taskId) : html`<span class="badge">${t.state}</span> ${t.doneNote ?? ''}`}</td>
</tr>`,
  );
  return html`<p class="muted">${tr(T.tasksIntro, lang)}</p>
<div class="scroll"><table class="data tasks">
<thead><tr><th>${tr(T.task, lang)}</th><th>${tr(T.customer, lang)}</th><th>${tr(T.due, lang)}</th><th>${tr(T.assignee, lang)}</th><th>${tr(T.state, lang)}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

export function taskContextView(
  lang: Lang,
  fmt: Formatter,
  shop: { timezone: string; currency: string },
  csrf: string,
  c: TaskContext,
): Html {
  const t = c.task;
  return html`<p><a href="/tasks">${tr(T.back, lang)}</a></p>
<div class="panel">
  <p><strong>${t.title}</strong>${t.overdue ? html` <span class="badge no">${tr(T.overdue, lang)}</span>` : ''}</p>
  ${t.note ? html`<p class="muted">${t.note}</p>` : ''}
  <p><a href="/customers/${t.customerId}">${[t.customerName, t.customerPhone].filter(Boolean).join(' · ') || t.customerId}</a></p>
  ${t.state === 'open' ? closeForm(lang, csrf, t.taskId) : html`<p><span class="badge">${t.state}</span> ${t.doneNote ?? ''}</p>`}
</div>
<h2>${tr(T.groups, lang)}</h2>
<p>${c.groups.length === 0 ? '—' : c.groups.map((g) => html`<span class="badge">${g.segmentName}</span>`)}</p>
<h2>${tr(T.orders, lang)}</h2>
<ul>${c.orders.map((o) => html`<li>${fmt.date(o.createdAt, shop.timezone)} · ${o.externalId} · ${o.status} · ${fmt.money(o.total, shop.currency)}</li>`)}</ul>
<h2>${tr(T.answers, lang)}</h2>
<ul>${c.answers.map((a) => html`<li>${fmt.date(a.createdAt, shop.timezone)} · ${a.kind} ${a.score === null ? '' : String(a.score)} ${a.answers['text'] ?? ''}</li>`)}</ul>
<h2>${tr(T.messages, lang)}</h2>
<ul>${c.messages.map((m) => html`<li>${fmt.dateTime(m.createdAt, shop.timezone)} · ${m.channel} · ${m.state}${m.text ? html` · <span class="muted">${m.text.slice(0, 160)}</span>` : ''}</li>`)}</ul>`;
}
