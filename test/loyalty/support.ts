/** Helpers of the loyalty suites: a shop with a programme whose orders arrive through the import path. */
import { afterOrders } from '../../src/app/after-orders.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { setProgram } from '../../src/app/loyalty/program.js';
import { DEFAULT_PROGRAM, type ProgramInput } from '../../src/domain/loyalty/program.js';
import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import type { Store } from '../../src/store/store.js';
import type { EngineUnderTest, TestClock } from '../support/engines.js';

export const SHOP = 'loyal';
export const DAY = 86_400_000;

/** A programme for tests: the default's rules and tiers, on, with what the test changes. */
export function program(over: Partial<ProgramInput> = {}): ProgramInput {
  return { ...structuredClone(DEFAULT_PROGRAM), enabled: true, multipliers: [], ...over };
}

export interface LoyalShop {
  store: Store;
  ctx: AppContext;
  clock: TestClock;
}

export async function openShop(
  engine: EngineUnderTest,
  clock: TestClock,
  prog = program(),
): Promise<LoyalShop> {
  const store = await engine.open(clock);
  const ctx = makeContext(store);
  await store.ensureShop({ shopId: SHOP, currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });
  await setProgram(ctx, { shopId: SHOP, program: prog });
  return { store, ctx, clock };
}

export function customer(phone: string, over: Partial<CustomerInput> = {}): CustomerInput {
  return { source: 'shopify', externalId: phone, phone, consent: {}, tags: [], attributes: {}, ...over };
}

export interface OrderSpec {
  id: string;
  phone: string;
  at: Date;
  total: number;
  shipping?: number;
  status?: OrderInput['status'];
  refunded?: number;
}

export function order(s: OrderSpec): OrderInput {
  return {
    source: 'shopify',
    externalId: s.id,
    name: `#${s.id}`,
    customer: { externalId: s.phone, phone: s.phone },
    status: s.status ?? 'pending',
    paymentMethod: 'cod',
    currency: 'VND',
    subtotal: String(s.total - (s.shipping ?? 0)),
    shipping: String(s.shipping ?? 0),
    taxes: '0',
    discount: '0',
    total: String(s.total),
    refunded: String(s.refunded ?? 0),
    createdAt: s.at,
    tags: [],
    lines: [{ sku: 'SKU-1', title: 'Item', quantity: 1, price: String(s.total - (s.shipping ?? 0)) }],
  };
}

/** Writes customers, orders and events as an import batch does, then the after-orders pipeline. */
export async function arrive(
  ctx: AppContext,
  what: { customers?: CustomerInput[]; orders?: OrderSpec[]; events?: EventInput[] },
): Promise<string[]> {
  return ctx.store.transaction(async (tx) => {
    const r = await tx.importBatch(
      SHOP,
      { customers: what.customers ?? [], orders: (what.orders ?? []).map(order), events: what.events ?? [] },
      ctx.newId('imp'),
      ctx.clock.now(),
    );
    await afterOrders(ctx, SHOP, r.customerIds, tx);
    return r.customerIds;
  });
}

export async function idOf(ctx: AppContext, phone: string): Promise<string> {
  const c = await ctx.store.findCustomerByKey(SHOP, 'phone', phone);
  if (!c) throw new Error(`no customer with phone ${phone}`);
  return c.customerId;
}

/** The ledger of a customer, oldest first, as (kind, points, pending, reason). */
export async function ledger(store: Store, customerId: string) {
  const rows = await store.engine.all<{ kind: string; points: number; pending: number; reason: string }>(
    `SELECT kind, points, pending, reason FROM loyalty_ledger WHERE shop_id = $1 AND customer_id = $2
     ORDER BY created_at, entry_id`,
    [SHOP, customerId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    points: Number(r.points),
    pending: Number(r.pending),
    reason: r.reason,
  }));
}

export async function eventsNamed(store: Store, name: string) {
  const rows = await store.engine.all<{ customer_id: string; properties: string; occurred_at: Date }>(
    'SELECT customer_id, properties, occurred_at FROM events WHERE shop_id = $1 AND name = $2 ORDER BY occurred_at',
    [SHOP, name],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    ...(JSON.parse(r.properties) as Record<string, unknown>),
  }));
}
