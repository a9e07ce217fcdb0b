import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { listShopUsers } from '../../src/app/users.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer } from '../server/support.js';
import { DashboardClient } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`first owner through the welcome link (${engine.title})`, () => {
    let store: Store;
    let ctx: AppContext;
    let url = '';
    let close: () => Promise<void>;
    const code = 'welcome-code-welcome-code-123';
    beforeAll(async () => {
      store = await engine.open();
      ctx = makeContext(store);
      await store.ensureShop({ shopId: 'fresh' });
      const server = await startTestServer(store, () => [], { firstOwner: { shopId: 'fresh', code } });
      url = server.url;
      close = server.close;
    });
    afterAll(async () => {
      await close();
      await store.close();
    });

    it('is a 404 without the code or with a wrong one', async () => {
      expect((await new DashboardClient(url).get('/welcome')).status).toBe(404);
      expect((await new DashboardClient(url).get('/welcome?code=guess')).status).toBe(404);
    });

    it('creates the owner once, signed in, then refuses', async () => {
      const client = new DashboardClient(url);
      const form = await client.get(`/welcome?code=${code}`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('Chào mừng');
      client.csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const short = await client.post('/welcome', { code, email: 'chu@fresh.vn', password: 'short' });
      expect(short.status).toBe(400);
      expect(await listShopUsers(ctx, { shopId: 'fresh' })).toEqual([]);
      const made = await client.post('/welcome', {
        code,
        email: 'chu@fresh.vn',
        password: 'owner password 1',
      });
      expect(made.status).toBe(303);
      expect((await client.get('/settings')).status).toBe(200);
      const users = await listShopUsers(ctx, { shopId: 'fresh' });
      expect(users.map((u) => [u.email, u.role])).toEqual([['chu@fresh.vn', 'owner']]);

      const late = new DashboardClient(url);
      const again = await late.get(`/welcome?code=${code}`);
      late.csrf = /name="_csrf" value="([^"]+)"/.exec(again.text)?.[1] ?? '';
      const refused = await late.post('/welcome', {
        code,
        email: 'intruder@fresh.vn',
        password: 'another password',
      });
      expect(refused.status).toBe(409);
      expect((await listShopUsers(ctx, { shopId: 'fresh' })).length).toBe(1);
    });
  });
}
