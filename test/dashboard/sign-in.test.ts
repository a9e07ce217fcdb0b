import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { createUser, resetUserSetupCode } from '../../src/app/users.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { buildServer } from '../../src/server/server.js';
import type { Store } from '../../src/store/store.js';
import { DashboardClient, makeUser, TEST_PASSWORD } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard sign-in (${engine.title})`, () => {
    let store: Store;
    let url = '';
    let close: () => Promise<void>;
    beforeAll(async () => {
      store = await engine.open();
      const ctx = makeContext(store);
      const server = await buildServer({
        ctx,
        signInLimits: {
          perIp: new RateLimiter({ perSecond: 0.001, burst: 1000 }),
          perEmail: new RateLimiter({ perSecond: 0.001, burst: 8 }),
        },
      });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      close = () => server.app.close();
    });
    afterAll(async () => {
      await close();
      await store.close();
    });

    it('sends a visitor without a session to the sign-in page, coming back after', async () => {
      const client = new DashboardClient(url);
      const answer = await client.get('/settings?tab=keys');
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe(
        `/sign-in?next=${encodeURIComponent('/settings?tab=keys')}`,
      );
      const htmx = await client.get('/settings', { 'hx-request': 'true' });
      expect(htmx.headers.get('hx-redirect')).toMatch(/^\/sign-in\?next=/);
    });

    it('signs in with the right password only, sets an HttpOnly SameSite session cookie, and signs out', async () => {
      const ctx = makeContext(store);
      const email = await makeUser(ctx, 'shop-a');
      const wrong = new DashboardClient(url);
      const refused = await wrong.signIn(email, 'not the password at all');
      expect(refused.status).toBe(401);
      expect(refused.text).toContain('role="alert"');
      expect(refused.headers.getSetCookie().some((c) => c.startsWith('nurture_session='))).toBe(false);

      const client = new DashboardClient(url);
      const answer = await client.signIn(email.toUpperCase(), TEST_PASSWORD, '/settings');
      expect(answer.status).toBe(303);
      const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('nurture_session='));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect((await client.get('/sign-in')).status).toBe(303);

      const forged = await client.post('/sign-out', { _csrf: 'forged-token-forged-token' });
      expect(forged.status).toBe(403);
      expect((await client.get('/sign-in')).status).toBe(303);
      const crossSite = await client.post('/sign-out', {}, { origin: 'https://evil.example' });
      expect(crossSite.status).toBe(403);
      const out = await client.post('/sign-out', {});
      expect(out.status).toBe(303);
      expect((await client.get('/sign-in')).status).toBe(200);
    });

    it('refuses a sign-in form without its CSRF cookie', async () => {
      const ctx = makeContext(store);
      const email = await makeUser(ctx, 'shop-a');
      const client = new DashboardClient(url);
      const answer = await client.post('/sign-in', { email, password: TEST_PASSWORD, _csrf: 'x'.repeat(32) });
      expect(answer.status).toBe(403);
    });

    it('lets a user created without a password choose one with the setup code, once', async () => {
      const ctx = makeContext(store);
      const created = await createUser(ctx, { shopId: 'shop-b', email: 'staff@shop-b.vn', role: 'staff' });
      expect(created.setupCode).toBeDefined();
      const client = new DashboardClient(url);
      const form = await client.get('/setup');
      client.csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const bad = await client.post('/setup', {
        email: 'staff@shop-b.vn',
        code: 'wrong',
        password: 'long enough pw',
      });
      expect(bad.status).toBe(401);
      const short = await client.post('/setup', {
        email: 'staff@shop-b.vn',
        code: created.setupCode ?? '',
        password: 'short',
      });
      expect(short.status).toBe(400);
      expect(short.text).toContain('10');
      const ok = await client.post('/setup', {
        email: 'staff@shop-b.vn',
        code: created.setupCode ?? '',
        password: 'a new password',
      });
      expect(ok.status).toBe(303);
      const again = await new DashboardClient(url).signIn('staff@shop-b.vn', 'a new password');
      expect(again.status).toBe(303);
      const reuse = new DashboardClient(url);
      const page = await reuse.get('/setup');
      reuse.csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const replay = await reuse.post('/setup', {
        email: 'staff@shop-b.vn',
        code: created.setupCode ?? '',
        password: 'another password',
      });
      expect(replay.status).toBe(401);
      const reset = await resetUserSetupCode(ctx, { shopId: 'shop-b', email: 'staff@shop-b.vn' });
      expect(reset.setupCode).not.toBe(created.setupCode);
    });

    it('rate limits sign-in attempts per e-mail', async () => {
      const ctx = makeContext(store);
      const email = await makeUser(ctx, 'shop-c');
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++)
        statuses.push((await new DashboardClient(url).signIn(email, 'wrong password!')).status);
      expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
      expect(statuses.slice(8)).toEqual([429, 429]);
      expect((await new DashboardClient(url).signIn(email)).status).toBe(429);
    });
  });
}
