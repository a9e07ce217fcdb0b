/**
 * The period picker of the overview and the best customers: preset links (the last 30 days, 90
 * days, 12 months) and two dates in a GET form, so that a period is a link that can be shared.
 */
import { z } from 'zod';
import { type ChosenPeriod, PERIOD_PRESETS, type PeriodPreset } from '../../../app/period.js';
import { type Html, html } from '../html.js';
import { type Catalogue, type Lang, tr } from '../i18n.js';

const T = {
  period: { vi: 'Kỳ báo cáo', en: 'Period' },
  '30d': { vi: '30 ngày', en: '30 days' },
  '90d': { vi: '90 ngày', en: '90 days' },
  '12m': { vi: '12 tháng', en: '12 months' },
  from: { vi: 'Từ ngày', en: 'From' },
  to: { vi: 'Đến ngày', en: 'To' },
  show: { vi: 'Xem', en: 'Show' },
} as const satisfies Catalogue & Record<PeriodPreset, unknown>;

/** An empty field of a GET form is no value. */
export const optionalField = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** A day as a date input sends it. */
export const dayField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** The picker's fields in a query (or a form that repeats them). */
export const periodQuery = z.object({
  preset: optionalField(z.enum(PERIOD_PRESETS)),
  from: optionalField(dayField),
  to: optionalField(dayField),
});
export type PeriodQuery = z.output<typeof periodQuery>;

/** The picker's fields as an app/ input (absent ones left out). */
export const periodInput = (q: PeriodQuery) => ({
  ...(q.preset ? { preset: q.preset } : {}),
  ...(q.from ? { from: q.from } : {}),
  ...(q.to ? { to: q.to } : {}),
});

/** The picker's fields as a query string, for links, polls and forms that keep the period. */
export function periodParams(q: PeriodQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.preset) p.set('preset', q.preset);
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  return p;
}

/**
 * The picker of the page at `path`: `keep` holds the page's other fields, carried by the preset
 * links and the form. `id` prefixes the inputs' ids.
 */
export function periodPicker(options: {
  path: string;
  query: PeriodQuery;
  period: ChosenPeriod;
  lang: Lang;
  keep?: Record<string, string>;
  id: string;
}): Html {
  const { path, query, period, lang, id } = options;
  const keep = options.keep ?? {};
  return html`<div class="panel period-picker">
<nav aria-label="${tr(T.period, lang)}" class="presets">${PERIOD_PRESETS.map((p) => {
    const on = period.preset === p;
    const href = `${path}?${new URLSearchParams({ preset: p, ...keep })}`;
    return html`<a class="button${on ? '' : ' secondary'}" href="${href}"${on ? html` aria-current="true"` : ''}>${tr(T[p], lang)}</a>`;
  })}</nav>
<form method="get" action="${path}" class="toolbar">${Object.entries(keep).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}
<div><label for="${id}-from">${tr(T.from, lang)}</label><input id="${id}-from" name="from" type="date" value="${query.from ?? period.firstDay}"></div>
<div><label for="${id}-to">${tr(T.to, lang)}</label><input id="${id}-to" name="to" type="date" value="${query.to ?? period.lastDay}"></div>
<button type="submit">${tr(T.show, lang)}</button>
</form></div>`;
}
