/**
 * Creating a flow from a ready template at `/flows/templates`: each template with its vi/en
 * description and its parameters as a form (defaults filled in), live at once or as a draft.
 * Enabling goes through enableFlowTemplate and then to the new flow's page; invalid parameters
 * show the reason next to the field and create nothing.
 */
import { z } from 'zod';
import { enableFlowTemplate, listFlowTemplates, type TemplateInfo } from '../../../app/flows/templates.js';
import { parseFlowDocument } from '../../../domain/flows/check.js';
import { FLOW_TEMPLATES } from '../../../domain/flows/templates.js';
import { type ErrorDetail, NurtureError } from '../../../errors.js';
import { formError } from '../error-page.js';
import { type Html, html } from '../html.js';
import { type Catalogue, type Lang, tr } from '../i18n.js';
import { definePage, type PageSpec, page, redirect } from '../page.js';
import { CSRF_FIELD } from '../session.js';

const T = {
  title: { vi: 'Tạo flow từ mẫu', en: 'Create a flow from a template' },
  intro: {
    vi: 'Các flow soạn sẵn theo nhóm khách, nội dung tiếng Việt và tiếng Anh. Mọi tham số sửa được; sau khi tạo, nội dung từng tin nhắn cũng sửa được.',
    en: 'Ready flows per customer group, with Vietnamese and English texts. Every parameter can be changed; once created, each message can be edited too.',
  },
  noParams: { vi: 'Mẫu này không có tham số.', en: 'This template has no parameters.' },
  start: { vi: 'Khi tạo', en: 'When created' },
  live: { vi: 'Bật ngay', en: 'Switch on now' },
  draft: { vi: 'Để ở dạng nháp', en: 'Keep as a draft' },
  create: { vi: 'Tạo flow', en: 'Create the flow' },
  backToList: { vi: 'Về danh sách flow', en: 'Back to the flows' },
} as const satisfies Catalogue;

/**
 * The templates' parameter descriptions in Vietnamese, keyed by their English text (the
 * templates keep English for the CLI); one not listed shows in English.
 */
const PARAM_VI: Record<string, string> = {
  'the segment whose new members are welcomed': 'phân khúc có khách mới được chào mừng',
  'the welcome coupon, percent off': 'mã chào mừng, giảm bao nhiêu %',
  'days the coupon is valid': 'số ngày mã còn dùng được',
  'wait before the account invitation': 'chờ bao lâu trước khi mời tạo tài khoản',
  'days after the order (7, 15 or 30: the reorder cycle)':
    'số ngày sau đơn hàng (7, 15 hoặc 30: chu kỳ mua lại)',
  'comma-separated categories of consumables (empty: any order)':
    'các nhóm hàng tiêu hao, cách nhau bằng dấu phẩy (để trống: mọi đơn)',
  'comma-separated SKUs (empty: any)':
    'các mã sản phẩm (SKU), cách nhau bằng dấu phẩy (để trống: mọi sản phẩm)',
  'the 24 h voucher, percent off': 'voucher 24 giờ, giảm bao nhiêu %',
  'the segment of churned customers': 'phân khúc khách đã rời bỏ',
  'the coupon, VND off': 'mã giảm giá, giảm bao nhiêu đồng',
  'the coupon’s minimum order, VND': 'đơn tối thiểu để dùng mã, đồng',
  'the segment to nurture': 'phân khúc cần chăm sóc',
  'how long to wait for a click': 'chờ khách bấm link trong bao lâu',
  'the segment of loyal customers': 'phân khúc khách trung thành',
  'wait after the delivery': 'chờ bao lâu sau khi giao hàng',
  'the page that records the answer (score=N is appended)':
    'trang ghi nhận câu trả lời (thêm score=N vào cuối)',
  'how long to wait for the order': 'chờ khách đặt đơn trong bao lâu',
  'the segment of Standard customers': 'phân khúc khách Tiêu chuẩn',
  'promotional messages a week at most for this flow': 'số tin khuyến mãi tối đa mỗi tuần của flow này',
};

const paramAbout = (about: string, lang: Lang) => (lang === 'vi' ? (PARAM_VI[about] ?? about) : about);

interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  general?: NurtureError;
  draft: boolean;
}

const fieldId = (template: string, param: string) => `t-${template}-${param}`;

function templateForm(t: TemplateInfo, lang: Lang, csrf: string, state?: FormState): Html {
  const value = (p: { name: string; default: string }) => state?.values[p.name] ?? p.default;
  return html`<section class="panel template" id="template-${t.name}" aria-labelledby="h-${t.name}">
<h2 id="h-${t.name}">${t.name}</h2>
<p>${t.about[lang]}</p>
${state?.general ? formError(state.general, lang) : ''}
<form method="post" action="/flows/templates/${encodeURIComponent(t.name)}" novalidate>
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
${
  t.params.length === 0
    ? html`<p class="muted small">${tr(T.noParams, lang)}</p>`
    : t.params.map((p) => {
        const id = fieldId(t.name, p.name);
        const error = state?.errors[p.name];
        return html`<div class="form-row"><label for="${id}">${p.name}</label>
<input type="text" id="${id}" name="p.${p.name}" value="${value(p)}" aria-describedby="${id}-about${error ? html` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''}>
<p class="muted small" id="${id}-about">${paramAbout(p.about, lang)}</p>
${error ? html`<p class="field-error" id="${id}-error" role="alert">${error}</p>` : ''}</div>`;
      })
}
<fieldset class="start"><legend>${tr(T.start, lang)}</legend>
<label class="check"><input type="radio" name="start" value="live"${state?.draft ? '' : ' checked'}> ${tr(T.live, lang)}</label>
<label class="check"><input type="radio" name="start" value="draft"${state?.draft ? ' checked' : ''}> ${tr(T.draft, lang)}</label>
</fieldset>
<div class="toolbar"><button type="submit">${tr(T.create, lang)}</button></div>
</form></section>`;
}

function templatesView(lang: Lang, csrf: string, only?: { name: string; state: FormState }): Html {
  return html`<p><a href="/flows">${tr(T.backToList, lang)}</a></p>
<p class="muted">${tr(T.intro, lang)}</p>
${listFlowTemplates().map((t) => templateForm(t, lang, csrf, only?.name === t.name ? only.state : undefined))}`;
}

/**
 * Which field a problem belongs to: a named parameter, the parameter whose value alone makes the
 * document invalid, or the one whose value the reason quotes (a segment that does not exist).
 */
function attribute(
  template: string,
  given: Record<string, string>,
  error: NurtureError,
): { errors: Record<string, string>; rest: ErrorDetail[] } {
  const spec = FLOW_TEMPLATES[template];
  const errors: Record<string, string> = {};
  const rest: ErrorDetail[] = [];
  const defaults = Object.fromEntries(Object.entries(spec?.params ?? {}).map(([k, p]) => [k, p.default]));
  const alone = (param: string): string | undefined => {
    if (!spec) return undefined;
    try {
      parseFlowDocument(spec.build({ ...defaults, [param]: given[param] ?? '' }));
      return undefined;
    } catch (e) {
      return e instanceof NurtureError ? (e.details[0]?.reason ?? e.message) : String(e);
    }
  };
  for (const d of error.details.length > 0 ? error.details : [{ reason: error.message }]) {
    const named = d.path?.startsWith('params.') ? d.path.slice('params.'.length) : undefined;
    const quoted = Object.keys(given).find((k) => given[k] && d.reason.includes(`"${given[k]}"`));
    const param = named ?? quoted;
    if (param) errors[param] ??= d.reason;
    else rest.push(d);
  }
  if (rest.length > 0)
    for (const k of Object.keys(given))
      if (given[k] !== defaults[k] && !errors[k]) {
        const reason = alone(k);
        if (reason) errors[k] = reason;
      }
  return { errors, rest: Object.keys(errors).length > 0 ? [] : rest };
}

export function flowTemplatePages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/flows/templates',
      access: 'staff',
      handler: async ({ session, lang }) =>
        page(T.title, 'flows', templatesView(lang, session?.csrfToken ?? '')),
    }),
    definePage({
      method: 'POST',
      url: '/flows/templates/:template',
      access: 'staff',
      params: z.object({ template: z.string().min(1).max(64) }),
      form: z.record(z.string(), z.string().max(2000)),
      handler: async ({ ctx, shopId, session, lang, params, form, reply }) => {
        const given = Object.fromEntries(
          Object.entries(form)
            .filter(([k]) => k.startsWith('p.'))
            .map(([k, v]) => [k.slice(2), v.trim()]),
        );
        const draft = form['start'] === 'draft';
        try {
          const flow = await enableFlowTemplate(ctx, { shopId, name: params.template, params: given, draft });
          return redirect(`/flows/${encodeURIComponent(flow.name)}`);
        } catch (error) {
          if (
            !(error instanceof NurtureError) ||
            (error.code !== 'invalid_input' && error.code !== 'conflict')
          )
            throw error;
          const { errors, rest } = attribute(params.template, given, error);
          reply.status(error.code === 'conflict' ? 409 : 400);
          const state: FormState = {
            values: given,
            errors,
            draft,
            ...(rest.length > 0 || error.code === 'conflict' ? { general: error } : {}),
          };
          return page(
            T.title,
            'flows',
            templatesView(lang, session?.csrfToken ?? '', { name: params.template, state }),
          );
        }
      },
    }),
  ];
}
