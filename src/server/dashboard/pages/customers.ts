/**
 * The customers' list: search by name, phone or e-mail, a segment query with its count as it is
 * typed, columns to choose (kept in the URL), keyset pages and a CSV of the filter and columns.
 * Everything is read through app/customers.ts (listCustomers, exportCustomers) and
 * app/segments.ts (countSegmentQuery).
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { exportCustomers, listCustomers } from '../../../app/customers.js';
import { countSegmentQuery } from '../../../app/segments.js';
import { NurtureError } from '../../../errors.js';
import {
  customerListCsvHeader,
  customerListCsvLines,
  DEFAULT_LIST_COLUMNS,
  LIST_COLUMNS,
  type ListColumn,
} from '../../../report/customers-csv.js';
import { type Html, html } from '../html.js';
import { definePage, fragment, type PageSpec, page, SENT } from '../page.js';
import { profilePages } from './customer-profile.js';
import {
  countView,
  filterForm,
  type ListState,
  type QueryProblem,
  resultsView,
  T,
} from './customers-view.js';

const PAGE_SIZE = 50;

/** `cols` as the form sends it (one per checkbox, plus an empty one) or a link writes it (`a,b`). */
const columnsParam = z
  .union([z.string().max(500), z.array(z.string().max(100)).max(50)])
  .optional()
  .transform((value): ListColumn[] | undefined => {
    if (value === undefined) return undefined;
    const named = new Set((Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')));
    return LIST_COLUMNS.filter((k) => named.has(k));
  });

const listQuerySchema = z.object({
  q: z.string().max(200).default(''),
  segment: z.string().max(20_000).default(''),
  cols: columnsParam,
  after: z.string().max(100).optional(),
});

const isHtmx = (headers: Record<string, unknown>) => headers['hx-request'] === 'true';

function stateOf(query: z.output<typeof listQuerySchema>): ListState {
  return {
    q: query.q.trim(),
    segment: query.segment.trim(),
    columns: query.cols ?? DEFAULT_LIST_COLUMNS,
    after: query.after || undefined,
  };
}

/** A segment query's failure as the page shows it (with its place), or rethrown if it is another error. */
function queryError(query: string, error: unknown): QueryProblem {
  if (!(error instanceof NurtureError) || error.code !== 'invalid_input') throw error;
  return { query, error };
}

/** Streams the CSV inside the handler, so that every read happens on the page's read connection. */
async function streamCsv(
  reply: FastifyReply,
  batches: AsyncGenerator<import('../../../store/customers/directory.js').CustomerListItem[]>,
  columns: readonly ListColumn[],
): Promise<void> {
  // The first batch before any header: a wrong query is still an error page, not a broken file.
  const first = await batches.next();
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="customers.csv"',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  try {
    await write(customerListCsvHeader(columns));
    if (!first.done) await write(customerListCsvLines(first.value, columns));
    for await (const rows of batches) {
      if (out.destroyed) break;
      await write(customerListCsvLines(rows, columns));
    }
  } finally {
    out.end();
  }
}

/** The customers' pages: the list, the live count, the CSV, and each customer's profile. */
export function customersPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/customers',
      access: 'staff',
      query: listQuerySchema,
      handler: async ({ ctx, shopId, lang, fmt, shop, query, request, reply }) => {
        const state = stateOf(query);
        const view = { lang, fmt, currency: shop.currency, timezone: shop.timezone, state };
        let results: Html;
        let count: { count: number } | QueryProblem | undefined;
        try {
          const list = await listCustomers(ctx, shopId, {
            q: state.q || undefined,
            segment_query: state.segment || undefined,
            cursor: state.after,
            limit: PAGE_SIZE,
          });
          if (list.matching !== undefined) count = { count: list.matching };
          results = resultsView({
            ...view,
            customers: list.customers,
            nextCursor: list.nextCursor,
            matching: list.matching,
          });
        } catch (error) {
          count = queryError(state.segment, error);
          results = countView(lang, fmt, count);
          if (!isHtmx(request.headers)) reply.status(400);
        }
        if (isHtmx(request.headers)) return fragment(results);
        return page(
          T.title,
          'customers',
          html`${filterForm(lang, state, countView(lang, fmt, count))}
<section id="results" aria-label="${T.results[lang]}">${results}</section>`,
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/customers/count',
      access: 'staff',
      query: z.object({ segment: z.string().max(20_000).default('') }),
      handler: async ({ ctx, shopId, lang, fmt, query }) => {
        const text = query.segment.trim();
        if (!text) return fragment(html``);
        try {
          const { count } = await countSegmentQuery(ctx, { shopId, query: text });
          return fragment(countView(lang, fmt, { count }));
        } catch (error) {
          return fragment(countView(lang, fmt, queryError(text, error)));
        }
      },
    }),
    definePage({
      method: 'GET',
      url: '/customers/export.csv',
      access: 'staff',
      query: listQuerySchema,
      handler: async ({ ctx, shopId, query, reply }) => {
        const state = stateOf(query);
        const batches = exportCustomers(ctx, shopId, {
          q: state.q || undefined,
          segment_query: state.segment || undefined,
        });
        await streamCsv(reply, batches, state.columns);
        return SENT;
      },
    }),
    ...profilePages(),
  ];
}
