/**
 * The product catalogue as a seller works with it: list and show products with their effective
 * consumable flag and reorder cycle, and set those per product (SKU) or per category. The CLI
 * (`nurture products …`) and the API (`/api/v1/products`, `/api/v1/product-settings`) call these.
 */
import { z } from 'zod';
import type { CatalogueEntry } from '../domain/catalogue.js';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import {
  catalogueHas,
  listCatalogue,
  listCategories,
  type ProductUsage,
  productUsage,
  writeProductSetting,
} from '../store/products/index.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

const shopId = shopSchema.shape.shopId;

export const productListInputSchema = z.object({
  shopId,
  category: z.string().min(1).max(200).optional(),
  /** Only consumables (true) or only the others (false). */
  consumable: z.boolean().optional(),
  limit: z.number().int().min(1).max(100_000).default(1000),
});
export type ProductListInput = z.input<typeof productListInputSchema>;

/** The shop's catalogue, in SKU order. */
export async function listShopProducts(
  ctx: AppContext,
  input: ProductListInput,
): Promise<{ currency: string; products: CatalogueEntry[] }> {
  const q = parseInput(productListInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  return {
    currency: shop.currency,
    products: await listCatalogue(ctx.store, q.shopId, {
      ...(q.category !== undefined ? { category: q.category } : {}),
      ...(q.consumable !== undefined ? { consumable: q.consumable } : {}),
      limit: q.limit,
    }),
  };
}

export const productShowInputSchema = z.object({ shopId, sku: z.string().min(1).max(200) });

/** One product (by SKU) with how often it was ordered; not_found for a SKU the catalogue lacks. */
export async function showProduct(
  ctx: AppContext,
  input: z.input<typeof productShowInputSchema>,
): Promise<{ currency: string; product: CatalogueEntry; usage: ProductUsage }> {
  const q = parseInput(productShowInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const [product] = await listCatalogue(ctx.store, q.shopId, { sku: q.sku });
  if (product === undefined) throw new NurtureError('not_found', `no product with SKU ${q.sku}`);
  return { currency: shop.currency, product, usage: await productUsage(ctx.store, q.shopId, q.sku) };
}

/** The catalogue's categories with their product counts and settings. */
export async function listShopCategories(ctx: AppContext, input: { shopId: string }) {
  const q = parseInput(z.object({ shopId }), input);
  await ctx.store.requireShop(q.shopId);
  return { categories: await listCategories(ctx.store, q.shopId) };
}

/**
 * A setting: for one SKU or for a category (exactly one). A reorder cycle makes the product a
 * consumable; `consumable: false` removes the cycle; `clear` removes the level's setting, so the
 * product follows its category (or the category its catalogue file) again.
 */
export const productSetInputSchema = z
  .object({
    shopId,
    sku: z.string().min(1).max(200).optional(),
    category: z.string().min(1).max(200).optional(),
    consumable: z.boolean().optional(),
    reorderCycleDays: z.number().int().min(1).max(3650).optional(),
    clear: z.boolean().default(false),
  })
  .superRefine((s, issues) => {
    if ((s.sku === undefined) === (s.category === undefined))
      issues.addIssue({
        code: 'custom',
        path: ['sku'],
        message: 'name one SKU or one category (--category)',
      });
    if (s.clear && (s.consumable !== undefined || s.reorderCycleDays !== undefined))
      issues.addIssue({ code: 'custom', path: ['clear'], message: 'clear sets nothing else' });
    if (!s.clear && s.consumable === undefined && s.reorderCycleDays === undefined)
      issues.addIssue({
        code: 'custom',
        path: ['consumable'],
        message: 'set consumable, a reorder cycle, or clear',
      });
    if (s.consumable === false && s.reorderCycleDays !== undefined)
      issues.addIssue({
        code: 'custom',
        path: ['reorderCycleDays'],
        message: 'a product that is not a consumable has no reorder cycle',
      });
  });
export type ProductSetInput = z.input<typeof productSetInputSchema>;

export interface ProductSetResult {
  currency: string;
  scope: 'product' | 'category';
  target: string;
  /** What the level now says (null: nothing, it follows the next level). */
  consumable: boolean | null;
  reorderCycleDays: number | null;
  /** The products it applies to, with their effective values after the change. */
  products: CatalogueEntry[];
}

export async function setProductSettings(ctx: AppContext, input: ProductSetInput): Promise<ProductSetResult> {
  const s = parseInput(productSetInputSchema, input);
  const shop = await ctx.store.requireShop(s.shopId);
  const scope = s.sku !== undefined ? ('product' as const) : ('category' as const);
  const target = (s.sku ?? s.category)!;
  if (!(await catalogueHas(ctx.store, s.shopId, scope, target)))
    throw new NurtureError(
      'not_found',
      scope === 'product'
        ? `no product with SKU ${target} (import the catalogue first: nurture import shopify-products FILE)`
        : `no product has the category ${JSON.stringify(target)} (nurture products categories lists them)`,
    );
  const next = s.clear
    ? await writeProductSetting(
        ctx.store,
        s.shopId,
        { scope, target, consumable: null, reorderCycleDays: null },
        ctx.clock.now(),
      )
    : await writeProductSetting(
        ctx.store,
        s.shopId,
        {
          scope,
          target,
          ...(s.consumable !== undefined ? { consumable: s.consumable } : {}),
          // A cycle alone makes a consumable; "not a consumable" drops the cycle.
          ...(s.reorderCycleDays !== undefined
            ? { reorderCycleDays: s.reorderCycleDays, consumable: true }
            : s.consumable === false
              ? { reorderCycleDays: null }
              : {}),
        },
        ctx.clock.now(),
      );
  const products = await listCatalogue(
    ctx.store,
    s.shopId,
    scope === 'product' ? { sku: target } : { category: target },
  );
  return {
    currency: shop.currency,
    scope,
    target,
    consumable: next?.consumable ?? null,
    reorderCycleDays: next?.reorderCycleDays ?? null,
    products,
  };
}
