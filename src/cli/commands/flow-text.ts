/** Text output of `nurture flow …` and `nurture messages …`, in Vietnamese or English. */
import type { FlowView } from '../../app/flows/definitions.js';
import type { FlowStats } from '../../app/flows/messages.js';
import type { Preview } from '../../app/flows/preview.js';
import type { RunDueResult } from '../../app/flows/run-due.js';
import type { TemplateInfo } from '../../app/flows/templates.js';
import { assertNever } from '../../errors.js';
import { formatterFor } from '../../report/format.js';
import { table } from '../../report/text.js';
import type { FlowRecord } from '../../store/flows/definitions.js';
import type { MessageRecord } from '../../store/flows/messages.js';

type Lang = 'vi' | 'en';

const WORDS = {
  name: { vi: 'Tên', en: 'Name' },
  state: { vi: 'Trạng thái', en: 'State' },
  version: { vi: 'Phiên bản', en: 'Version' },
  liveVersion: { vi: 'Phiên bản đang chạy', en: 'Live version' },
  trigger: { vi: 'Kích hoạt', en: 'Trigger' },
  updated: { vi: 'Cập nhật', en: 'Updated' },
  none: { vi: '(chưa có flow nào)', en: '(no flows yet)' },
  noMessages: { vi: '(không có tin nhắn)', en: '(no messages)' },
  step: { vi: 'Bước', en: 'Step' },
  kind: { vi: 'Loại', en: 'Kind' },
  outcomes: { vi: 'Kết quả', en: 'Outcomes' },
  messages: { vi: 'Tin nhắn', en: 'Messages' },
  runs: { vi: 'Lượt chạy', en: 'Runs' },
  channel: { vi: 'Kênh', en: 'Channel' },
  customer: { vi: 'Khách', en: 'Customer' },
  due: { vi: 'Thời điểm gửi', en: 'Due / sent' },
  why: { vi: 'Lý do', en: 'Why' },
  flow: { vi: 'Flow', en: 'Flow' },
} as const;

const STATE_WORDS: Record<string, { vi: string; en: string }> = {
  draft: { vi: 'nháp', en: 'draft' },
  live: { vi: 'đang chạy', en: 'live' },
  paused: { vi: 'tạm dừng', en: 'paused' },
  archived: { vi: 'đã lưu trữ', en: 'archived' },
};

const w = (key: keyof typeof WORDS, lang: Lang) => WORDS[key][lang];
const stateWord = (s: string, lang: Lang) => STATE_WORDS[s]?.[lang] ?? s;

/** "live (v3)", or "live: v2 runs, v3 saved" when the newest version is not the one running. */
export function stateLine(f: FlowRecord, lang: Lang): string {
  const base = stateWord(f.state, lang);
  if (f.liveVersion === null) return `${base} (v${f.version})`;
  if (f.liveVersion === f.version) return `${base} (v${f.version})`;
  return lang === 'vi'
    ? `${base}: khách mới vào v${f.liveVersion}, bản lưu mới nhất v${f.version}`
    : `${base}: new runs start on v${f.liveVersion}, newest saved v${f.version}`;
}

export function flowListText(flows: readonly FlowRecord[], lang: Lang, timeZone: string): string {
  if (flows.length === 0) return `${w('none', lang)}\n`;
  const f = formatterFor(lang);
  return `${table(
    [w('name', lang), w('state', lang), w('updated', lang)],
    flows.map((x) => [x.name, stateLine(x, lang), f.dateTime(x.updatedAt, timeZone)]),
    [false, false, false],
  )}\n`;
}

export function flowShowText(v: FlowView, lang: Lang): string {
  const lines = [
    `${w('name', lang)}: ${v.name}`,
    `${w('state', lang)}: ${stateLine(v, lang)}`,
    `${w('trigger', lang)}: ${JSON.stringify(v.document.trigger)}`,
    '',
    JSON.stringify(v.document, null, 2),
  ];
  return `${lines.join('\n')}\n`;
}

export function flowStatsText(s: FlowStats, lang: Lang): string {
  const runs = Object.entries(s.runs)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const rows = s.steps.map((st) => [
    st.stepId,
    st.kind,
    Object.entries(st.outcomes)
      .map(([k, n]) => `${k} ${n}`)
      .join(', '),
    Object.entries(st.messages)
      .map(([k, n]) => `${k} ${n}`)
      .join(', '),
  ]);
  return `${s.name} · ${stateWord(s.state, lang)} · v${s.version}\n${w('runs', lang)}: ${runs}\n${table(
    [w('step', lang), w('kind', lang), w('outcomes', lang), w('messages', lang)],
    rows,
    [false, false, false, false],
  )}\n`;
}

export function messagesText(list: readonly MessageRecord[], lang: Lang, timeZone: string): string {
  if (list.length === 0) return `${w('noMessages', lang)}\n`;
  const f = formatterFor(lang);
  return `${table(
    [w('customer', lang), w('channel', lang), w('state', lang), w('due', lang), w('why', lang)],
    list.map((m) => [
      m.customerId,
      m.channel,
      m.state,
      f.dateTime(m.sentAt ?? m.dueAt, timeZone),
      [m.deferred ? `deferred: ${m.deferred}` : '', m.reason ?? ''].filter(Boolean).join('; '),
    ]),
    [false, false, false, false, false],
  )}\n`;
}

export function runDueText(r: RunDueResult, lang: Lang, timeZone: string): string {
  const f = formatterFor(lang);
  const m = r.messages;
  return lang === 'vi'
    ? `Đến ${f.dateTime(r.asOf, timeZone)}: ${r.started} lượt mới, ${r.advanced} lượt chạy tiếp; tin nhắn: ${m.sent} đã gửi, ${m.deferred} dời lịch, ${m.expired} hết hạn, ${m.suppressed} không gửi, ${m.failed} lỗi, ${m.retried} thử lại.\n`
    : `Up to ${f.dateTime(r.asOf, timeZone)}: ${r.started} runs started, ${r.advanced} advanced; messages: ${m.sent} sent, ${m.deferred} deferred, ${m.expired} expired, ${m.suppressed} suppressed, ${m.failed} failed, ${m.retried} to retry.\n`;
}

export function templatesText(list: readonly TemplateInfo[], lang: Lang): string {
  return `${list
    .map((t) => {
      const params = t.params.map((p) => `    --param ${p.name}=${p.default || '…'}  ${p.about}`).join('\n');
      return `${t.name}\n  ${t.about[lang]}${params ? `\n${params}` : ''}`;
    })
    .join('\n\n')}\n`;
}

export function previewText(p: Preview): string {
  const m = p.message;
  switch (m.channel) {
    case 'email':
      return `[email]\nSubject: ${m.subject}\n\n${m.text}\n`;
    case 'sms':
      return `[sms · ${m.encoding} · ${m.segments} segment${m.segments === 1 ? '' : 's'}]\n${m.text}\n`;
    case 'zalo':
      return `[zalo · template ${m.templateId}]\n${Object.entries(m.data)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n`;
    case 'messenger':
      return `[messenger]\n${m.text}\n`;
    case 'webhook':
      return `[webhook]\n${JSON.stringify(m.payload ?? null, null, 2)}\n`;
    case 'popup':
      return `[popup]\n${m.title}\n${m.body}${m.cta ? `\n[${m.cta}] ${m.url ?? ''}` : ''}\n`;
    default:
      return assertNever(m, 'rendered message');
  }
}
