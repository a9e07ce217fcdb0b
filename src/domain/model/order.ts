import { z } from 'zod';
import { orderStatusSchema, sourceSchema } from './enums.js';
import { nonNegativeMoneySchema } from './money.js';

export const orderLineSchema = z.object({
  sku: z.string().optional(),
  title: z.string().min(1),
  category: z.string().optional(),
  quantity: z.number().int().positive(),
  price: nonNegativeMoneySchema,
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const PAYMENT_METHODS = ['cod', 'card', 'bank_transfer', 'wallet', 'other'] as const;

/** An order as a source sends it; `customer` carries the identity keys used to find the buyer. */
export const orderInputSchema = z.object({
  source: sourceSchema,
  externalId: z.string().min(1),
  name: z.string().optional(),
  customer: z.object({
    externalId: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    city: z.string().optional(),
    province: z.string().optional(),
    country: z.string().optional(),
  }),
  status: orderStatusSchema,
  financialStatus: z.string().optional(),
  fulfillmentStatus: z.string().optional(),
  paymentMethod: z.enum(PAYMENT_METHODS).optional(),
  currency: z.string().length(3),
  subtotal: nonNegativeMoneySchema,
  shipping: nonNegativeMoneySchema.default('0'),
  taxes: nonNegativeMoneySchema.default('0'),
  discount: nonNegativeMoneySchema.default('0'),
  total: nonNegativeMoneySchema,
  refunded: nonNegativeMoneySchema.default('0'),
  couponCode: z.string().optional(),
  createdAt: z.date(),
  paidAt: z.date().optional(),
  cancelledAt: z.date().optional(),
  tags: z.array(z.string()).default([]),
  lines: z.array(orderLineSchema),
});
export type OrderInput = z.infer<typeof orderInputSchema>;
