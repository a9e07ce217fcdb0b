/** The reasons of recommendations as text, in Vietnamese and English (pure). */
import { assertNever } from '../../errors.js';
import type { Reason, ReasonKind } from './model.js';

export type Lang = 'vi' | 'en';

/** What a reason's text names. */
export interface ReasonParts {
  kind: ReasonKind;
  title?: string;
  sku?: string;
  days?: number;
  category?: string;
  partnerShopId?: string;
  fallback: boolean;
}

const FALLBACK = {
  vi: ' (cửa hàng còn ít đơn, chưa đủ để gợi ý riêng cho bạn)',
  en: ' (the shop has too few orders yet for personal picks)',
} as const;

/** The text of a reason. */
export function reasonText(r: ReasonParts, lang: Lang): string {
  const vi = lang === 'vi';
  const days = r.days !== undefined ? Math.max(1, Math.round(r.days)) : undefined;
  const named = r.title ?? r.sku ?? '';
  const base = (() => {
    switch (r.kind) {
      case 'repeat':
        if (days !== undefined)
          return vi ? `Bạn mua sản phẩm này khoảng mỗi ~${days} ngày` : `You buy this every ~${days} days`;
        return vi ? 'Bạn đã mua sản phẩm này trước đây' : 'You bought this before';
      case 'together':
        return vi ? `Thường được mua cùng ${named}` : `Bought together with ${named}`;
      case 'category':
        return vi
          ? `Được mua nhiều trong danh mục ${r.category ?? ''} bạn hay mua`
          : `Popular in ${r.category ?? ''}, a category you buy`;
      case 'popular':
        return r.category
          ? vi
            ? `Được mua nhiều trong danh mục ${r.category}`
            : `Popular in ${r.category}`
          : vi
            ? 'Được mua nhiều ở cửa hàng'
            : 'Popular in the shop';
      case 'viewed':
        return vi ? 'Được xem nhiều nhất' : 'Most viewed';
      case 'trending':
        return vi ? 'Đang được quan tâm' : 'Trending';
      case 'cross_shop':
        return vi
          ? `Từ cửa hàng ${r.partnerShopId ?? ''}: được mua nhiều trong ${r.category ?? ''} bạn quan tâm`
          : `From our shop ${r.partnerShopId ?? ''}: popular in ${r.category ?? ''}, which you buy`;
      default:
        return assertNever(r.kind);
    }
  })();
  const fallback = r.fallback && (r.kind === 'category' || r.kind === 'popular');
  return fallback ? `${base}${FALLBACK[lang]}` : base;
}

/** A reason with its text. */
export function reasonOf(r: ReasonParts, lang: Lang): Reason {
  return {
    kind: r.kind,
    ...(r.sku !== undefined ? { sku: r.sku } : {}),
    ...(r.title !== undefined ? { title: r.title } : {}),
    ...(r.days !== undefined ? { days: Math.round(r.days * 10) / 10 } : {}),
    ...(r.category !== undefined ? { category: r.category } : {}),
    ...(r.partnerShopId !== undefined ? { partnerShopId: r.partnerShopId } : {}),
    fallback: r.fallback && (r.kind === 'category' || r.kind === 'popular'),
    text: reasonText(r, lang),
  };
}
