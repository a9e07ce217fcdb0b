import type { Localized } from '../../domain/analytics/types.js';
import type { Lang } from '../../report/format.js';

export type { Lang, Localized };

/**
 * Each page keeps its own texts as a catalogue (`const T = {...} satisfies Catalogue`), so that a
 * page and its words live together; `tr(T.title, lang)` reads one. Texts shared by every page
 * (the layout, the errors) are in `COMMON`.
 */
export type Catalogue = Record<string, Localized>;

export function tr(entry: Localized, lang: Lang): string {
  return entry[lang];
}

/** A text with `{name}` placeholders filled. */
export function fill(entry: Localized, lang: Lang, values: Record<string, string | number>): string {
  return entry[lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

export const LANGS: readonly Lang[] = ['vi', 'en'];

export const COMMON = {
  appName: { vi: 'Nurture', en: 'Nurture' },
  overview: { vi: 'Tổng quan', en: 'Overview' },
  customers: { vi: 'Khách hàng', en: 'Customers' },
  segments: { vi: 'Phân khúc', en: 'Segments' },
  best: { vi: 'Khách tốt nhất', en: 'Best customers' },
  live: { vi: 'Đang truy cập', en: 'Live visitors' },
  imports: { vi: 'Nhập dữ liệu', en: 'Imports' },
  settings: { vi: 'Cài đặt', en: 'Settings' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  mainMenu: { vi: 'Menu chính', en: 'Main menu' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  switchTo: { vi: 'English', en: 'Tiếng Việt' },
  skipToContent: { vi: 'Bỏ qua đến nội dung', en: 'Skip to content' },
  shopTime: { vi: 'Giờ của shop: {zone}', en: 'Shop time: {zone}' },
  notFound: { vi: 'Không tìm thấy trang này.', en: 'This page does not exist.' },
  forbidden: {
    vi: 'Chỉ chủ shop mới xem được trang này.',
    en: 'Only the shop owner can open this page.',
  },
  failed: { vi: 'Có lỗi xảy ra', en: 'Something went wrong' },
  back: { vi: 'Quay lại', en: 'Back' },
  save: { vi: 'Lưu', en: 'Save' },
  search: { vi: 'Tìm', en: 'Search' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
  none: { vi: 'Chưa có dữ liệu', en: 'No data yet' },
} as const satisfies Catalogue;
