/**
 * Settings → Channels over HTTP on both engines: the owner sets a channel's keys (a secret never
 * comes back in any answer), a bad value is shown next to its field and changes nothing, staff read
 * the state but cannot post, and a test send goes through the adapter to a fake receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showChannelSettings } from '../../src/app/channel-settings.js';
import { type AppContext, makeContext } from '../../src/app/context.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer } from '../server/support.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { ESMS_FAKE_KEYS, startEsmsFake } from '../support/fakes/esms.js';
import { SMTP_FAKE_AUTH, startSmtpFake } from '../support/fakes/smtp.js';
import { startWebhookFake, WEBHOOK_FAKE_SECRET, type WebhookFake } from '../support/fakes/webhook.js';

const SMTP_PASSWORD = 'smtp-pass-very-secret-77';
const SMTP_URL = `smtp://shop:${SMTP_PASSWORD}@127.0.0.1:2525`;
const ESMS_KEY = 'esms-api-key-secret-9911';

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard channel settings (${engine.title})`, () => {
    let store: Store;
    let ctx: AppContext;
    let url = '';
    let close: () => Promise<void>;
    let owner: DashboardClient;
    let staff: DashboardClient;
    let hook: WebhookFake;
    /** Every body the server answered in this file, to look for secrets in. */
    const bodies: string[] = [];
    const seen = <A extends { text: string }>(answer: A): A => {
      bodies.push(answer.text);
      return answer;
    };
    const emailOf = async () =>
      (await showChannelSettings(ctx, { shopId: 'shop-c', channel: 'email' }))[0]?.settings ?? [];

    beforeAll(async () => {
      store = await engine.open();
      ctx = makeContext(store);
      const server = await startTestServer(store);
      url = server.url;
      close = server.close;
      hook = await startWebhookFake();
      owner = new DashboardClient(url);
      await owner.signIn(await makeUser(ctx, 'shop-c', 'owner'), undefined, '/settings/channels');
      staff = new DashboardClient(url);
      await staff.signIn(await makeUser(ctx, 'shop-c', 'staff'), undefined, '/settings/channels');
    });
    afterAll(async () => {
      await hook?.close();
      await close?.();
      await store?.close();
    });

    it('lists every channel with its keys, explanations and readiness; the settings page links to it', async () => {
      const settings = seen(await owner.get('/settings'));
      expect(settings.text).toContain('href="/settings/channels"');
      expect(settings.text).toContain('public_url — địa chỉ Nurture mà khách truy cập được');
      const page = seen(await owner.get('/settings/channels'));
      expect(page.status).toBe(200);
      for (const channel of ['email', 'sms', 'esms', 'speedsms', 'zalo', 'messenger', 'webhook'])
        expect(page.text).toContain(`data-channel="${channel}"`);
      expect(page.text).toContain('máy chủ gửi thư: smtp://tên:mật-khẩu@máy-chủ:cổng');
      expect(page.text).toContain('chưa sẵn sàng');
      expect(page.text).toContain('Còn thiếu: smtp_url, from');
      // A default is a placeholder, not a value that would be stored back.
      expect(page.text).toContain('placeholder="https://rest.esms.vn"');
      const english = seen(
        await owner.get('/settings/channels', { cookie: `${owner.cookieHeader()}; nurture_lang=en` }),
      );
      expect(english.text).toContain('the mail server: smtp://user:password@host:port');
      expect(english.text).toContain('Missing: smtp_url, from');
    });

    it("sets a channel's keys; the secret shows only as set and never in a form value", async () => {
      const saved = seen(
        await owner.post('/settings/channels/email', {
          smtp_url: SMTP_URL,
          from: 'Shop C <hello@shop-c.vn>',
        }),
      );
      expect(saved.status).toBe(303);
      expect(saved.headers.get('location')).toBe('/settings/channels?saved=email#ch-email');
      const page = seen(await owner.get('/settings/channels?saved=email'));
      const email = /<section[^>]*data-channel="email"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
      expect(email).toContain('Đã lưu.');
      expect(email).toContain('data-ready="yes"');
      expect(email).toContain('data-secret="set"');
      expect(email).toMatch(/name="smtp_url" type="password"(?![^>]*value=)/);
      expect(email).toContain('value="Shop C &lt;hello@shop-c.vn&gt;"');
      expect(await emailOf()).toContainEqual(
        expect.objectContaining({ key: 'smtp_url', set: true, value: null }),
      );

      // A blank secret keeps the one set; the plain value can change alone.
      expect(
        seen(await owner.post('/settings/channels/email', { smtp_url: '', from: 'hello@shop-c.vn' })).status,
      ).toBe(303);
      const after = await emailOf();
      expect(after.find((s) => s.key === 'smtp_url')?.set).toBe(true);
      expect(after.find((s) => s.key === 'from')?.value).toBe('hello@shop-c.vn');
    });

    it('shows a bad value next to its field and changes nothing, not even the good ones', async () => {
      const bad = seen(
        await owner.post('/settings/channels/esms', {
          api_key: ESMS_KEY,
          secret_key: 'short',
          brandname: 'SHOPC',
          base_url: 'not a url',
        }),
      );
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="ch-esms-secret_key-error"');
      expect(bad.text).toContain('id="ch-esms-base_url-error"');
      expect(bad.text).toMatch(/id="ch-esms-secret_key"[^>]*aria-invalid="true"/);
      expect(bad.text).toContain('at least 8 characters');
      // What was typed in plain fields is kept; nothing typed in a secret field comes back.
      expect(bad.text).toContain('value="not a url"');
      const esms = (await showChannelSettings(ctx, { shopId: 'shop-c', channel: 'esms' }))[0];
      expect(esms?.settings.filter((s) => s.set)).toEqual([]);
      expect(esms?.ready).toBe(false);
    });

    it('lets staff read the state but not post', async () => {
      const page = seen(await staff.get('/settings/channels'));
      expect(page.status).toBe(200);
      expect(page.text).toContain('Chỉ chủ shop thay đổi được');
      expect(page.text).not.toContain('action="/settings/channels/');
      expect(page.text).toContain('data-secret="set"');
      const denied = seen(await staff.post('/settings/channels/webhook', { url: hook.hookUrl }));
      expect(denied.status).toBe(403);
      const test = seen(await staff.post('/settings/channels/email/test', { to: 'lan@example.vn' }));
      expect(test.status).toBe(403);
      const webhook = (await showChannelSettings(ctx, { shopId: 'shop-c', channel: 'webhook' }))[0];
      expect(webhook?.settings.find((s) => s.key === 'url')?.set).toBe(false);
    });

    it('sends a test through a ready channel and shows the outcome', async () => {
      const notReady = seen(await owner.post('/settings/channels/webhook/test', { to: '' }));
      expect(notReady.status).toBe(400);
      expect(notReady.text).toContain('webhook is not ready: missing url, secret');

      expect(
        seen(
          await owner.post('/settings/channels/webhook', { url: hook.hookUrl, secret: WEBHOOK_FAKE_SECRET }),
        ).status,
      ).toBe(303);
      const sent = seen(await owner.post('/settings/channels/webhook/test', { to: '' }));
      expect(sent.status).toBe(200);
      expect(sent.text).toContain('data-outcome="sent"');
      expect(hook.received).toHaveLength(1);
      expect(hook.violations).toEqual([]);
      expect(hook.received[0]?.body).toMatchObject({ test: true });

      hook.failNext('http_401');
      const refused = seen(await owner.post('/settings/channels/webhook/test', { to: '' }));
      expect(refused.text).toMatch(/data-outcome="(failed|retry)"/);
      expect(refused.text).toContain('<code>');

      const badTo = seen(await owner.post('/settings/channels/email/test', { to: 'not an address' }));
      expect(badTo.status).toBe(400);
      expect(badTo.text).toContain('to: an e-mail address');
      expect(badTo.text).toContain('value="not an address"');
    });

    it('sends a test e-mail and a test SMS through their providers', async () => {
      const smtp = await startSmtpFake();
      const esms = await startEsmsFake();
      try {
        const email = seen(await owner.post('/settings/channels/email', { smtp_url: smtp.url }));
        expect(email.status).toBe(303);
        const mail = seen(await owner.post('/settings/channels/email/test', { to: 'lan@example.vn' }));
        expect(mail.text).toContain('data-outcome="sent"');
        expect(mail.text).toContain('Kết quả (smtp)');
        expect(smtp.received.map((m) => m.to)).toEqual([['lan@example.vn']]);
        expect(smtp.violations).toEqual([]);

        const keys = seen(
          await owner.post('/settings/channels/esms', {
            base_url: esms.url,
            api_key: ESMS_FAKE_KEYS.apiKey,
            secret_key: ESMS_FAKE_KEYS.secretKey,
            brandname: ESMS_FAKE_KEYS.brandname,
          }),
        );
        expect(keys.status).toBe(303);
        const sms = seen(await owner.post('/settings/channels/sms/test', { to: '0912 345 678' }));
        expect(sms.text).toContain('data-outcome="sent"');
        expect(sms.text).toContain('Kết quả (esms)');
        expect(esms.received.map((m) => m.phone)).toEqual(['84912345678']);
        expect(esms.violations).toEqual([]);
        for (const body of bodies) {
          expect(body).not.toContain(SMTP_FAKE_AUTH.pass);
          expect(body).not.toContain(encodeURIComponent(SMTP_FAKE_AUTH.pass));
          expect(body).not.toContain(ESMS_FAKE_KEYS.apiKey);
          expect(body).not.toContain(ESMS_FAKE_KEYS.secretKey);
        }
      } finally {
        await smtp.close();
        await esms.close();
      }
    });

    it("never shows another shop's channel state", async () => {
      const other = new DashboardClient(url);
      await other.signIn(await makeUser(ctx, 'shop-d', 'owner'), undefined, '/settings/channels');
      const page = seen(await other.get('/settings/channels'));
      expect(page.text).not.toContain('data-secret="set"');
      expect(page.text).not.toContain('hello@shop-c.vn');
    });

    it('never answered with a secret, in any response of this file', () => {
      expect(bodies.length).toBeGreaterThan(15);
      for (const body of bodies) {
        expect(body).not.toContain(SMTP_PASSWORD);
        expect(body).not.toContain(ESMS_KEY);
        expect(body).not.toContain(WEBHOOK_FAKE_SECRET);
      }
    });
  });
}
