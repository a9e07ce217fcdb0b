/**
 * Feedback answers (issue 17, item 6): NPS 0–10, 5-star ratings of an order or a product, and
 * quick questions. One wire schema for every way an answer arrives (a message link, the widget,
 * the API); the NPS groups the closed-loop flows act on.
 */
import { z } from 'zod';

export const FEEDBACK_KINDS = ['nps', 'rating', 'question'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** Where an answer came from: a message channel, the storefront widget, or typed by staff. */
export const FEEDBACK_CHANNELS = ['email', 'sms', 'zalo', 'messenger', 'widget', 'manual'] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

export const answerSchema = z
  .object({
    kind: z.enum(FEEDBACK_KINDS),
    score: z.coerce.number().int().min(0).max(10).optional(),
    /** A free-text answer (a question's answer, a rating's comment). */
    text: z.string().trim().max(2000).optional(),
    /** The question asked (quick questions), as shown. */
    question: z.string().trim().max(300).optional(),
    orderId: z.string().min(1).max(100).optional(),
    sku: z.string().min(1).max(100).optional(),
    channel: z.enum(FEEDBACK_CHANNELS).default('manual'),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'nps' && a.score === undefined)
      ctx.addIssue({ code: 'custom', message: 'an NPS answer needs a score 0–10', path: ['score'] });
    if (a.kind === 'rating' && (a.score === undefined || a.score < 1 || a.score > 5))
      ctx.addIssue({ code: 'custom', message: 'a rating is 1–5 stars', path: ['score'] });
    if (a.kind === 'question' && a.score === undefined && !a.text)
      ctx.addIssue({ code: 'custom', message: 'a question needs an answer (text or score)', path: ['text'] });
  });
export type Answer = z.output<typeof answerSchema>;

export type NpsGroup = 'detractor' | 'passive' | 'promoter';

/** Detractors 0–6, passives 7–8, promoters 9–10. */
export function npsGroupOf(score: number): NpsGroup {
  return score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter';
}

/** The Net Promoter Score: % promoters minus % detractors, rounded; null without answers. */
export function netPromoterScore(c: {
  responses: number;
  promoters: number;
  detractors: number;
}): number | null {
  return c.responses === 0 ? null : Math.round(((c.promoters - c.detractors) * 100) / c.responses);
}
