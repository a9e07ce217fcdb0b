import { z } from 'zod';
import { moneySchema } from './money.js';

export const productSchema = z.object({
  sku: z.string().min(1),
  title: z.string().min(1),
  category: z.string().optional(),
  price: moneySchema.optional(),
  consumable: z.boolean().default(false),
  reorderCycleDays: z.number().int().positive().optional(),
});
export type Product = z.infer<typeof productSchema>;
