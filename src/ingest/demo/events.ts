/**
 * Storefront and message events of the demo shop (Segment e-commerce names): the session that
 * leads to each order, browse-only sessions and abandoned carts, anonymous visitors who never buy,
 * reactions to monthly campaigns, and NPS answers that follow loyalty.
 */
import { makeIdGenerator } from '../../domain/ids.js';
import { sampleNormal, samplePoisson } from '../../domain/random/distributions.js';
import { CATEGORY_PRODUCTS, INTERESTS } from './basket.js';
import { DEMO_CATALOG, type DemoProduct } from './catalog.js';
import { monthsBetween } from './costs.js';
import type { DemoParams } from './params.js';
import { mobileE164 } from './people.js';
import { chance, intBetween, pickOne, type Rng, randomHex16, rngFor, STREAM } from './random.js';
import { acquisitionDay, DAY_MS } from './simulate.js';
import type { DemoCustomer, DemoEvent, DemoOrder, JsonValue } from './types.js';

const MINUTE_MS = 60_000;

/** What event generation needs from the shop (seed, parameters, history bounds). */
export interface EventContext {
  seed: number;
  params: DemoParams;
  start: number;
  until: number;
}

interface Who {
  userId?: string;
  anonymousId?: string;
  email?: string;
  phone?: string;
}

/** Collects events of one stream with sortable, reproducible message ids. */
class EventSink {
  readonly events: DemoEvent[] = [];
  private clock = 0;
  private readonly ids: (prefix: 'evt') => string;

  constructor(
    rng: Rng,
    private readonly until: number,
  ) {
    this.ids = makeIdGenerator({ now: () => this.clock, random: rng });
  }

  add(event: string, at: number, who: Who, properties: Record<string, JsonValue>): void {
    // Nothing is observed after the end of history.
    if (at >= this.until) return;
    this.clock = at;
    this.events.push({
      messageId: this.ids('evt'),
      event,
      ...who,
      timestamp: new Date(at).toISOString(),
      properties,
    });
  }
}

function productProps(p: DemoProduct): Record<string, JsonValue> {
  return {
    product_id: p.sku,
    sku: p.sku,
    name: p.title,
    category: p.category,
    brand: p.vendor,
    price: p.price,
    currency: 'VND',
  };
}

const BLOG_POSTS: readonly { slug: string; title: string }[] = [
  { slug: 'chon-giay-in-nhiet', title: 'Cách chọn giấy in nhiệt phù hợp cho shop online' },
  { slug: 'skincare-5-buoc', title: 'Quy trình skincare 5 bước cho da dầu mụn' },
  { slug: 'chon-ta-cho-be', title: 'Bé mấy tháng thì chuyển sang tã quần?' },
  { slug: 'pha-phin-ngon', title: 'Pha cà phê phin ngon như ngoài quán' },
  { slug: 'sac-nhanh-chai-pin', title: 'Sạc nhanh có làm chai pin điện thoại không?' },
  { slug: 'bao-quan-sua-me', title: 'Bảo quản sữa mẹ trong tủ lạnh bao lâu?' },
];

/** Product Viewed × n, sometimes an abandoned cart or checkout, sometimes a blog post. */
function browseSession(
  sink: EventSink,
  rng: Rng,
  at: number,
  who: Who,
  interest: readonly DemoProduct[],
): void {
  let t = at;
  const step = () => {
    t += intBetween(rng, 20, 180) * 1000;
    return t;
  };
  if (chance(rng, 0.25)) {
    const post = pickOne(rng, BLOG_POSTS);
    sink.add('Blog Post Viewed', step(), who, {
      slug: post.slug,
      title: post.title,
      url: `/blogs/tin-tuc/${post.slug}`,
    });
  }
  const views = intBetween(rng, 1, 3);
  let last: DemoProduct | undefined;
  for (let i = 0; i < views; i++) {
    last = chance(rng, 0.8) ? pickOne(rng, interest) : pickOne(rng, DEMO_CATALOG);
    sink.add('Product Viewed', step(), who, productProps(last));
  }
  if (last && chance(rng, 0.25)) {
    sink.add('Product Added', step(), who, { ...productProps(last), quantity: 1 });
    if (chance(rng, 0.3))
      sink.add('Checkout Started', step(), who, {
        value: last.price,
        currency: 'VND',
        products: [productProps(last)],
      });
  }
}

function orderProducts(order: DemoOrder): JsonValue[] {
  return order.lines.map((l) => ({ ...productProps(l.product), price: l.price, quantity: l.quantity }));
}

/** The session that ends in `order`: views of what was bought (and a bit more), cart, checkout. */
function orderSession(sink: EventSink, rng: Rng, order: DemoOrder, who: Who): void {
  const c = order.customer;
  const extra = intBetween(rng, 0, 2);
  const steps = order.lines.length * 2 + extra + 1;
  let t = order.createdAt - steps * intBetween(rng, 40, 150) * 1000;
  const next = () => {
    t += intBetween(rng, 20, 120) * 1000;
    return Math.min(t, order.createdAt - 1000);
  };
  for (let i = 0; i < extra; i++)
    sink.add('Product Viewed', next(), who, productProps(pickOne(rng, CATEGORY_PRODUCTS[c.interest])));
  for (const l of order.lines) sink.add('Product Viewed', next(), who, productProps(l.product));
  for (const l of order.lines)
    sink.add('Product Added', next(), who, { ...productProps(l.product), quantity: l.quantity });
  const products = orderProducts(order);
  sink.add('Checkout Started', next(), who, { value: order.subtotal, currency: 'VND', products });
  sink.add(
    'Order Completed',
    order.createdAt,
    { ...who, ...(order.email ? { email: order.email } : {}) },
    {
      order_id: order.id,
      order_number: order.name,
      total: order.total,
      subtotal: order.subtotal,
      revenue: order.subtotal,
      shipping: order.shipping,
      tax: 0,
      discount: order.discountAmount,
      ...(order.discountCode ? { coupon: order.discountCode } : {}),
      currency: 'VND',
      products,
    },
  );
}

const NPS_COMMENTS_GOOD = [
  'Shop giao nhanh, hàng chuẩn',
  'Sẽ ủng hộ shop dài dài',
  'Tư vấn nhiệt tình',
  'Đóng gói cẩn thận',
];
const NPS_COMMENTS_BAD = [
  'Giao hàng chậm quá',
  'Hàng không giống hình',
  'Shop trả lời tin nhắn chậm',
  'Phí ship cao',
];

/**
 * One NPS answer a few days after a delivered order. The score rises with the number of orders
 * and falls with the share of them that failed at delivery or came back, so that NPS joins
 * loyalty as in seed 000.
 */
function npsAnswer(sink: EventSink, rng: Rng, orders: readonly DemoOrder[], who: Who): void {
  const delivered = orders.filter((o) => o.deliveredAt !== undefined);
  if (delivered.length === 0) return;
  const order = delivered[delivered.length - 1]!;
  const bad = orders.filter((o) => o.outcome === 'failed_delivery' || o.outcome === 'returned').length;
  const mean = 6.8 + 0.8 * Math.min(orders.length - 1, 4) - (4 * bad) / orders.length;
  const score = Math.max(0, Math.min(10, Math.round(mean + 1.6 * sampleNormal(rng))));
  const props: Record<string, JsonValue> = { kind: 'nps', score, order_number: order.name };
  if (chance(rng, 0.4)) props['comment'] = pickOne(rng, score >= 7 ? NPS_COMMENTS_GOOD : NPS_COMMENTS_BAD);
  sink.add('Survey Answered', order.deliveredAt! + Math.round((2 + 5 * rng()) * DAY_MS), who, props);
}

/** Browse-only sessions of a customer, from a month before sign-up to a while after the last order. */
function customerBrowsing(
  sink: EventSink,
  rng: Rng,
  ctx: EventContext,
  c: DemoCustomer,
  orders: readonly DemoOrder[],
): void {
  const p = ctx.params;
  const sessions = samplePoisson(rng, p.browseSessionsBase + p.browseSessionsPerOrder * orders.length);
  const from = Math.max(ctx.start, c.createdAt - 30 * DAY_MS);
  const lastActive = orders.length > 0 ? orders[orders.length - 1]!.createdAt : c.createdAt;
  const to = Math.min(ctx.until, lastActive + 90 * DAY_MS);
  const interest = CATEGORY_PRODUCTS[c.interest];
  for (let i = 0; i < sessions; i++) {
    const at = from + Math.floor(rng() * (to - from));
    // Before signing up the visitor is known only by the device id.
    const who: Who =
      at < c.createdAt ? { anonymousId: c.anonymousId } : { userId: c.id, anonymousId: c.anonymousId };
    browseSession(sink, rng, at, who, interest);
  }
}

function customerEvents(
  ctx: EventContext,
  index: number,
  c: DemoCustomer,
  orders: readonly DemoOrder[],
): DemoEvent[] {
  const rng = rngFor(ctx.seed, STREAM.events, index);
  const sink = new EventSink(rng, ctx.until);
  const who: Who = { userId: c.id, anonymousId: c.anonymousId };
  for (const o of orders) orderSession(sink, rng, o, who);
  customerBrowsing(sink, rng, ctx, c, orders);
  if (orders.length > 0 && chance(rng, ctx.params.npsShare))
    npsAnswer(sink, rng, orders, {
      userId: c.id,
      ...(c.email ? { email: c.email } : {}),
      phone: mobileE164(c.mobile),
    });
  return sink.events;
}

/** Visitors who look around and leave; their visits follow the shop's growth like its customers. */
function anonymousEvents(ctx: EventContext, count: number): DemoEvent[] {
  const rng = rngFor(ctx.seed, STREAM.anonymous);
  const sink = new EventSink(rng, ctx.until);
  for (let i = 0; i < count; i++) {
    const who: Who = { anonymousId: `anon_${randomHex16(rng)}` };
    const interest = CATEGORY_PRODUCTS[INTERESTS.pick(rng)];
    const days = (ctx.until - ctx.start) / DAY_MS;
    const day = acquisitionDay(rng, i, count, ctx.params.acquisitionGrowth, days);
    const sessions = chance(rng, 0.3) ? 2 : 1;
    for (let s = 0; s < sessions; s++) {
      const at = ctx.start + Math.floor((day + s * 3 * rng()) * DAY_MS);
      browseSession(sink, rng, at, who, interest);
    }
  }
  return sink.events;
}

interface Campaign {
  name: string;
  channel: 'email' | 'zalo' | 'sms';
  at: number;
}

/** Campaign names by month: the Vietnamese retail calendar, a newsletter otherwise. */
const CAMPAIGN_BY_MONTH: Record<number, string> = {
  1: 'sale-tet',
  3: 'mung-8-3',
  6: 'sale-6-6',
  9: 'sale-9-9',
  10: 'mung-20-10',
  11: 'sale-11-11',
  12: 'sale-12-12',
};

function campaigns(ctx: EventContext): Campaign[] {
  const out: Campaign[] = [];
  for (const month of monthsBetween(ctx.start, ctx.until)) {
    const m = Number(month.slice(5));
    const name = CAMPAIGN_BY_MONTH[m] ?? `ban-tin-${month}`;
    // Sent on the 5th at 10:00 Vietnam time; big sales also go out by SMS.
    const at = Date.parse(`${month}-05T10:00:00+07:00`);
    if (at < ctx.start || at >= ctx.until) continue;
    out.push({ name, channel: 'email', at }, { name, channel: 'zalo', at: at + 2 * 3_600_000 });
    if (m === 1 || m === 11 || m === 12) out.push({ name, channel: 'sms', at: at + 4 * 3_600_000 });
  }
  return out;
}

/** Bought within the last 120 days: opens and clicks far more often. */
function engagedAt(orders: readonly DemoOrder[], at: number): boolean {
  for (const o of orders) if (o.createdAt < at && at - o.createdAt < 120 * DAY_MS) return true;
  return false;
}

/**
 * Reactions to each campaign from the customers who could receive it (signed up before, with
 * consent for the channel, not opted out): Message Opened, Clicked and Declined.
 */
function campaignEvents(
  ctx: EventContext,
  customers: readonly DemoCustomer[],
  ordersOf: (c: DemoCustomer) => readonly DemoOrder[],
): DemoEvent[] {
  const optedOut = new Set<string>();
  const all: DemoEvent[] = [];
  campaigns(ctx).forEach((campaign, k) => {
    const rng = rngFor(ctx.seed, STREAM.campaigns, k);
    const sink = new EventSink(rng, ctx.until);
    const props = { campaign: campaign.name, channel: campaign.channel };
    for (const c of customers) {
      const key = `${c.id}|${campaign.channel}`;
      if (c.createdAt >= campaign.at || optedOut.has(key)) continue;
      if (campaign.channel === 'email' ? !c.acceptsEmail : !c.acceptsSms) continue;
      const who: Who =
        campaign.channel === 'email'
          ? { userId: c.id, email: c.email! }
          : { userId: c.id, phone: mobileE164(c.mobile) };
      const engaged = engagedAt(ordersOf(c), campaign.at);
      if (chance(rng, engaged ? 0.01 : 0.03)) {
        sink.add('Message Declined', campaign.at + Math.round(rng() * DAY_MS), who, {
          ...props,
          reason: chance(rng, 0.6) ? 'unsubscribe' : 'not_interested',
        });
        optedOut.add(key);
        continue;
      }
      const openRate = (campaign.channel === 'email' ? 0.3 : 0.5) * (engaged ? 1.5 : 0.6);
      if (!chance(rng, openRate)) continue;
      const openedAt = campaign.at + Math.round(5 * MINUTE_MS + rng() * 2 * DAY_MS);
      sink.add('Message Opened', openedAt, who, props);
      if (chance(rng, engaged ? 0.3 : 0.1))
        sink.add('Message Clicked', openedAt + Math.round((1 + 30 * rng()) * MINUTE_MS), who, props);
    }
    append(all, sink.events);
  });
  return all;
}

/** Every event of the shop, sorted by time (stable, so a session keeps its order). */
export function generateEvents(
  ctx: EventContext,
  customers: readonly DemoCustomer[],
  ordersByCustomer: ReadonlyMap<DemoCustomer, readonly DemoOrder[]>,
): DemoEvent[] {
  const ordersOf = (c: DemoCustomer) => ordersByCustomer.get(c) ?? [];
  const events: DemoEvent[] = [];
  customers.forEach((c, i) => {
    append(events, customerEvents(ctx, i, c, ordersOf(c)));
  });
  append(
    events,
    anonymousEvents(ctx, Math.round(customers.length * ctx.params.anonymousVisitorsPerCustomer)),
  );
  append(events, campaignEvents(ctx, customers, ordersOf));
  return events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

/** push(...) without spreading a large array into arguments. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
