import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { DEMO_IMPORTS } from '../../src/app/demo.js';
import { importFile } from '../../src/app/imports.js';
import { defaultDeps } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import { normalizePhone } from '../../src/domain/identity-keys.js';
import {
  customerInputSchema,
  EVENT_NAMES,
  eventInputSchema,
  feedbackInputSchema,
  marketingCostSchema,
  type OrderStatus,
  orderInputSchema,
} from '../../src/domain/model/index.js';
import { parseAmount } from '../../src/domain/money.js';
import { parseCsvText } from '../../src/ingest/csv.js';
import { DEMO_CATALOG } from '../../src/ingest/demo/catalog.js';
import { generateOrdersForRows, generateShop } from '../../src/ingest/demo/generate.js';
import { DEMO_BGNBD_PARAMS, DEMO_GG_PARAMS, DEMO_UNTIL } from '../../src/ingest/demo/params.js';
import { mobileE164, mobileFor } from '../../src/ingest/demo/people.js';
import type { DemoShop } from '../../src/ingest/demo/types.js';
import {
  DEMO_FILES,
  SHOPIFY_CUSTOMER_HEADERS,
  SHOPIFY_ORDER_HEADERS,
  writeDemoShop,
  writeShopifyOrdersCsv,
} from '../../src/ingest/demo/write.js';
import { openStore } from '../../src/store/store.js';
import { readAll } from './read-all.js';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `nurture-demo-${prefix}-`));
const read = (dir: string, kind: keyof typeof DEMO_FILES) =>
  readFileSync(join(dir, DEMO_FILES[kind]), 'utf8');
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Map.groupBy (Node 21+) for Node 20. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** "2024-03-05 14:03:11 +0700" → Date. */
function shopifyDate(s: string): Date | undefined {
  if (s === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) \+0700$/.exec(s);
  if (!m) throw new Error(`not a Shopify date: ${s}`);
  return new Date(`${m[1]}T${m[2]}+07:00`);
}

/** CSV text as header + objects keyed by column name. */
function csvObjects(text: string): { header: string[]; rows: Record<string, string>[]; widths: number[] } {
  const { records, problems } = parseCsvText(text);
  expect(problems).toEqual([]);
  const header = records[0]!.fields;
  const data = records.slice(1);
  return {
    header,
    widths: data.map((r) => r.fields.length),
    rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i] ?? '']))),
  };
}

/** Consecutive rows of one order: the first has the order-level cells. */
function groupOrders(rows: Record<string, string>[]): Record<string, string>[][] {
  const groups: Record<string, string>[][] = [];
  for (const r of rows) {
    const last = groups[groups.length - 1];
    if (last && last[0]!['Name'] === r['Name']) last.push(r);
    else groups.push([r]);
  }
  return groups;
}

let shop: DemoShop;
let dir: string;

beforeAll(async () => {
  shop = generateShop({ customers: 2000, seed: 42 });
  dir = tmp('main');
  await writeDemoShop(shop, dir);
});

describe('determinism', () => {
  it('gives byte-identical files for the same seed and different ones for another seed', async () => {
    const again = tmp('again');
    await writeDemoShop(generateShop({ customers: 2000, seed: 42 }), again);
    for (const kind of Object.keys(DEMO_FILES) as (keyof typeof DEMO_FILES)[])
      expect(read(again, kind), kind).toBe(read(dir, kind));
    const other = tmp('other');
    await writeDemoShop(generateShop({ customers: 2000, seed: 43 }), other);
    for (const kind of ['customers', 'orders', 'events', 'marketingCosts'] as const)
      expect(read(other, kind), kind).not.toBe(read(dir, kind));
  });

  it('depends on `until`, not on the clock', () => {
    const a = generateShop({ customers: 50, seed: 1, until: new Date('2025-06-01T00:00:00+07:00') });
    expect(Math.max(...a.orders.map((o) => o.createdAt))).toBeLessThan(
      Date.parse('2025-06-01T00:00:00+07:00'),
    );
    expect(a.start).toBe(Date.parse('2023-06-02T00:00:00+07:00'));
    expect(generateShop({ customers: 50, seed: 1 }).until).toBe(DEMO_UNTIL.getTime());
  });

  it('streams exactly the requested number of line-item rows, the same each time', async () => {
    const first = [...generateOrdersForRows(1000, 5)];
    expect(first.reduce((s, o) => s + o.lines.length, 0)).toBe(1000);
    const second = [...generateOrdersForRows(1000, 5)];
    expect(second.map((o) => [o.name, o.total, o.lines.length])).toEqual(
      first.map((o) => [o.name, o.total, o.lines.length]),
    );
    expect([...generateOrdersForRows(0, 5)]).toEqual([]);
  });
});

describe('plausibility', () => {
  const buyers = () => shop.customers.filter((c) => c.totalOrders > 0);

  it('has about 30% repeat buyers, an AOV of 400-600k ₫ and registered customers who never bought', () => {
    const b = buyers();
    expect(b.filter((c) => c.totalOrders > 1).length / b.length).toBeGreaterThan(0.25);
    expect(b.filter((c) => c.totalOrders > 1).length / b.length).toBeLessThan(0.35);
    const aov = mean(shop.orders.map((o) => o.total));
    expect(aov).toBeGreaterThan(400_000);
    expect(aov).toBeLessThan(600_000);
    const never = 1 - b.length / shop.customers.length;
    expect(never).toBeGreaterThan(0.05);
    expect(never).toBeLessThan(0.12);
  });

  it('is mostly cash on delivery, with some failed deliveries, returns and partial refunds', () => {
    const cod = shop.orders.filter((o) => o.paymentMethod === 'cod');
    const share = (k: string) => shop.orders.filter((o) => o.outcome === k).length;
    expect(cod.length / shop.orders.length).toBeGreaterThan(0.5);
    expect(cod.length / shop.orders.length).toBeLessThan(0.7);
    expect(share('failed_delivery') / cod.length).toBeGreaterThan(0.05);
    expect(share('failed_delivery') / cod.length).toBeLessThan(0.15);
    expect(share('returned') / shop.orders.length).toBeGreaterThan(0.01);
    expect(share('returned') / shop.orders.length).toBeLessThan(0.05);
    expect(share('partially_refunded')).toBeGreaterThan(0);
    expect(share('voided')).toBeGreaterThan(0);
    expect(shop.orders.every((o) => o.paymentMethod === 'cod' || o.outcome !== 'failed_delivery')).toBe(true);
  });

  it('has phone-only customers, unique identities and valid Vietnamese mobile numbers', () => {
    const phoneOnly = shop.customers.filter((c) => c.email === undefined).length / shop.customers.length;
    expect(phoneOnly).toBeGreaterThan(0.08);
    expect(phoneOnly).toBeLessThan(0.16);
    const emails = shop.customers.flatMap((c) => (c.email ? [c.email] : []));
    expect(new Set(emails).size).toBe(emails.length);
    expect(new Set(shop.customers.map((c) => c.mobile)).size).toBe(shop.customers.length);
    for (const c of shop.customers) {
      expect(c.mobile).toMatch(/^0(3[2-9]|5[2689]|7[06-9]|8[1-689]|9[0-46-9])\d{7}$/);
      for (const raw of [c.phoneField, c.addressPhoneField].filter((p) => p !== ''))
        expect(normalizePhone(raw)).toBe(mobileE164(c.mobile));
    }
    expect(emails.some((e) => /^[a-z.]+\d*@gmail\.com$/.test(e))).toBe(true);
    expect(
      shop.customers.some((c) =>
        /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]/i.test(c.fullName),
      ),
    ).toBe(true);
  });

  it('gives every customer a different mobile number from the permutation', () => {
    const numbers = new Set<string>();
    for (let i = 0; i < 100_000; i++) numbers.add(mobileFor(i, 12345));
    expect(numbers.size).toBe(100_000);
  });

  it('has about 10% referred customers, each referred by an earlier buyer', () => {
    const byId = new Map(shop.customers.map((c) => [c.id, c]));
    const referred = shop.customers.filter((c) => c.referredBy !== undefined);
    expect(referred.length / shop.customers.length).toBeGreaterThan(0.07);
    expect(referred.length / shop.customers.length).toBeLessThan(0.13);
    for (const c of referred) {
      const referrer = byId.get(c.referredBy!)!;
      expect(referrer.createdAt).toBeLessThan(c.createdAt);
      expect(referrer.totalOrders).toBeGreaterThan(0);
      expect(c.channel).toBe('referral');
    }
  });

  it('has storefront sessions, anonymous visitors, message reactions and NPS that follows loyalty', () => {
    const perCustomer = shop.events.length / shop.customers.length;
    expect(perCustomer).toBeGreaterThan(10);
    expect(perCustomer).toBeLessThan(40);
    const names = new Set(shop.events.map((e) => e.event));
    for (const n of [
      'Product Viewed',
      'Product Added',
      'Checkout Started',
      'Order Completed',
      'Blog Post Viewed',
    ])
      expect(names).toContain(n);
    for (const n of ['Message Opened', 'Message Clicked', 'Message Declined', 'Survey Answered'])
      expect(names).toContain(n);
    expect(shop.events.filter((e) => e.event === 'Order Completed')).toHaveLength(shop.orders.length);
    const anonymous = new Set(shop.events.filter((e) => !e.userId).map((e) => e.anonymousId));
    const devices = new Set(shop.customers.map((c) => c.anonymousId));
    expect([...anonymous].filter((a) => !devices.has(a!)).length).toBeGreaterThan(shop.customers.length / 2);
    const surveys = shop.events.filter((e) => e.event === 'Survey Answered');
    const b = shop.customers.filter((c) => c.totalOrders > 0).length;
    expect(surveys.length / b).toBeGreaterThan(0.2);
    expect(surveys.length / b).toBeLessThan(0.45);
    const orders = new Map(shop.customers.map((c) => [c.id, c.totalOrders]));
    const score = (repeat: boolean) =>
      mean(
        surveys
          .filter((e) => orders.get(e.userId!)! > 1 === repeat)
          .map((e) => Number(e.properties['score'])),
      );
    expect(score(true)).toBeGreaterThan(score(false) + 0.5);
  });

  it('brings printer buyers back for paper and ink', () => {
    const byCustomer = groupBy(shop.orders, (o) => o.customer);
    let repeatOrders = 0;
    let withRefill = 0;
    for (const [, orders] of byCustomer) {
      if (!orders[0]!.lines.some((l) => l.product.sku.startsWith('PRN-'))) continue;
      for (const o of orders.slice(1)) {
        repeatOrders++;
        if (o.lines.some((l) => /^(PAP|INK)-/.test(l.product.sku))) withRefill++;
      }
    }
    expect(repeatOrders).toBeGreaterThan(10);
    expect(withRefill / repeatOrders).toBeGreaterThan(0.5);
  });

  it("brings restockers back on their consumable's reorder cycle", () => {
    const byCustomer = groupBy(shop.orders, (o) => o.customer);
    const ratios: number[] = [];
    for (const [c, orders] of byCustomer) {
      if (!c.staple) continue;
      const cycle = c.staple.reorderCycleDays!;
      for (let j = 1; j < orders.length; j++)
        ratios.push((orders[j]!.createdAt - orders[j - 1]!.createdAt) / 86_400_000 / cycle);
    }
    ratios.sort((x, y) => x - y);
    expect(ratios.length).toBeGreaterThan(100);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    expect(median).toBeGreaterThan(0.7);
    expect(median).toBeLessThan(1.4);
  });

  it('prices everything in whole thousands of đồng', () => {
    for (const o of shop.orders) for (const l of o.lines) expect(l.price % 1000).toBe(0);
    expect(DEMO_CATALOG).toHaveLength(40);
  });
});

describe('population parameters', () => {
  const { r, alpha, a, b } = DEMO_BGNBD_PARAMS;
  let big: DemoShop;
  beforeAll(() => {
    big = generateShop({ customers: 6000, seed: 7 });
  });

  /** E[X(t)] of BG/NBD: ∫ (1/p)(1 − (α/(α+pt))^r) Beta(p; a, b) dp, by the midpoint rule after p = s^(1/a). */
  function expectedRepeats(t: number): number {
    const n = 2000;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const p = ((i + 0.5) / n) ** (1 / a);
      const w = (1 - p) ** (b - 1);
      num += (w * (1 - (alpha / (alpha + p * t)) ** r)) / p;
      den += w;
    }
    return num / den;
  }

  it('draws individual rates, drop-outs and spends from the documented distributions', () => {
    expect(mean(big.truth.map((t) => t.lambda)) / (r / alpha)).toBeCloseTo(1, 0);
    expect(Math.abs(mean(big.truth.map((t) => t.lambda)) / (r / alpha) - 1)).toBeLessThan(0.12);
    expect(Math.abs(mean(big.truth.map((t) => t.dropoutP)) - a / (a + b))).toBeLessThan(0.02);
    const { p, q, v } = DEMO_GG_PARAMS;
    expect(Math.abs(mean(big.truth.flatMap((t) => t.spends)) / ((p * v) / (q - 1)) - 1)).toBeLessThan(0.06);
  });

  it('matches the BG/NBD share of buyers with no repeat purchase', () => {
    const expected = mean(big.truth.map((t) => (alpha / (alpha + t.horizonDays)) ** r));
    const observed = mean(big.truth.map((t) => (t.purchaseDays.length === 1 ? 1 : 0)));
    expect(Math.abs(observed - expected)).toBeLessThan(0.025);
  });

  it('matches the BG/NBD expected number of repeat purchases', () => {
    // Horizons to a tenth of a day are plenty; the integral is computed once per value.
    const cache = new Map<number, number>();
    const at = (t: number) => {
      const key = Math.round(t * 10) / 10;
      if (!cache.has(key)) cache.set(key, expectedRepeats(key));
      return cache.get(key)!;
    };
    const expected = mean(big.truth.map((t) => at(t.horizonDays)));
    const observed = mean(big.truth.map((t) => t.purchaseDays.length - 1));
    expect(Math.abs(observed / expected - 1)).toBeLessThan(0.12);
  });

  it('writes one order per simulated purchase, at the simulated time', () => {
    const byCustomer = groupBy(big.orders, (o) => o.customer.id);
    for (const t of big.truth.slice(0, 500)) {
      const orders = byCustomer.get(t.customerId)!;
      expect(orders).toHaveLength(t.purchaseDays.length);
      const days = orders.map((o) => (o.createdAt - orders[0]!.createdAt) / 86_400_000);
      // Same calendar day as simulated, at a shopping hour: off by less than two days.
      for (const [i, d] of days.entries()) expect(Math.abs(d - t.purchaseDays[i]!)).toBeLessThan(2);
    }
  });

  it('fills repeat orders close to the Gamma-Gamma spend', () => {
    const byCustomer = groupBy(big.orders, (o) => o.customer.id);
    let drawn = 0;
    let items = 0;
    for (const t of big.truth) {
      const orders = byCustomer.get(t.customerId)!;
      for (let j = 1; j < orders.length; j++) {
        drawn += t.spends[j]!;
        items += orders[j]!.itemsTotal;
      }
    }
    expect(Math.abs(items / drawn - 1)).toBeLessThan(0.12);
  });
});

describe('files', () => {
  it('writes a Shopify customers export that the customer schema accepts', () => {
    const { header, rows, widths } = csvObjects(read(dir, 'customers'));
    expect(header).toEqual([...SHOPIFY_CUSTOMER_HEADERS]);
    expect(new Set(widths)).toEqual(new Set([SHOPIFY_CUSTOMER_HEADERS.length]));
    expect(rows).toHaveLength(shop.customers.length);
    const ids = new Set(rows.map((r) => r['Customer ID']));
    for (const row of rows) {
      expect(row['Customer ID']).toMatch(/^\d{13}$/);
      expect(['yes', 'no']).toContain(row['Accepts Email Marketing']);
      expect(['yes', 'no']).toContain(row['Accepts SMS Marketing']);
      expect(row['Total Spent']).toMatch(/^\d+\.00$/);
      if (row['Referred By']) expect(ids.has(row['Referred By'])).toBe(true);
      const phone = normalizePhone(row['Phone'] || row['Default Address Phone']);
      customerInputSchema.parse({
        source: 'shopify',
        externalId: row['Customer ID'],
        firstName: row['First Name'],
        lastName: row['Last Name'],
        ...(phone ? { phone } : {}),
        ...(row['Email'] ? { email: row['Email'] } : {}),
        city: row['Default Address City'],
        country: row['Default Address Country Code'],
        consent: {
          email: row['Accepts Email Marketing'] === 'yes',
          sms: row['Accepts SMS Marketing'] === 'yes',
        },
        tags: row['Tags']!.split(', ').filter(Boolean),
        ...(row['Referred By'] ? { referredBy: row['Referred By'] } : {}),
      });
      expect(phone).toBeDefined();
    }
    expect(rows.some((r) => r['Email'] === '')).toBe(true);
    expect(rows.some((r) => r['Total Orders'] === '0')).toBe(true);
  });

  it('writes a Shopify orders export, one row per line item, that the order schema accepts', () => {
    const { header, rows, widths } = csvObjects(read(dir, 'orders'));
    expect(header).toEqual([...SHOPIFY_ORDER_HEADERS]);
    expect(new Set(widths)).toEqual(new Set([SHOPIFY_ORDER_HEADERS.length]));
    const groups = groupOrders(rows);
    expect(groups).toHaveLength(shop.orders.length);
    expect(rows).toHaveLength(shop.orders.reduce((s, o) => s + o.lines.length, 0));
    for (const g of groups) checkOrder(g);
    const tagged = (tag: string) => groups.filter((g) => g[0]!['Tags']!.split(', ').includes(tag));
    expect(tagged('failed_delivery').length).toBeGreaterThan(0);
    expect(tagged('returned').length).toBeGreaterThan(0);
    for (const g of tagged('failed_delivery')) {
      expect(g[0]!['Financial Status']).toBe('pending');
      expect(g[0]!['Cancelled at']).not.toBe('');
      expect(g[0]!['Payment Method']).toBe('Cash on Delivery (COD)');
    }
    for (const g of tagged('returned')) {
      expect(g[0]).toMatchObject({ 'Financial Status': 'refunded', 'Fulfillment Status': 'fulfilled' });
      expect(g[0]!['Refunded Amount']).toBe(g[0]!['Total']);
    }
    expect(groups.some((g) => g[0]!['Financial Status'] === 'partially_refunded')).toBe(true);
    expect(groups.some((g) => g[0]!['Email'] === '' && g[0]!['Phone'] !== '')).toBe(true);
  });

  it('writes events that the event schema accepts, and NPS answers the feedback schema accepts', () => {
    const lines = read(dir, 'events').trimEnd().split('\n');
    expect(lines).toHaveLength(shop.events.length);
    const ids = new Set<string>();
    let previous = '';
    for (const line of lines) {
      const e = eventInputSchema.parse(JSON.parse(line));
      expect(EVENT_NAMES).toContain(e.event);
      ids.add(e.messageId!);
      expect(e.timestamp.toISOString() >= previous).toBe(true);
      previous = e.timestamp.toISOString();
      if (e.event.startsWith('Message ')) expect(['email', 'zalo', 'sms']).toContain(e.properties['channel']);
      if (e.event === 'Survey Answered')
        feedbackInputSchema.parse({
          customerRef: e.userId,
          kind: e.properties['kind'],
          score: e.properties['score'],
          createdAt: e.timestamp,
        });
      if (e.event === 'Product Viewed')
        expect(e.properties).toMatchObject({ sku: expect.any(String), price: expect.any(Number) });
    }
    expect(ids.size).toBe(lines.length);
  });

  it('writes the catalog as a Shopify products export and the marketing costs for every month and paid channel', async () => {
    const catalog = await readAll('shopify-products', join(dir, DEMO_FILES.catalog));
    expect(catalog.rejects).toEqual([]);
    const products = catalog.productGroups.flatMap((g) => g.value);
    expect(products).toHaveLength(40);
    // Durables have a second, image-only row.
    expect(catalog.rowsRead).toBe(40 + DEMO_CATALOG.filter((p) => !p.consumable).length);
    for (const p of products) {
      const demo = DEMO_CATALOG.find((d) => d.sku === p.sku)!;
      expect(p).toMatchObject({
        title: demo.title,
        category: demo.type,
        price: String(demo.price),
        consumable: demo.consumable,
        vendor: demo.vendor,
      });
      expect(p.reorderCycleDays).toBe(demo.reorderCycleDays);
      if (p.consumable) expect([7, 15, 30, 45]).toContain(p.reorderCycleDays);
    }
    expect(new Set(products.map((p) => p.category))).toContain('printer');
    expect(new Set(products.map((p) => p.category))).toContain('paper');
    const { header, rows } = csvObjects(read(dir, 'marketingCosts'));
    expect(header).toEqual(['channel', 'month', 'amount']);
    for (const r of rows) marketingCostSchema.parse(r);
    expect(rows).toHaveLength(24 * 4);
    expect(rows[0]).toMatchObject({ channel: 'facebook', month: '2024-11' });
    expect(rows[rows.length - 1]).toMatchObject({ month: '2026-10' });
  });

  it('reports a file that cannot be written', async () => {
    await expect(
      writeShopifyOrdersCsv(generateOrdersForRows(100, 1), join(tmp('missing'), 'no', 'such', 'orders.csv')),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('streams a large orders file through the writer with progress', async () => {
    const path = join(tmp('stream'), 'orders.csv');
    const seen: number[] = [];
    const stats = await writeShopifyOrdersCsv(generateOrdersForRows(20_000, 9), path, (p) =>
      seen.push(p.rows),
    );
    expect(stats.rows).toBe(20_000);
    expect(seen[seen.length - 1]).toBe(20_000);
    const text = await readFile(path, 'utf8');
    expect(stats.bytes).toBe(Buffer.byteLength(text));
    const { records, problems } = parseCsvText(text);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(20_001);
    async function* asyncOrders() {
      yield* generateOrdersForRows(500, 9);
    }
    const asyncPath = join(tmp('async'), 'orders.csv');
    expect((await writeShopifyOrdersCsv(asyncOrders(), asyncPath)).rows).toBe(500);
    const syncPath = join(tmp('sync'), 'orders.csv');
    await writeShopifyOrdersCsv([...generateOrdersForRows(500, 9)], syncPath);
    expect(await readFile(asyncPath, 'utf8')).toBe(await readFile(syncPath, 'utf8'));
  });
});

const STATUS: Record<string, OrderStatus> = {
  paid: 'delivered',
  pending: 'pending',
  refunded: 'returned',
  partially_refunded: 'delivered',
  voided: 'cancelled',
};

/** Checks one order's rows: totals add up, dates parse, and the order schema accepts it. */
function checkOrder(g: Record<string, string>[]): void {
  const first = g[0]!;
  const money = (k: string) => Number(parseAmount(first[k]));
  for (const k of ['Subtotal', 'Shipping', 'Taxes', 'Total', 'Discount Amount', 'Refunded Amount'])
    expect(first[k]).toMatch(/^\d+\.00$/);
  expect(money('Subtotal') + money('Shipping') + money('Taxes')).toBe(money('Total'));
  const items = g.reduce(
    (s, r) => s + Number(r['Lineitem quantity']) * Number(parseAmount(r['Lineitem price'])),
    0,
  );
  expect(items - money('Discount Amount')).toBe(money('Subtotal'));
  for (const r of g.slice(1)) {
    expect(r['Financial Status']).toBe('');
    expect(r['Total']).toBe('');
    expect(r['Email']).toBe(first['Email']);
  }
  expect(['paid', 'pending', 'refunded', 'partially_refunded', 'voided']).toContain(
    first['Financial Status'],
  );
  expect(['fulfilled', 'unfulfilled']).toContain(first['Fulfillment Status']);
  const createdAt = shopifyDate(first['Created at']!)!;
  expect(createdAt.getTime()).toBeLessThan(DEMO_UNTIL.getTime());
  const paidAt = shopifyDate(first['Paid at']!);
  const cancelledAt = shopifyDate(first['Cancelled at']!);
  if (paidAt) expect(paidAt.getTime()).toBeGreaterThanOrEqual(createdAt.getTime());
  orderInputSchema.parse({
    source: 'shopify',
    externalId: first['Id'],
    name: first['Name'],
    customer: { ...(first['Email'] ? { email: first['Email'] } : {}), phone: normalizePhone(first['Phone']) },
    status: cancelledAt ? 'cancelled' : STATUS[first['Financial Status']!],
    currency: first['Currency'],
    subtotal: parseAmount(first['Subtotal']),
    shipping: parseAmount(first['Shipping']),
    taxes: parseAmount(first['Taxes']),
    discount: parseAmount(first['Discount Amount']),
    total: parseAmount(first['Total']),
    refunded: parseAmount(first['Refunded Amount']),
    createdAt,
    ...(paidAt ? { paidAt } : {}),
    ...(cancelledAt ? { cancelledAt } : {}),
    tags: first['Tags']!.split(', ').filter(Boolean),
    lines: g.map((r) => ({
      sku: r['Lineitem sku'],
      title: r['Lineitem name'],
      quantity: Number(r['Lineitem quantity']),
      price: parseAmount(r['Lineitem price']),
    })),
  });
  expect(normalizePhone(first['Phone'])).toMatch(/^\+84\d{9}$/);
}

describe('end to end', () => {
  it('imports the generated files into DuckDB with no rejects and no merges', async () => {
    const small = generateShop({ customers: 300, seed: 11 });
    const out = tmp('e2e');
    await writeDemoShop(small, out);
    const store = await openStore({ db: ':memory:' });
    try {
      const shopId = 'demo';
      const results = [];
      for (const { format, file } of DEMO_IMPORTS)
        results.push(
          await importFile(makeContext(store), { shopId, format, path: join(out, DEMO_FILES[file]) }),
        );
      expect(results.map((r) => r.rejected)).toEqual([0, 0, 0, 0, 0]);
      expect(results.map((r) => r.products)).toEqual([0, 40, 0, 0, 0]);
      expect(results.at(-1)?.marketingCosts).toBe(small.marketingCosts.length);
      const [costs] = await store.engine.all<{ n: number; total: number }>(
        'SELECT COUNT(*) AS n, SUM(amount) AS total FROM marketing_costs WHERE shop_id = $1',
        [shopId],
      );
      expect(Number(costs?.n)).toBe(small.marketingCosts.length);
      expect(Number(costs?.total)).toBe(small.marketingCosts.reduce((s, c) => s + Number(c.amount), 0));
      // Every line of a catalogue product has its category.
      const [uncategorised] = await store.engine.all<{ n: number }>(
        'SELECT COUNT(*) AS n FROM order_lines WHERE shop_id = $1 AND category IS NULL',
        [shopId],
      );
      expect(Number(uncategorised?.n)).toBe(0);
      const summary = await store.summary(shopId);
      expect(summary).toMatchObject({
        customers: small.customers.length,
        buyers: small.customers.filter((c) => c.totalOrders > 0).length,
        orders: small.orders.length,
        orderLines: small.orders.reduce((s, o) => s + o.lines.length, 0),
        products: 40,
        events: small.events.length,
        feedback: small.events.filter((e) => e.event === 'Survey Answered').length,
        merges: 0,
      });
      const [referred] = await store.engine.all<{ n: number }>(
        'SELECT COUNT(*) AS n FROM customers WHERE shop_id = $1 AND referred_by IS NOT NULL',
        [shopId],
      );
      expect(Number(referred!.n)).toBe(small.customers.filter((c) => c.referredBy).length);
    } finally {
      await store.close();
    }
  });

  it('runs `nurture generate` and `nurture demo` from the CLI', async () => {
    let output = '';
    const capture = (t: string): void => {
      output += t;
    };
    const deps = { ...defaultDeps({}), out: capture, err: capture };
    const out = tmp('cli');
    expect(await runCli(['generate', '--customers', '120', '--seed', '3', '--out', out], deps)).toBe(0);
    expect(output).toContain('orders.csv');
    expect(read(out, 'customers').split('\n')).toHaveLength(122);
    output = '';
    const db = join(tmp('db'), 'demo.duckdb');
    expect(await runCli(['demo', '--db', db, '--customers', '120', '--seed', '3'], deps)).toBe(0);
    expect(output).toMatch(/khách hàng\s+120/);
    expect(output).toMatch(/lần gộp khách\s+0/);
    expect(output).toContain('0 dòng bị loại');
    // Scored and segmented: each lifecycle:* built-in segment holds the customers of its group.
    expect(output).toMatch(/phân khúc: làm mới 26, \d+ khách vào, 0 khách ra/);
    const store = await openStore({ db });
    try {
      const groups = await store.engine.all<{ name: string; n: number }>(
        `SELECT 'lifecycle:' || lifecycle AS name, COUNT(*) AS n FROM customer_stats
         WHERE lifecycle IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      const segments = await store.engine.all<{ name: string; n: number }>(
        `SELECT g.name, COUNT(*) AS n FROM segment_members m
         JOIN segments g ON g.shop_id = m.shop_id AND g.segment_id = m.segment_id
         WHERE g.name LIKE 'lifecycle:%' AND g.name <> 'lifecycle:referred' GROUP BY 1 ORDER BY 1`,
      );
      expect(groups.length).toBeGreaterThan(2);
      expect(segments).toEqual(groups);
    } finally {
      await store.close();
    }
    output = '';
    expect(await runCli(['generate', '--customers', 'lots', '--out', out], deps)).toBe(2);
    expect(output).toContain('--customers phải là một số');
  });
});
