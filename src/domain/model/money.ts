import { z } from 'zod';

/** An exact amount as a canonical decimal string (at most two fraction digits). */
export const moneySchema = z.string().regex(/^-?\d{1,16}(\.\d{1,2})?$/, 'decimal amount');
export type Money = z.infer<typeof moneySchema>;

export const nonNegativeMoneySchema = moneySchema.refine((s) => !s.startsWith('-'), 'must not be negative');
