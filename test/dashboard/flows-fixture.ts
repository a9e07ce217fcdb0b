/**
 * A shop for the flow pages' tests: a live flow that has sent, deferred, expired and suppressed
 * messages (the frequency cap and consent at work), a draft with every kind of branch, and a
 * signed-in server over it.
 */

import { createFlow } from '../../src/app/flows/definitions.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { buildServer } from '../../src/server/server.js';
import { customer, type FlowShop, openFlowShop, order, SHOP, smsStep, vn } from '../flows/support.js';
import type { EngineUnderTest } from '../support/engines.js';

export const LAN = '+84912000001';
export const MAI = '+84912000002';

export interface FlowPagesShop {
  shop: FlowShop;
  url: string;
  close(): Promise<void>;
}

/** The branching draft: wait for an event (two branches), a condition, a weighted split. */
export const BRANCHY = {
  name: 'checkout',
  title: { vi: 'Nhắc giỏ hàng', en: 'Checkout reminder' },
  trigger: { kind: 'event', event: 'Checkout Started' },
  entry: { policy: 'every', key: 'occurrence' },
  exitWhen: [{ kind: 'placed_order' }],
  steps: [
    {
      kind: 'wait_for_event',
      id: 'wait-order',
      event: 'Order Completed',
      timeout: '1h',
      onEvent: [{ kind: 'exit', id: 'bought' }],
      onTimeout: [
        {
          kind: 'condition',
          id: 'big-cart',
          query: 'number_of_orders >= 1',
          yes: [{ kind: 'coupon', id: 'coupon', coupon: { kind: 'percent', value: 10, validFor: '24h' } }],
          no: [],
        },
        {
          kind: 'split',
          id: 'ab',
          branches: [
            {
              name: 'sms',
              weight: 2,
              steps: [smsStep('remind-sms', 'Giỏ hàng của {{ customer.first_name }} đang chờ')],
            },
            { name: 'email', weight: 1, steps: [{ kind: 'wait', id: 'w1', duration: '7d', at: '09:00' }] },
          ],
        },
      ],
    },
  ],
};

export async function openFlowPagesShop(engine: EngineUnderTest): Promise<FlowPagesShop> {
  const shop = await openFlowShop(engine, vn('2027-03-01', '01:00'));
  await shop.flow({
    name: 'promos',
    title: { vi: 'Khuyến mãi sau mua', en: 'Post-purchase promotions' },
    trigger: { kind: 'order', status: 'placed' },
    steps: [
      smsStep('first', 'Chào {{ customer.first_name }}, cảm ơn bạn đã mua hàng'),
      smsStep('reminder', 'Voucher còn 2 giờ!', { expiresAfter: '2h' }),
      { kind: 'wait', id: 'w', duration: '2h' },
      smsStep('second', 'Ưu đãi thứ hai'),
    ],
  });
  // Runs that stay inside for a week: an edit leaves them on version 1.
  await shop.flow({
    name: 'slow',
    trigger: { kind: 'order', status: 'placed' },
    entry: { policy: 'every', key: 'order' },
    steps: [
      { kind: 'wait', id: 'week', duration: '7d', at: '09:00' },
      smsStep('paper', 'Giấy in cho {{ customer.first_name }}?'),
    ],
  });
  await createFlow(shop.ctx, { shopId: SHOP, document: BRANCHY });
  shop.at(vn('2027-03-01', '10:00'));
  await shop.load({
    customers: [customer(LAN), customer(MAI, { firstName: 'Mai', consent: { sms: false, email: false } })],
    orders: [order('1001', LAN, vn('2027-03-01', '10:00')), order('1002', MAI, vn('2027-03-01', '10:00'))],
  });
  await shop.runDue(vn('2027-03-01', '10:00'));
  await shop.runDue(vn('2027-03-01', '12:00'));
  const server = await buildServer({
    ctx: shop.ctx,
    signInLimits: {
      perIp: new RateLimiter({ perSecond: 1, burst: 1000 }),
      perEmail: new RateLimiter({ perSecond: 1, burst: 1000 }),
    },
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  return {
    shop,
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    async close() {
      await server.app.close();
      await shop.close();
    },
  };
}
