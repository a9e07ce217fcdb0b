/**
 * The demo shop generator: a believable Vietnamese online shop whose buyers follow a BG/NBD
 * process with Gamma-Gamma spend (DEMO_BGNBD_PARAMS, DEMO_GG_PARAMS). Pure: the same options give
 * the same shop, and time comes in as `until`, never from the clock.
 */
import { NurtureError } from '../../errors.js';
import { DEMO_CATALOG } from './catalog.js';
import { marketingCosts } from './costs.js';
import { generateEvents } from './events.js';
import {
  DEMO_DEFAULT_CUSTOMERS,
  DEMO_DEFAULT_PARAMS,
  DEMO_DEFAULT_SEED,
  DEMO_UNTIL,
  type DemoParams,
} from './params.js';
import { chance, deriveSeed, pickOne, type Rng, rngFor, STREAM } from './random.js';
import {
  acquisitionDay,
  newSimContext,
  recomputeTotals,
  type SimContext,
  type SimulatedCustomerResult,
  simulateCustomer,
} from './simulate.js';
import type { DemoCustomer, DemoOrder, DemoShop, DemoTruth } from './types.js';

/** Options of `generateShop`; every field has a documented default. */
export interface GenerateShopOptions {
  /** Customers in customers.csv, including the registered ones who never bought. Default 2000. */
  customers?: number;
  /** Any integer; default 42. */
  seed?: number;
  /** End of history (exclusive). Default DEMO_UNTIL (end of 31 October 2026, Vietnam time). */
  until?: Date;
  /** Overrides of DEMO_DEFAULT_PARAMS. */
  params?: Partial<DemoParams>;
}

interface Resolved {
  customers: number;
  seed: number;
  until: number;
  params: DemoParams;
}

function resolve(options: GenerateShopOptions): Resolved {
  const customers = options.customers ?? DEMO_DEFAULT_CUSTOMERS;
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  const until = (options.until ?? DEMO_UNTIL).getTime();
  if (!Number.isInteger(customers) || customers < 1)
    throw new NurtureError('invalid_input', `customers must be a positive integer, got ${customers}`);
  if (!Number.isInteger(seed))
    throw new NurtureError('invalid_input', `seed must be an integer, got ${seed}`);
  if (!Number.isFinite(until)) throw new NurtureError('invalid_input', 'until is not a valid date');
  return { customers, seed, until, params: { ...DEMO_DEFAULT_PARAMS, ...options.params } };
}

/**
 * Earlier buyers who may refer a newcomer; repeat buyers are more likely to (they are listed once
 * more per repeat order, up to three). A buyer can refer from the day after their first purchase,
 * so the referrer is always an earlier customer.
 */
class ReferralPool {
  private readonly available: string[] = [];
  private readonly pending: { id: string; day: number; weight: number }[] = [];
  private next = 0;

  constructor(
    private readonly rng: Rng,
    private readonly share: number,
  ) {}

  /** A referrer for a customer acquired on `day`, or undefined. */
  draw(day: number): string | undefined {
    while (this.next < this.pending.length && Math.floor(this.pending[this.next]!.day) < Math.floor(day)) {
      const p = this.pending[this.next++]!;
      for (let k = 0; k < p.weight; k++) this.available.push(p.id);
    }
    const refer = chance(this.rng, this.share);
    // The first few customers have nobody to be referred by.
    return refer && this.available.length >= 5 ? pickOne(this.rng, this.available) : undefined;
  }

  add(result: SimulatedCustomerResult, day: number): void {
    const n = result.orders.length;
    if (n > 0) this.pending.push({ id: result.customer.id, day, weight: 1 + Math.min(n - 1, 3) });
  }
}

/** Gives orders their Shopify id (13 digits, increasing) and name (#1001…), in the given order. */
class OrderNumbers {
  private next = 0;
  private readonly rng: Rng;
  private readonly base: number;

  constructor(seed: number) {
    this.rng = rngFor(seed, STREAM.orderIds);
    this.base = 5_000_000_000_000 + (deriveSeed(seed, STREAM.orderIds) % 900) * 1_000_000_000;
  }

  assign(order: DemoOrder): void {
    order.id = String(this.base + this.next * 1000 + Math.floor(this.rng() * 1000));
    order.name = `#${1001 + this.next}`;
    this.next++;
  }
}

/** Customers in acquisition order, each simulated in turn (referrals need the earlier ones). */
function* simulateCohort(
  ctx: SimContext,
  count: number,
  firstIndex: number,
  block: number,
): Generator<SimulatedCustomerResult> {
  const acquisition = rngFor(ctx.seed, STREAM.acquisition, block);
  const referrals = new ReferralPool(rngFor(ctx.seed, STREAM.referral, block), ctx.params.referralShare);
  for (let i = 0; i < count; i++) {
    const day = acquisitionDay(acquisition, i, count, ctx.params.acquisitionGrowth, ctx.days);
    const result = simulateCustomer(ctx, firstIndex + i, day, referrals.draw(day));
    referrals.add(result, day);
    yield result;
  }
}

/** Amount paid and not refunded, and the number of orders (Shopify's Total Spent / Total Orders). */
function fillCustomerTotals(customer: DemoCustomer, orders: readonly DemoOrder[]): void {
  let spent = 0;
  for (const o of orders)
    if (
      o.financialStatus === 'paid' ||
      o.financialStatus === 'partially_refunded' ||
      o.financialStatus === 'refunded'
    )
      spent += o.total - o.refunded;
  customer.totalSpent = spent;
  customer.totalOrders = orders.length;
}

/**
 * A whole demo shop in memory: customers, orders (numbered in time order), events, catalog,
 * marketing costs, and the per-buyer truth that the files leave out.
 */
export function generateShop(options: GenerateShopOptions = {}): DemoShop {
  const { customers: count, seed, until, params } = resolve(options);
  const ctx = newSimContext(seed, params, until);
  const customers: DemoCustomer[] = [];
  const orders: DemoOrder[] = [];
  const truth: DemoTruth[] = [];
  const ordersByCustomer = new Map<DemoCustomer, DemoOrder[]>();
  for (const r of simulateCohort(ctx, count, 0, 0)) {
    customers.push(r.customer);
    for (const o of r.orders) orders.push(o);
    if (r.truth) truth.push(r.truth);
    ordersByCustomer.set(r.customer, r.orders);
    fillCustomerTotals(r.customer, r.orders);
  }
  // Stable sort: orders placed in the same millisecond keep customer order.
  orders.sort((a, b) => a.createdAt - b.createdAt);
  const numbers = new OrderNumbers(seed);
  for (const o of orders) numbers.assign(o);
  const eventCtx = { seed, params, start: ctx.start, until };
  return {
    seed,
    start: ctx.start,
    until,
    params,
    catalog: DEMO_CATALOG,
    customers,
    orders,
    events: generateEvents(eventCtx, customers, ordersByCustomer),
    marketingCosts: marketingCosts(rngFor(seed, STREAM.costs), customers, ctx.start, until),
    truth,
  };
}

/**
 * Line-item rows per customer at the default parameters (measured: about 2.2), used to size the
 * population that `generateOrdersForRows` simulates.
 */
const ROWS_PER_CUSTOMER_ESTIMATE = 2.2;

/**
 * Orders lazily, customer after customer, until exactly `rows` line items (CSV rows) have been
 * produced; the last order is cut to fit. Memory stays flat, so the bench can stream a million
 * rows. Orders are numbered in the order they are yielded (per customer, not globally by time).
 */
export function* generateOrdersForRows(
  rows: number,
  seed = DEMO_DEFAULT_SEED,
  options: Omit<GenerateShopOptions, 'customers' | 'seed'> = {},
): Generator<DemoOrder> {
  if (!Number.isInteger(rows) || rows < 0)
    throw new NurtureError('invalid_input', `rows must be a non-negative integer, got ${rows}`);
  const { until, params } = resolve({ ...options, seed });
  const ctx = newSimContext(seed, params, until);
  const numbers = new OrderNumbers(seed);
  let produced = 0;
  let firstIndex = 0;
  // A cohort sized with a margin; should it fall short, another cohort over the same years follows.
  for (let block = 0; produced < rows; block++) {
    const count = Math.ceil(((rows - produced) / ROWS_PER_CUSTOMER_ESTIMATE) * 1.25) + 10;
    for (const r of simulateCohort(ctx, count, firstIndex, block)) {
      for (const o of r.orders) {
        if (produced + o.lines.length > rows) {
          o.lines.length = rows - produced;
          recomputeTotals(o, params.freeShippingFrom);
        }
        numbers.assign(o);
        produced += o.lines.length;
        yield o;
        if (produced >= rows) return;
      }
    }
    firstIndex += count;
  }
}
