import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApiKey } from '../../src/app/api-keys.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { loadShopSettings } from '../../src/app/shop-settings.js';
import { listShopUsers } from '../../src/app/users.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer } from '../server/support.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard settings (${engine.title})`, () => {
    let store: Store;
    let ctx: AppContext;
    let url = '';
    let close: () => Promise<void>;
    let owner: DashboardClient;
    beforeAll(async () => {
      store = await engine.open();
      ctx = makeContext(store);
      const server = await startTestServer(store);
      url = server.url;
      close = server.close;
      owner = new DashboardClient(url);
      await owner.signIn(await makeUser(ctx, 'shop-a', 'owner'), undefined, '/settings');
    });
    afterAll(async () => {
      await close();
      await store.close();
    });

    it('shows the webhook URLs of its own shop and the snippet', async () => {
      const page = await owner.get('/settings');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`${url}/webhooks/shopify/shop-a`);
      expect(page.text).toContain(`${url}/webhooks/haravan/shop-a`);
      expect(page.text).toContain(
        `&lt;script src=&quot;${url}/widget.js&quot; data-key=&quot;pk_…&quot; async&gt;&lt;/script&gt;`,
      );
      expect(page.text).toContain('Cài đặt');
    });

    it('saves the shop settings, and a bad value changes nothing', async () => {
      const bad = await owner.post('/settings/shop', {
        name: 'Shop A mới',
        timezone: 'Asia/Nowhere',
        'tracking.allowed_origins': 'https://a.example.vn',
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('timezone');
      const unchanged = await loadShopSettings(ctx, 'shop-a');
      expect(unchanged.name).not.toBe('Shop A mới');
      expect(unchanged.trackingAllowedOrigins).toEqual([]);

      const ok = await owner.post('/settings/shop', {
        name: 'Shop A mới',
        timezone: 'Asia/Bangkok',
        currency: 'VND',
        'tracking.allowed_origins': 'https://a.example.vn, http://127.0.0.1:3000',
      });
      expect(ok.status).toBe(303);
      const saved = await loadShopSettings(ctx, 'shop-a');
      expect(saved).toMatchObject({ name: 'Shop A mới', timezone: 'Asia/Bangkok' });
      expect(saved.trackingAllowedOrigins).toEqual(['https://a.example.vn', 'http://127.0.0.1:3000']);
    });

    it('sets a webhook secret without ever printing it back', async () => {
      const answer = await owner.post('/settings/secret', {
        key: 'shopify.webhook_secret',
        value: 'shpss_secret_value_1',
      });
      expect(answer.status).toBe(303);
      expect((await loadShopSettings(ctx, 'shop-a')).shopifyWebhookSecret).toBe('shpss_secret_value_1');
      const page = await owner.get('/settings');
      expect(page.text).not.toContain('shpss_secret_value_1');
      expect(page.text).toContain('đã đặt');
    });

    it('creates a publishable key, shows it once in the snippet, and revokes it', async () => {
      const made = await owner.post('/settings/keys', { kind: 'publishable', label: 'website' });
      expect(made.status).toBe(201);
      const key = /data-key=&quot;(pk_[A-Za-z0-9_-]+)&quot;/.exec(made.text)?.[1];
      expect(key).toBeDefined();
      const record = await findApiKey(ctx, key ?? '');
      expect(record).toMatchObject({ shopId: 'shop-a', kind: 'publishable', label: 'website' });
      const again = await owner.get('/settings');
      expect(again.text).not.toContain(key ?? '');
      const revoked = await owner.post(`/settings/keys/${record?.keyId}/revoke`, {});
      expect(revoked.status).toBe(303);
      expect(await findApiKey(ctx, key ?? '')).toBeUndefined();
    });

    it('adds a staff user with a setup link; staff cannot open settings', async () => {
      const made = await owner.post('/settings/users', { email: 'NhanVien@Shop-A.vn', role: 'staff' });
      expect(made.status).toBe(201);
      const link = /(http:\/\/127\.0\.0\.1:\d+\/setup\?email=[^<\s]+)/
        .exec(made.text)?.[1]
        ?.replace(/&amp;/g, '&');
      expect(link).toBeDefined();
      const users = await listShopUsers(ctx, { shopId: 'shop-a' });
      expect(users.map((u) => [u.email, u.role])).toContainEqual(['nhanvien@shop-a.vn', 'staff']);
      const duplicate = await owner.post('/settings/users', { email: 'nhanvien@shop-a.vn', role: 'staff' });
      expect(duplicate.status).toBe(409);

      const staff = new DashboardClient(url);
      const setupPage = await staff.get(new URL(link ?? '').pathname + new URL(link ?? '').search);
      staff.csrf = /name="_csrf" value="([^"]+)"/.exec(setupPage.text)?.[1] ?? '';
      const code = new URL(link ?? '').searchParams.get('code') ?? '';
      expect(
        (await staff.post('/setup', { email: 'nhanvien@shop-a.vn', code, password: 'staff password 1' }))
          .status,
      ).toBe(303);
      const denied = await staff.get('/settings');
      expect(denied.status).toBe(403);
      expect(denied.text).toContain('Chỉ chủ shop');
      expect(denied.text).not.toContain('/settings"');
      expect((await staff.post('/settings/keys', { kind: 'secret', label: 'x' })).status).toBe(403);
    });

    it("never shows or changes another shop's settings", async () => {
      const other = new DashboardClient(url);
      await other.signIn(await makeUser(ctx, 'shop-b', 'owner'), undefined, '/settings');
      const page = await other.get('/settings');
      expect(page.text).toContain('/webhooks/shopify/shop-b');
      expect(page.text).not.toContain('shop-a');
      expect(page.text).not.toContain('Shop A mới');
      const keyOfA = (await owner.post('/settings/keys', { kind: 'secret', label: 'a' })).text;
      const idOfA = /\/settings\/keys\/(key_[A-Z0-9]+)\/revoke/.exec(keyOfA)?.[1];
      expect(idOfA).toBeDefined();
      const cross = await other.post(`/settings/keys/${idOfA}/revoke`, {});
      expect(cross.status).toBe(404);
      expect(page.text).not.toContain(idOfA ?? 'never');
    });
  });
}
