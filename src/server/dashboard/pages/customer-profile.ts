/**
 * One customer's page: identities and consent, stats, groups, predictions with their intervals
 * named for what they cover (docs/clv.md, "Intervals"), segment stays with entry and exit dates,
 * the products they buy again with their predicted dates, their recommendations, and the timeline
 * of orders and storefront events (newest first, 100 at a time). Read through app/customers.ts
 * (getCustomerProfile, customerTimelinePage), app/replenishment-profile.ts and app/recommend.ts;
 * another shop's customer is a 404.
 */
import { z } from 'zod';
import { type CustomerProfile, customerTimelinePage, getCustomerProfile } from '../../../app/customers.js';
import { listShopFlows } from '../../../app/flows/definitions.js';
import { listShopMessages } from '../../../app/flows/messages.js';
import { pointsOf } from '../../../app/loyalty/points.js';
import { personalRecommendations } from '../../../app/recommend.js';
import { customerReplenishmentProfile } from '../../../app/replenishment-profile.js';
import { builtinSegmentLabel } from '../../../domain/segments/builtins.js';
import { fullName } from '../../../report/customers-csv.js';
import type { Formatter } from '../../../report/format.js';
import type { TimelineEntry } from '../../../store/customers/queries.js';
import { eventLabel } from '../event-labels.js';
import { type Html, html } from '../html.js';
import type { Lang } from '../i18n.js';
import { fill, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page } from '../page.js';
import { P, STATUS_LABELS } from './customer-profile-text.js';
import { groupLabel } from './customers-view.js';
import { profilePointsPanel } from './loyalty-view.js';
import { customerMessagesView } from './messages-view.js';
import { customerRecommendationsSection } from './recommend-view.js';
import { customerReplenishmentSection } from './replenish-profile-view.js';

const idParams = z.object({ id: z.string().min(1).max(100) });

interface View {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  zone: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date | null => (v instanceof Date ? v : null);

function identitiesView(p: CustomerProfile, { lang }: View): Html {
  const { customer } = p;
  const kindLabel = (kind: string) =>
    kind === 'phone'
      ? tr(P.phone, lang)
      : kind === 'email'
        ? tr(P.email, lang)
        : fill(P.externalId, lang, { source: kind.replace(/^external:/, '') });
  const consent = (v: boolean | null) =>
    v === true
      ? html`<span class="badge yes">${tr(P.agreed, lang)}</span>`
      : v === false
        ? html`<span class="badge no">${tr(P.refused, lang)}</span>`
        : html`<span class="muted">${tr(P.unknown, lang)}</span>`;
  return html`<section class="panel" aria-labelledby="h-ids"><h2 id="h-ids">${tr(P.identities, lang)}</h2>
<table class="data"><thead><tr><th scope="col">${tr(P.kind, lang)}</th><th scope="col">${tr(P.value, lang)}</th></tr></thead>
<tbody>${
    customer.identities.length === 0
      ? html`<tr><td colspan="2" class="muted">${tr(P.noIdentities, lang)}</td></tr>`
      : customer.identities.map(
          (i) => html`<tr><td>${kindLabel(i.kind)}</td><td class="mono">${i.value}</td></tr>`,
        )
  }</tbody></table>
<h3>${tr(P.consent, lang)}</h3>
<table class="data"><thead><tr><th scope="col">${tr(P.channel, lang)}</th><th scope="col">${tr(P.consent, lang)}</th></tr></thead><tbody>
<tr><td>E-mail</td><td>${consent(customer.consent.email)}</td></tr>
<tr><td>SMS</td><td>${consent(customer.consent.sms)}</td></tr>
<tr><td>Zalo</td><td>${consent(customer.consent.zalo)}</td></tr>
<tr><td>Messenger</td><td>${consent(customer.consent.messenger)}</td></tr>
</tbody></table>
${customer.tags.length > 0 ? html`<p>${tr(P.tags, lang)}: ${customer.tags.map((t) => html`<span class="badge">${t}</span>`)}</p>` : ''}
</section>`;
}

function statsView(p: CustomerProfile, v: View): Html {
  const { lang, fmt } = v;
  const s = p.stats;
  if (!s)
    return html`<section class="panel"><h2>${tr(P.stats, lang)}</h2><p class="muted">${tr(P.noStats, lang)}</p></section>`;
  const money = (x: unknown) => (num(x) === null ? '–' : fmt.money(num(x) ?? 0, v.currency));
  const day = (x: unknown) => (date(x) ? fmt.date(date(x) as Date, v.zone) : '–');
  const days = (x: unknown) => (num(x) === null ? '–' : `${fmt.upTo(num(x) ?? 0, 1)} ${tr(P.days, lang)}`);
  const card = (label: string, value: string) =>
    html`<div class="card"><div class="label">${label}</div><div class="value">${value}</div></div>`;
  return html`<section aria-labelledby="h-stats"><h2 id="h-stats">${tr(P.stats, lang)}</h2>
<div class="cards">
${card(tr(P.orders, lang), fmt.count(num(s['orders']) ?? 0))}
${card(tr(P.spend, lang), money(s['revenue']))}
${card(tr(P.aov, lang), money(s['aov']))}
${card(tr(P.gap, lang), days(s['avg_gap_days']))}
${card(tr(P.firstOrder, lang), day(s['first_order_at']))}
${card(tr(P.lastOrder, lang), day(s['last_order_at']))}
${card(tr(P.recency, lang), days(s['recency_days']))}
${card(tr(P.referrals, lang), fmt.count(num(s['referrals']) ?? 0))}
</div>
<h2>${tr(P.groups, lang)}</h2>
<ul class="groups">
<li>${tr(P.lifecycle, lang)}: <strong>${groupLabel('lifecycle', (s['lifecycle'] as string | null) ?? null, lang)}</strong></li>
<li>${tr(P.valueGroup, lang)}: <strong>${groupLabel('value', (s['value_group'] as string | null) ?? null, lang)}</strong></li>
<li>${tr(P.rfm, lang)}: <strong>${groupLabel('rfm', (s['rfm_group'] as string | null) ?? null, lang)}</strong> (R ${String(s['r'] ?? '–')} · F ${String(s['f'] ?? '–')} · M ${String(s['m'] ?? '–')})</li>
</ul>
${date(s['computed_as_of']) ? html`<p class="muted small">${fill(P.computedAsOf, lang, { at: fmt.dateTime(date(s['computed_as_of']) as Date, v.zone) })}</p>` : ''}
</section>`;
}

function predictionView(p: CustomerProfile, v: View): Html {
  const { lang, fmt } = v;
  const x = p.prediction;
  if (!x)
    return html`<section class="panel"><h2>${tr(P.predictions, lang)}</h2><p class="muted">${tr(P.noPredictions, lang)}</p></section>`;
  const money = (a: unknown) => (num(a) === null ? '–' : fmt.money(Math.round(num(a) ?? 0), v.currency));
  const range = (lo: unknown, hi: unknown, show: (a: unknown) => string) =>
    num(lo) === null || num(hi) === null ? '–' : `${show(lo)} – ${show(hi)}`;
  const count = (a: unknown) => fmt.count(num(a) ?? 0);
  const next = date(x['expected_next_order_date'])
    ? fmt.date(date(x['expected_next_order_date']) as Date, v.zone)
    : x['next_order_note'] === 'lapsed'
      ? tr(P.lapsed, lang)
      : x['next_order_note'] === 'beyond_year'
        ? tr(P.beyondYear, lang)
        : '–';
  const row = (label: string, value: string, note?: string) =>
    html`<tr><th scope="row">${label}</th><td class="num">${value}${note !== undefined ? html`<span class="note muted small">${note}</span>` : ''}</td></tr>`;
  return html`<section class="panel" aria-labelledby="h-pred"><h2 id="h-pred">${tr(P.predictions, lang)}</h2>
<div class="scroll"><table class="data predictions"><tbody>
${row(tr(P.pAlive, lang), num(x['p_alive']) === null ? '–' : fmt.percent(num(x['p_alive']) ?? 0, 0))}
${row(tr(P.expectedOrders, lang), fmt.upTo(num(x['expected_purchases_365']) ?? 0, 2))}
${row(tr(P.ordersInterval, lang), range(x['orders_365_low'], x['orders_365_high'], count), tr(P.ordersIntervalNote, lang))}
${row(tr(P.clv, lang), money(x['predicted_clv']))}
${row(tr(P.clvRange, lang), range(x['predicted_clv_range_low'], x['predicted_clv_range_high'], money), tr(P.clvRangeNote, lang))}
${row(tr(P.clvCi, lang), range(x['predicted_clv_ci_low'], x['predicted_clv_ci_high'], money), tr(P.clvCiNote, lang))}
${row(tr(P.nextOrder, lang), next)}
</tbody></table></div>
<p class="muted small">${fill(P.model, lang, { model: String(x['model'] ?? ''), at: date(x['predicted_as_of']) ? fmt.date(date(x['predicted_as_of']) as Date, v.zone) : '–' })}</p>
</section>`;
}

function segmentsView(p: CustomerProfile, v: View): Html {
  const { lang, fmt } = v;
  return html`<section aria-labelledby="h-seg"><h2 id="h-seg">${tr(P.segments, lang)}</h2>${
    p.segments.length === 0
      ? html`<p class="muted">${tr(P.noSegments, lang)}</p>`
      : html`<div class="scroll"><table class="data segments"><thead><tr><th scope="col">${tr(P.segment, lang)}</th><th scope="col">${tr(P.entered, lang)}</th><th scope="col">${tr(P.exited, lang)}</th></tr></thead><tbody>${p.segments.map(
          (s) =>
            html`<tr><td>${builtinSegmentLabel(s.segmentName)?.[lang] ?? s.segmentName}</td><td>${fmt.date(s.enteredAt, v.zone)}</td><td>${
              s.exitedAt
                ? fmt.date(s.exitedAt, v.zone)
                : html`<span class="badge">${tr(P.stillMember, lang)}</span>`
            }</td></tr>`,
        )}</tbody></table></div>`
  }</section>`;
}

/** Rows of the timeline, then the "more" row that loads the next page in its place. */
function timelineRows(customerId: string, entries: TimelineEntry[], more: string | null, v: View): Html {
  const { lang, fmt } = v;
  const label = (e: TimelineEntry) => (e.kind === 'order' ? e.name : eventLabel(e.name, lang));
  const moreUrl = more
    ? `/customers/${encodeURIComponent(customerId)}/timeline?before=${encodeURIComponent(more)}`
    : '';
  return html`${entries.map(
    (e) =>
      html`<tr><td>${fmt.dateTime(e.at, v.zone)}</td><td>${e.kind === 'order' ? tr(P.order, lang) : tr(P.event, lang)}</td><td>${label(e)}</td><td>${
        e.status ? (STATUS_LABELS[e.status]?.[lang] ?? e.status) : ''
      }</td><td class="num">${e.total === null ? '' : fmt.money(e.total, v.currency)}</td></tr>`,
  )}${
    more
      ? html`<tr class="more"><td colspan="5"><a href="${moreUrl}" hx-get="${moreUrl}" hx-target="closest tr" hx-swap="outerHTML">${tr(P.more, lang)}</a></td></tr>`
      : ''
  }`;
}

function timelineView(p: CustomerProfile, v: View): Html {
  const { lang } = v;
  return html`<section aria-labelledby="h-time"><h2 id="h-time">${tr(P.timeline, lang)}</h2>${
    p.timeline.length === 0
      ? html`<p class="muted">${tr(P.noTimeline, lang)}</p>`
      : html`<div class="scroll"><table class="data timeline"><thead><tr><th scope="col">${tr(P.when, lang)}</th><th scope="col">${tr(P.what, lang)}</th><th scope="col">${tr(P.name, lang)}</th><th scope="col">${tr(P.status, lang)}</th><th scope="col" class="num">${tr(P.total, lang)}</th></tr></thead>
<tbody>${timelineRows(p.customer.customerId, p.timeline, p.timelineMore, v)}</tbody></table></div>`
  }</section>`;
}

/** The profile page and the timeline's next pages. */
export function profilePages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/customers/:id',
      access: 'staff',
      params: idParams,
      handler: async ({ ctx, shopId, lang, fmt, shop, params }) => {
        const profile = await getCustomerProfile(ctx, shopId, params.id);
        const [messages, flows, points, recommendations, replenishment] = await Promise.all([
          listShopMessages(ctx, { shopId, customerId: profile.customer.customerId, limit: 20 }),
          listShopFlows(ctx, shopId),
          pointsOf(ctx, shopId, profile.customer.customerId, 1),
          personalRecommendations(ctx, { shopId, customerId: profile.customer.customerId, limit: 10, lang }),
          customerReplenishmentProfile(ctx, { shopId, customerId: profile.customer.customerId }),
        ]);
        const v: View = { lang, fmt, currency: shop.currency, zone: shop.timezone };
        const c = profile.customer;
        const title = fullName(c) || c.customerId;
        return page(
          title,
          'customers',
          html`<p><a href="/customers">${tr(P.backToList, lang)}</a></p>
<p class="muted">${c.customerId} · ${tr(P.source, lang)}: ${c.source}${c.city ? ` · ${c.city}` : ''} · ${fill(P.since, lang, { at: fmt.date(c.createdAt, v.zone) })}</p>
${c.mergedInto ? html`<p class="notice">${fill(P.merged, lang, { id: c.mergedInto })} <a href="/customers/${encodeURIComponent(c.mergedInto)}">${c.mergedInto}</a></p>` : ''}
${statsView(profile, v)}
<div class="grid2">${identitiesView(profile, v)}${predictionView(profile, v)}</div>
${points.enabled ? profilePointsPanel({ ...v, points }) : ''}
${segmentsView(profile, v)}
${customerReplenishmentSection(replenishment, v)}
${customerRecommendationsSection(recommendations, v)}
${customerMessagesView(c.customerId, messages, { lang, fmt, zone: v.zone, flowNames: new Map(flows.map((f) => [f.flowId, f.name])) })}
${timelineView(profile, v)}`,
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/customers/:id/timeline',
      access: 'staff',
      params: idParams,
      query: z.object({ before: z.string().max(200).optional() }),
      handler: async ({ ctx, shopId, lang, fmt, shop, params, query, request }) => {
        const { entries, nextBefore } = await customerTimelinePage(ctx, shopId, params.id, {
          ...(query.before ? { before: query.before } : {}),
        });
        const v: View = { lang, fmt, currency: shop.currency, zone: shop.timezone };
        const rows = timelineRows(params.id, entries, nextBefore, v);
        if (request.headers['hx-request'] === 'true') return fragment(rows);
        return page(
          P.timeline,
          'customers',
          html`<p><a href="/customers/${encodeURIComponent(params.id)}">${tr(P.backToProfile, lang)}</a></p>
<div class="scroll"><table class="data timeline"><thead><tr><th scope="col">${tr(P.when, lang)}</th><th scope="col">${tr(P.what, lang)}</th><th scope="col">${tr(P.name, lang)}</th><th scope="col">${tr(P.status, lang)}</th><th scope="col" class="num">${tr(P.total, lang)}</th></tr></thead><tbody>${rows}</tbody></table></div>`,
        );
      },
    }),
  ];
}
