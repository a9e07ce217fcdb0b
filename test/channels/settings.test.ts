/**
 * Channel settings on both engines: set and show through the app functions and the API (secrets
 * never returned), bad keys and values change nothing, loadChannels builds the configured
 * adapters, and a Zalo refresh persists the rotated pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import {
  loadChannels,
  saveZaloTokens,
  setChannelSetting,
  showChannelSettings,
} from '../../src/app/channel-settings.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { SmtpPools } from '../../src/channels/smtp-pool.js';
import { readShopSettings } from '../../src/store/settings/index.js';
import type { Store } from '../../src/store/store.js';
import { call, startTestServer, type TestServer } from '../server/support.js';
import { ENGINES } from '../support/engines.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { ESMS_FAKE_KEYS, type EsmsSent, startEsmsFake } from '../support/fakes/esms.js';
import { startZaloFake, ZALO_FAKE, type ZaloFake } from '../support/fakes/zalo.js';
import { message } from './support.js';

const SHOP = 'shop-ch';
const OTHER = 'shop-other';

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let store: Store;
    let ctx: AppContext;
    beforeAll(async () => {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP });
      await store.ensureShop({ shopId: OTHER });
      ctx = makeContext(store);
    });
    afterAll(async () => {
      await store?.close();
    });

    const set = (channel: string, key: string, value: string, shopId = SHOP) =>
      setChannelSetting(ctx, { shopId, channel, key, value });

    it('sets and shows; a secret is only "set", a default is shown as such', async () => {
      const view = await set('esms', 'api_key', 'esms-live-key-999');
      expect(view).toMatchObject({ channel: 'esms', key: 'api_key', value: null, secret: true, set: true });
      expect(JSON.stringify(view)).not.toContain('esms-live-key-999');
      await set('esms', 'brandname', 'SHOPABC');
      const [esms] = await showChannelSettings(ctx, { shopId: SHOP, channel: 'esms' });
      expect(JSON.stringify(esms)).not.toContain('esms-live-key-999');
      expect(esms).toMatchObject({ channel: 'esms', ready: false, missing: ['secret_key'] });
      const byKey = new Map(esms?.settings.map((s) => [s.key, s]));
      expect(byKey.get('brandname')).toMatchObject({ value: 'SHOPABC', set: true });
      expect(byKey.get('base_url')).toMatchObject({
        value: 'https://rest.esms.vn',
        set: false,
        isDefault: true,
      });
      expect(byKey.get('api_key')).toMatchObject({ value: null, set: true });
      expect(byKey.get('secret_key')).toMatchObject({ value: null, set: false });
      const stored = await readShopSettings(store, SHOP);
      expect(stored.get('channel.esms.api_key')).toBe('esms-live-key-999');
    });

    it('an unknown channel, an unknown key or a bad value is invalid_input and changes nothing', async () => {
      const before = await readShopSettings(store, SHOP);
      await expect(set('sms2', 'provider', 'esms')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(set('esms', 'apikey', 'x')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(set('esms', 'base_url', 'ftp://x')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(set('sms', 'provider', 'twilio')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(set('email', 'smtp_url', 'http://mail.example.vn')).rejects.toMatchObject({
        code: 'invalid_input',
      });
      await expect(set('esms', 'brandname', 'FAR TOO LONG BRAND')).rejects.toMatchObject({
        code: 'invalid_input',
      });
      await expect(set('zalo', 'app_id', 'abc')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(set('email', 'connections', '0')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(set('email', 'connections', '101')).rejects.toMatchObject({ code: 'invalid_input' });
      // A rejected secret is not echoed in the error either.
      const error = await set('webhook', 'secret', 'short-pw').catch((e: unknown) => e);
      expect(String((error as Error).message)).not.toContain('short-pw');
      await expect(set('esms', 'api_key', 'valid-key-123', 'no-such-shop')).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(await readShopSettings(store, SHOP)).toEqual(before);
    });

    it("a setting of one shop is not another shop's", async () => {
      const [other] = await showChannelSettings(ctx, { shopId: OTHER, channel: 'esms' });
      expect(other?.settings.every((s) => !s.set)).toBe(true);
    });

    describe('loadChannels', () => {
      let esmsFake: FakeProvider<EsmsSent>;
      let zaloFake: ZaloFake;
      beforeAll(async () => {
        esmsFake = await startEsmsFake();
        zaloFake = await startZaloFake();
      });
      afterAll(async () => {
        await esmsFake.close();
        await zaloFake.close();
      });

      it('builds only the configured channels; sms is the chosen provider', async () => {
        expect(await loadChannels(ctx, OTHER)).toEqual({});
        await set('esms', 'base_url', esmsFake.url, OTHER);
        await set('esms', 'api_key', ESMS_FAKE_KEYS.apiKey, OTHER);
        await set('esms', 'secret_key', ESMS_FAKE_KEYS.secretKey, OTHER);
        await set('esms', 'brandname', ESMS_FAKE_KEYS.brandname, OTHER);
        const channels = await loadChannels(ctx, OTHER);
        expect(Object.keys(channels)).toEqual(['sms']);
        expect(channels.sms?.provider).toBe('esms');
        expect(await channels.sms?.send(message({ idempotencyKey: `nk-load-${engine.name}` }))).toMatchObject(
          {
            kind: 'sent',
          },
        );
        expect(esmsFake.violations).toEqual([]);
        await set('speedsms', 'token', 'speedsms-token-abcdef', OTHER);
        await set('speedsms', 'sender', 'SHOPABC', OTHER);
        expect((await loadChannels(ctx, OTHER)).sms?.provider).toBe('esms');
        await set('sms', 'provider', 'speedsms', OTHER);
        expect((await loadChannels(ctx, OTHER)).sms?.provider).toBe('speedsms');
        const [sms] = await showChannelSettings(ctx, { shopId: OTHER, channel: 'sms' });
        expect(sms?.ready).toBe(true);
      });

      it('e-mail holds as many messages at once as its `connections` (16 by default)', async () => {
        await set('email', 'smtp_url', 'smtp://mail.example.vn:2525', OTHER);
        await set('email', 'from', 'Shop ABC <hello@shop.vn>', OTHER);
        const pools = new SmtpPools();
        try {
          expect((await loadChannels(ctx, OTHER, { smtpPools: pools })).email?.holding?.capacity).toBe(16);
          await set('email', 'connections', '40', OTHER);
          expect((await loadChannels(ctx, OTHER, { smtpPools: pools })).email?.holding?.capacity).toBe(40);
        } finally {
          await pools.close();
        }
      });

      it('a Zalo refresh persists the new access token and the rotated refresh token', async () => {
        await set('zalo', 'base_url', zaloFake.url, OTHER);
        await set('zalo', 'oauth_url', zaloFake.url, OTHER);
        await set('zalo', 'app_id', ZALO_FAKE.appId, OTHER);
        await set('zalo', 'secret_key', ZALO_FAKE.secretKey, OTHER);
        await set('zalo', 'access_token', ZALO_FAKE.accessToken, OTHER);
        await set('zalo', 'refresh_token', ZALO_FAKE.refreshToken, OTHER);
        zaloFake.expireAccessToken();
        const zalo = (await loadChannels(ctx, OTHER)).zalo;
        const out = await zalo?.send(
          message({ channel: 'zalo', zalo: { templateId: '1', templateData: { name: 'Lan' } } }),
        );
        expect(out?.kind).toBe('sent');
        const stored = await readShopSettings(store, OTHER);
        expect(stored.get('channel.zalo.access_token')).toBe(zaloFake.tokens().accessToken);
        expect(stored.get('channel.zalo.refresh_token')).toBe(zaloFake.tokens().refreshToken);
        expect(stored.get('channel.zalo.refresh_token')).not.toBe(ZALO_FAKE.refreshToken);
        // A channel built afresh (after a restart) uses the stored pair: the next expiry refreshes again.
        zaloFake.expireAccessToken();
        const again = (await loadChannels(ctx, OTHER)).zalo;
        expect(
          (await again?.send(message({ channel: 'zalo', zalo: { templateId: '1', templateData: {} } })))
            ?.kind,
        ).toBe('sent');
        expect(zaloFake.refreshCount()).toBe(2);
        expect(zaloFake.violations).toEqual([]);
      });

      it('two adapters (two workers): the second adopts the stored pair instead of refreshing again', async () => {
        const first = (await loadChannels(ctx, OTHER)).zalo;
        const second = (await loadChannels(ctx, OTHER)).zalo;
        const zns = message({ channel: 'zalo', zalo: { templateId: '1', templateData: {} } });
        zaloFake.expireAccessToken();
        const refreshes = zaloFake.refreshCount();
        expect((await first?.send(zns))?.kind).toBe('sent');
        expect((await second?.send(zns))?.kind).toBe('sent');
        expect(zaloFake.refreshCount()).toBe(refreshes + 1);
      });

      it('saveZaloTokens writes both in one go', async () => {
        await saveZaloTokens(ctx, OTHER, 'access-token-manual-0001', 'refresh-token-manual-0001');
        const stored = await readShopSettings(store, OTHER);
        expect(stored.get('channel.zalo.access_token')).toBe('access-token-manual-0001');
        expect(stored.get('channel.zalo.refresh_token')).toBe('refresh-token-manual-0001');
      });
    });

    describe('the API', () => {
      let server: TestServer;
      let key: string;
      beforeAll(async () => {
        server = await startTestServer(store);
        key = (await createApiKey(ctx, { shopId: SHOP, kind: 'secret' })).key;
      });
      afterAll(() => server.close());

      it('PUT sets, GET shows; secrets never come back', async () => {
        const put = await call(server.url, 'PUT', '/api/v1/channels/messenger/page_token', {
          key,
          body: { value: 'EAAGsecretpagetoken42' },
        });
        expect(put.status).toBe(200);
        expect(put.text).not.toContain('EAAGsecretpagetoken42');
        expect(put.body).toMatchObject({ channel: 'messenger', key: 'page_token', set: true, value: null });
        await call(server.url, 'PUT', '/api/v1/channels/messenger/page_id', {
          key,
          body: { value: '1122334455' },
        });
        const one = await call(server.url, 'GET', '/api/v1/channels/messenger', { key });
        expect(one.status).toBe(200);
        expect(one.body).toMatchObject({ channel: 'messenger', ready: true });
        expect(one.text).not.toContain('EAAGsecretpagetoken42');
        const all = await call(server.url, 'GET', '/api/v1/channels', { key });
        expect(all.status).toBe(200);
        expect((all.body as { channels: unknown[] }).channels).toHaveLength(7);
        expect(all.text).not.toContain('EAAGsecretpagetoken42');
        expect(all.text).not.toContain('esms-live-key-999');
      });

      it('a bad key or value is 400 and changes nothing', async () => {
        const before = await readShopSettings(store, SHOP);
        const bad = await call(server.url, 'PUT', '/api/v1/channels/messenger/page_id', {
          key,
          body: { value: 'abc' },
        });
        expect(bad.status).toBe(400);
        const unknown = await call(server.url, 'PUT', '/api/v1/channels/fax/number', {
          key,
          body: { value: '1' },
        });
        expect(unknown.status).toBe(400);
        const noKey = await call(server.url, 'GET', '/api/v1/channels/esms');
        expect(noKey.status).toBe(401);
        expect(await readShopSettings(store, SHOP)).toEqual(before);
      });
    });
  });
