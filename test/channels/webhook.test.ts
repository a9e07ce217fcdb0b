import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookChannel, webhookSignature } from '../../src/channels/webhook.js';
import { startWebhookFake, WEBHOOK_FAKE_SECRET, type WebhookFake } from '../support/fakes/webhook.js';
import { expectNoSecrets, message } from './support.js';

let fake: WebhookFake;
beforeAll(async () => {
  fake = await startWebhookFake();
});
afterAll(() => fake.close());

const channel = (secret = WEBHOOK_FAKE_SECRET, timeoutMs?: number) =>
  createWebhookChannel({ url: fake.hookUrl, secret }, timeoutMs === undefined ? {} : { timeoutMs });
const msg = (over = {}) => message({ channel: 'webhook', ...over });

describe('outgoing webhook adapter', () => {
  afterEach(() => {
    expect(fake.violations).toEqual([]);
  });

  it('posts the signed message; the receiver records it once per Idempotency-Key', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'webhook', provider: 'webhook', idempotent: true });
    expect(await c.send(msg({ idempotencyKey: 'nk-w1' }))).toEqual({ kind: 'sent' });
    expect(await c.send(msg({ idempotencyKey: 'nk-w1' }))).toEqual({ kind: 'sent' });
    expect(fake.received.filter((r) => r.idempotencyKey === 'nk-w1')).toHaveLength(1);
    expect(fake.repeats()).toBe(1);
    expect(fake.received.at(-1)?.body).toMatchObject({
      messageId: 'msg_01',
      to: '+84912345678',
      text: expect.any(String),
    });
  });

  it("posts the message's own payload when it has one", async () => {
    await channel().send(
      msg({ idempotencyKey: 'nk-w2', payload: { event: 'order_delivered', orderId: 'o1' } }),
    );
    expect(fake.received.at(-1)?.body).toEqual({ event: 'order_delivered', orderId: 'o1' });
  });

  it('the signature is the hex HMAC-SHA256 of the raw body (RFC 4231 test case 2)', () => {
    expect(webhookSignature('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  const CASES: [string, string][] = [
    ['410', 'unreachable'],
    ['400', 'failed'],
    ['403', 'failed'],
    ['404', 'failed'],
    ['429', 'retry'],
    ['500', 'retry'],
    ['503', 'retry'],
  ];
  for (const [status, kind] of CASES) {
    it(`HTTP ${status} → ${kind}`, async () => {
      fake.failNext(status);
      const out = await channel().send(msg({ idempotencyKey: `nk-s${status}` }));
      expect(out).toMatchObject({ kind, code: status });
      expectNoSecrets(out, [WEBHOOK_FAKE_SECRET]);
    });
  }

  it('no answer within the timeout is a retry', async () => {
    fake.hangNext(1);
    expect(await channel(WEBHOOK_FAKE_SECRET, 200).send(msg({ idempotencyKey: 'nk-hang' }))).toMatchObject({
      kind: 'retry',
      code: 'timeout',
    });
  });
});

describe('the webhook receiver fake checks the signature', () => {
  it('a body signed with another secret is a contract violation (400 → failed)', async () => {
    const before = fake.violations.length;
    const out = await channel('another-secret-000').send(msg({ idempotencyKey: 'nk-badsig' }));
    expect(out).toMatchObject({ kind: 'failed', code: '400' });
    expect(fake.violations.slice(before)).toEqual(['X-Nurture-Signature does not match the body']);
    fake.violations.splice(before);
  });
});
