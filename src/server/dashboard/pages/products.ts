/**
 * Products and their learned reorder cycles (issue 18, item 4): `/products` lists every product's
 * cycle, evidence and verdict; `/products/:sku` shows one, built from section functions
 * (`productSections`) so that other sections ("bought together") can join the page.
 */
import { z } from 'zod';
import { type BoughtTogether, boughtTogether } from '../../../app/recommend.js';
import { listProductCycles, showProductCycle, type TitledCycle } from '../../../app/replenishment.js';
import { PATTERN_TEXT, REASON_TEXT, SOURCE_TEXT } from '../../../domain/replenish/text.js';
import { DEFAULT_REPLENISH_THRESHOLDS } from '../../../domain/replenish/types.js';
import { NurtureError } from '../../../errors.js';
import type { Formatter } from '../../../report/format.js';
import { svgChart } from '../charts.js';
import { type Html, html } from '../html.js';
import { fill, type Lang, tr } from '../i18n.js';
import { definePage, type PageSpec, page } from '../page.js';
import { PRODUCTS_T as T } from './products-text.js';
import { boughtTogetherSection } from './recommend-view.js';

/** What a section of the product page is drawn from. */
export interface ProductPageData {
  sku: string;
  title: string;
  category: string | null;
  cycle: TitledCycle | null;
  computedAt: Date | null;
  /** What is bought with it (recommendations' pair rules and bundle); null for a SKU outside the catalogue. */
  together: BoughtTogether | null;
}

/** What a section needs besides the data: the reader's language, formats and zone. */
export interface SectionEnv {
  lang: Lang;
  fmt: Formatter;
  timezone: string;
  currency: string;
}

export type ProductSection = (data: ProductPageData, env: SectionEnv) => Html;

/** The sections of `/products/:sku`, in order. */
export const PRODUCT_SECTIONS: readonly ProductSection[] = [cycleSection, histogramSection, togetherSection];

/** "Bought together" and the bundle (recommend-view.ts), when the product is in the catalogue. */
function togetherSection(data: ProductPageData, env: SectionEnv): Html {
  if (!data.together) return html``;
  return boughtTogetherSection(data.together, {
    lang: env.lang,
    fmt: env.fmt,
    currency: env.currency,
    zone: env.timezone,
  });
}

/** The product page's body: every section of `sections`, in order. */
export function productSections(
  data: ProductPageData,
  env: SectionEnv,
  sections: readonly ProductSection[] = PRODUCT_SECTIONS,
): Html {
  return html`${sections.map((s) => s(data, env))}`;
}

export function productPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/products',
      access: 'staff',
      handler: async ({ ctx, shopId, lang, fmt, shop }) => {
        const list = await listProductCycles(ctx, { shopId });
        return page(
          T.title,
          'products',
          html`<p class="muted">${tr(T.intro, lang)}</p>
${list.computedAt === null ? html`<p class="muted" data-empty>${tr(T.never, lang)}</p>` : html`<p class="muted">${fill(T.computed, lang, { at: fmt.date(list.computedAt, shop.timezone) })}</p>${cycleTable(list.cycles, fmt, lang)}`}
${thresholds(lang, fmt)}`,
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/products/:sku',
      access: 'staff',
      params: z.object({ sku: z.string().min(1).max(200) }),
      handler: async ({ ctx, shopId, lang, fmt, shop, params }) => {
        const shown = await showProductCycle(ctx, { shopId, sku: params.sku });
        const together = await boughtTogether(ctx, { shopId, sku: params.sku, lang }).catch((e: unknown) => {
          if (e instanceof NurtureError && e.code === 'not_found') return null;
          throw e;
        });
        const data: ProductPageData = { sku: params.sku, ...shown, together };
        return page(
          shown.title === params.sku ? params.sku : `${shown.title} (${params.sku})`,
          'products',
          html`<p><a href="/products">← ${tr(T.back, lang)}</a></p>
${productSections(data, { lang, fmt, timezone: shop.timezone, currency: shop.currency })}`,
        );
      },
    }),
  ];
}

function cycleText(c: TitledCycle, fmt: Formatter): string {
  return c.cycleDays === null ? '—' : fmt.decimal(c.cycleDays, 1);
}

function intervalText(c: TitledCycle, fmt: Formatter): string {
  return c.cycleLowDays === null || c.cycleHighDays === null
    ? '—'
    : `${fmt.decimal(c.cycleLowDays, 1)}–${fmt.decimal(c.cycleHighDays, 1)}`;
}

function verdict(c: TitledCycle, lang: Lang): Html {
  return c.replenishable
    ? html`<span class="badge yes">${tr(T.yes, lang)}</span>`
    : html`<span class="badge no">${tr(T.no, lang)}</span> ${c.reason ? tr(REASON_TEXT[c.reason], lang) : ''}`;
}

function cycleTable(cycles: readonly TitledCycle[], fmt: Formatter, lang: Lang): Html {
  return html`<div class="scroll"><table class="data products"><caption class="visually-hidden">${tr(T.caption, lang)}</caption>
<thead><tr><th scope="col">${tr(T.sku, lang)}</th><th scope="col">${tr(T.product, lang)}</th>
<th scope="col" class="num">${tr(T.buyers, lang)}</th><th scope="col" class="num">${tr(T.repeat, lang)}</th>
<th scope="col" class="num">${tr(T.cycle, lang)}</th><th scope="col" class="num">${tr(T.interval, lang)}</th>
<th scope="col">${tr(T.pattern, lang)}</th><th scope="col">${tr(T.verdict, lang)}</th></tr></thead>
<tbody>${cycles.map(
    (c) => html`<tr data-sku="${c.sku}" data-replenishable="${String(c.replenishable)}">
<td><a href="/products/${encodeURIComponent(c.sku)}">${c.sku}</a></td><td>${c.title ?? ''}</td>
<td class="num">${fmt.count(c.buyers)}</td><td class="num">${c.repeatProbability === null ? '—' : fmt.percent(c.repeatProbability, 0)}</td>
<td class="num">${cycleText(c, fmt)}</td><td class="num">${intervalText(c, fmt)}</td>
<td>${tr(PATTERN_TEXT[c.pattern], lang)}</td><td>${verdict(c, lang)}</td></tr>`,
  )}</tbody></table></div>`;
}

function thresholds(lang: Lang, fmt: Formatter): Html {
  const t = DEFAULT_REPLENISH_THRESHOLDS;
  return html`<p class="muted">${fill(T.thresholds, lang, {
    buyers: t.minBuyers,
    repeat: t.minRepeatBuyers,
    share: fmt.percent(t.minRepeatProbability, 0),
  })}</p>`;
}

/** The cycle and its evidence, as a definition list. */
export function cycleSection(data: ProductPageData, env: SectionEnv): Html {
  const { lang, fmt } = env;
  const c = data.cycle;
  if (c === null)
    return html`<section class="panel" data-section="cycle"><h2>${tr(T.cycle, lang)}</h2><p class="muted">${tr(T.notComputed, lang)}</p></section>`;
  const d = (v: number | null, digits = 1) => (v === null ? '—' : fmt.decimal(v, digits));
  const rows: [string, Html | string][] = [
    [tr(T.verdict, lang), verdict(c, lang)],
    [tr(T.cycle, lang), cycleText(c, fmt)],
    [tr(T.interval, lang), intervalText(c, fmt)],
    [tr(T.source, lang), tr(SOURCE_TEXT[c.source], lang)],
    [tr(T.pattern, lang), tr(PATTERN_TEXT[c.pattern], lang)],
    [tr(T.category, lang), data.category ?? '—'],
    [tr(T.buyers, lang), fmt.count(c.buyers)],
    [tr(T.repeatBuyers, lang), fmt.count(c.repeatBuyers)],
    [tr(T.repeat, lang), c.repeatProbability === null ? '—' : fmt.percent(c.repeatProbability, 0)],
    [tr(T.intervals, lang), fmt.count(c.intervals)],
    [tr(T.quartiles, lang), `${d(c.medianIntervalDays)} (${d(c.p25IntervalDays)}–${d(c.p75IntervalDays)})`],
    [tr(T.regularity, lang), d(c.regularity, 2)],
    [tr(T.prior, lang), d(c.priorIntervals, 2)],
  ];
  return html`<section class="panel" data-section="cycle"><h2>${tr(T.evidence, lang)}</h2>
<dl class="figures">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
${data.computedAt ? html`<p class="muted">${fill(T.computed, lang, { at: fmt.date(data.computedAt, env.timezone) })}</p>` : ''}</section>`;
}

/** The interval histogram, an ECharts bar chart drawn as SVG on the server. */
export function histogramSection(data: ProductPageData, env: SectionEnv): Html {
  const { lang, fmt } = env;
  const bins = data.cycle?.histogram ?? [];
  const body =
    bins.length === 0
      ? html`<p class="muted">${tr(T.noHistogram, lang)}</p>`
      : svgChart(
          {
            grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
            xAxis: {
              type: 'category',
              name: tr(T.days, lang),
              data: bins.map((b) => `${fmt.count(b.fromDays)}–${fmt.count(b.toDays)}`),
              axisLabel: { fontSize: 13 },
            },
            yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.count(v), fontSize: 13 } },
            series: [{ type: 'bar', name: tr(T.count, lang), data: bins.map((b) => b.count) }],
          },
          { label: tr(T.histogram, lang), height: 260 },
        );
  return html`<section class="panel" data-section="histogram"><h2>${tr(T.histogram, lang)}</h2>${body}</section>`;
}
