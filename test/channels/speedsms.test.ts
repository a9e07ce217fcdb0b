import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSpeedsmsChannel, SPEEDSMS_CODES } from '../../src/channels/speedsms.js';
import type { FakeProvider } from '../support/fakes/common.js';
import { SPEEDSMS_FAKE_TOKEN, type SpeedsmsSent, startSpeedsmsFake } from '../support/fakes/speedsms.js';
import { expectNoSecrets, message } from './support.js';

let fake: FakeProvider<SpeedsmsSent>;
beforeAll(async () => {
  fake = await startSpeedsmsFake();
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
});

const channel = (token = SPEEDSMS_FAKE_TOKEN, timeoutMs?: number) =>
  createSpeedsmsChannel(
    { baseUrl: fake.url, token, sender: 'SHOPABC', smsType: 2 },
    timeoutMs === undefined ? {} : { timeoutMs },
  );

describe('SpeedSMS adapter', () => {
  it('sends with Basic token:x; the tranId is the provider id', async () => {
    const c = channel();
    expect(c).toMatchObject({ kind: 'sms', provider: 'speedsms', idempotent: false });
    const out = await c.send(message());
    const last = fake.received.at(-1);
    expect(out).toEqual({ kind: 'sent', providerMessageId: String(last?.tranId) });
    expect(last).toMatchObject({ to: ['84912345678'], smsType: 2, sender: 'SHOPABC' });
  });

  it('a repeat is a second message: SpeedSMS has no idempotency key', async () => {
    const before = fake.received.length;
    await channel().send(message({ idempotencyKey: 'same' }));
    await channel().send(message({ idempotencyKey: 'same' }));
    expect(fake.received.length - before).toBe(2);
  });

  it('a wrong token (HTTP 401) is failed, without the token in the reason', async () => {
    const out = await channel('wrong-token-value').send(message());
    expect(out).toMatchObject({ kind: 'failed', code: 'http_401' });
    expectNoSecrets(out, ['wrong-token-value', SPEEDSMS_FAKE_TOKEN]);
  });

  for (const [code, { kind }] of Object.entries(SPEEDSMS_CODES)) {
    it(`code ${code} → ${kind}`, async () => {
      fake.failNext(code);
      const out = await channel().send(message());
      expect(out).toMatchObject({ kind, code });
      expectNoSecrets(out, [SPEEDSMS_FAKE_TOKEN]);
    });
  }

  it('an invalid phone for one recipient (105) is unreachable', async () => {
    fake.failFor('84987654321', '105');
    expect(await channel().send(message({ to: '0987654321' }))).toMatchObject({
      kind: 'unreachable',
      code: '105',
    });
  });

  it('HTTP 429 (rate limit) is a retry', async () => {
    fake.failNext('http_429');
    expect(await channel().send(message())).toMatchObject({ kind: 'retry', code: 'http_429' });
  });

  it('HTTP 502 is a retry', async () => {
    fake.failNext('http_502');
    expect(await channel().send(message())).toMatchObject({ kind: 'retry', code: 'http_502' });
  });

  it('no answer within the timeout is a retry', async () => {
    fake.hangNext(1);
    expect(await channel(SPEEDSMS_FAKE_TOKEN, 200).send(message())).toMatchObject({
      kind: 'retry',
      code: 'timeout',
    });
  });
});
