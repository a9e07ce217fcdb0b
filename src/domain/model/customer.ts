import { z } from 'zod';
import { channelSchema, sourceSchema } from './enums.js';

export const consentSchema = z.partialRecord(channelSchema, z.boolean());
export type Consent = z.infer<typeof consentSchema>;

/** An external id of the customer in one source (Shopify customer id, Shopee buyer id…). */
export const externalIdSchema = z.object({ source: sourceSchema, id: z.string().min(1) });

/** A customer record as a source sends it, before identity resolution. */
export const customerInputSchema = z.object({
  source: sourceSchema,
  externalId: z.string().min(1).optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phone: z
    .string()
    .regex(/^\+\d{8,15}$/, 'E.164 phone')
    .optional(),
  email: z.email().optional(),
  city: z.string().optional(),
  province: z.string().optional(),
  country: z.string().optional(),
  consent: consentSchema.default({}),
  tags: z.array(z.string().min(1)).default([]),
  attributes: z.record(z.string(), z.unknown()).default({}),
  referredBy: z.string().optional(),
  note: z.string().optional(),
  createdAt: z.date().optional(),
});
export type CustomerInput = z.infer<typeof customerInputSchema>;

export const customerSchema = customerInputSchema.extend({
  customerId: z.string().startsWith('cus_'),
  mergedInto: z.string().optional(),
});
export type Customer = z.infer<typeof customerSchema>;

export const IDENTITY_KINDS = ['phone', 'email', 'external'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
