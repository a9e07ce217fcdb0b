/**
 * Feedback (issue 17, item 6; docs/loyalty.md, Feedback): NPS, ratings and quick questions,
 * however they arrive — a signed link in a message (the nps-after-delivery flow's `{{ nps_url }}`
 * is Nurture's answer page unless the flow sets its own), the storefront widget's survey
 * (identified by the shop's signed customer token) or the API. Each answer is stored with its
 * customer, order, product and channel, and written as a `Survey Answered` event (a product
 * rating also as `Product Reviewed`), which the closed-loop flows and the loyalty rules act on.
 */

import { z } from 'zod';
import {
  type Answer,
  answerSchema,
  type NpsGroup,
  netPromoterScore,
  npsGroupOf,
} from '../domain/feedback.js';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import {
  type AnswerRow,
  insertAnswer,
  listAnswers,
  npsByDay,
  npsCounts,
  ratingsByProduct,
} from '../store/feedback/index.js';
import { getMessage } from '../store/flows/messages.js';
import { runsOfCustomer } from '../store/flows/runs.js';
import { insertEvent } from '../store/referrals/program.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { customerOfToken } from './customer-tokens.js';
import { linkSigner } from './flows/links.js';
import { parseInput } from './input.js';

export const SURVEY_ANSWERED = 'Survey Answered';
export const PRODUCT_REVIEWED = 'Product Reviewed';

export const recordAnswerInputSchema = z.intersection(
  z.object({
    shopId: shopSchema.shape.shopId,
    customerId: z.string().min(1).max(100),
    /** Idempotency: the same key records one answer (a message's link: `msg:<id>`). */
    sourceKey: z.string().min(1).max(200).optional(),
  }),
  answerSchema,
);

export interface RecordedAnswer {
  feedbackId: string;
  /** False when the same source already answered (the first answer stands). */
  recorded: boolean;
  /** For NPS answers: detractor, passive or promoter. */
  group: NpsGroup | null;
}

/** Stores an answer and writes its events. Pass `store` to run inside a transaction. */
export async function recordAnswer(
  ctx: AppContext,
  input: z.input<typeof recordAnswerInputSchema>,
  store: Store = ctx.store,
): Promise<RecordedAnswer> {
  const q = parseInput(recordAnswerInputSchema, input);
  const customer = await store.getCustomer(q.shopId, q.customerId);
  if (!customer)
    throw new NurtureError('not_found', `no customer ${q.customerId}`, [
      { path: 'customerId', reason: 'unknown' },
    ]);
  const customerId = customer.mergedInto ?? customer.customerId;
  const feedbackId = q.sourceKey ? `fb_${q.sourceKey.replace(/[^A-Za-z0-9_:-]/g, '_')}` : ctx.newId('fb');
  const now = ctx.clock.now();
  const group = q.kind === 'nps' && q.score !== undefined ? npsGroupOf(q.score) : null;
  const answers: Record<string, string> = {};
  if (q.text) answers['text'] = q.text;
  const recorded = await store.transaction(async (tx) => {
    const fresh = await insertAnswer(tx, q.shopId, {
      feedbackId,
      customerId,
      kind: q.kind,
      score: q.score ?? null,
      answers,
      orderId: q.orderId ?? null,
      sku: q.sku ?? null,
      channel: q.channel,
      question: q.question ?? null,
      createdAt: now,
    });
    if (!fresh) return false;
    await insertEvent(tx, q.shopId, {
      eventId: ctx.newId('evt'),
      dedupeKey: `answer:${feedbackId}`,
      name: SURVEY_ANSWERED,
      customerId,
      at: now,
      properties: {
        kind: q.kind,
        score: q.score ?? null,
        orderId: q.orderId ?? null,
        sku: q.sku ?? null,
        channel: q.channel,
        ...(group ? { group } : {}),
        ...(q.question ? { question: q.question } : {}),
      },
    });
    if (q.kind === 'rating' && q.sku)
      await insertEvent(tx, q.shopId, {
        eventId: ctx.newId('evt'),
        dedupeKey: `review:${feedbackId}`,
        name: PRODUCT_REVIEWED,
        customerId,
        at: now,
        properties: { sku: q.sku, rating: q.score ?? null, orderId: q.orderId ?? null, channel: q.channel },
      });
    return true;
  });
  ctx.log.info({ shopId: q.shopId, customerId, kind: q.kind, score: q.score, recorded }, 'feedback answer');
  return { feedbackId, recorded, group };
}

export const linkAnswerInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  token: z.string().min(1).max(200),
  kind: z.enum(['nps', 'rating']).default('nps'),
  score: z.coerce.number().int().min(0).max(10),
  sku: z.string().min(1).max(100).optional(),
});

/**
 * An answer given by a signed link of a message (`/m/:shop/a/:token?score=N`): the message names
 * the customer, its channel and the order its flow run is about. The first answer of a message
 * stands (a second click changes nothing).
 */
export async function answerFromLink(
  ctx: AppContext,
  input: z.input<typeof linkAnswerInputSchema>,
): Promise<RecordedAnswer & { shopName: string }> {
  const q = parseInput(linkAnswerInputSchema, input);
  const signer = await linkSigner(ctx, q.shopId).catch(() => undefined);
  const found = signer?.verify(q.token, 'a');
  const message = found ? await getMessage(ctx.store, q.shopId, found.messageId) : undefined;
  if (!message)
    throw new NurtureError('not_found', 'this answer link is not known', [
      { path: 'token', reason: 'unknown' },
    ]);
  const run = message.runId
    ? (await runsOfCustomer(ctx.store, q.shopId, message.customerId)).find((r) => r.runId === message.runId)
    : undefined;
  const orderId = run?.context.orderId;
  const channel =
    message.channel === 'popup' ? 'widget' : message.channel === 'webhook' ? 'manual' : message.channel;
  const answered = await recordAnswer(ctx, {
    shopId: q.shopId,
    customerId: message.customerId,
    sourceKey: `msg:${message.messageId}:${q.kind}${q.sku ? `:${q.sku}` : ''}`,
    kind: q.kind,
    score: q.score,
    channel,
    ...(orderId ? { orderId } : {}),
    ...(q.sku ? { sku: q.sku } : {}),
  });
  const shop = await ctx.store.requireShop(q.shopId);
  return { ...answered, shopName: shop.name };
}

export const widgetAnswerInputSchema = z.intersection(
  z.object({ shopId: shopSchema.shape.shopId, customerToken: z.string().min(1).max(400) }),
  answerSchema,
);

/** An answer from the storefront widget's survey, by the customer the shop's signed token names. */
export async function answerFromWidget(
  ctx: AppContext,
  input: z.input<typeof widgetAnswerInputSchema>,
): Promise<RecordedAnswer> {
  const q = parseInput(widgetAnswerInputSchema, input);
  const customerId = await customerOfToken(ctx, q.shopId, q.customerToken);
  const { shopId, customerToken: _token, ...answer } = q;
  return recordAnswer(ctx, { shopId, customerId, ...(answer as Answer), channel: 'widget' });
}

export const feedbackReportInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  days: z.coerce.number().int().min(1).max(3650).default(90),
});

export interface FeedbackReport {
  since: Date;
  nps: number | null;
  responses: number;
  promoters: number;
  detractors: number;
  /** NPS of the answers of each segment's current members (lifecycle and value groups included). */
  segments: { segment: string; nps: number | null; responses: number }[];
  byDay: { day: string; nps: number | null; responses: number }[];
  ratings: { sku: string | null; title: string | null; ratings: number; average: number }[];
  recent: AnswerRow[];
}

/** NPS overall, per segment and per day, product ratings and the latest answers, over the last `days`. */
export async function feedbackReport(
  ctx: AppContext,
  input: z.input<typeof feedbackReportInputSchema>,
): Promise<FeedbackReport> {
  const q = parseInput(feedbackReportInputSchema, input);
  await ctx.store.requireShop(q.shopId);
  const since = new Date(ctx.clock.now().getTime() - q.days * 86_400_000);
  const counts = await npsCounts(ctx.store, q.shopId, since);
  const byDay = await npsByDay(ctx.store, q.shopId, since);
  return {
    since,
    nps: netPromoterScore(counts.all),
    ...counts.all,
    segments: counts.segments.map((s) => ({
      segment: s.segment,
      nps: netPromoterScore(s),
      responses: s.responses,
    })),
    byDay: byDay.map((d) => ({ day: d.day, nps: netPromoterScore(d), responses: d.responses })),
    ratings: await ratingsByProduct(ctx.store, q.shopId, since),
    recent: await listAnswers(ctx.store, q.shopId, { since, limit: 50 }),
  };
}
