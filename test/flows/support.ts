import { afterOrders } from '../../src/app/after-orders.js';
import { loadChannels, setChannelSetting } from '../../src/app/channel-settings.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { createFlow } from '../../src/app/flows/definitions.js';
import { type RunDueResult, runDueFlows } from '../../src/app/flows/run-due.js';
import type { Channels } from '../../src/channels/channel.js';
import type { CustomerInput, EventInput, OrderInput } from '../../src/domain/model/index.js';
import { listMessages, type MessageRecord } from '../../src/store/flows/messages.js';
import { createSegment } from '../../src/store/segments/index.js';
import type { Store } from '../../src/store/store.js';
import { type EngineUnderTest, TestClock } from '../support/engines.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { ESMS_FAKE_KEYS, type EsmsSent, startEsmsFake } from '../support/fakes/esms.js';
import { type MailReceived, startSmtpFake } from '../support/fakes/smtp.js';

export const SHOP = 'flowshop';
export const VN = 'Asia/Ho_Chi_Minh';

/** An instant given as shop (Vietnam) wall time: `vn('2027-03-01', '09:00')`. */
export const vn = (day: string, time = '12:00') => new Date(`${day}T${time}:00+07:00`);

/** A shop with real channels pointed at local fake providers, and a clock the test moves. */
export interface FlowShop {
  store: Store;
  ctx: AppContext;
  clock: TestClock;
  esms: FakeProvider<EsmsSent>;
  smtp: FakeProvider<MailReceived>;
  channels: Channels;
  /** Moves the clock to `at`. */
  at(at: Date): void;
  /** `nurture flow run-due --as-of at` (and moves the clock there). */
  runDue(at: Date): Promise<RunDueResult>;
  /** Imports customers, orders and events at the clock's time, then the after-orders pipeline. */
  load(batch: {
    customers?: CustomerInput[];
    orders?: OrderInput[];
    events?: EventInput[];
  }): Promise<string[]>;
  /** Creates a live flow from a document at the clock's time. */
  flow(document: Record<string, unknown>): Promise<void>;
  messages(): Promise<MessageRecord[]>;
  idOf(phone: string): Promise<string>;
  close(): Promise<void>;
}

export async function openFlowShop(engine: EngineUnderTest, start: Date): Promise<FlowShop> {
  const clock = new TestClock(start.getTime());
  const store = await engine.open(clock);
  const ctx = makeContext(store);
  await store.ensureShop({ shopId: SHOP, name: 'Giấy Mực An Phát', timezone: VN });
  const esms = await startEsmsFake();
  const smtp = await startSmtpFake();
  const settings: [string, string, string][] = [
    ['esms', 'base_url', esms.url],
    ['esms', 'api_key', ESMS_FAKE_KEYS.apiKey],
    ['esms', 'secret_key', ESMS_FAKE_KEYS.secretKey],
    ['esms', 'brandname', ESMS_FAKE_KEYS.brandname],
    ['email', 'smtp_url', smtp.url],
    ['email', 'from', 'An Phát <cskh@anphat.vn>'],
  ];
  for (const [channel, key, value] of settings)
    await setChannelSetting(ctx, { shopId: SHOP, channel, key, value });
  const channels = await loadChannels(ctx, SHOP);
  const shop: FlowShop = {
    store,
    ctx,
    clock,
    esms,
    smtp,
    channels,
    at(at) {
      clock.advance(at.getTime() - clock.now());
    },
    async runDue(at) {
      shop.at(at);
      return runDueFlows(ctx, { shopId: SHOP, asOf: at }, { channels });
    },
    async load(batch) {
      const ids = await store.transaction(async (tx) => {
        const r = await tx.importBatch(
          SHOP,
          { customers: batch.customers ?? [], orders: batch.orders ?? [], events: batch.events ?? [] },
          tx.newId('imp'),
          new Date(clock.now()),
        );
        return r.customerIds;
      });
      await afterOrders(ctx, SHOP, ids);
      return ids;
    },
    async flow(document) {
      await createFlow(ctx, { shopId: SHOP, document, live: true });
    },
    messages: () => listMessages(store, SHOP, { limit: 10_000 }),
    async idOf(phone) {
      const c = await store.findCustomerByKey(SHOP, 'phone', phone);
      if (!c) throw new Error(`no customer ${phone}`);
      return c.customerId;
    },
    async close() {
      await esms.close();
      await smtp.close();
      await store.close();
    },
  };
  return shop;
}

/** A customer who agreed to SMS and e-mail promotions. */
export function customer(phone: string, over: Partial<CustomerInput> = {}): CustomerInput {
  return {
    source: 'shopify',
    externalId: phone,
    phone,
    email: `${phone.replace('+', '')}@example.vn`,
    firstName: 'Lan',
    lastName: 'Nguyễn',
    consent: { sms: true, email: true },
    tags: [],
    attributes: {},
    ...over,
  };
}

export function order(
  id: string,
  phone: string,
  at: Date,
  over: { sku?: string; total?: number; status?: OrderInput['status']; couponCode?: string } = {},
): OrderInput {
  const total = over.total ?? 3_500_000;
  const sku = over.sku ?? 'PRN-01';
  return {
    source: 'shopify',
    externalId: id,
    name: `#${id}`,
    customer: { externalId: phone, phone },
    status: over.status ?? 'paid',
    currency: 'VND',
    subtotal: String(total),
    shipping: '0',
    taxes: '0',
    discount: '0',
    total: String(total),
    refunded: '0',
    createdAt: at,
    tags: [],
    ...(over.couponCode ? { couponCode: over.couponCode } : {}),
    lines: [
      {
        sku,
        title: sku === 'PRN-01' ? 'Máy in Canon LBP 2900' : sku,
        category: 'printer',
        quantity: 1,
        price: String(total),
      },
    ],
  };
}

export function event(
  name: EventInput['event'],
  phone: string,
  at: Date,
  id: string,
  properties: Record<string, unknown> = {},
): EventInput {
  return { event: name, phone, timestamp: at, properties, messageId: id };
}

/** A promotional SMS step. */
export function smsStep(id: string, text: string, over: Record<string, unknown> = {}) {
  return { kind: 'send', id, channels: ['sms'], content: { sms: { text } }, ...over };
}

export { createSegment };
