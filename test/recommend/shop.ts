/**
 * Generated shops with a known co-purchase structure for the recommender's tests: three kinds
 * of customers (office, baby, hair), each with a durable first purchase (a printer, a bottle, a
 * comb) followed by consumables on known rhythms (paper every ~21 days, ink every ~45, nappies
 * every ~10 with wipes, shampoo with conditioner every ~30), and some random gifts.
 */
import { seededRandom } from '../../src/domain/ids.js';
import type { OrderInput, Product } from '../../src/domain/model/index.js';
import type { Store } from '../../src/store/store.js';
import { customer, importBatches } from '../analytics/fixtures.js';

export const DAY = 86_400_000;
/** Day 0 of the generated history (UTC). */
export const START = Date.UTC(2026, 0, 1);
export const dayAt = (d: number) => new Date(START + d * DAY);

const product = (
  sku: string,
  title: string,
  category: string,
  price: number,
  cycle?: number | false,
): Product => ({
  sku,
  title,
  category,
  price: String(price),
  consumable: cycle !== undefined && cycle !== false,
  ...(typeof cycle === 'number' ? { reorderCycleDays: cycle } : {}),
});

const N_PRINTERS = 4;
const N_HAIR = 4;
const N_GIFTS = 30;

export const CATALOGUE: Product[] = [
  ...Array.from({ length: N_PRINTERS }, (_, i) =>
    product(`PRN-${i + 1}`, `Máy in ${i + 1}`, 'office', 2_500_000 + i * 250_000),
  ),
  ...Array.from({ length: N_PRINTERS }, (_, i) =>
    product(`INK-${i + 1}`, `Mực máy in ${i + 1}`, 'office', 250_000, 45),
  ),
  product('PAP-A4', 'Giấy A4', 'office', 90_000, 21),
  product('PAP-A3', 'Giấy A3', 'office', 120_000, 21),
  product('TAPE', 'Băng keo', 'office', 20_000, false),
  product('NAP-S', 'Tã size S', 'baby', 300_000, 10),
  product('NAP-M', 'Tã size M', 'baby', 320_000, 10),
  product('NAP-L', 'Tã size L', 'baby', 340_000, 10),
  product('WIPES-1', 'Khăn ướt 1', 'baby', 50_000, 14),
  product('WIPES-2', 'Khăn ướt 2', 'baby', 55_000, 14),
  product('BOTTLE-1', 'Bình sữa 1', 'baby', 200_000),
  product('BOTTLE-2', 'Bình sữa 2', 'baby', 220_000),
  ...Array.from({ length: N_HAIR }, (_, i) =>
    product(`SHAMPOO-${i + 1}`, `Dầu gội ${i + 1}`, 'hair', 150_000, 30),
  ),
  ...Array.from({ length: N_HAIR }, (_, i) =>
    product(`COND-${i + 1}`, `Dầu xả ${i + 1}`, 'hair', 140_000, 30),
  ),
  product('COMB', 'Lược', 'hair', 40_000),
  ...Array.from({ length: N_GIFTS }, (_, i) =>
    product(`GIFT-${i + 1}`, `Quà ${i + 1}`, 'gifts', 100_000 + i * 10_000),
  ),
];

type Kind = 'office' | 'baby' | 'hair';

/** One generated order. */
interface Gen {
  day: number;
  skus: string[];
  status: OrderInput['status'];
}

export const phoneOf = (i: number) => `+8490${String(i).padStart(7, '0')}`;

/** Orders of one customer from `startDay` to `endDay` (exclusive). */
function customerOrders(kind: Kind, startDay: number, endDay: number, rand: () => number): Gen[] {
  const out: Gen[] = [];
  const pick = (n: number) => 1 + Math.floor(rand() * n);
  const jitter = (mean: number) => Math.max(2, Math.round(mean * (0.7 + 0.6 * rand())));
  // Gifts: Zipf-like popularity, a few per order at most.
  const gift = () => (rand() < 0.3 ? [`GIFT-${1 + Math.floor(N_GIFTS * rand() ** 2.5)}`] : []);
  const status = (): OrderInput['status'] => (rand() < 0.05 ? 'returned' : 'delivered');
  const add = (day: number, skus: string[], st = status()) =>
    out.push({ day, skus: [...new Set(skus)], status: st });
  if (kind === 'office') {
    const model = pick(N_PRINTERS);
    const paper = rand() < 0.7 ? 'PAP-A4' : 'PAP-A3';
    add(startDay, [`PRN-${model}`, ...(rand() < 0.4 ? [paper] : [])], 'delivered');
    let p = startDay + jitter(21);
    let ink = startDay + jitter(45);
    while (Math.min(p, ink) < endDay) {
      if (p <= ink) {
        add(p, [paper, ...(rand() < 0.3 ? ['TAPE'] : []), ...gift()]);
        p += jitter(21);
      } else {
        add(ink, [`INK-${model}`, ...gift()]);
        ink += jitter(45);
      }
    }
  } else if (kind === 'baby') {
    const wipes = rand() < 0.6 ? 'WIPES-1' : 'WIPES-2';
    add(startDay, [`BOTTLE-${pick(2)}`, 'NAP-S'], 'delivered');
    // The baby grows: size S for ~60 days, M for ~90, then L.
    const toM = startDay + jitter(60);
    const toL = toM + jitter(90);
    let d = startDay + jitter(10);
    while (d < endDay) {
      const size = d < toM ? 'S' : d < toL ? 'M' : 'L';
      add(d, [`NAP-${size}`, ...(rand() < 0.5 ? [wipes] : []), ...gift()]);
      d += jitter(10);
    }
  } else {
    const brand = pick(N_HAIR);
    add(startDay, [`SHAMPOO-${brand}`, 'COMB'], 'delivered');
    let d = startDay + jitter(30);
    while (d < endDay) {
      add(d, [`SHAMPOO-${brand}`, ...(rand() < 0.7 ? [`COND-${brand}`] : []), ...gift()]);
      d += jitter(30);
    }
  }
  return out.filter((o) => o.day < endDay);
}

export interface GeneratedShop {
  orders: OrderInput[];
  kinds: Map<string, Kind>;
}

/** `customers` customers, first orders spread over days 0–320, history up to day 360. */
export function generate(customers: number, seed = 7, endDay = 360, prefix = 'o'): GeneratedShop {
  const rand = seededRandom(seed);
  const kinds: Kind[] = ['office', 'baby', 'hair'];
  const orders: OrderInput[] = [];
  const byPhone = new Map<string, Kind>();
  for (let i = 0; i < customers; i++) {
    const kind = kinds[i % 3] as Kind;
    const phone = phoneOf(i);
    byPhone.set(phone, kind);
    const start = Math.floor(rand() * 320);
    customerOrders(kind, start, endDay, rand).forEach((g, k) => {
      const lines = g.skus.map((sku) => {
        const p = CATALOGUE.find((x) => x.sku === sku);
        return {
          sku,
          title: p?.title ?? sku,
          ...(p?.category ? { category: p.category } : {}),
          quantity: 1,
          price: p?.price ?? '0',
        };
      });
      const total = lines.reduce((s, l) => s + Number(l.price), 0);
      orders.push({
        source: 'shopify',
        externalId: `${prefix}${i}-${k}`,
        name: `#${prefix}${i}-${k}`,
        customer: { externalId: phone, phone },
        status: g.status,
        currency: 'VND',
        subtotal: String(total),
        shipping: '0',
        taxes: '0',
        discount: '0',
        total: String(total),
        refunded: g.status === 'returned' ? String(total) : '0',
        createdAt: new Date(START + g.day * DAY + 10 * 3_600_000),
        tags: [],
        lines,
      });
    });
  }
  return { orders, kinds: byPhone };
}

/** Loads the catalogue (with images) and a generated shop into `shopId`. */
export async function loadShop(
  store: Store,
  shopId: string,
  shop: GeneratedShop,
  consent = true,
): Promise<void> {
  await store.ensureShop({ shopId });
  await store.upsertProducts(shopId, CATALOGUE);
  const customers = [...shop.kinds.keys()].map((phone) =>
    customer(phone, { consent: consent ? { email: true } : {} }),
  );
  await importBatches(store, [{ customers, orders: shop.orders }], 'imp_rec', shopId);
  await store.engine.run(
    `UPDATE products SET image_url = 'https://img.example/' || sku || '.jpg' WHERE shop_id = $1`,
    [shopId],
  );
}
