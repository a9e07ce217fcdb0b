/**
 * The message editor's view: a send step's content per channel as form fields (vi and en), each
 * field with a place for its error (a Liquid error with its line and column), and the live
 * preview beside it. The form ↔ content mapping is in flow-editor-content.ts.
 */

import type { Preview } from '../../../app/flows/preview.js';
import type { ChannelKind } from '../../../channels/channel.js';
import { smsLength } from '../../../domain/messages/sms.js';
import { assertNever } from '../../../errors.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { CSRF_FIELD } from '../session.js';
import { type FieldSpec, type FormValues, fieldsOf, inputId } from './flow-editor-content.js';
import { CHANNEL_LABELS } from './flows-text.js';

export const E = {
  title: { vi: 'Sửa tin nhắn: {step}', en: 'Edit the message: {step}' },
  intro: {
    vi: 'Nội dung là mẫu Liquid: {{ customer.first_name }}, {{ coupon.code }}, {{ order.total | vnd }}… (xem docs/messages.md). Bản xem thử bên cạnh cập nhật khi bạn gõ, với một khách mẫu hoặc khách bạn chọn.',
    en: 'The content is Liquid: {{ customer.first_name }}, {{ coupon.code }}, {{ order.total | vnd }}… (see docs/messages.md). The preview beside it follows as you type, for a sample customer or one you choose.',
  },
  vi: { vi: 'Tiếng Việt', en: 'Vietnamese' },
  en: { vi: 'Tiếng Anh', en: 'English' },
  save: { vi: 'Lưu thành phiên bản mới', en: 'Save as a new version' },
  saveNote: {
    vi: 'Lưu tạo phiên bản {next}: khách mới vào phiên bản đó, khách đang trong flow đi hết phiên bản của họ.',
    en: 'Saving makes version {next}: new runs use it, runs inside finish their own version.',
  },
  cancel: { vi: 'Về trang flow', en: 'Back to the flow' },
  preview: { vi: 'Xem thử', en: 'Preview' },
  previewLang: { vi: 'Ngôn ngữ xem thử', en: 'Preview language' },
  previewCustomer: {
    vi: 'Xem thử với khách (mã khách, để trống: khách mẫu)',
    en: 'Preview for customer (id; empty: a sample customer)',
  },
  subject: { vi: 'Tiêu đề', en: 'Subject' },
  smsInfo: {
    vi: '{chars} ký tự · {segments} tin · mã hoá {encoding}',
    en: '{chars} characters · {segments} segment(s) · {encoding} encoding',
  },
  gsm7: { vi: 'GSM-7 (không dấu, 160 ký tự/tin)', en: 'GSM-7 (no tone marks, 160 a segment)' },
  ucs2: { vi: 'Unicode (có dấu, 70 ký tự/tin)', en: 'Unicode (tone marks, 70 a segment)' },
  tooLong: {
    vi: 'Dài hơn {max} tin: tốn tiền hơn và có thể bị cắt.',
    en: 'Longer than {max} segments: it costs more and may be cut.',
  },
  zaloTemplate: { vi: 'Mẫu ZNS {id}', en: 'ZNS template {id}' },
  htmlPart: { vi: 'Phần HTML', en: 'HTML part' },
  textPart: { vi: 'Phần chữ', en: 'Text part' },
  noPreview: { vi: 'Không xem thử được', en: 'No preview' },
  at: { vi: 'dòng {line}, cột {column}: ', en: 'line {line}, column {column}: ' },
  webhookDefault: {
    vi: '(không có nội dung riêng: gửi nội dung chuẩn gồm khách, flow và tin nhắn)',
    en: '(no payload of its own: the standard body with the customer, flow and message)',
  },
} as const satisfies Catalogue;

/** A problem shown next to a field: its text with the line and column of a template error. */
export interface FieldProblem {
  reason: string;
  line?: number;
  column?: number | string;
}

export function problemText(p: FieldProblem, lang: Lang): string {
  return p.line !== undefined
    ? `${fill(E.at, lang, { line: p.line, column: p.column ?? '?' })}${p.reason}`
    : p.reason;
}

function errorSlot(id: string, problem: FieldProblem | undefined, lang: Lang, oob = false): Html {
  return html`<p class="field-error" id="${id}-error"${oob ? html` hx-swap-oob="true"` : ''}>${
    problem ? problemText(problem, lang) : ''
  }</p>`;
}

function fieldView(f: FieldSpec, values: FormValues, problems: Map<string, FieldProblem>, lang: Lang): Html {
  const id = inputId(f.name);
  const problem = problems.get(f.name);
  const v = values[f.name] ?? '';
  const label = `${f.label[lang]}${f.lang ? ` (${tr(E[f.lang], lang)})` : ''}`;
  const attrs = html`id="${id}" name="${f.name}" aria-describedby="${id}-error"${problem ? html` aria-invalid="true"` : ''}`;
  const control =
    f.kind === 'checkbox'
      ? html`<label class="check"><input type="checkbox" ${attrs}${v === 'on' ? ' checked' : ''}> ${label}</label>`
      : f.kind === 'line'
        ? html`<label for="${id}">${label}</label><input type="text" ${attrs} value="${v}" spellcheck="false">`
        : html`<label for="${id}">${label}</label><textarea ${attrs} rows="${f.kind === 'long' ? 8 : 3}" spellcheck="false">${v}</textarea>`;
  return html`<div class="form-row${f.lang ? ` lang-${f.lang}` : ''}">${control}${errorSlot(id, problem, lang)}</div>`;
}

/** The error places of every field, swapped out of band by the live preview. */
export function errorSlots(
  fields: readonly FieldSpec[],
  problems: Map<string, FieldProblem>,
  lang: Lang,
): Html {
  return html`${fields.map((f) => errorSlot(inputId(f.name), problems.get(f.name), lang, true))}`;
}

export type ChannelPreview =
  | { channel: ChannelKind; ok: true; preview: Preview; maxSegments?: number }
  | { channel: ChannelKind; ok: false; reason: string };

function renderedView(p: Preview, lang: Lang, maxSegments: number | undefined): Html {
  const m = p.message;
  switch (m.channel) {
    case 'email':
      return html`<p><strong>${tr(E.subject, lang)}:</strong> <span class="pv-subject">${m.subject}</span></p>
${m.html === undefined ? '' : html`<p class="muted small">${tr(E.htmlPart, lang)}</p><iframe class="pv-html" sandbox="" title="${tr(E.htmlPart, lang)}" srcdoc="${m.html}"></iframe>`}
<p class="muted small">${tr(E.textPart, lang)}</p><pre class="pv-text">${m.text}</pre>`;
    case 'sms': {
      const len = smsLength(m.text);
      return html`<pre class="pv-text pv-sms">${m.text}</pre>
<p class="sms-info">${fill(E.smsInfo, lang, { chars: len.units, segments: m.segments, encoding: tr(E[m.encoding], lang) })}</p>
${maxSegments !== undefined && m.segments > maxSegments ? html`<p class="field-error">${fill(E.tooLong, lang, { max: maxSegments })}</p>` : ''}`;
    }
    case 'zalo':
      return html`<p class="muted small">${fill(E.zaloTemplate, lang, { id: m.templateId })}</p>
<dl class="pv-data">${Object.entries(m.data).map(([k, v]) => html`<div><dt class="mono">${k}</dt><dd>${v}</dd></div>`)}</dl>`;
    case 'messenger':
      return html`<pre class="pv-text">${m.text}</pre>`;
    case 'webhook':
      return m.payload === undefined
        ? html`<p class="muted">${tr(E.webhookDefault, lang)}</p>`
        : html`<pre class="pv-text">${JSON.stringify(m.payload, null, 2)}</pre>`;
    case 'popup':
      return html`<div class="pv-popup"><p class="pv-title"><strong>${m.title}</strong></p><p>${m.body}</p>${
        m.cta
          ? html`<p><span class="button">${m.cta}</span> <span class="muted small">${m.url ?? ''}</span></p>`
          : ''
      }</div>`;
    default:
      return assertNever(m, 'rendered message');
  }
}

/** The preview panel: each channel rendered, or why it cannot be. */
export function previewView(previews: readonly ChannelPreview[], lang: Lang): Html {
  return html`<div id="preview" aria-live="polite">${previews.map(
    (p) =>
      html`<section class="pv" data-channel="${p.channel}"><h3>${tr(CHANNEL_LABELS[p.channel], lang)}</h3>${
        p.ok
          ? renderedView(p.preview, lang, p.maxSegments)
          : html`<p class="field-error" role="alert"><strong>${tr(E.noPreview, lang)}:</strong> ${p.reason}</p>`
      }</section>`,
  )}</div>`;
}

export interface EditorView {
  lang: Lang;
  csrf: string;
  flowName: string;
  stepId: string;
  channels: readonly ChannelKind[];
  fields: readonly FieldSpec[];
  values: FormValues;
  problems: Map<string, FieldProblem>;
  previews: readonly ChannelPreview[];
  nextVersion: number;
  general?: Html;
}

export function editorView(v: EditorView): Html {
  const { lang } = v;
  const base = `/flows/${encodeURIComponent(v.flowName)}`;
  const action = `${base}/steps/${encodeURIComponent(v.stepId)}`;
  return html`<p><a href="${base}">${tr(E.cancel, lang)}</a></p>
<p class="muted">${tr(E.intro, lang)}</p>
${v.general ?? ''}
<form method="post" action="${action}" class="editor" id="editor"
  hx-post="${action}/preview" hx-trigger="input delay:400ms, change" hx-target="#preview" hx-swap="outerHTML" hx-sync="this:replace">
<input type="hidden" name="${CSRF_FIELD}" value="${v.csrf}">
<div class="editor-grid">
<div class="editor-fields">
${v.channels.map(
  (
    c,
  ) => html`<fieldset class="panel channel" data-channel="${c}"><legend>${tr(CHANNEL_LABELS[c], lang)}</legend>
${fieldsOf(v.fields, c).map((f) => fieldView(f, v.values, v.problems, lang))}</fieldset>`,
)}
<p class="muted small">${fill(E.saveNote, lang, { next: v.nextVersion })}</p>
<div class="toolbar"><button type="submit">${tr(E.save, lang)}</button></div>
</div>
<div class="editor-preview panel"><h2>${tr(E.preview, lang)}</h2>
<div class="form-row"><label for="preview-lang">${tr(E.previewLang, lang)}</label><select id="preview-lang" name="preview_lang">
<option value="vi"${v.values['preview_lang'] === 'en' ? '' : ' selected'}>${tr(E.vi, lang)}</option>
<option value="en"${v.values['preview_lang'] === 'en' ? ' selected' : ''}>${tr(E.en, lang)}</option></select></div>
<div class="form-row"><label for="preview-customer">${tr(E.previewCustomer, lang)}</label><input type="text" id="preview-customer" name="preview_customer" value="${v.values['preview_customer'] ?? ''}" class="mono" spellcheck="false"></div>
${previewView(v.previews, lang)}
</div>
</div>
</form>`;
}
