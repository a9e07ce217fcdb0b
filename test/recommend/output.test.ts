/**
 * The recommendations through the API (a real server on loopback) and in messages (the Liquid
 * variable `recommendations`), on both engines.
 */
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { manualClock } from '../../src/app/clock.js';
import { makeContext } from '../../src/app/context.js';
import { createFlow } from '../../src/app/flows/definitions.js';
import { previewFlowMessage } from '../../src/app/flows/preview.js';
import { recomputeRecommendations } from '../../src/app/recommend.js';
import { buildServer } from '../../src/server/server.js';
import { call } from '../server/support.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { dayAt, generate, loadShop, phoneOf } from './shop.js';

const SHOP = 'shop1';
const END = dayAt(360);

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    it('serves the lists over the API and fills {{ recommendations }} in messages', async () => {
      const store = await engine.open(new TestClock(END.getTime()));
      const ctx = makeContext(store, { clock: manualClock(END) });
      const server = await buildServer({ ctx });
      try {
        await loadShop(store, SHOP, generate(90, 21));
        await recomputeRecommendations(ctx, { shopId: SHOP });
        await server.app.listen({ host: '127.0.0.1', port: 0 });
        const address = server.app.server.address();
        const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
        const key = (await createApiKey(ctx, { shopId: SHOP, kind: 'secret' })).key;
        const customer = await store.findCustomerByKey(SHOP, 'phone', phoneOf(2));
        const id = customer?.customerId ?? '';

        const mine = await call(url, 'GET', `/api/v1/customers/${id}/recommendations?limit=5&lang=en`, {
          key,
        });
        expect(mine.status).toBe(200);
        const body = mine.body as {
          items: { rank: number; sku: string; reason: { kind: string; text: string } }[];
        };
        expect(body.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
        expect(body.items[0]?.sku).toMatch(/^(SHAMPOO|COND)-/);
        expect(body.items[0]?.reason.text).toMatch(/every ~\d+ days/);

        const together = await call(url, 'GET', '/api/v1/products/SHAMPOO-1/together', { key });
        expect(together.status).toBe(200);
        expect((together.body as { items: { sku: string }[] }).items[0]?.sku).toBe('COND-1');
        const popular = await call(url, 'GET', '/api/v1/products/popular?category=office&limit=3', { key });
        expect(
          (popular.body as { items: { category: string }[] }).items.every((i) => i.category === 'office'),
        ).toBe(true);
        const bad = await call(url, 'GET', '/api/v1/products/popular?kind=liked', { key });
        expect(bad.status).toBe(400);
        const unknown = await call(url, 'GET', '/api/v1/customers/cus_nobody/recommendations', { key });
        expect(unknown.status).toBe(404);

        await createFlow(ctx, {
          shopId: SHOP,
          document: {
            name: 'for-you',
            trigger: { kind: 'order', status: 'placed' },
            steps: [
              {
                kind: 'send',
                id: 'mail',
                channels: ['email'],
                promotional: true,
                content: {
                  email: {
                    subject: 'Gợi ý cho bạn',
                    text: '{% for r in recommendations limit: 2 %}{{ r.title }} ({{ r.reason }})\n{% endfor %}',
                  },
                },
              },
            ],
          },
        });
        const preview = await previewFlowMessage(ctx, {
          shopId: SHOP,
          name: 'for-you',
          step: 'mail',
          customerId: id,
          lang: 'vi',
        });
        const text = preview.message.channel === 'email' ? preview.message.text : '';
        expect(text).toMatch(/^Dầu (gội|xả) \d \(Bạn mua sản phẩm này khoảng mỗi ~\d+ ngày\)\n/);
        expect(text.trim().split('\n')).toHaveLength(2);
      } finally {
        await server.app.close();
        await store.close();
      }
    });
  });
