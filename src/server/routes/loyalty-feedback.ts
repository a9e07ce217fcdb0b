/**
 * Referrals, feedback and staff tasks over HTTP (issue 17, items 5–7, 9): the same app functions
 * as `nurture referrals | tasks | feedback`. The storefront survey (`POST /t/v1/answers`) takes a
 * publishable key and the shop's signed customer token, never a bare customer id.
 */
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { answerFromWidget, feedbackReport, recordAnswer } from '../../app/feedback.js';
import { customerReferralLink } from '../../app/referral-program.js';
import { listReferrals, referralKpis } from '../../app/referrals.js';
import { closeStaffTask, createStaffTask, listStaffTasks, staffTaskContext } from '../../app/tasks.js';
import { FEEDBACK_CHANNELS, FEEDBACK_KINDS } from '../../domain/feedback.js';
import { REFERRAL_STATES } from '../../domain/referrals.js';
import { TASK_STATES } from '../../store/tasks/index.js';
import { type RouteSpec, route } from '../route.js';
import { checkOrigin, type TrackingLimits } from './tracking.js';

const answerFields = {
  kind: z.enum(FEEDBACK_KINDS).describe('nps (0–10) | rating (1–5 stars) | question'),
  score: z.number().int().min(0).max(10).optional(),
  text: z.string().max(2000).optional().describe("a question's answer or a rating's comment"),
  question: z.string().max(300).optional(),
  order_id: z.string().min(1).max(100).optional(),
  sku: z.string().min(1).max(100).optional().describe('the product rated'),
};

const answerOf = (b: {
  kind: (typeof FEEDBACK_KINDS)[number];
  score?: number | undefined;
  text?: string | undefined;
  question?: string | undefined;
  order_id?: string | undefined;
  sku?: string | undefined;
}) => ({
  kind: b.kind,
  ...(b.score !== undefined ? { score: b.score } : {}),
  ...(b.text !== undefined ? { text: b.text } : {}),
  ...(b.question !== undefined ? { question: b.question } : {}),
  ...(b.order_id !== undefined ? { orderId: b.order_id } : {}),
  ...(b.sku !== undefined ? { sku: b.sku } : {}),
});

const taskParams = z.object({ id: z.string().min(1).max(100) });
const closeBody = z.object({ note: z.string().max(4000).optional() }).strict();

export const loyaltyFeedbackRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/referrals',
    auth: 'secret',
    tag: 'Referrals',
    summary:
      'Referrals, newest first; refused and cancelled ones with their reason (`nurture referrals list`).',
    query: z.object({
      state: z.enum(REFERRAL_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    handler: ({ ctx, shopId, query }) =>
      listReferrals(ctx, { shopId, state: query.state, limit: query.limit }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/referrals/kpis',
    auth: 'secret',
    tag: 'Referrals',
    summary: "Referred customers, revenue per referred customer, referrers' share of revenue.",
    handler: ({ ctx, shopId }) => referralKpis(ctx, { shopId }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/customers/:id/referral',
    auth: 'secret',
    tag: 'Referrals',
    summary: "A customer's referral code and link (`?ref=CODE` on the shop's url), made on first request.",
    params: z.object({ id: z.string().min(1).max(100) }),
    handler: ({ ctx, shopId, params }) => customerReferralLink(ctx, { shopId, customerId: params.id }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/feedback',
    auth: 'secret',
    tag: 'Feedback',
    summary:
      'Record an answer (NPS, rating, question) for a customer; it is also written as a Survey Answered event. Idempotent by `source_key`.',
    status: 201,
    body: z
      .object({
        customer_id: z.string().min(1).max(100),
        channel: z.enum(FEEDBACK_CHANNELS).default('manual'),
        source_key: z.string().min(1).max(200).optional(),
        ...answerFields,
      })
      .strict(),
    handler: ({ ctx, shopId, body }) =>
      recordAnswer(ctx, {
        shopId,
        customerId: body.customer_id,
        channel: body.channel,
        ...(body.source_key !== undefined ? { sourceKey: body.source_key } : {}),
        ...answerOf(body),
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/feedback/report',
    auth: 'secret',
    tag: 'Feedback',
    summary:
      'NPS overall, per segment and per day, product ratings and the latest answers (`nurture feedback report`).',
    query: z.object({ days: z.coerce.number().int().min(1).max(3650).default(90) }),
    handler: ({ ctx, shopId, query }) => feedbackReport(ctx, { shopId, days: query.days }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/tasks',
    auth: 'secret',
    tag: 'Tasks',
    summary:
      'The staff task queue: open tasks by due date (overdue marked), then closed ones (`nurture tasks list`).',
    query: z.object({
      state: z.enum(TASK_STATES).optional(),
      customer_id: z.string().min(1).max(100).optional(),
      assignee: z.string().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    handler: ({ ctx, shopId, query }) =>
      listStaffTasks(ctx, {
        shopId,
        state: query.state,
        customerId: query.customer_id,
        assignee: query.assignee,
        limit: query.limit,
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/tasks/:id',
    auth: 'secret',
    tag: 'Tasks',
    summary: "One task with its customer's context: orders, current groups, answers, last messages.",
    params: taskParams,
    handler: ({ ctx, shopId, params }) => staffTaskContext(ctx, { shopId, taskId: params.id }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/tasks',
    auth: 'secret',
    tag: 'Tasks',
    summary: 'A task by hand for a customer (`nurture tasks add`).',
    status: 201,
    body: z
      .object({
        customer_id: z.string().min(1).max(100),
        title: z.string().min(1).max(300),
        note: z.string().max(4000).optional(),
        assignee: z.string().min(1).max(100).optional(),
        due_in_hours: z.number().min(0).max(8760).optional(),
      })
      .strict(),
    handler: ({ ctx, shopId, body }) =>
      createStaffTask(ctx, {
        shopId,
        customerId: body.customer_id,
        title: body.title,
        note: body.note,
        assignee: body.assignee,
        dueInHours: body.due_in_hours,
      }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/tasks/:id/done',
    auth: 'secret',
    tag: 'Tasks',
    summary: 'Mark an open task done, with a note (`nurture tasks done ID --note`). 409 when closed already.',
    params: taskParams,
    body: closeBody,
    handler: ({ ctx, shopId, params, body }) =>
      closeStaffTask(ctx, { shopId, taskId: params.id, state: 'done', note: body.note }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/tasks/:id/skip',
    auth: 'secret',
    tag: 'Tasks',
    summary: 'Skip an open task, with a note saying why (`nurture tasks skip ID --note`).',
    params: taskParams,
    body: closeBody,
    handler: ({ ctx, shopId, params, body }) =>
      closeStaffTask(ctx, { shopId, taskId: params.id, state: 'skipped', note: body.note }),
  }),
];

/** `POST /t/v1/answers`: the storefront widget's survey (publishable key, signed customer token). */
export function surveyRoutes(ctx: AppContext, limits: TrackingLimits): RouteSpec[] {
  return [
    route({
      method: 'POST',
      url: '/t/v1/answers',
      auth: 'publishable',
      tag: 'Storefront',
      summary:
        "An NPS answer or rating from the storefront widget. The customer is named by the shop's signed token (`customerToken`, see docs/loyalty.md), never by an id.",
      body: z
        .object({
          writeKey: z.string().max(100).optional(),
          customerToken: z.string().min(1).max(400),
          ...answerFields,
        })
        .strict(),
      handler: async ({ ctx: c, key, body, request, reply }) => {
        const shopId = key?.shopId ?? '';
        limits.perIp.take(request.ip, 'address');
        limits.perKey.take(key?.keyId ?? '', 'key');
        await checkOrigin(ctx, shopId, request, reply);
        const r = await answerFromWidget(c, { shopId, customerToken: body.customerToken, ...answerOf(body) });
        return { recorded: r.recorded, group: r.group };
      },
    }),
  ];
}
