import { type Catalogue, fill, type Lang, type Localized, tr } from '../../report/i18n.js';

export type { Catalogue, Lang, Localized };
// The pair is shared with the CLI (src/report/i18n.ts); each page keeps its own catalogue
// (`const T = {...} satisfies Catalogue`). Texts shared by every page (the layout, the errors)
// are in `COMMON`.
export { fill, tr };

export const LANGS: readonly Lang[] = ['vi', 'en'];

export const COMMON = {
  appName: { vi: 'Nurture', en: 'Nurture' },
  overview: { vi: 'Tổng quan', en: 'Overview' },
  customers: { vi: 'Khách hàng', en: 'Customers' },
  segments: { vi: 'Phân khúc', en: 'Segments' },
  best: { vi: 'Khách tốt nhất', en: 'Best customers' },
  products: { vi: 'Sản phẩm', en: 'Products' },
  flows: { vi: 'Flow tự động', en: 'Flows' },
  messages: { vi: 'Tin nhắn', en: 'Messages' },
  coupons: { vi: 'Mã giảm giá', en: 'Coupons' },
  loyalty: { vi: 'Điểm thưởng', en: 'Loyalty' },
  referrals: { vi: 'Giới thiệu', en: 'Referrals' },
  feedback: { vi: 'NPS & đánh giá', en: 'NPS & ratings' },
  tasks: { vi: 'Việc cần làm', en: 'Tasks' },
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
