/**
 * Loyalty pages: `/loyalty`, the programme (rules, tiers with their member counts, rewards,
 * settings; the owner edits it as YAML, saved as a new version), `/loyalty/customer?q=` (find a
 * customer by id, phone or e-mail), and `/customers/:id/points`, a customer's ledger with the
 * adjustment form. Everything goes through app/loyalty.
 */
import { z } from 'zod';
import { adjustPoints, pointsOf, resolveCustomer } from '../../../app/loyalty/points.js';
import { loadProgram, parseProgramText, setProgram } from '../../../app/loyalty/program.js';
import { NurtureError } from '../../../errors.js';
import { tierCounts } from '../../../store/loyalty/program-members.js';
import { formError } from '../error-page.js';
import { fill } from '../i18n.js';
import { definePage, type PageSpec, page, redirect } from '../page.js';
import { L, pointsView, programView } from './loyalty-view.js';

const idParams = z.object({ id: z.string().min(1).max(200) });

export function loyaltyPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/loyalty',
      access: 'staff',
      handler: async ({ ctx, shopId, session, lang, fmt, shop }) => {
        const loaded = await loadProgram(ctx.store, shopId);
        const members = await tierCounts(ctx.store, shopId);
        return page(
          L.title,
          'loyalty',
          programView({
            lang,
            fmt,
            currency: shop.currency,
            loaded,
            members,
            csrf: session?.csrfToken ?? '',
            owner: session?.role === 'owner',
          }),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/loyalty/program',
      access: 'owner',
      form: z.object({ program: z.string().max(200_000).default('') }),
      handler: async ({ ctx, shopId, session, lang, fmt, shop, form, reply }) => {
        try {
          await setProgram(ctx, { shopId, program: parseProgramText(form.program, 'program') });
          return redirect('/loyalty');
        } catch (error) {
          if (
            !(error instanceof NurtureError) ||
            !['invalid_input', 'invalid_file', 'conflict'].includes(error.code)
          )
            throw error;
          reply.status(error.code === 'conflict' ? 409 : 400);
          return page(
            L.title,
            'loyalty',
            programView({
              lang,
              fmt,
              currency: shop.currency,
              loaded: await loadProgram(ctx.store, shopId),
              members: await tierCounts(ctx.store, shopId),
              csrf: session?.csrfToken ?? '',
              owner: true,
              yamlText: form.program,
              error: formError(error, lang),
            }),
          );
        }
      },
    }),
    definePage({
      method: 'GET',
      url: '/loyalty/customer',
      access: 'staff',
      query: z.object({ q: z.string().max(200).default('') }),
      handler: async ({ ctx, shopId, query }) => {
        const id = await resolveCustomer(ctx, shopId, query.q.trim() || '-');
        return redirect(`/customers/${encodeURIComponent(id)}/points`);
      },
    }),
    definePage({
      method: 'GET',
      url: '/customers/:id/points',
      access: 'staff',
      params: idParams,
      handler: async ({ ctx, shopId, session, lang, fmt, shop, params }) => {
        const customer = await ctx.store.getCustomer(shopId, params.id);
        if (!customer) throw new NurtureError('not_found', `no customer ${params.id}`);
        const points = await pointsOf(ctx, shopId, customer.customerId, 200);
        const name = [customer.lastName, customer.firstName].filter(Boolean).join(' ') || customer.customerId;
        return page(
          fill(L.pointsTitle, lang, { name }),
          'customers',
          pointsView({
            lang,
            fmt,
            currency: shop.currency,
            zone: shop.timezone,
            points,
            csrf: session?.csrfToken ?? '',
          }),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/customers/:id/points',
      access: 'staff',
      params: idParams,
      form: z.object({ amount: z.string().max(20).default(''), reason: z.string().max(500).default('') }),
      handler: async ({ ctx, shopId, session, lang, fmt, shop, params, form, reply }) => {
        const customer = await ctx.store.getCustomer(shopId, params.id);
        if (!customer) throw new NurtureError('not_found', `no customer ${params.id}`);
        try {
          const amount = Number(form.amount.trim().replace(/[.,\s]/g, '') || Number.NaN);
          await adjustPoints(ctx, {
            shopId,
            customer: customer.customerId,
            amount,
            reason: form.reason,
            ...(session ? { by: session.email } : {}),
          });
          return redirect(`/customers/${encodeURIComponent(customer.customerId)}/points`);
        } catch (error) {
          if (
            !(error instanceof NurtureError) ||
            (error.code !== 'invalid_input' && error.code !== 'conflict')
          )
            throw error;
          reply.status(error.code === 'conflict' ? 409 : 400);
          const points = await pointsOf(ctx, shopId, customer.customerId, 200);
          return page(
            L.title,
            'customers',
            pointsView({
              lang,
              fmt,
              currency: shop.currency,
              zone: shop.timezone,
              points,
              csrf: session?.csrfToken ?? '',
              error: formError(error, lang),
            }),
          );
        }
      },
    }),
  ];
}
