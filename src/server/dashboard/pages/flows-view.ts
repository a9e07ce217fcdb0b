/**
 * What the flows pages show: the list (one state per flow, its trigger in words, its figures and
 * the actions its state allows) and a flow's page (the version note, the graph, the entry policy
 * and exit conditions in words, its send steps to edit). Rendering only; flows.ts reads.
 */
import type { FlowView } from '../../../app/flows/definitions.js';
import type { FlowStats } from '../../../app/flows/messages.js';
import { allSteps } from '../../../domain/flows/plan.js';
import type { FlowDocument } from '../../../domain/flows/schema.js';
import { assertNever } from '../../../errors.js';
import type { Formatter } from '../../../report/format.js';
import type { FlowRecord } from '../../../store/flows/definitions.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';
import { flowGraph } from './flow-graph.js';
import { entryWords, exitWords, STATE_LABELS, stepWords, triggerWords } from './flows-text.js';

export const T = {
  title: { vi: 'Flow tự động', en: 'Flows' },
  intro: {
    vi: 'Mỗi flow gửi tin và làm việc theo hành trình của khách. Sửa một flow tạo phiên bản mới: khách mới vào phiên bản mới, khách đang ở trong đi hết phiên bản họ đã bắt đầu.',
    en: 'Each flow messages and acts along a customer journey. Editing a flow makes a new version: new runs start on it, runs inside finish the version they started.',
  },
  fromTemplate: { vi: 'Tạo flow từ mẫu', en: 'Create a flow from a template' },
  none: {
    vi: 'Chưa có flow nào. Bắt đầu từ một mẫu có sẵn.',
    en: 'No flows yet. Start from a ready template.',
  },
  name: { vi: 'Flow', en: 'Flow' },
  state: { vi: 'Trạng thái', en: 'State' },
  trigger: { vi: 'Bắt đầu khi', en: 'Starts when' },
  figures: { vi: 'Số liệu', en: 'Figures' },
  actions: { vi: 'Thao tác', en: 'Actions' },
  version: { vi: 'phiên bản {v}', en: 'version {v}' },
  newerSaved: {
    vi: 'Khách mới vào phiên bản {live}; phiên bản {v} đã lưu nhưng chưa chạy.',
    en: 'New runs start on version {live}; version {v} is saved but not running.',
  },
  draftNote: { vi: 'Nháp: chưa có khách nào vào.', en: 'Draft: nobody enters yet.' },
  olderRuns: {
    vi: '{n} khách còn đang đi phiên bản {v} (cũ hơn) cho đến hết.',
    en: '{n} runs are still finishing version {v} (older).',
  },
  entered: { vi: 'Vào', en: 'Entered' },
  active: { vi: 'Đang trong flow', en: 'Active' },
  done: { vi: 'Hoàn tất', en: 'Done' },
  exited: { vi: 'Thoát sớm', en: 'Exited' },
  control: { vi: 'Nhóm đối chứng', en: 'Control group' },
  sent: { vi: 'Tin đã gửi', en: 'Messages sent' },
  conversions: { vi: 'Chuyển đổi', en: 'Conversions' },
  revenue: { vi: 'Doanh thu', en: 'Revenue' },
  lift: { vi: 'Mức tăng so với đối chứng', en: 'Lift over control' },
  activate: { vi: 'Bật', en: 'Activate' },
  pause: { vi: 'Tạm dừng', en: 'Pause' },
  resume: { vi: 'Chạy lại', en: 'Resume' },
  archive: { vi: 'Lưu trữ', en: 'Archive' },
  archiveConfirm: {
    vi: 'Lưu trữ flow này? Các lượt đang chạy sẽ kết thúc và không thể bật lại.',
    en: 'Archive this flow? Its runs end and it cannot be switched on again.',
  },
  open: { vi: 'Xem', en: 'Open' },
  backToList: { vi: 'Về danh sách flow', en: 'Back to the flows' },
  graph: { vi: 'Sơ đồ', en: 'The flow' },
  rules: { vi: 'Vào và thoát', en: 'Entry and exit' },
  entry: { vi: 'Vào lại', en: 'Re-entry' },
  exitWhen: { vi: 'Dừng sớm khi', en: 'Stops early when' },
  noExit: { vi: 'Không có điều kiện dừng sớm.', en: 'No early-exit conditions.' },
  holdout: {
    vi: '{p} % khách vào được giữ làm nhóm đối chứng (không nhận gì) để đo hiệu quả.',
    en: '{p} % of entries are kept as a control group (they get nothing) to measure the lift.',
  },
  messagesTitle: { vi: 'Tin nhắn của flow', en: "The flow's messages" },
  edit: { vi: 'Sửa nội dung', en: 'Edit the content' },
  seeMessages: { vi: 'Xem tin nhắn đã gửi', en: 'See the messages' },
  saved: {
    vi: 'Đã lưu. Khách mới vào phiên bản {v}; khách đang trong flow đi hết phiên bản {old}.',
    en: 'Saved. New runs use version {v}; runs inside finish version {old}.',
  },
  savedNoRuns: {
    vi: 'Đã lưu phiên bản {v}. Khách mới vào phiên bản này.',
    en: 'Saved version {v}. New runs use it.',
  },
  savedDraft: {
    vi: 'Đã lưu phiên bản {v} (nháp: bật flow để khách bắt đầu vào).',
    en: 'Saved version {v} (a draft: activate the flow for runs to start).',
  },
} as const satisfies Catalogue;

export type FlowAction = 'activate' | 'pause' | 'resume' | 'archive';

/** The actions a state allows (the same as changeFlowState's). */
export function actionsFor(state: FlowRecord['state']): FlowAction[] {
  switch (state) {
    case 'draft':
      return ['activate', 'archive'];
    case 'live':
      return ['pause', 'archive'];
    case 'paused':
      return ['resume', 'archive'];
    case 'archived':
      return [];
    default:
      return assertNever(state, 'flow state');
  }
}

/** A flow's title in the reader's language (or its name). */
export function flowTitle(doc: FlowDocument, lang: Lang): string {
  const t = doc.title;
  return t === undefined ? doc.name : typeof t === 'string' ? t : t[lang];
}

/** The one state of a flow, with the version new runs start on. */
export function stateBadge(f: FlowRecord, lang: Lang): Html {
  const v = f.liveVersion ?? f.version;
  return html`<span class="state flow-${f.state}" data-state="${f.state}">${tr(STATE_LABELS[f.state], lang)}</span> <span class="muted small">${fill(T.version, lang, { v })}</span>`;
}

/** The plain notes under a state: a newer saved version not running, older versions still running. */
export function versionNotes(
  f: FlowRecord,
  running: readonly { version: number; runs: number }[],
  lang: Lang,
  fmt: Formatter,
): Html {
  const notes: string[] = [];
  if (f.state === 'draft') notes.push(tr(T.draftNote, lang));
  if (f.liveVersion !== null && f.liveVersion !== f.version && f.state !== 'archived')
    notes.push(fill(T.newerSaved, lang, { live: f.liveVersion, v: f.version }));
  const current = f.liveVersion ?? f.version;
  for (const r of running)
    if (r.version < current) notes.push(fill(T.olderRuns, lang, { n: fmt.count(r.runs), v: r.version }));
  return notes.length === 0
    ? html``
    : html`<ul class="version-notes">${notes.map((n) => html`<li>${n}</li>`)}</ul>`;
}

/** Messages sent (accepted or delivered) over all steps. */
export function sentOf(stats: FlowStats): number {
  return stats.steps.reduce((s, st) => s + (st.messages['sent'] ?? 0) + (st.messages['delivered'] ?? 0), 0);
}

/** A figure the stats may carry later (conversions, revenue, lift), formatted for what it is. */
function extraFigure(key: string, value: unknown, fmt: Formatter, currency: string): string | undefined {
  if (typeof value === 'number')
    return key === 'revenue'
      ? fmt.money(value, currency)
      : key === 'lift'
        ? fmt.percent(value, 1)
        : fmt.count(value);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const est = o['estimate'] ?? o['value'] ?? o['lift'];
    const low = o['low'] ?? o['lower'];
    const high = o['high'] ?? o['upper'];
    if (typeof est === 'number') {
      const base = extraFigure(key, est, fmt, currency)!;
      return typeof low === 'number' && typeof high === 'number'
        ? `${base} (${extraFigure(key, low, fmt, currency)} – ${extraFigure(key, high, fmt, currency)})`
        : base;
    }
  }
  return undefined;
}

/** The flow's figures as a definition list: runs, messages sent, and what later versions of the stats add. */
export function figuresView(stats: FlowStats, lang: Lang, fmt: Formatter, currency: string): Html {
  const r = stats.runs;
  const items: [string, string][] = [
    [tr(T.entered, lang), fmt.count(r.entered)],
    [tr(T.active, lang), fmt.count(r.active)],
    [tr(T.done, lang), fmt.count(r.done)],
    [tr(T.exited, lang), fmt.count(r.exited)],
    [tr(T.control, lang), fmt.count(r.control)],
    [tr(T.sent, lang), fmt.count(sentOf(stats))],
  ];
  const more = stats as unknown as Record<string, unknown>;
  for (const key of ['conversions', 'revenue', 'lift'] as const) {
    const shown = extraFigure(key, more[key], fmt, currency);
    if (shown !== undefined) items.push([tr(T[key], lang), shown]);
  }
  return html`<dl class="figures">${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** The state buttons of a flow (POST with the CSRF token; archive asks first). */
export function actionButtons(f: FlowRecord, lang: Lang, csrf: string, back: string): Html {
  return html`${actionsFor(f.state).map((a) => {
    const confirm = a === 'archive';
    return html`<form method="post" action="/flows/${encodeURIComponent(f.name)}/${a}" class="inline"${
      confirm
        ? html` onsubmit="return confirm(this.dataset.confirm)" data-confirm="${tr(T.archiveConfirm, lang)}"`
        : ''
    }><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><input type="hidden" name="back" value="${back}"><button type="submit"${a === 'archive' ? html` class="secondary"` : ''} aria-label="${tr(T[a], lang)} ${f.name}">${tr(T[a], lang)}</button></form>`;
  })}`;
}

export interface ListedFlow {
  flow: FlowView;
  stats: FlowStats;
  running: { version: number; runs: number }[];
}

export function listView(
  flows: readonly ListedFlow[],
  v: { lang: Lang; fmt: Formatter; currency: string; csrf: string },
): Html {
  const { lang, fmt } = v;
  return html`<p class="muted">${tr(T.intro, lang)}</p>
<p><a class="button" href="/flows/templates">${tr(T.fromTemplate, lang)}</a></p>
${
  flows.length === 0
    ? html`<p class="muted">${tr(T.none, lang)}</p>`
    : html`<ul class="flow-list">${flows.map(
        ({ flow, stats, running }) => html`<li class="panel flow-item" data-flow="${flow.name}">
<h2><a href="/flows/${encodeURIComponent(flow.name)}">${flowTitle(flow.document, lang)}</a> <span class="muted small mono">${flow.name}</span></h2>
<p>${stateBadge(flow, lang)}</p>
${versionNotes(flow, running, lang, fmt)}
<p><span class="muted">${tr(T.trigger, lang)}:</span> ${triggerWords((flow.liveDocument ?? flow.document).trigger, lang)}</p>
${figuresView(stats, lang, fmt, v.currency)}
<div class="flow-actions">${actionButtons(flow, lang, v.csrf, '/flows')}</div>
</li>`,
      )}</ul>`
}`;
}

export function flowPageView(
  flow: FlowView,
  stats: FlowStats,
  running: { version: number; runs: number }[],
  v: { lang: Lang; fmt: Formatter; currency: string; csrf: string; saved?: number },
): Html {
  const { lang, fmt } = v;
  const doc = flow.document;
  const path = `/flows/${encodeURIComponent(flow.name)}`;
  const sends = [...allSteps(doc.steps)].filter((s) => s.kind === 'send');
  const older = running.filter((r) => r.version < (flow.liveVersion ?? flow.version));
  const saved =
    v.saved === undefined
      ? ''
      : flow.state === 'draft'
        ? fill(T.savedDraft, lang, { v: v.saved })
        : older.length > 0
          ? fill(T.saved, lang, { v: v.saved, old: older.map((r) => r.version).join(', ') })
          : fill(T.savedNoRuns, lang, { v: v.saved });
  const exits = exitWords(doc, lang);
  return html`<p><a href="/flows">${tr(T.backToList, lang)}</a></p>
${saved ? html`<p class="notice" role="status" id="saved-note">${saved}</p>` : ''}
<p id="flow-state">${stateBadge(flow, lang)}</p>
${versionNotes(flow, running, lang, fmt)}
<div class="flow-actions">${actionButtons(flow, lang, v.csrf, path)}
<a class="button secondary" href="/messages?flow=${encodeURIComponent(flow.name)}">${tr(T.seeMessages, lang)}</a></div>
${doc.description ? html`<p>${doc.description}</p>` : ''}
${figuresView(stats, lang, fmt, v.currency)}
<h2>${tr(T.graph, lang)}</h2>
${flowGraph(doc, stats, { lang, fmt, currency: v.currency, name: flow.name })}
<section class="panel" aria-labelledby="h-rules"><h2 id="h-rules">${tr(T.rules, lang)}</h2>
<p><span class="muted">${tr(T.trigger, lang)}:</span> ${triggerWords(doc.trigger, lang)}</p>
<p><span class="muted">${tr(T.entry, lang)}:</span> ${entryWords(doc, lang)}</p>
<p class="muted">${tr(T.exitWhen, lang)}:</p>
${exits.length === 0 ? html`<p>${tr(T.noExit, lang)}</p>` : html`<ul>${exits.map((e) => html`<li>${e}</li>`)}</ul>`}
${doc.holdoutPercent > 0 ? html`<p>${fill(T.holdout, lang, { p: fmt.upTo(doc.holdoutPercent, 1) })}</p>` : ''}
</section>
${
  sends.length === 0
    ? ''
    : html`<section class="panel" aria-labelledby="h-msgs"><h2 id="h-msgs">${tr(T.messagesTitle, lang)}</h2><ul class="send-steps">${sends.map(
        (s) =>
          html`<li><strong>${stepWords(s, lang, fmt, v.currency)}</strong> <span class="muted mono small">${s.id}</span> ${
            flow.state === 'archived'
              ? ''
              : html`<a href="${path}/steps/${encodeURIComponent(s.id)}">${tr(T.edit, lang)}</a>`
          }</li>`,
      )}</ul></section>`
}`;
}
