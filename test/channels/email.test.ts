import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../src/channels/email.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { type MailReceived, SMTP_FAKE_AUTH, startSmtpFake } from '../support/fakes/smtp.js';
import { expectNoSecrets, message } from './support.js';

let fake: FakeProvider<MailReceived>;
beforeAll(async () => {
  fake = await startSmtpFake();
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
});

const FROM = 'Shop ABC <hello@shop.example.vn>';
const channel = (smtpUrl = fake.url, timeoutMs?: number) =>
  createEmailChannel({ smtpUrl, from: FROM }, timeoutMs === undefined ? {} : { timeoutMs });
const mail = (over = {}) =>
  message({
    channel: 'email',
    to: 'lan@example.vn',
    subject: 'Đơn hàng #1001 đã giao',
    text: 'Cảm ơn bạn đã mua hàng.',
    html: '<p>Cảm ơn bạn đã mua hàng.</p>',
    ...over,
  });
const SECRETS = [SMTP_FAKE_AUTH.pass, encodeURIComponent(SMTP_FAKE_AUTH.pass)];

describe('SMTP e-mail adapter', () => {
  it('sends text and HTML with Message-ID <key@nurture>', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'email', provider: 'smtp', idempotent: true });
    const out = await c.send(mail({ idempotencyKey: 'nk-e1' }));
    expect(out).toEqual({ kind: 'sent', providerMessageId: '<nk-e1@nurture>' });
    const got = fake.received.at(-1);
    expect(got?.messageId).toBe('<nk-e1@nurture>');
    expect(got?.to).toEqual(['lan@example.vn']);
    expect(got?.headers.get('content-type')).toMatch(/multipart\/alternative/);
    expect(got?.headers.has('list-unsubscribe')).toBe(false);
  });

  it('adds the RFC 8058 one-click unsubscribe headers when given a link', async () => {
    await channel().send(
      mail({ idempotencyKey: 'nk-e2', promotional: true, unsubscribeUrl: 'https://shop.example.vn/u/abc' }),
    );
    const got = fake.received.at(-1);
    expect(got?.headers.get('list-unsubscribe')).toBe('<https://shop.example.vn/u/abc>');
    expect(got?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('a wrong password (535) is failed, and the password is in no outcome', async () => {
    const url = fake.url.replace(encodeURIComponent(SMTP_FAKE_AUTH.pass), 'wrong-pass-777');
    const out = await channel(url).send(mail());
    expect(out).toMatchObject({ kind: 'failed', code: '535' });
    expectNoSecrets(out, [...SECRETS, 'wrong-pass-777']);
  });

  it('535 from the server is failed', async () => {
    fake.failNext('535');
    expect(await channel().send(mail())).toMatchObject({ kind: 'failed', code: '535' });
  });

  for (const code of ['421', '450', '451', '452']) {
    it(`${code} (temporary) is a retry`, async () => {
      fake.failNext(code);
      const out = await channel().send(mail());
      expect(out).toMatchObject({ kind: 'retry', code });
      expectNoSecrets(out, SECRETS);
    });
  }

  for (const code of ['550', '551', '553']) {
    it(`${code} on the recipient is unreachable`, async () => {
      fake.failFor(`gone-${code}@example.vn`, code);
      const out = await channel().send(mail({ to: `gone-${code}@example.vn` }));
      expect(out).toMatchObject({ kind: 'unreachable', code });
      expectNoSecrets(out, SECRETS);
    });
  }

  it('a refused connection is a retry', async () => {
    const port = await freePort();
    const out = await channel(`smtp://u:${encodeURIComponent(SMTP_FAKE_AUTH.pass)}@127.0.0.1:${port}`).send(
      mail(),
    );
    expect(out).toMatchObject({ kind: 'retry' });
    expect((out as { reason: string }).reason).toContain('ECONNREFUSED');
    expectNoSecrets(out, SECRETS);
  });

  it('no answer within the timeout is a retry', async () => {
    fake.hangNext(1);
    expect(await channel(fake.url, 300).send(mail())).toMatchObject({ kind: 'retry', code: 'timeout' });
  });
});

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
