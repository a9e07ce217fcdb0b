/**
 * What the reasons, sources and patterns of a reorder cycle are called, in Vietnamese and English
 * (the CLI, the API's readers and the dashboard's product pages say the same).
 */
import type { Localized } from '../analytics/types.js';
import type { CycleSource, NotReplenishableReason, PurchasePattern } from './types.js';

const l = (vi: string, en: string): Localized => ({ vi, en });

export const REASON_TEXT: Record<NotReplenishableReason, Localized> = {
  marked_not_consumable: l('người bán đặt là không tiêu hao', 'the seller set it as not a consumable'),
  too_few_buyers: l('quá ít người mua (kể cả cả danh mục)', 'too few buyers (its category too)'),
  too_few_repeat_buyers: l(
    'quá ít khách mua lại từ hai lần (kể cả cả danh mục)',
    'too few customers bought it twice (its category too)',
  ),
  rarely_rebought: l('ít khách mua lại', 'rarely bought again'),
};

export const SOURCE_TEXT: Record<CycleSource, Localized> = {
  product: l('của sản phẩm', 'the product’s'),
  category: l('của danh mục', 'its category’s'),
  none: l('—', '—'),
};

export const PATTERN_TEXT: Record<PurchasePattern, Localized> = {
  regular: l('đều đặn', 'regular'),
  poisson_like: l('ngẫu nhiên (kiểu Poisson)', 'random (Poisson-like)'),
  unknown: l('chưa rõ', 'unknown'),
};
