import { z } from 'zod';
import { eventNameSchema } from './enums.js';

/** A storefront or message event, Segment-style; one line of events JSONL. */
export const eventInputSchema = z
  .object({
    messageId: z.string().min(1).optional(),
    event: eventNameSchema,
    userId: z.string().min(1).optional(),
    anonymousId: z.string().min(1).optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    timestamp: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date'),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((e) => e.userId || e.anonymousId || e.phone || e.email, {
    message: 'an event needs userId, anonymousId, phone or email',
  });
export type EventInput = z.infer<typeof eventInputSchema>;
