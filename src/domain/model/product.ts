import { z } from 'zod';
import { moneySchema } from './money.js';

/** A product's state in its shop (Shopify: active, draft, archived; a marketplace: unlisted). */
export const PRODUCT_STATUSES = ['active', 'draft', 'archived', 'unlisted'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/**
 * One sellable unit of the catalogue, by SKU: what an order line names. A product with variants
 * (sizes, colours) is one entry per variant, sharing `productKey` (Shopify's Handle).
 */
export const productSchema = z.object({
  sku: z.string().min(1),
  /** The product's title (without the variant's option values). */
  title: z.string().min(1),
  /** What `products_purchased(category: …)` matches: the seller's product type, else the taxonomy's leaf. */
  category: z.string().optional(),
  price: moneySchema.optional(),
  consumable: z.boolean().default(false),
  reorderCycleDays: z.number().int().positive().optional(),
  /** The product this SKU is a variant of: Shopify's Handle, a marketplace's product id. */
  productKey: z.string().optional(),
  /** The variant's option values, e.g. "Đỏ / M" (none for a product without variants). */
  variantTitle: z.string().optional(),
  vendor: z.string().optional(),
  /** The seller's own product type (Shopify "Type"). */
  productType: z.string().optional(),
  /** The platform's category path (Shopify "Product Category", e.g. "Office Supplies > … > Paper"). */
  taxonomy: z.string().optional(),
  tags: z.array(z.string()).optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  published: z.boolean().optional(),
  inventoryQty: z.number().int().optional(),
  imageUrl: z.string().optional(),
});
export type Product = z.infer<typeof productSchema>;

/** Where a seller's setting applies: one SKU, or every product of a category. */
export const PRODUCT_SETTING_SCOPES = ['product', 'category'] as const;
export type ProductSettingScope = (typeof PRODUCT_SETTING_SCOPES)[number];

/** A consumable flag and reorder cycle set by the seller (`nurture products set`). */
export const productSettingSchema = z
  .object({
    scope: z.enum(PRODUCT_SETTING_SCOPES),
    /** The SKU, or the category name. */
    target: z.string().min(1).max(200),
    /** undefined leaves it as it was; null clears it (the product then follows its category). */
    consumable: z.boolean().nullable().optional(),
    reorderCycleDays: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .refine((s) => s.consumable !== undefined || s.reorderCycleDays !== undefined, {
    message: 'set --consumable/--no-consumable, --reorder-cycle DAYS, or --clear',
    path: ['consumable'],
  });
export type ProductSetting = z.infer<typeof productSettingSchema>;

/** Where an effective catalogue value came from, strongest first. */
export type SettingOrigin = 'product' | 'category' | 'catalogue' | 'none';
