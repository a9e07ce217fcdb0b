/**
 * Segments: the list (built-in ones with their vi/en labels, then the shop's own, with member
 * counts and last refresh), the editor with a live count and positioned errors as you type, the
 * first members, and a chart of entries and exits. Any user of the shop may write and refresh
 * segments; deleting one (which drops its membership history for good) is the owner's.
 */
import { z } from 'zod';
import {
  createShopSegment,
  deleteShopSegment,
  getShopSegment,
  listShopSegments,
  previewSegmentQuery,
  refreshShopSegments,
  segmentOverview,
  updateShopSegment,
} from '../../../app/segments.js';
import { NurtureError } from '../../../errors.js';
import type { Segment } from '../../../store/segments/index.js';
import { formError } from '../error-page.js';
import { html } from '../html.js';
import { fill, tr } from '../i18n.js';
import {
  definePage,
  fragment,
  type PageCall,
  type PageResult,
  type PageSpec,
  page,
  redirect,
} from '../page.js';
import {
  builtinView,
  type EditorValues,
  editorForm,
  flowChart,
  type PeriodDays,
  segmentActions,
} from './segment-editor.js';
import { T } from './segments-text.js';
import {
  checkFragment,
  checkParts,
  displayName,
  type QueryCheck,
  savedMembers,
  segmentList,
  segmentPath,
  type View,
} from './segments-view.js';

/** Members shown under the query: enough to recognise the group, bounded at any shop size. */
const PREVIEW_LIMIT = 20;

const editorFields = z.object({
  name: z.string().max(200).default(''),
  description: z.string().max(2000).default(''),
  query: z.string().max(20_000).default(''),
});
const nameParam = z.object({ name: z.string().min(1).max(200) });

type Call = PageCall<unknown, unknown, unknown>;

const viewOf = (call: Pick<Call, 'lang' | 'fmt' | 'shop'>): View => ({
  lang: call.lang,
  fmt: call.fmt,
  shop: call.shop,
});
const isHtmx = (call: Call) => call.request.headers['hx-request'] === 'true';

/** A draft query checked: its count and first members, or the error at its place. */
async function checkQuery(call: Call, query: string): Promise<QueryCheck> {
  if (query.trim() === '') return { kind: 'empty' };
  try {
    return {
      kind: 'ok',
      preview: await previewSegmentQuery(call.ctx, { shopId: call.shopId, query, limit: PREVIEW_LIMIT }),
    };
  } catch (error) {
    if (error instanceof NurtureError && error.code === 'invalid_input')
      return { kind: 'error', query, error };
    throw error;
  }
}

/** A query error has a place (line and column); other refusals (a taken name) show above the form. */
const isQueryError = (error: NurtureError) => error.details.some((d) => d.line !== undefined);

/**
 * The editor again after a refused save (of a new segment, or a change to `segment`): the form holds
 * what was typed, a query error sits under the query at its place, any other above the form.
 */
function refusedForm(
  call: Call,
  values: EditorValues,
  error: NurtureError,
  segment: Segment | undefined,
): PageResult {
  const view = { ...viewOf(call), csrf: call.session?.csrfToken ?? '' };
  const check: QueryCheck = isQueryError(error)
    ? { kind: 'error', query: values.query, error }
    : { kind: 'empty' };
  return page(
    segment ? displayName(segment, call.lang) : tr(T.newTitle, call.lang),
    'segments',
    html`<p><a href="/segments">${tr(T.backToList, call.lang)}</a></p>
${isQueryError(error) ? '' : formError(error, call.lang)}
${editorForm(view, values, segment, checkParts(check, view))}`,
    error.code === 'conflict' ? 409 : 400,
  );
}

const refusal = (error: unknown): NurtureError => {
  if (error instanceof NurtureError && ['invalid_input', 'conflict'].includes(error.code)) return error;
  throw error;
};

export function segmentPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/segments',
      access: 'staff',
      query: z.object({ deleted: z.string().max(200).optional() }),
      handler: async (call) => {
        const segments = await listShopSegments(call.ctx, { shopId: call.shopId });
        const notice = call.query.deleted
          ? fill(T.deleted, call.lang, { name: call.query.deleted })
          : undefined;
        return page(T.listTitle, 'segments', segmentList(segments, viewOf(call), notice));
      },
    }),
    definePage({
      method: 'GET',
      url: '/segments/new',
      access: 'staff',
      query: editorFields.partial(),
      handler: async (call) => {
        const values = { ...editorFields.parse({}), ...call.query };
        const view = { ...viewOf(call), csrf: call.session?.csrfToken ?? '' };
        const check = checkParts(await checkQuery(call as Call, values.query), view);
        return page(
          T.newTitle,
          'segments',
          html`<p><a href="/segments">${tr(T.backToList, call.lang)}</a></p>${editorForm(view, values, undefined, check)}`,
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/segments/new/check',
      access: 'staff',
      query: z.object({ query: z.string().max(20_000).default('') }),
      handler: async (call) => {
        // A check the browser gave up on while it waited for a connection (htmx cancels it when
        // the seller types on) is not run: at a million customers each one is a full evaluation.
        if (call.request.raw.socket?.destroyed) return fragment(html``);
        const check = await checkQuery(call as Call, call.query.query);
        if (isHtmx(call as Call)) return fragment(checkFragment(check, viewOf(call)));
        const parts = checkParts(check, viewOf(call));
        return page(T.query, 'segments', html`${parts.summary}${parts.members}`);
      },
    }),
    definePage({
      method: 'POST',
      url: '/segments/new',
      access: 'staff',
      form: editorFields,
      handler: async (call) => {
        const { name, description, query } = call.form;
        try {
          const { segment } = await createShopSegment(call.ctx, {
            shopId: call.shopId,
            name,
            query,
            ...(description.trim() ? { description: description.trim() } : {}),
          });
          return redirect(`${segmentPath(segment.name)}?saved=1`);
        } catch (error) {
          return refusedForm(call as Call, call.form, refusal(error), undefined);
        }
      },
    }),
    definePage({
      method: 'GET',
      url: '/segments/:name',
      access: 'staff',
      params: nameParam,
      query: z.object({
        days: z.coerce
          .number()
          .pipe(z.union([z.literal(30), z.literal(90), z.literal(365)]))
          .default(30),
        saved: z.string().max(10).optional(),
        refreshed: z.string().max(40).optional(),
      }),
      handler: async (call) => segmentPage(call as Call, call.params.name, call.query),
    }),
    definePage({
      method: 'POST',
      url: '/segments/:name',
      access: 'staff',
      params: nameParam,
      form: editorFields,
      handler: async (call) => {
        const { name, description, query } = call.form;
        try {
          const { segment } = await updateShopSegment(call.ctx, {
            shopId: call.shopId,
            name: call.params.name,
            query,
            description: description.trim(),
            ...(name.trim() && name.trim() !== call.params.name ? { rename: name } : {}),
          });
          return redirect(`${segmentPath(segment.name)}?saved=1`);
        } catch (error) {
          const refused = refusal(error);
          if (refused.code === 'conflict' && !isQueryError(refused) && /built-in/.test(refused.message))
            throw refused;
          return refusedForm(
            call as Call,
            call.form,
            refused,
            await getShopSegment(call.ctx, { shopId: call.shopId, name: call.params.name }),
          );
        }
      },
    }),
    definePage({
      method: 'POST',
      url: '/segments/:name/refresh',
      access: 'staff',
      params: nameParam,
      handler: async (call) => {
        const result = await refreshShopSegments(call.ctx, {
          shopId: call.shopId,
          names: [call.params.name],
        });
        return redirect(`${segmentPath(call.params.name)}?refreshed=${result.entered}-${result.exited}`);
      },
    }),
    definePage({
      method: 'POST',
      url: '/segments/:name/delete',
      access: 'owner',
      params: nameParam,
      handler: async (call) => {
        const deleted = await deleteShopSegment(call.ctx, { shopId: call.shopId, name: call.params.name });
        return redirect(`/segments?deleted=${encodeURIComponent(deleted.name)}`);
      },
    }),
  ];
}

/** One segment: the editor (or the read-only view of a built-in), its members, actions and chart. */
async function segmentPage(
  call: Call,
  name: string,
  query: { days: PeriodDays; saved?: string | undefined; refreshed?: string | undefined },
): Promise<PageResult> {
  const { segment, members, since, flow } = await segmentOverview(call.ctx, {
    shopId: call.shopId,
    name,
    limit: PREVIEW_LIMIT,
    days: query.days,
  });
  const view = {
    ...viewOf(call),
    csrf: call.session?.csrfToken ?? '',
    owner: call.session?.role === 'owner',
  };
  const { lang } = call;
  const [entered, exited] = (query.refreshed ?? '').split('-');
  const notice = query.saved
    ? tr(T.saved, lang)
    : query.refreshed
      ? fill(T.refreshedNotice, lang, {
          n: call.fmt.count(Number(entered) || 0),
          m: call.fmt.count(Number(exited) || 0),
        })
      : undefined;
  const members20 = savedMembers(segment, members, view);
  const main = segment.builtin
    ? html`${builtinView(segment, lang)}<section class="panel" aria-label="${tr(T.members, lang)}">${members20.summary}${members20.members}</section>`
    : editorForm(
        view,
        { name: segment.name, description: segment.description ?? '', query: segment.query },
        segment,
        members20,
      );
  return page(
    displayName(segment, lang),
    'segments',
    html`<p><a href="/segments">${tr(T.backToList, lang)}</a></p>
${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}
${main}
${segmentActions(view, segment)}
${flowChart(view, segment, { days: flow, since, now: call.ctx.clock.now() }, query.days)}`,
  );
}
