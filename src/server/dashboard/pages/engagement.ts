/**
 * The referral programme at `/referrals` (KPIs, referrals with refusals and their reasons), NPS
 * and ratings at `/feedback` (per segment and group, a chart per day, product ratings), and the
 * staff task queue at `/tasks` (overdue highlighted, done / skipped with a note, the customer's
 * context on a task's page). Everything goes through app/referrals.ts, app/feedback.ts and
 * app/tasks.ts.
 */
import { z } from 'zod';
import { feedbackReport } from '../../../app/feedback.js';
import { listReferrals, referralKpis } from '../../../app/referrals.js';
import { closeStaffTask, listStaffTasks, staffTaskContext } from '../../../app/tasks.js';
import { REFERRAL_STATES } from '../../../domain/referrals.js';
import { definePage, type PageSpec, page, redirect } from '../page.js';
import { feedbackView, referralsView, T, taskContextView, tasksView } from './engagement-view.js';

const taskParams = z.object({ id: z.string().min(1).max(100) });

export function engagementPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/referrals',
      access: 'staff',
      query: z.object({ state: z.union([z.enum(REFERRAL_STATES), z.literal('')]).default('') }),
      handler: async ({ ctx, shopId, lang, fmt, query }) => {
        const list = await listReferrals(ctx, {
          shopId,
          limit: 500,
          ...(query.state ? { state: query.state } : {}),
        });
        const kpis = await referralKpis(ctx, { shopId });
        return page(T.referrals, 'referrals', referralsView(lang, fmt, list.shop, kpis, list.referrals));
      },
    }),
    definePage({
      method: 'GET',
      url: '/feedback',
      access: 'staff',
      query: z.object({ days: z.coerce.number().int().min(1).max(3650).default(90) }),
      handler: async ({ ctx, shopId, lang, fmt, shop, query }) => {
        const report = await feedbackReport(ctx, { shopId, days: query.days });
        return page(T.feedback, 'feedback', feedbackView(lang, fmt, shop.timezone, query.days, report));
      },
    }),
    definePage({
      method: 'GET',
      url: '/tasks',
      access: 'staff',
      handler: async ({ ctx, shopId, session, lang, fmt }) => {
        const list = await listStaffTasks(ctx, { shopId, limit: 500 });
        return page(
          T.tasks,
          'tasks',
          tasksView(lang, fmt, list.timezone, session?.csrfToken ?? '', list.tasks),
        );
      },
    }),
    definePage({
      method: 'GET',
      url: '/tasks/:id',
      access: 'staff',
      params: taskParams,
      handler: async ({ ctx, shopId, session, lang, fmt, shop, params }) => {
        const context = await staffTaskContext(ctx, { shopId, taskId: params.id });
        return page(
          context.task.title,
          'tasks',
          taskContextView(lang, fmt, shop, session?.csrfToken ?? '', context),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/tasks/:id/close',
      access: 'staff',
      params: taskParams,
      form: z.object({ state: z.enum(['done', 'skipped']), note: z.string().max(4000).default('') }),
      handler: async ({ ctx, shopId, params, form }) => {
        await closeStaffTask(ctx, {
          shopId,
          taskId: params.id,
          state: form.state,
          ...(form.note.trim() ? { note: form.note.trim() } : {}),
        });
        return redirect('/tasks');
      },
    }),
  ];
}
