/**
 * The demo shop's catalog: a Vietnamese multi-category online shop (printing supplies for
 * online sellers, cosmetics, mother & baby, coffee, phone and laptop accessories). Consumables
 * carry a reorder cycle in days; durables that need a consumable name it in `refills`, which is
 * what makes "bought a printer, comes back for paper" (seed 003) show up in the orders.
 */
import type { CatalogEntry } from '../records.js';

/** The shop's categories; each customer has one as main interest. */
export const DEMO_CATEGORIES = ['printing', 'beauty', 'mother-baby', 'coffee', 'electronics'] as const;
export type DemoCategory = (typeof DEMO_CATEGORIES)[number];

/** A catalog product with what the generator needs beyond the catalog entry. */
export interface DemoProduct {
  sku: string;
  title: string;
  /** The shop department, which drives customers' interests (the generator's category). */
  category: DemoCategory;
  /**
   * The seller's product type (Shopify "Type"), which becomes the catalogue category order lines
   * get: `printer`, `paper`… so that the README's printer → paper segment has members.
   */
  type: string;
  /** List price in VND (whole thousands). */
  price: number;
  consumable: boolean;
  reorderCycleDays?: number;
  vendor: string;
  /** For a durable: the consumables it uses (printer → paper, breast pump → storage bags). */
  refills?: readonly string[];
}

type Row = [sku: string, title: string, price: number, vendor: string, cycle?: number, refills?: string[]];

/** The product type of each SKU (its prefix decides, with the exceptions listed first). */
const TYPES: readonly [prefix: string, type: string][] = [
  ['PRN-', 'printer'],
  ['PAP-', 'paper'],
  ['INK-', 'ink'],
  ['PKG-', 'packaging'],
  ['BT-LIPSTICK', 'makeup'],
  ['BT-GIFTSET', 'gift-set'],
  ['BT-DEVICE', 'beauty-device'],
  ['BT-', 'skincare'],
  ['MB-MILK', 'formula-milk'],
  ['MB-DIAPER', 'diapers'],
  ['MB-WIPES', 'wipes'],
  ['MB-BAGS', 'breast-milk-storage'],
  ['MB-', 'baby-gear'],
  ['CF-PHIN', 'coffee-gear'],
  ['CF-GRINDER', 'coffee-gear'],
  ['CF-MACHINE', 'coffee-gear'],
  ['CF-', 'coffee'],
  ['EL-CHARGER', 'charging'],
  ['EL-CABLE', 'charging'],
  ['EL-POWERBANK', 'charging'],
  ['EL-EARBUDS', 'audio'],
  ['EL-', 'accessories'],
];

function typeOf(sku: string): string {
  const hit = TYPES.find(([prefix]) => sku.startsWith(prefix));
  if (hit === undefined) throw new Error(`demo catalog: no product type for ${sku}`);
  return hit[1];
}

function products(category: DemoCategory, rows: Row[]): DemoProduct[] {
  return rows.map(([sku, title, price, vendor, cycle, refills]) => ({
    sku,
    title,
    category,
    type: typeOf(sku),
    price,
    consumable: cycle !== undefined,
    ...(cycle !== undefined ? { reorderCycleDays: cycle } : {}),
    vendor,
    ...(refills ? { refills } : {}),
  }));
}

/** The 40 products of the demo shop. A product with a cycle is a consumable. */
export const DEMO_CATALOG: readonly DemoProduct[] = [
  ...products('printing', [
    [
      'PRN-TH80',
      'Máy in nhiệt in đơn TMĐT khổ A6 (USB + Bluetooth)',
      2_390_000,
      'Xprinter',
      undefined,
      ['PAP-A6-500', 'PAP-A7-1000'],
    ],
    ['PRN-TH58', 'Máy in hóa đơn nhiệt mini khổ 58mm', 1_290_000, 'Xprinter', undefined, ['PAP-K58-10']],
    [
      'PRN-LSR',
      'Máy in laser đen trắng A4 có Wi-Fi',
      3_490_000,
      'Brother',
      undefined,
      ['PAP-A4-500', 'INK-TN'],
    ],
    ['PAP-A6-500', 'Giấy in nhiệt A6 100x150 (xấp 500 tờ)', 89_000, 'Tân Hưng Phát', 7],
    ['PAP-A7-1000', 'Giấy in nhiệt A7 75x100 (cuộn 1000 tờ)', 119_000, 'Tân Hưng Phát', 15],
    ['PAP-K58-10', 'Giấy in bill K58 (lốc 10 cuộn)', 65_000, 'Tân Hưng Phát', 15],
    ['PAP-A4-500', 'Giấy A4 Double A 70gsm (ram 500 tờ)', 78_000, 'Double A', 30],
    ['INK-TN', 'Hộp mực in laser TN-2385 chính hãng', 590_000, 'Brother', 30],
    ['PKG-TAPE', 'Băng keo đóng hàng trong 100 yard (lốc 6 cuộn)', 95_000, 'Nam Việt', 15],
  ]),
  ...products('beauty', [
    ['BT-SERUM-C', 'Serum Vitamin C sáng da 30ml', 390_000, 'Cocoon', 45],
    ['BT-CLEANSER', 'Sữa rửa mặt dịu nhẹ cho da nhạy cảm 150ml', 185_000, 'Cetaphil', 30],
    ['BT-TONER', 'Nước hoa hồng không cồn 200ml', 230_000, 'Klairs', 45],
    ['BT-SUNSCREEN', 'Kem chống nắng SPF50+ PA++++ 50ml', 295_000, 'La Roche-Posay', 30],
    ['BT-MASK', 'Mặt nạ giấy cấp ẩm (hộp 10 miếng)', 150_000, 'Innisfree', 30],
    ['BT-MICELLAR', 'Nước tẩy trang micellar 400ml', 245_000, 'Bioderma', 45],
    ['BT-LIPSTICK', 'Son kem lì màu đỏ gạch', 259_000, 'Black Rouge'],
    ['BT-GIFTSET', 'Bộ quà tặng dưỡng da 4 món', 1_150_000, 'Cocoon'],
    ['BT-DEVICE', 'Máy rửa mặt sóng âm', 1_490_000, 'Halio'],
  ]),
  ...products('mother-baby', [
    ['MB-MILK-1', 'Sữa bột cho bé số 1 (lon 800g)', 545_000, 'Meiji', 15],
    ['MB-MILK-3', 'Sữa bột tăng trưởng số 3 (lon 850g)', 489_000, 'Friso', 15],
    ['MB-DIAPER-M', 'Tã quần size M (bịch 74 miếng)', 329_000, 'Bobby', 15],
    ['MB-DIAPER-S', 'Tã dán sơ sinh size S (bịch 24 miếng)', 119_000, 'Merries', 7],
    ['MB-WIPES', 'Khăn ướt không mùi (lốc 10 gói)', 159_000, 'Mamamy', 15],
    ['MB-BAGS', 'Túi trữ sữa 250ml (hộp 50 túi)', 129_000, 'Unimom', 15],
    ['MB-BOTTLE', 'Bình sữa cổ rộng 240ml', 285_000, 'Pigeon', undefined, ['MB-MILK-1']],
    ['MB-PUMP', 'Máy hút sữa điện đôi', 1_690_000, 'Spectra', undefined, ['MB-BAGS']],
    ['MB-STROLLER', 'Xe đẩy em bé gấp gọn', 2_450_000, 'Joie', undefined, ['MB-DIAPER-M']],
  ]),
  ...products('coffee', [
    ['CF-ROBUSTA', 'Cà phê Robusta Buôn Ma Thuột rang xay (500g)', 165_000, 'Đắk Hà Coffee', 30],
    ['CF-ARABICA', 'Cà phê Arabica Cầu Đất nguyên hạt (250g)', 155_000, 'Đắk Hà Coffee', 15],
    ['CF-CULI', 'Cà phê Culi rang mộc (500g)', 185_000, 'Đắk Hà Coffee', 30],
    ['CF-DRIP', 'Cà phê phin giấy (hộp 10 gói)', 89_000, 'Đắk Hà Coffee', 15],
    ['CF-PHIN', 'Phin nhôm pha cà phê', 45_000, 'Đắk Hà Coffee', undefined, ['CF-ROBUSTA']],
    ['CF-GRINDER', 'Máy xay cà phê điện', 690_000, 'Hario', undefined, ['CF-ARABICA']],
    [
      'CF-MACHINE',
      'Máy pha cà phê espresso mini',
      3_290_000,
      'Delonghi',
      undefined,
      ['CF-ARABICA', 'CF-CULI'],
    ],
  ]),
  ...products('electronics', [
    ['EL-CHARGER', 'Củ sạc nhanh 20W USB-C', 199_000, 'Anker'],
    ['EL-CABLE', 'Cáp sạc USB-C to Lightning 1m', 129_000, 'Anker'],
    ['EL-POWERBANK', 'Pin sạc dự phòng 10.000mAh', 399_000, 'Xiaomi'],
    ['EL-EARBUDS', 'Tai nghe Bluetooth true wireless', 590_000, 'Soundpeats'],
    ['EL-CASE', 'Ốp lưng điện thoại trong suốt chống sốc', 89_000, 'Baseus'],
    ['EL-MOUSE', 'Chuột không dây silent', 329_000, 'Logitech'],
  ]),
];

/** Products by sku. */
export const DEMO_PRODUCTS_BY_SKU: ReadonlyMap<string, DemoProduct> = new Map(
  DEMO_CATALOG.map((p) => [p.sku, p]),
);

/** The catalog as a catalogue import stores it (what `products.csv` comes to). */
export function demoCatalogEntries(): CatalogEntry[] {
  return DEMO_CATALOG.map((p) => ({
    sku: p.sku,
    title: p.title,
    category: p.type,
    price: String(p.price),
    consumable: p.consumable,
    ...(p.reorderCycleDays !== undefined ? { reorderCycleDays: p.reorderCycleDays } : {}),
  }));
}
