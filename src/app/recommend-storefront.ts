/**
 * The storefront's recommendation blocks (widget, `data-nurture-recommendations`): "bought
 * together" for a product page, "for you" for the visitor (their own list once they identified
 * on this browser, else the most bought products), "most viewed" (of a category, or the shop).
 * Public through a publishable key: items carry only what a product page shows.
 */
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import { customerOfVisitor } from '../store/flows/popups.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';
import { anonymousIdSchema } from './popups.js';
import { boughtTogether, personalRecommendations, popularProducts } from './recommend.js';

export const STOREFRONT_BLOCKS = ['together', 'for-you', 'most-viewed'] as const;
export type StorefrontBlock = (typeof STOREFRONT_BLOCKS)[number];

export const storefrontInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  block: z.enum(STOREFRONT_BLOCKS),
  anonymousId: anonymousIdSchema,
  sku: z.string().min(1).max(200).optional(),
  category: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(12).default(4),
  lang: z.enum(['vi', 'en']).default('vi'),
});

export const storefrontItemSchema = z.object({
  sku: z.string(),
  title: z.string(),
  price: z.number().nullable(),
  imageUrl: z.string().nullable(),
  reason: z.string(),
});
export type StorefrontItem = z.infer<typeof storefrontItemSchema>;

/** A block's items, best first (empty when there is nothing to show: the block stays hidden). */
export async function storefrontRecommendations(
  ctx: AppContext,
  input: z.input<typeof storefrontInputSchema>,
): Promise<{ block: StorefrontBlock; items: StorefrontItem[] }> {
  const q = parseInput(storefrontInputSchema, input);
  const short = (i: {
    sku: string;
    title: string;
    price: number | null;
    imageUrl: string | null;
    reason: { text: string };
  }): StorefrontItem => ({
    sku: i.sku,
    title: i.title,
    price: i.price,
    imageUrl: i.imageUrl,
    reason: i.reason.text,
  });
  switch (q.block) {
    case 'together': {
      if (q.sku === undefined) return { block: q.block, items: [] };
      const r = await boughtTogether(ctx, {
        shopId: q.shopId,
        sku: q.sku,
        limit: q.limit,
        lang: q.lang,
      }).catch(() => ({ items: [] }));
      return { block: q.block, items: r.items.map(short) };
    }
    case 'for-you': {
      const customerId = await customerOfVisitor(ctx.store, q.shopId, q.anonymousId);
      if (customerId !== undefined) {
        const r = await personalRecommendations(ctx, {
          shopId: q.shopId,
          customerId,
          limit: q.limit,
          lang: q.lang,
        });
        return { block: q.block, items: r.items.map(short) };
      }
      const r = await popularProducts(ctx, {
        shopId: q.shopId,
        kind: 'bought',
        limit: q.limit,
        lang: q.lang,
      });
      return { block: q.block, items: r.items.map(short) };
    }
    case 'most-viewed': {
      const r = await popularProducts(ctx, {
        shopId: q.shopId,
        kind: 'viewed',
        limit: q.limit,
        lang: q.lang,
        ...(q.category !== undefined ? { category: q.category } : {}),
      });
      return { block: q.block, items: r.items.map(short) };
    }
  }
}
