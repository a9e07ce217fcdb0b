/**
 * The flows at `/flows`: the list with each flow's one state, trigger in words and figures; a
 * flow's page with its graph; and the state buttons (activate, pause, resume, archive: POSTs with
 * the CSRF token, then back to the page they came from). Everything goes through app/flows.
 * Creating from a template is flow-templates.ts; editing a message flow-editor.ts.
 */
import { z } from 'zod';
import type { AppContext } from '../../../app/context.js';
import { changeFlowState, listShopFlows, requireFlowView } from '../../../app/flows/definitions.js';
import { flowStats } from '../../../app/flows/messages.js';
import { flowRunVersions } from '../../../app/flows/run-versions.js';
import { definePage, type PageSpec, page, redirect, safeLocalPath } from '../page.js';
import { flowPageView, flowTitle, type ListedFlow, listView, T } from './flows-view.js';

/** Live first, then paused, drafts, archived; by name within a state. */
const ORDER = { live: 0, paused: 1, draft: 2, archived: 3 } as const;

export const flowParams = z.object({ name: z.string().min(1).max(64) });

async function listed(ctx: AppContext, shopId: string, name: string): Promise<ListedFlow> {
  const [flow, stats, running] = await Promise.all([
    requireFlowView(ctx, shopId, name),
    flowStats(ctx, { shopId, name }),
    flowRunVersions(ctx, { shopId, name }),
  ]);
  return { flow, stats, running };
}

export function flowPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/flows',
      access: 'staff',
      handler: async ({ ctx, shopId, session, lang, fmt, shop }) => {
        const records = (await listShopFlows(ctx, shopId)).sort(
          (a, b) => ORDER[a.state] - ORDER[b.state] || a.name.localeCompare(b.name),
        );
        // At once: on PostgreSQL's pool the list takes the time of one flow's reads.
        const flows: ListedFlow[] = await Promise.all(records.map((f) => listed(ctx, shopId, f.name)));
        return page(
          T.title,
          'flows',
          listView(flows, { lang, fmt, currency: shop.currency, csrf: session?.csrfToken ?? '' }),
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/flows/:name',
      access: 'staff',
      params: flowParams,
      query: z.object({ saved: z.coerce.number().int().min(1).optional() }),
      handler: async ({ ctx, shopId, session, lang, fmt, shop, params, query }) => {
        const { flow, stats, running } = await listed(ctx, shopId, params.name);
        return page(
          flowTitle(flow.document, lang),
          'flows',
          flowPageView(flow, stats, running, {
            lang,
            fmt,
            currency: shop.currency,
            csrf: session?.csrfToken ?? '',
            ...(query.saved ? { saved: query.saved } : {}),
          }),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/flows/:name/:action',
      access: 'staff',
      params: flowParams.extend({ action: z.enum(['activate', 'pause', 'resume', 'archive']) }),
      form: z.object({ back: z.string().max(300).optional() }),
      handler: async ({ ctx, shopId, params, form }) => {
        await changeFlowState(ctx, { shopId, name: params.name, action: params.action });
        return redirect(safeLocalPath(form.back, `/flows/${encodeURIComponent(params.name)}`));
      },
    }),
  ];
}
