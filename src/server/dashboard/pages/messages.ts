/**
 * The outbox at `/messages`: search by customer (id, phone or e-mail), filter by state and flow
 * (the list updates in place with htmx and the URL follows), each message with why it was
 * deferred, expired, suppressed or is unknown. Read through app/flows/messages.ts and
 * app/customers.ts.
 */
import { z } from 'zod';
import type { AppContext } from '../../../app/context.js';
import { lookupCustomer } from '../../../app/customers.js';
import { listShopFlows } from '../../../app/flows/definitions.js';
import { listShopMessages } from '../../../app/flows/messages.js';
import { readCustomerSearch } from '../../../domain/customer-search.js';
import { NurtureError } from '../../../errors.js';
import { MESSAGE_STATES } from '../../../store/flows/messages.js';
import { html } from '../html.js';
import { fill, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page } from '../page.js';
import { M, type MessageFilter, messageFilterForm, messageResults } from './messages-view.js';

/** The newest messages a page shows. */
const LIMIT = 200;

const querySchema = z.object({
  q: z.string().max(320).default(''),
  state: z.union([z.enum(MESSAGE_STATES), z.literal('')]).default(''),
  flow: z.string().max(64).default(''),
});

/** The customer a search names: a whole phone or e-mail looked up, anything else a customer id. */
async function customerOf(ctx: AppContext, shopId: string, q: string): Promise<string | undefined> {
  const match = readCustomerSearch(q);
  try {
    if (match?.kind === 'phone') return (await lookupCustomer(ctx, shopId, { phone: q })).customerId;
    if (match?.kind === 'email') return (await lookupCustomer(ctx, shopId, { email: q })).customerId;
  } catch (error) {
    if (error instanceof NurtureError && (error.code === 'not_found' || error.code === 'invalid_input'))
      return undefined;
    throw error;
  }
  return q;
}

export function messagePages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/messages',
      access: 'staff',
      query: querySchema,
      handler: async ({ ctx, shopId, lang, fmt, shop, query, request }) => {
        const filter: MessageFilter = {
          q: query.q.trim(),
          state: query.state || undefined,
          flow: query.flow || undefined,
        };
        const flows = await listShopFlows(ctx, shopId);
        const flowNames = new Map(flows.map((f) => [f.flowId, f.name]));
        const customerId = filter.q ? await customerOf(ctx, shopId, filter.q) : undefined;
        const list =
          filter.q && !customerId
            ? []
            : await listShopMessages(ctx, {
                shopId,
                limit: LIMIT,
                ...(customerId ? { customerId } : {}),
                ...(filter.state ? { state: filter.state } : {}),
                ...(filter.flow ? { flow: filter.flow } : {}),
              });
        const notice = filter.q && !customerId ? fill(M.noCustomer, lang, { q: filter.q }) : undefined;
        const results = messageResults(list, {
          lang,
          fmt,
          zone: shop.timezone,
          flowNames,
          ...(notice ? { notice } : {}),
        });
        if (request.headers['hx-request'] === 'true' && request.headers['hx-target'] === 'message-results')
          return fragment(results);
        return page(
          M.title,
          'messages',
          html`<p class="muted">${tr(M.intro, lang)}</p>
${messageFilterForm(
  lang,
  filter,
  flows.map((f) => f.name),
)}
${results}`,
        );
      },
    }),
  ];
}
