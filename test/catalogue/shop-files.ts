/**
 * A small Shopify shop for the catalogue tests: the products export of test/fixtures/catalogue
 * and an orders export written relative to a given instant, so that "bought a printer in the
 * last 30 days and no paper since" has known members whatever the day the tests run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CATALOGUE_FIXTURES = new URL('../fixtures/catalogue/', import.meta.url).pathname;
export const PRODUCTS_FILE = `${CATALOGUE_FIXTURES}shopify-products.csv`;

const HEADER =
  'Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing City,Billing Province Name,Billing Country,Billing Phone,Shipping City,Cancelled at,Payment Method,Refunded Amount,Id,Tags,Phone';

const DAY = 86_400_000;

/** Shopify's date form, in Vietnam's zone. */
function shopifyDate(ms: number): string {
  const d = new Date(ms + 7 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)} +0700`;
}

interface OrderSpec {
  id: number;
  email: string;
  name: string;
  daysAgo: number;
  status?: 'paid' | 'voided';
  lines: [sku: string, title: string, price: number][];
}

/**
 * The shop's orders. Members of "printer in the last 30 days and no paper in the last 30 days":
 * lan (printer 10 days ago) and vy (paper 60 days ago, printer 2 days ago). Not members: hung
 * (paper after the printer), mai (printer 40 days ago), tu (paper only), nga (a voided printer
 * order), an (only a dress).
 */
export const ORDERS: readonly OrderSpec[] = [
  {
    id: 1001,
    email: 'lan@example.vn',
    name: 'Nguyễn Thị Lan',
    daysAgo: 10,
    lines: [['PRN-A6', 'Máy in nhiệt A6 in đơn TMĐT', 2390000]],
  },
  {
    id: 1002,
    email: 'hung@example.vn',
    name: 'Trần Văn Hùng',
    daysAgo: 12,
    lines: [['PRN-A6', 'Máy in nhiệt A6 in đơn TMĐT', 2390000]],
  },
  {
    id: 1003,
    email: 'hung@example.vn',
    name: 'Trần Văn Hùng',
    daysAgo: 5,
    lines: [['PAP-A6-500', 'Giấy in nhiệt tự dính - A6 100x150 (500 tờ)', 89000]],
  },
  {
    id: 1004,
    email: 'mai@example.vn',
    name: 'Lê Thị Mai',
    daysAgo: 40,
    lines: [['PRN-A6', 'Máy in nhiệt A6 in đơn TMĐT', 2390000]],
  },
  {
    id: 1005,
    email: 'tu@example.vn',
    name: 'Phạm Minh Tú',
    daysAgo: 3,
    lines: [['PAP-A7-1000', 'Giấy in nhiệt tự dính - A7 75x100 (1000 tờ)', 119000]],
  },
  {
    id: 1006,
    email: 'nga@example.vn',
    name: 'Võ Thị Nga',
    daysAgo: 20,
    status: 'voided',
    lines: [['PRN-A6', 'Máy in nhiệt A6 in đơn TMĐT', 2390000]],
  },
  {
    id: 1007,
    email: 'vy@example.vn',
    name: 'Đỗ Hải Vy',
    daysAgo: 60,
    lines: [['PAP-A6-500', 'Giấy in nhiệt tự dính - A6 100x150 (500 tờ)', 89000]],
  },
  {
    id: 1008,
    email: 'vy@example.vn',
    name: 'Đỗ Hải Vy',
    daysAgo: 2,
    lines: [
      ['PRN-A6', 'Máy in nhiệt A6 in đơn TMĐT', 2390000],
      ['AD-DO-M', 'Áo dài lụa tơ tằm - Đỏ / M', 1250000],
    ],
  },
  {
    id: 1009,
    email: 'an@example.vn',
    name: 'Bùi An',
    daysAgo: 8,
    lines: [['AD-XN-M', 'Áo dài lụa tơ tằm - Xanh ngọc / M', 1350000]],
  },
];

export const PRINTER_NO_PAPER =
  "products_purchased(category: 'printer', since: -30d) AND NOT products_purchased(category: 'paper', since: -30d)";
export const PRINTER_NO_PAPER_EMAILS = ['lan@example.vn', 'vy@example.vn'];

/** Writes the orders export with dates `daysAgo` before `now`; returns its path. */
export function writeOrdersFile(dir: string, now: number): string {
  const rows = [HEADER];
  for (const o of ORDERS) {
    const at = shopifyDate(now - o.daysAgo * DAY);
    const status = o.status ?? 'paid';
    const total = o.lines.reduce((s, [, , p]) => s + p, 0);
    o.lines.forEach(([sku, title, price], i) => {
      const first = i === 0;
      rows.push(
        [
          `#${o.id}`,
          o.email,
          first ? status : '',
          first && status === 'paid' ? at : '',
          first ? 'fulfilled' : '',
          first ? 'VND' : '',
          first ? total : '',
          first ? 0 : '',
          first ? 0 : '',
          first ? total : '',
          '',
          first ? 0 : '',
          at,
          1,
          `"${title}"`,
          price,
          sku,
          first ? `"${o.name}"` : '',
          first ? 'Hà Nội' : '',
          '',
          first ? 'VN' : '',
          '',
          '',
          first && status === 'voided' ? at : '',
          first ? 'Cash on Delivery (COD)' : '',
          '',
          first ? 5000 + o.id : '',
          '',
          '',
        ].join(','),
      );
    });
  }
  const path = join(dir, 'orders_export.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}
