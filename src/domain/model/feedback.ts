import { z } from 'zod';

export const feedbackInputSchema = z
  .object({
    customerRef: z.string().min(1),
    kind: z.enum(['nps', 'rating', 'survey']),
    score: z.number().int().optional(),
    answers: z.record(z.string(), z.string()).default({}),
    createdAt: z.date(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'nps' && (f.score === undefined || f.score < 0 || f.score > 10))
      ctx.addIssue({ code: 'custom', message: 'NPS score must be 0-10', path: ['score'] });
    if (f.kind === 'rating' && (f.score === undefined || f.score < 1 || f.score > 5))
      ctx.addIssue({ code: 'custom', message: 'rating must be 1-5', path: ['score'] });
  });
export type FeedbackInput = z.infer<typeof feedbackInputSchema>;

export const marketingCostSchema = z.object({
  channel: z.string().min(1),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
  amount: z.string().regex(/^\d{1,16}(\.\d{1,2})?$/),
});
export type MarketingCost = z.infer<typeof marketingCostSchema>;
