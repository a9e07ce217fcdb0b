/**
 * Coupons at `/coupons`: the shop's codes with their state (filter, search by code, keyset
 * pages; the list updates in place with htmx), the form that makes a bulk batch of codes for
 * Shopify or Haravan, and each batch's page with the download of its codes (one per line).
 * Everything goes through app/coupons.ts.
 */
import { z } from 'zod';
import { codesFile, createCouponBatch, listCoupons } from '../../../app/coupons.js';
import { COUPON_STATES, couponKindSchema } from '../../../domain/coupons/index.js';
import { NurtureError } from '../../../errors.js';
import { formError } from '../error-page.js';
import { html } from '../html.js';
import { fill, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page, redirect, SENT } from '../page.js';
import {
  type BatchFormValues,
  batchForm,
  batchView,
  EMPTY_BATCH_FORM,
  filterForm,
  type ListState,
  resultsView,
  T,
} from './coupons-view.js';

const PAGE_SIZE = 50;
/** The most codes a batch page lists (the download has them all). */
const BATCH_PAGE_LIMIT = 1000;

const listQuerySchema = z.object({
  state: z.union([z.enum(COUPON_STATES), z.literal('')]).default(''),
  q: z.string().max(40).default(''),
  after: z.string().max(100).optional(),
});

const batchFormSchema = z.object({
  batch: z.string().max(200).default(''),
  count: z.string().max(20).default(''),
  kind: z.string().max(40).default(''),
  value: z.string().max(40).default(''),
  minOrder: z.string().max(40).default(''),
  expires: z.string().max(60).default(''),
});

const batchParams = z.object({ name: z.string().min(1).max(64) });

/** A number as a seller types it: `50.000`, `50,000` and `50000` are the same amount. */
function amountOf(text: string): number | undefined {
  const t = text.trim().replace(/[.,\s₫]/g, '');
  return t === '' ? undefined : Number(t);
}

export function couponPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/coupons',
      access: 'staff',
      query: listQuerySchema,
      handler: async ({ ctx, shopId, session, lang, fmt, query, request }) => {
        const state: ListState = {
          state: query.state || undefined,
          q: query.q.trim(),
          after: query.after || undefined,
        };
        const list = await listCoupons(ctx, {
          shopId,
          limit: PAGE_SIZE,
          ...(state.state ? { state: state.state } : {}),
          ...(state.q ? { q: state.q } : {}),
          ...(state.after ? { cursor: state.after } : {}),
        });
        const results = resultsView({
          lang,
          fmt,
          shop: list.shop,
          state,
          coupons: list.coupons,
          nextCursor: list.nextCursor,
        });
        if (request.headers['hx-request'] === 'true' && request.headers['hx-target'] === 'coupon-results')
          return fragment(results);
        return page(
          T.title,
          'coupons',
          html`<p class="muted">${tr(T.intro, lang)}</p>
${filterForm(lang, state)}
${results}
${batchForm(lang, session?.csrfToken ?? '', EMPTY_BATCH_FORM)}`,
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/coupons/batches',
      access: 'staff',
      form: batchFormSchema,
      handler: async ({ ctx, shopId, session, lang, form, reply }) => {
        const values: BatchFormValues = { ...form };
        try {
          const kind = couponKindSchema.safeParse(form.kind);
          if (!kind.success)
            throw new NurtureError('invalid_input', 'kind: fixed_amount, percent or free_shipping', [
              { path: 'kind', reason: 'unknown kind' },
            ]);
          const value = amountOf(form.value);
          const minOrder = amountOf(form.minOrder);
          const made = await createCouponBatch(ctx, {
            shopId,
            batch: form.batch,
            count: Number(form.count.trim() || Number.NaN),
            kind: kind.data,
            ...(value !== undefined ? { value } : {}),
            ...(minOrder !== undefined ? { minOrder } : {}),
            ...(form.expires.trim() ? { expires: form.expires.trim() } : {}),
          });
          return redirect(`/coupons/batches/${encodeURIComponent(made.batch)}`);
        } catch (error) {
          if (
            !(error instanceof NurtureError) ||
            (error.code !== 'invalid_input' && error.code !== 'conflict')
          )
            throw error;
          reply.status(error.code === 'conflict' ? 409 : 400);
          return page(
            T.title,
            'coupons',
            html`${formError(error, lang)}${batchForm(lang, session?.csrfToken ?? '', values)}`,
          );
        }
      },
    }),
    definePage({
      method: 'GET',
      url: '/coupons/batches/:name',
      access: 'staff',
      params: batchParams,
      handler: async ({ ctx, shopId, lang, fmt, params }) => {
        const list = await listCoupons(ctx, { shopId, batch: params.name, limit: BATCH_PAGE_LIMIT });
        if (list.coupons.length === 0) throw new NurtureError('not_found', `no batch ${params.name}`);
        return page(
          fill(T.batchTitle, lang, { batch: params.name }),
          'coupons',
          batchView({ lang, fmt, shop: list.shop, batch: params.name, coupons: list.coupons }),
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/coupons/batches/:name/codes.txt',
      access: 'staff',
      params: batchParams,
      handler: async ({ ctx, shopId, params, reply }) => {
        const codes: string[] = [];
        let cursor: string | undefined;
        do {
          const list = await listCoupons(ctx, {
            shopId,
            batch: params.name,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          codes.push(...list.coupons.map((c) => c.code));
          cursor = list.nextCursor ?? undefined;
        } while (cursor);
        if (codes.length === 0) throw new NurtureError('not_found', `no batch ${params.name}`);
        codes.sort();
        await reply
          .type('text/plain; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="coupons-${params.name.replace(/[^\w.-]/g, '_')}.txt"`,
          )
          .send(codesFile(codes));
        return SENT;
      },
    }),
  ];
}
