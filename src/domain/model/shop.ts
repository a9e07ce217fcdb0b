import { z } from 'zod';

export const DEFAULT_SHOP_ID = 'default';

/** A shop id: lowercase letters, digits, _ or -, at most 63 characters, not starting with _ or -. */
export const shopIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'lowercase letters, digits, _ or -, at most 63, starting with a letter or digit',
  );

export const shopSchema = z.object({
  shopId: shopIdSchema,
  name: z.string().min(1),
  currency: z.string().length(3).default('VND'),
  timezone: z.string().default('Asia/Ho_Chi_Minh'),
});
export type Shop = z.infer<typeof shopSchema>;
