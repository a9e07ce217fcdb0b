/**
 * Live visitors (seed 004): who is on the storefront now — the last 5 minutes of tracked events by
 * the shop's clock. Known customers with their groups and a link to their profile, anonymous
 * visitors by a short form of their anonymous id; what each looked at last. The panel reloads
 * itself every 10 s (htmx asks for it as a fragment); without JS, a link reloads the page.
 */
import { type LiveVisitor, type LiveVisitors, listLiveVisitors } from '../../../app/live.js';
import { builtinSegmentLabel } from '../../../domain/segments/builtins.js';
import type { ViewKind } from '../../../domain/tracking/views.js';
import type { Formatter } from '../../../report/format.js';
import { eventLabel } from '../event-labels.js';
import { type Html, html } from '../html.js';
import { type Catalogue, COMMON, fill, type Lang, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page } from '../page.js';

const T = {
  now: { vi: 'Đang truy cập', en: 'On the site now' },
  known: { vi: 'Khách đã biết', en: 'Known customers' },
  anonymous: { vi: 'Khách ẩn danh', en: 'Anonymous visitors' },
  window: {
    vi: 'Khách có hoạt động trên cửa hàng trong {n} phút gần nhất (theo giờ của shop), cập nhật lúc {time}.',
    en: 'Visitors active on the storefront in the last {n} minutes (shop time), updated at {time}.',
  },
  autoRefresh: { vi: 'Tự cập nhật mỗi 10 giây.', en: 'Refreshes itself every 10 seconds.' },
  refresh: { vi: 'Tải lại', en: 'Refresh' },
  shownOf: {
    vi: 'Hiển thị {shown} trên {total} khách gần nhất.',
    en: 'Showing the latest {shown} of {total} visitors.',
  },
  nobody: {
    vi: 'Chưa có ai truy cập trong {n} phút qua. Gắn đoạn mã theo dõi (Cài đặt) vào cửa hàng để thấy khách ở đây.',
    en: 'Nobody in the last {n} minutes. Add the tracking snippet (Settings) to the storefront to see visitors here.',
  },
  anonymousVisitor: { vi: 'Khách ẩn danh {id}', en: 'Anonymous visitor {id}' },
  unnamed: { vi: 'Khách chưa có tên', en: 'Unnamed customer' },
  noGroups: { vi: 'Chưa phân nhóm', en: 'No groups yet' },
  events: { vi: '{n} sự kiện', en: '{n} events' },
  lookedAt: { vi: 'Đã xem gần đây', en: 'Recently viewed' },
  justNow: { vi: 'vừa xong', en: 'just now' },
  minutesAgo: { vi: '{n} phút trước', en: '{n} min ago' },
  secondsAgo: { vi: '{n} giây trước', en: '{n} s ago' },
  page: { vi: 'Trang', en: 'Page' },
  product: { vi: 'Sản phẩm', en: 'Product' },
  cart: { vi: 'Giỏ hàng', en: 'Cart' },
  checkout: { vi: 'Thanh toán', en: 'Checkout' },
  order: { vi: 'Đặt hàng', en: 'Order' },
  other: { vi: 'Sự kiện', en: 'Event' },
} as const satisfies Catalogue;

const KIND_LABEL: Record<ViewKind, keyof typeof T> = {
  page: 'page',
  product: 'product',
  cart: 'cart',
  checkout: 'checkout',
  order: 'order',
  other: 'other',
};

/** How long ago, as a seller says it: "vừa xong", "40 giây trước", "2 phút trước". */
export function ago(at: Date, now: Date, lang: Lang): string {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds < 10) return tr(T.justNow, lang);
  if (seconds < 60) return fill(T.secondsAgo, lang, { n: seconds });
  return fill(T.minutesAgo, lang, { n: Math.floor(seconds / 60) });
}

/** The wall time in the shop's zone to the second (the panel changes every 10 s). */
function clockTime(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** An anonymous id short enough to read (the whole one is in the title). */
const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

function groupBadges(visitor: LiveVisitor, lang: Lang): Html {
  const c = visitor.customer;
  if (!c) return html``;
  const labels = (
    [
      ['lifecycle', c.lifecycle],
      ['value', c.valueGroup],
      ['rfm', c.rfmGroup],
    ] as const
  ).flatMap(([model, group]) => {
    const label = group ? builtinSegmentLabel(`${model}:${group}`) : undefined;
    return label ? [label[lang]] : [];
  });
  if (labels.length === 0) return html`<p class="muted small">${tr(T.noGroups, lang)}</p>`;
  return html`<p class="groups">${labels.map((l) => html`<span class="badge">${l}</span>`)}</p>`;
}

function visitorCard(
  visitor: LiveVisitor,
  data: LiveVisitors,
  lang: Lang,
  fmt: Formatter,
  zone: string,
): Html {
  const c = visitor.customer;
  const who = c
    ? html`<a href="/customers/${encodeURIComponent(c.customerId)}">${c.name || tr(T.unnamed, lang)}</a>`
    : html`<span title="${visitor.anonymousId ?? ''}">${fill(T.anonymousVisitor, lang, { id: shortId(visitor.anonymousId ?? '') })}</span>`;
  return html`<li class="visitor${c ? ' known' : ''}">
<div class="who"><strong>${who}</strong>
<time datetime="${visitor.lastSeen.toISOString()}" title="${fmt.dateTime(visitor.lastSeen, zone)}">${ago(visitor.lastSeen, data.asOf, lang)}</time></div>
${groupBadges(visitor, lang)}
<p class="muted small">${fill(T.events, lang, { n: fmt.count(visitor.events) })} · ${tr(T.lookedAt, lang)}:</p>
<ul class="views">${visitor.views.map(
    (v) =>
      html`<li><span class="kind">${tr(T[KIND_LABEL[v.kind]], lang)}</span> ${eventLabel(v.title, lang)}${v.detail ? html` <span class="muted small">${v.detail}</span>` : ''}</li>`,
  )}</ul>
</li>`;
}

/** The panel htmx reloads: the counts and the visitors. */
function livePanel(data: LiveVisitors, lang: Lang, fmt: Formatter, zone: string): Html {
  const time = clockTime(data.asOf, zone);
  return html`<section id="live-panel" hx-get="/live" hx-trigger="every 10s" hx-swap="outerHTML">
<div class="cards">
<div class="card"><div class="label">${tr(T.now, lang)}</div><div class="value" data-testid="live-total">${fmt.count(data.total)}</div></div>
<div class="card"><div class="label">${tr(T.known, lang)}</div><div class="value">${fmt.count(data.known)}</div></div>
<div class="card"><div class="label">${tr(T.anonymous, lang)}</div><div class="value">${fmt.count(data.total - data.known)}</div></div>
</div>
<p class="muted">${fill(T.window, lang, { n: data.minutes, time })} ${tr(T.autoRefresh, lang)} <a href="/live">${tr(T.refresh, lang)}</a></p>
${data.total > data.visitors.length ? html`<p class="muted">${fill(T.shownOf, lang, { shown: fmt.count(data.visitors.length), total: fmt.count(data.total) })}</p>` : ''}
${
  data.visitors.length === 0
    ? html`<p class="panel">${fill(T.nobody, lang, { n: data.minutes })}</p>`
    : html`<ul class="visitors">${data.visitors.map((v) => visitorCard(v, data, lang, fmt, zone))}</ul>`
}
</section>`;
}

/** The live visitors page and its self-refreshing panel. */
export function livePages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/live',
      access: 'staff',
      handler: async ({ ctx, shopId, lang, fmt, shop, request }) => {
        const data = await listLiveVisitors(ctx, { shopId });
        const panel = livePanel(data, lang, fmt, shop.timezone);
        return request.headers['hx-request'] === 'true' ? fragment(panel) : page(COMMON.live, 'live', panel);
      },
    }),
  ];
}
