/**
 * The demo catalogue as Shopify's products export (Admin → Products → Export), which
 * `nurture import shopify-products` reads: one row per product (none has options, so its one
 * variant is "Title / Default Title"), the seller's product type in Type, Shopify's taxonomy in
 * Product Category, and a second, image-only row for the durables, as Shopify writes a second
 * image. The consumable flag and the reorder cycle travel as the product metafields
 * `nurture.consumable` and `nurture.reorder_cycle_days`, as a seller who defines them in Shopify
 * exports them.
 */
import { csvLine } from '../csv.js';
import type { DemoCategory, DemoProduct } from './catalog.js';

export const SHOPIFY_PRODUCT_HEADERS = [
  'Handle',
  'Title',
  'Body (HTML)',
  'Vendor',
  'Product Category',
  'Type',
  'Tags',
  'Published',
  'Option1 Name',
  'Option1 Value',
  'Variant SKU',
  'Variant Grams',
  'Variant Inventory Tracker',
  'Variant Inventory Qty',
  'Variant Inventory Policy',
  'Variant Fulfillment Service',
  'Variant Price',
  'Variant Compare At Price',
  'Variant Requires Shipping',
  'Variant Taxable',
  'Variant Barcode',
  'Image Src',
  'Image Position',
  'Image Alt Text',
  'Gift Card',
  'Consumable (product.metafields.nurture.consumable)',
  'Reorder cycle (days) (product.metafields.nurture.reorder_cycle_days)',
  'Status',
] as const;

/** Shopify's standard taxonomy path of each department. */
const TAXONOMY: Record<DemoCategory, string> = {
  printing: 'Office Supplies > Office Equipment',
  beauty: 'Health & Beauty > Personal Care > Cosmetics',
  'mother-baby': 'Baby & Toddler',
  coffee: 'Food, Beverages & Tobacco > Beverages > Coffee',
  electronics: 'Electronics > Electronics Accessories',
};

const IMAGE_BASE = 'https://cdn.shopify.com/s/files/1/0000/0001/products';

/** The product's URL handle: its SKU in lower case. */
export function demoHandle(p: DemoProduct): string {
  return p.sku.toLowerCase();
}

/** The rows of one product: its variant row, and an image-only row for a durable. */
export function shopifyProductRows(p: DemoProduct): string {
  const handle = demoHandle(p);
  const tags = [p.category, ...(p.consumable ? ['tiêu hao'] : [])].join(', ');
  const cells = [
    handle,
    p.title,
    `<p>${p.title} — ${p.vendor}.</p>`,
    p.vendor,
    TAXONOMY[p.category],
    p.type,
    tags,
    'TRUE',
    'Title',
    'Default Title',
    p.sku,
    p.consumable ? 500 : 1500,
    'shopify',
    p.consumable ? 200 : 20,
    'deny',
    'manual',
    `${p.price}.00`,
    '',
    'TRUE',
    'FALSE',
    '',
    `${IMAGE_BASE}/${handle}-1.jpg`,
    1,
    p.title,
    'FALSE',
    p.consumable ? 'TRUE' : 'FALSE',
    p.reorderCycleDays ?? '',
    'active',
  ];
  const rows = [csvLine(cells)];
  if (!p.consumable) {
    const image: (string | number)[] = SHOPIFY_PRODUCT_HEADERS.map(() => '');
    image[0] = handle;
    image[SHOPIFY_PRODUCT_HEADERS.indexOf('Image Src')] = `${IMAGE_BASE}/${handle}-2.jpg`;
    image[SHOPIFY_PRODUCT_HEADERS.indexOf('Image Position')] = 2;
    rows.push(csvLine(image));
  }
  return rows.join('');
}
