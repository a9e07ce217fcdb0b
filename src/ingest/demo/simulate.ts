/**
 * One customer of the demo shop: identity, interest, the BG/NBD purchase process and the orders
 * it produces, with Vietnamese payment and delivery realities (COD, failed deliveries, returns).
 */
import { type SimulatedCustomer, simulateBgNbdCustomer } from '../../domain/random/btyd-process.js';
import {
  CATEGORY_ADDONS,
  CATEGORY_PRODUCTS,
  DURABLES_FOR_REFILL,
  durableBasket,
  durablesOf,
  fillBasket,
  INTERESTS,
  lineFor,
  restockBasket,
  restockChoice,
} from './basket.js';
import { DEMO_CATALOG, type DemoCategory, type DemoProduct } from './catalog.js';
import { Supplies } from './consumption.js';
import { vnMonthNumber } from './dates.js';
import type { DemoParams } from './params.js';
import {
  type EmailRegistry,
  fullName,
  messyPhone,
  mobileFor,
  newEmailRegistry,
  randomAddress,
  randomEmail,
  randomName,
} from './people.js';
import {
  chance,
  deriveSeed,
  pickOne,
  type Rng,
  randomHex16,
  rngFor,
  roundTo1000,
  STREAM,
  WeightedPicker,
} from './random.js';
import { settle } from './settlement.js';
import type {
  AcquisitionChannel,
  DemoCustomer,
  DemoLine,
  DemoOrder,
  DemoTruth,
  PaymentMethod,
} from './types.js';

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Everything a customer's simulation needs from the shop. */
export interface SimContext {
  seed: number;
  params: DemoParams;
  /** Start and (exclusive) end of the history, epoch ms; `start` is a midnight in Vietnam. */
  start: number;
  until: number;
  /**
   * Length of the history in days: `historyDays`, plus the part of its last day already gone
   * when `until` is not a midnight (a demo that ends now, today).
   */
  days: number;
  /** E-mails already picked, so that each customer has their own. */
  emails: EmailRegistry;
  /** Key of the permutation that gives customers their mobile numbers. */
  mobileKey: number;
  /** Base of the 13-digit Shopify ids, different per seed. */
  customerIdBase: number;
  payments: WeightedPicker<PaymentMethod>;
}

/** A fresh simulation context: history bounds, identity registries and per-seed id bases. */
export function newSimContext(seed: number, params: DemoParams, until: number): SimContext {
  const start = historyStart(until, params.historyDays);
  return {
    seed,
    params,
    start,
    until,
    days: (until - start) / DAY_MS,
    emails: newEmailRegistry(),
    mobileKey: deriveSeed(seed, STREAM.identity, 1),
    customerIdBase: 7_000_000_000_000 + (deriveSeed(seed, STREAM.identity) % 900) * 1_000_000_000,
    payments: new WeightedPicker<PaymentMethod>([
      ['cod', params.paymentMix.cod],
      ['bank', params.paymentMix.bank],
      ['momo', params.paymentMix.momo],
    ]),
  };
}

const VN_OFFSET_MS = 7 * 3_600_000;

/**
 * The midnight in Vietnam `historyDays` days before the last one at or before `until`, so that
 * the hours orders are placed at (`timeOnDay`) are Vietnamese hours whatever time `until` is.
 */
export function historyStart(until: number, historyDays: number): number {
  const midnight = Math.floor((until + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;
  return midnight - historyDays * DAY_MS;
}

/**
 * Day (since the start of the history) of customer `index` of `count`. Stratified draws from a
 * density that grows linearly to (1 + growth) times its start value, so that acquisition
 * accelerates over the two years and the days come out sorted without a sort.
 */
export function acquisitionDay(rng: Rng, index: number, count: number, growth: number, days: number): number {
  const y = Math.min((index + rng()) / count, 1);
  if (growth <= 0) return y * days;
  // Inverse of F(t) = (t + g t²/2D) / (D (1 + g/2)).
  return ((Math.sqrt(1 + 2 * growth * y * (1 + growth / 2)) - 1) * days) / growth;
}

/** Hour-of-day weights of Vietnamese online shopping: lunch break and late evening peaks. */
const HOURS = new WeightedPicker<number>(
  [2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 6, 6, 5, 4, 4, 4, 4, 5, 6, 8, 9, 7, 4].map(
    (w, h) => [h, w] as const,
  ),
);

/**
 * A time on the (Vietnamese) calendar day that contains history day `day`. On a last day that
 * `until` cuts short (today), the day's hours are squeezed into the part of it already gone.
 */
export function timeOnDay(rng: Rng, ctx: SimContext, day: number): number {
  const dayStart = ctx.start + Math.floor(day) * DAY_MS;
  const offset = HOURS.pick(rng) * 3_600_000 + Math.floor(rng() * 3_600_000);
  const left = ctx.until - dayStart;
  const ms = left < DAY_MS ? dayStart + Math.floor((offset * left) / DAY_MS) : dayStart + offset;
  return Math.min(ms, ctx.until - 1000);
}

const CHANNELS = new WeightedPicker<AcquisitionChannel>([
  ['facebook', 38],
  ['tiktok', 17],
  ['google', 15],
  ['zalo', 12],
  ['organic', 18],
]);

/** Buyers of beauty and baby products are mostly women; of equipment, about half. */
const FEMALE_SHARE: Record<DemoCategory, number> = {
  beauty: 0.9,
  'mother-baby': 0.85,
  coffee: 0.5,
  printing: 0.5,
  electronics: 0.35,
};

/** A buyer whose mean gap between purchases is at most this many days restocks a consumable. */
const RESTOCK_GAP_DAYS = 60;

const NOTES = [
  'Khách sỉ, giá riêng',
  'Gọi trước khi giao',
  'Hay đổi địa chỉ nhận hàng',
  'Khách quen của shop',
];

/** One simulated customer with their orders and, for a buyer, the drawn truth. */
export interface SimulatedCustomerResult {
  customer: DemoCustomer;
  /** Orders in time order; `id` and `name` are empty until the caller numbers them. */
  orders: DemoOrder[];
  truth: DemoTruth | undefined;
}

interface Interest {
  interest: DemoCategory;
  staple: DemoProduct | undefined;
}

/**
 * A repeat buyer whose purchases come on average at most RESTOCK_GAP_DAYS apart is (mostly) a
 * restocker: they get the consumable whose reorder cycle is nearest that mean gap, and their
 * purchases are spread evenly over the same span (see `respace`). Everyone else gets an interest
 * drawn by the shop's category weights.
 */
function chooseInterest(rng: Rng, sim: SimulatedCustomer | undefined): Interest {
  const x = sim ? sim.purchaseTimes.length - 1 : 0;
  const gap = sim && x > 0 ? sim.purchaseTimes[x]! / x : Number.POSITIVE_INFINITY;
  if (sim && gap <= RESTOCK_GAP_DAYS && chance(rng, 0.85)) {
    sim.purchaseTimes = respace(rng, sim.purchaseTimes);
    return restockChoice(rng, gap);
  }
  return { interest: INTERESTS.pick(rng), staple: undefined };
}

/**
 * The purchase times of a restocker, re-spaced to regular gaps (±15%) between the first purchase
 * and the last. The BG/NBD likelihood depends only on the number of repeat purchases x, the time
 * of the last one t_x and the observation length T, which all stay as drawn, so the population
 * parameters are recovered exactly as before, while the gaps now show the reorder cycle that
 * seed 003 describes (printer, then paper every week or two).
 */
function respace(rng: Rng, times: readonly number[]): number[] {
  const x = times.length - 1;
  const gaps = Array.from({ length: x }, () => 0.85 + 0.3 * rng());
  const scale = times[x]! / gaps.reduce((sum, g) => sum + g, 0);
  const out = [0];
  for (const g of gaps) out.push(out[out.length - 1]! + g * scale);
  out[x] = times[x]!;
  return out;
}

function newCustomer(
  rng: Rng,
  ctx: SimContext,
  index: number,
  interest: Interest,
  referredBy: string | undefined,
): DemoCustomer {
  const name = randomName(rng, FEMALE_SHARE[interest.interest]);
  const phoneOnly = chance(rng, ctx.params.phoneOnlyShare);
  const email = phoneOnly ? undefined : randomEmail(rng, name, ctx.emails);
  const mobile = mobileFor(index, ctx.mobileKey);
  // A few e-mail customers left the top-level phone empty; their address still has it.
  const phoneField = email && chance(rng, 0.05) ? '' : messyPhone(rng, mobile);
  const channel: AcquisitionChannel = referredBy ? 'referral' : CHANNELS.pick(rng);
  return {
    id: String(ctx.customerIdBase + index * 1000 + Math.floor(rng() * 1000)),
    firstName: `${name.middle} ${name.given}`,
    lastName: name.family,
    fullName: fullName(name),
    gender: name.gender,
    email,
    mobile,
    phoneField,
    addressPhoneField: messyPhone(rng, mobile),
    address: randomAddress(rng),
    acceptsEmail: email !== undefined && chance(rng, 0.55),
    acceptsSms: chance(rng, 0.4),
    createdAt: 0,
    channel,
    referredBy,
    interest: interest.interest,
    staple: interest.staple,
    preferredPayment: ctx.payments.pick(rng),
    note: chance(rng, 0.04) ? pickOne(rng, NOTES) : '',
    tags: referredBy ? [`channel:${channel}`, 'referral'] : [`channel:${channel}`],
    anonymousId: `anon_${randomHex16(rng)}`,
    totalSpent: 0,
    totalOrders: 0,
  };
}

/**
 * Customer `index`: a registered customer who never bought, or a buyer whose first purchase is
 * on `acquiredDay` and whose later purchases follow the BG/NBD process up to the end of history.
 */
export function simulateCustomer(
  ctx: SimContext,
  index: number,
  acquiredDay: number,
  referredBy: string | undefined,
): SimulatedCustomerResult {
  const rng = rngFor(ctx.seed, STREAM.customer, index);
  const buyer = !chance(rng, ctx.params.neverBoughtShare);
  const horizonDays = ctx.days - acquiredDay;
  const sim = buyer ? simulateBgNbdCustomer(rng, ctx.params.bgnbd, ctx.params.gg, horizonDays) : undefined;
  const customer = newCustomer(rng, ctx, index, chooseInterest(rng, sim), referredBy);
  if (!sim) {
    customer.createdAt = timeOnDay(rng, ctx, acquiredDay);
    return { customer, orders: [], truth: undefined };
  }
  const orders = buildOrders(
    rng,
    ctx,
    customer,
    acquiredDay,
    sim,
    new Supplies(ctx.seed, index, customer.staple, sim.purchaseTimes),
  );
  customer.createdAt = Math.max(ctx.start, orders[0]!.createdAt - (1 + Math.floor(rng() * 15)) * MINUTE_MS);
  const truth: DemoTruth = {
    customerId: customer.id,
    lambda: sim.lambda,
    dropoutP: sim.dropoutP,
    meanSpend: sim.meanSpend,
    horizonDays,
    purchaseDays: sim.purchaseTimes,
    spends: sim.spends,
  };
  return { customer, orders, truth };
}

function buildOrders(
  rng: Rng,
  ctx: SimContext,
  customer: DemoCustomer,
  acquiredDay: number,
  sim: SimulatedCustomer,
  supplies: Supplies,
): DemoOrder[] {
  const owned = new Set<DemoProduct>();
  const keep = (p: DemoProduct) => !owned.has(p) && !supplies.elsewhere(p);
  const orders: DemoOrder[] = [];
  let previous = 0;
  for (let j = 0; j < sim.purchaseTimes.length; j++) {
    // Several purchases on one day keep their order.
    const createdAt = Math.max(
      timeOnDay(rng, ctx, acquiredDay + sim.purchaseTimes[j]!),
      previous + MINUTE_MS,
    );
    previous = createdAt;
    // The consumables run out about now come first, with the packs that last until a later order.
    const due = supplies.due(j).map((p) => lineFor(rng, p, 1));
    supplies.bought(j, due);
    const lines =
      j === 0
        ? firstBasket(rng, customer, sim.spends[0]!)
        : due.length > 0
          ? restockBasket(rng, sim.spends[j]!, due, CATEGORY_ADDONS[customer.interest].filter(keep))
          : repeatBasket(rng, customer, sim.spends[j]!, keep);
    for (const l of lines) if (!l.product.consumable) owned.add(l.product);
    supplies.bought(
      j,
      lines.filter((l) => !due.includes(l)),
    );
    orders.push(buildOrder(rng, ctx, customer, j, Math.min(createdAt, ctx.until - 1000), lines));
  }
  return orders;
}

/** Share of first orders that are a durable, by interest (equipment buyers come for a machine). */
const FIRST_DURABLE_SHARE: Record<DemoCategory, number> = {
  printing: 0.2,
  'mother-baby': 0.08,
  coffee: 0.1,
  beauty: 0.04,
  electronics: 0,
};

function firstBasket(rng: Rng, customer: DemoCustomer, spend: number): DemoLine[] {
  const staple = customer.staple;
  const owners = staple ? DURABLES_FOR_REFILL.get(staple.sku) : undefined;
  // Seed 003: the printer buyer comes back for paper. Restockers often start with the machine.
  if (owners && chance(rng, 0.6)) return durableBasket(rng, pickOne(rng, owners));
  const durables = durablesOf(customer.interest);
  if (!staple && durables.length > 0 && chance(rng, FIRST_DURABLE_SHARE[customer.interest]))
    return durableBasket(rng, pickOne(rng, durables));
  const anchor = staple && chance(rng, 0.6) ? staple : undefined;
  return fillBasket(
    rng,
    spend,
    CATEGORY_PRODUCTS[customer.interest],
    CATEGORY_ADDONS[customer.interest],
    anchor,
  );
}

/**
 * A repeat order with nothing run out: the restocker's add-ons, or a main item of their interest.
 * Nobody buys the same stroller twice, nor here what they now buy elsewhere: `keep` says which
 * products stay in the pools.
 */
function repeatBasket(
  rng: Rng,
  customer: DemoCustomer,
  spend: number,
  keep: (p: DemoProduct) => boolean,
): DemoLine[] {
  const all = CATEGORY_ADDONS[customer.interest];
  const kept = all.filter(keep);
  const addons = kept.length > 0 ? kept : all;
  if (customer.staple && chance(rng, 0.75)) return fillBasket(rng, spend, addons, addons);
  const pool = (chance(rng, 0.85) ? CATEGORY_PRODUCTS[customer.interest] : DEMO_CATALOG).filter(keep);
  return fillBasket(rng, spend, pool.length > 0 ? pool : addons, addons);
}

const SHIPPING = new WeightedPicker<readonly [string, number]>([
  [['Giao hàng tiết kiệm', 22_000], 35],
  [['Giao hàng nhanh', 30_000], 30],
  [['Viettel Post', 25_000], 20],
  [['J&T Express', 28_000], 15],
]);

const ORDER_NOTES = ['Giao giờ hành chính', 'Gọi trước khi giao', 'Để hàng ở bảo vệ giúp em', 'Giao sau 17h'];

function buildOrder(
  rng: Rng,
  ctx: SimContext,
  customer: DemoCustomer,
  sequence: number,
  createdAt: number,
  lines: DemoLine[],
): DemoOrder {
  const [shippingMethod, fee] = SHIPPING.pick(rng);
  const remote = customer.address.city.deliveryDays[0] > 1;
  const paymentMethod = chance(rng, 0.85) ? customer.preferredPayment : ctx.payments.pick(rng);
  const order: DemoOrder = {
    id: '',
    name: '',
    customer,
    // Some e-mail customers check out with their phone only.
    email: customer.email && !chance(rng, 0.03) ? customer.email : '',
    phone: messyPhone(rng, customer.mobile),
    sequence,
    createdAt,
    paidAt: undefined,
    fulfilledAt: undefined,
    deliveredAt: undefined,
    cancelledAt: undefined,
    outcome: 'delivered',
    financialStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
    paymentMethod,
    shippingMethod,
    lines,
    itemsTotal: 0,
    discountCode: '',
    discountAmount: 0,
    subtotal: 0,
    shipping: 0,
    total: 0,
    refunded: 0,
    tags: NO_TAGS,
    note: chance(rng, 0.06) ? pickOne(rng, ORDER_NOTES) : '',
    noteAttributes: sequence === 0 && customer.channel !== 'organic' ? `utm_source: ${customer.channel}` : '',
  };
  applyDiscount(rng, order);
  recomputeTotals(order, ctx.params.freeShippingFrom, fee + (remote ? 5_000 : 0));
  settle(rng, ctx, order);
  return order;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

function itemsTotal(lines: readonly DemoLine[]): number {
  let sum = 0;
  for (const l of lines) sum += l.price * l.quantity;
  return sum;
}

/** Discount code and amount: welcome and referral codes on first orders, sales on repeat ones. */
function applyDiscount(rng: Rng, order: DemoOrder): void {
  const items = itemsTotal(order.lines);
  const set = (code: string, amount: number) => {
    order.discountCode = code;
    order.discountAmount = amount;
  };
  if (order.sequence === 0) {
    if (order.customer.referredBy) {
      if (items >= 200_000) set('GIOITHIEU', 50_000);
    } else if (chance(rng, 0.12)) set('CHAOBAN10', Math.min(100_000, roundTo1000(items * 0.1)));
    return;
  }
  if (!chance(rng, 0.1)) return;
  const month = vnMonthNumber(order.createdAt);
  if (month === 11) set('SALE1111', Math.min(150_000, roundTo1000(items * 0.15)));
  else if (month === 12) set('SALE1212', Math.min(120_000, roundTo1000(items * 0.12)));
  else set('KHACHQUEN', roundTo1000(items * 0.05));
}

/**
 * Shopify's totals: subtotal is items after discounts, total adds shipping (prices include VAT,
 * so taxes are 0). Called again when the bench trims the lines of its last order.
 */
export function recomputeTotals(order: DemoOrder, freeShippingFrom: number, fee?: number): void {
  order.itemsTotal = itemsTotal(order.lines);
  order.discountAmount = Math.min(order.discountAmount, order.itemsTotal);
  if (order.discountAmount === 0) order.discountCode = '';
  order.subtotal = order.itemsTotal - order.discountAmount;
  if (fee !== undefined) order.shipping = order.subtotal >= freeShippingFrom ? 0 : fee;
  order.total = order.subtotal + order.shipping;
  order.refunded = Math.min(order.refunded, order.total);
}
