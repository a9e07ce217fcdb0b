/**
 * Best customers at `/best` (seed 002): the customers who brought the most revenue, or placed the
 * most valid orders, in a chosen period: the top 50 of either ranking, each linking to its
 * profile, and the list as a CSV download.
 */
import { z } from 'zod';
import { BEST_CUSTOMERS_LIMIT, bestCustomersOfPeriod } from '../../../app/best-customers.js';
import { bestCustomersCsv } from '../../../report/customers-csv.js';
import type { Formatter } from '../../../report/format.js';
import type { BestRanking, PeriodCustomer } from '../../../store/analytics/period-orders.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { definePage, type PageSpec, page, SENT } from '../page.js';
import { optionalField, periodInput, periodParams, periodPicker, periodQuery } from './period-picker.js';

const T = {
  title: { vi: 'Khách hàng tốt nhất', en: 'Best customers' },
  ranking: { vi: 'Xếp hạng', en: 'Ranking' },
  byRevenue: { vi: 'Theo doanh thu', en: 'By revenue' },
  byOrders: { vi: 'Theo số đơn', en: 'By number of orders' },
  intro: {
    vi: '{n} khách mua nhiều nhất từ {from} đến {to}. Chỉ tính đơn hợp lệ (đã thanh toán hoặc đã giao, trừ tiền hoàn), như báo cáo tổng quan.',
    en: 'The top {n} customers from {from} to {to}. Only valid orders count (paid or delivered, net of refunds), as in the overview.',
  },
  rank: { vi: 'Hạng', en: 'Rank' },
  customer: { vi: 'Khách hàng', en: 'Customer' },
  phone: { vi: 'Điện thoại', en: 'Phone' },
  orders: { vi: 'Số đơn', en: 'Orders' },
  revenue: { vi: 'Doanh thu', en: 'Revenue' },
  lastOrder: { vi: 'Đơn gần nhất', en: 'Last order' },
  csv: { vi: 'Tải danh sách (CSV)', en: 'Download the list (CSV)' },
  none: { vi: 'Chưa có đơn hàng hợp lệ trong kỳ này.', en: 'No valid orders in this period.' },
  caption: { vi: 'Khách hàng tốt nhất {by}', en: 'Best customers {by}' },
} as const satisfies Catalogue;

const query = periodQuery.extend({ by: optionalField(z.enum(['revenue', 'orders'])) });
type Query = z.output<typeof query>;

function params(q: Query, by?: BestRanking): URLSearchParams {
  const p = periodParams(q);
  const ranking = by ?? q.by;
  if (ranking) p.set('by', ranking);
  return p;
}

const input = (shopId: string, q: Query) => ({ shopId, ...periodInput(q), by: q.by ?? 'revenue' });

export function bestPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/best',
      access: 'staff',
      query,
      handler: async ({ ctx, shopId, lang, fmt, shop, query: q }) => {
        const best = await bestCustomersOfPeriod(ctx, input(shopId, q));
        return page(
          T.title,
          'best',
          html`${periodPicker({ path: '/best', query: q, period: best.period, lang, id: 'best', ...(q.by ? { keep: { by: q.by } } : {}) })}
${tabs(q, best.by, lang)}
<p class="muted">${fill(T.intro, lang, { n: BEST_CUSTOMERS_LIMIT, from: best.period.firstDay, to: best.period.lastDay })}</p>
<p><a class="button secondary" href="/best.csv?${params(q, best.by)}" download>${tr(T.csv, lang)}</a></p>
${best.customers.length === 0 ? html`<p class="muted">${tr(T.none, lang)}</p>` : table(best.customers, best.by, fmt, lang, shop.currency, shop.timezone)}`,
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/best.csv',
      access: 'staff',
      query,
      handler: async ({ ctx, shopId, query: q, reply }) => {
        const best = await bestCustomersOfPeriod(ctx, input(shopId, q));
        const name = `best-customers-${best.by}-${best.period.firstDay}-${best.period.lastDay}.csv`;
        await reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(`\uFEFF${bestCustomersCsv(best.customers)}`);
        return SENT;
      },
    }),
  ];
}

function tabs(q: Query, by: BestRanking, lang: Lang): Html {
  const tab = (ranking: BestRanking, label: string) =>
    html`<a class="tab${by === ranking ? ' on' : ''}" href="/best?${params(q, ranking)}"${by === ranking ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="tabs" aria-label="${tr(T.ranking, lang)}">${tab('revenue', tr(T.byRevenue, lang))}${tab('orders', tr(T.byOrders, lang))}</nav>`;
}

function table(
  rows: readonly PeriodCustomer[],
  by: BestRanking,
  fmt: Formatter,
  lang: Lang,
  currency: string,
  zone: string,
): Html {
  const caption = fill(T.caption, lang, {
    by: tr(by === 'revenue' ? T.byRevenue : T.byOrders, lang).toLowerCase(),
  });
  return html`<div class="scroll"><table class="data best" data-by="${by}"><caption class="visually-hidden">${caption}</caption>
<thead><tr><th scope="col" class="num">${tr(T.rank, lang)}</th><th scope="col">${tr(T.customer, lang)}</th>
<th scope="col" class="num">${tr(T.orders, lang)}</th><th scope="col" class="num">${tr(T.revenue, lang)}</th><th scope="col">${tr(T.lastOrder, lang)}</th><th scope="col">${tr(T.phone, lang)}</th></tr></thead>
<tbody>${rows.map(
    (c, i) => html`<tr data-customer="${c.customerId}"><td class="num">${i + 1}</td>
<td class="name"><a href="/customers/${encodeURIComponent(c.customerId)}">${c.name ?? c.email ?? c.phone ?? c.customerId}</a></td>
<td class="num">${fmt.count(c.orders)}</td><td class="num">${fmt.money(c.revenue, currency)}</td>
<td>${fmt.date(c.lastOrderAt, zone)}</td><td>${c.phone ?? ''}</td></tr>`,
  )}</tbody></table></div>`;
}
